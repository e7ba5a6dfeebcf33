#include "tokenservice.h"

#include "accessconfig.h"

#include "oci/errorcode.h"
#include "oci/reference.h"
#include "oci/wwwauthenticate.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUrlQuery>

namespace Minato::Registry {

using Oci::ErrorCode;

struct TokenService::CachedToken
{
    qint64 expiresAt = 0;
    qint64 notBefore = 0;
    QString user;
    std::shared_ptr<const AccessGrants> grants;
};

namespace {

// Clock skew tolerated on nbf (distribution's Leeway is 60 s on both ends; our own tokens expire on time).
constexpr qint64 notBeforeLeeway = 60;
constexpr qint64 maxFormBody = 64 * 1024;
constexpr qsizetype maxAuthorizationLength = CompactJwt::MaxLength + 16;

// An OCI error body that OAuth2 clients understand too: `errors` (distribution-spec) plus RFC 6749 §5.2's
// `error` and `error_description`.
void failToken(Exchange &ex, int status, ErrorCode code, const QString &oauthError, const QString &message,
               HttpHeaders headers = {})
{
    QJsonObject body = QJsonDocument::fromJson(Oci::ErrorBody::serialize(code, message)).object();
    body.insert(QStringLiteral("error"), oauthError);
    body.insert(QStringLiteral("error_description"), message);
    headers.set("Content-Type", "application/json");
    headers.set("Cache-Control", "no-store");
    ex.respond(status, std::move(headers), QJsonDocument(body).toJson(QJsonDocument::Compact));
}

// application/x-www-form-urlencoded (and query strings): '+' is a space; QUrlQuery alone would keep it.
QUrlQuery formQuery(QByteArray text)
{
    text.replace('+', ' ');
    return QUrlQuery(QString::fromUtf8(text));
}

QString formValue(const QUrlQuery &query, const QString &key)
{
    return query.queryItemValue(key, QUrl::FullyDecoded);
}

QStringList formValues(const QUrlQuery &query, const QString &key)
{
    return query.allQueryItemValues(key, QUrl::FullyDecoded);
}

QString randomId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
}

// Host header values a realm may be built from: a host name, IPv4 or [IPv6], and a port. Anything else
// (spaces, quotes, slashes, '@') is refused, so a client cannot inject text into our challenge.
bool isPlainHost(QByteArrayView host)
{
    if (host.isEmpty() || host.size() > 262) {
        return false;
    }
    for (const char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

} // namespace

TokenService::TokenService(SigningKey key, Options options, std::shared_ptr<PasswordVerifier> verifier,
                           std::shared_ptr<const Authorizer> authorizer)
    : m_key(std::move(key))
    , m_options(std::move(options))
    , m_verifier(std::move(verifier))
    , m_authorizer(authorizer ? std::move(authorizer) : std::make_shared<AllowAllAuthorizer>())
    , m_refreshAudience(m_options.service + QStringLiteral("#refresh"))
{
    // jwt.md "Token Header": x5c lets a registry that trusts our certificate (distribution's rootcertbundle)
    // verify the key; kid is libtrust's key id.
    m_header = QJsonObject{
        {QStringLiteral("typ"), QStringLiteral("JWT")},
        {QStringLiteral("alg"), m_key.algorithm()},
        {QStringLiteral("kid"), m_key.keyId()},
        {QStringLiteral("x5c"), QJsonArray{QString::fromLatin1(m_key.certificateDer().toBase64())}},
    };
}

TokenService::~TokenService() = default;

qint64 TokenService::now() const
{
    return m_options.clock ? m_options.clock() : QDateTime::currentSecsSinceEpoch();
}

QString TokenService::realmFor(const HttpRequest &request) const
{
    if (!m_options.realm.isEmpty()) {
        return m_options.realm;
    }
    QByteArray host = request.headers.value("Host").trimmed();
    if (!isPlainHost(host)) {
        host = "localhost";
    }
    const QString scheme = request.secure ? QStringLiteral("https://") : QStringLiteral("http://");
    return scheme + QString::fromLatin1(host) + QString::fromLatin1(m_options.path);
}

QByteArray TokenService::challenge(const ChallengeContext &context) const
{
    Oci::BearerChallenge challenge;
    challenge.realm = context.request ? realmFor(*context.request) : m_options.realm;
    challenge.service = m_options.service;
    if (!context.scope.isEmpty()) {
        challenge.scopes = QStringList{context.scope};
    }
    switch (context.error) {
    case ChallengeContext::Error::None:
        break;
    case ChallengeContext::Error::InvalidToken:
        challenge.error = QStringLiteral("invalid_token");
        break;
    case ChallengeContext::Error::InsufficientScope:
        challenge.error = QStringLiteral("insufficient_scope");
        break;
    }
    return challenge.toHeaderValue();
}

// ---- issuing ----------------------------------------------------------------------------------------------------

QList<ResourceActions> TokenService::grantFor(const QString &user, const QList<TokenScope> &scopes) const
{
    QList<ResourceActions> access;
    auto merge = [&access](const QString &type, const QString &name, const QStringList &actions) {
        for (ResourceActions &existing : access) {
            if (existing.type == type && existing.name == name) {
                for (const QString &action : actions) {
                    if (!existing.actions.contains(action)) {
                        existing.actions.append(action);
                    }
                }
                return;
            }
        }
        access.append(ResourceActions{type, name, actions});
    };
    for (const TokenScope &scope : scopes) {
        if (scope.type == u"registry" && scope.name == u"catalog") {
            if (scope.actions.contains(u"*")) {
                merge(scope.type, scope.name, {QStringLiteral("*")});
            }
            continue;
        }
        if (scope.type != u"repository" || !Oci::Reference::isValidRepositoryPath(scope.name)) {
            continue; // nothing to grant on resources this registry does not have
        }
        QStringList granted;
        for (const Access candidate : {Access::Pull, Access::Push, Access::Delete}) {
            const QString name = accessName(candidate);
            const bool asked = scope.actions.contains(name) || scope.actions.contains(u"*");
            if (asked && m_authorizer->allows(user, scope.name, candidate)) {
                granted.append(name);
            }
        }
        if (!granted.isEmpty()) {
            merge(scope.type, scope.name, granted);
        }
    }
    return access;
}

QByteArray TokenService::sign(const TokenClaims &claims) const
{
    const QByteArray input = CompactJwt::signingInputFor(m_header, claims.toJson());
    const QByteArray signature = m_key.sign(input);
    return signature.isEmpty() ? QByteArray() : input + '.' + base64UrlEncode(signature);
}

QByteArray TokenService::issue(const QString &user, const QList<ResourceActions> &access, const QString &audience,
                               int lifetimeSeconds) const
{
    TokenClaims claims;
    const qint64 at = now();
    claims.issuer = m_options.issuer;
    claims.subject = user;
    claims.audience = QStringList{audience};
    claims.issuedAt = at;
    claims.notBefore = at;
    claims.expiresAt = at + lifetimeSeconds;
    claims.id = randomId();
    claims.access = access;
    return sign(claims);
}

QByteArray TokenService::issueAccessToken(const QString &user, const QStringList &scopes) const
{
    const auto parsed = TokenScope::parseList(scopes);
    return issue(user, parsed ? grantFor(user, *parsed) : QList<ResourceActions>{}, m_options.service,
                 m_options.lifetimeSeconds);
}

void TokenService::respondToken(Exchange &ex, const QString &user, const QList<ResourceActions> &access,
                                bool withRefresh)
{
    const QByteArray token = issue(user, access, m_options.service, m_options.lifetimeSeconds);
    if (token.isEmpty()) {
        failToken(ex, 500, ErrorCode::Unknown, QStringLiteral("server_error"),
                  QStringLiteral("the token could not be signed"));
        return;
    }
    QStringList granted;
    for (const ResourceActions &resource : access) {
        granted.append(resource.type + u':' + resource.name + u':' + resource.actions.join(u','));
    }
    // token.md "Token Response Fields": token and access_token (the same), expires_in, issued_at (RFC 3339).
    QJsonObject body{
        {QStringLiteral("token"), QString::fromLatin1(token)},
        {QStringLiteral("access_token"), QString::fromLatin1(token)},
        {QStringLiteral("expires_in"), m_options.lifetimeSeconds},
        {QStringLiteral("issued_at"), QDateTime::fromSecsSinceEpoch(now(), Qt::UTC).toString(Qt::ISODate)},
        {QStringLiteral("scope"), granted.join(u' ')},
    };
    if (withRefresh && !user.isEmpty()) {
        const QByteArray refresh = issue(user, {}, m_refreshAudience, m_options.refreshLifetimeSeconds);
        body.insert(QStringLiteral("refresh_token"), QString::fromLatin1(refresh));
    }
    HttpHeaders headers;
    headers.set("Content-Type", "application/json");
    headers.set("Cache-Control", "no-store"); // RFC 6749 §5.1
    ex.respond(200, std::move(headers), QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void TokenService::handle(Exchange &ex)
{
    const HttpRequest &request = ex.request();
    if (request.method == "GET" || request.method == "HEAD") {
        handleGet(ex);
        return;
    }
    if (request.method != "POST") {
        HttpHeaders headers;
        headers.set("Allow", "GET, HEAD, POST");
        failToken(ex, 405, ErrorCode::Unsupported, QStringLiteral("invalid_request"),
                  QStringLiteral("the token endpoint answers GET and POST"), std::move(headers));
        return;
    }
    const QByteArray type = request.headers.value("Content-Type").split(';').first().trimmed().toLower();
    if (type != "application/x-www-form-urlencoded") {
        failToken(ex, 400, ErrorCode::Unsupported, QStringLiteral("invalid_request"),
                  QStringLiteral("POST a form (Content-Type: application/x-www-form-urlencoded)"));
        return;
    }
    ex.readBody(maxFormBody, [this, &ex](const BodyResult &result) {
        if (!result.ok) {
            if (result.error == BodyError::ClientGone) {
                return;
            }
            failToken(ex, result.error == BodyError::TooLarge ? 413 : 400, ErrorCode::SizeInvalid,
                      QStringLiteral("invalid_request"), QStringLiteral("the form is too large or malformed"));
            return;
        }
        handlePost(ex, result.body);
    });
}

bool TokenService::checkPassword(Exchange &ex, const QString &user, const QByteArray &password, HttpHeaders challenge)
{
    const auto verified = m_verifier && !user.isEmpty() ? m_verifier->verify(ex.request().peerAddress, user, password)
                                                        : PasswordVerifier::Result{};
    if (verified.outcome == PasswordVerifier::Outcome::Ok) {
        return true;
    }
    if (verified.outcome == PasswordVerifier::Outcome::RateLimited) {
        HttpHeaders headers;
        headers.set("Retry-After", QByteArray::number(verified.retryAfterSeconds));
        failToken(ex, 429, ErrorCode::TooManyRequests, QStringLiteral("slow_down"),
                  QStringLiteral("too many failed logins from this address"), std::move(headers));
        return false;
    }
    failToken(ex, 401, ErrorCode::Unauthorized, QStringLiteral("invalid_grant"),
              QStringLiteral("wrong user name or password"), std::move(challenge));
    return false;
}

void TokenService::handleGet(Exchange &ex)
{
    const HttpRequest &request = ex.request();
    const QUrlQuery query = formQuery(request.query);
    const QString service = formValue(query, QStringLiteral("service"));
    if (!service.isEmpty() && service != m_options.service) {
        failToken(ex, 400, ErrorCode::Unsupported, QStringLiteral("invalid_request"),
                  QStringLiteral("this server issues tokens for the service \"%1\", not \"%2\"")
                      .arg(m_options.service, service.left(100)));
        return;
    }
    const auto scopes = TokenScope::parseList(formValues(query, QStringLiteral("scope")));
    if (!scopes) {
        failToken(ex, 400, ErrorCode::Unsupported, QStringLiteral("invalid_scope"), scopes.error().message());
        return;
    }
    // token.md "Requesting a Token": credentials, when given, are HTTP Basic; none means anonymous.
    QString user;
    const QByteArray authorization = request.headers.value("Authorization").trimmed();
    if (!authorization.isEmpty()) {
        HttpHeaders challenge;
        challenge.set("WWW-Authenticate", Oci::BasicChallenge{m_options.service}.toHeaderValue());
        const qsizetype space = authorization.indexOf(' ');
        const auto decoded = space > 0 && authorization.size() <= maxAuthorizationLength &&
                                     authorization.left(space).compare("Basic", Qt::CaseInsensitive) == 0
                                 ? QByteArray::fromBase64Encoding(authorization.mid(space + 1).trimmed(),
                                                                  QByteArray::AbortOnBase64DecodingErrors)
                                 : QByteArray::FromBase64Result{};
        const qsizetype colon = decoded ? decoded.decoded.indexOf(':') : -1;
        if (colon <= 0) {
            failToken(ex, 401, ErrorCode::Unauthorized, QStringLiteral("invalid_client"),
                      QStringLiteral("send credentials as HTTP Basic (user:password)"), std::move(challenge));
            return;
        }
        user = QString::fromUtf8(decoded.decoded.left(colon));
        if (!checkPassword(ex, user, decoded.decoded.mid(colon + 1), std::move(challenge))) {
            return;
        }
    }
    const bool offline = formValue(query, QStringLiteral("offline_token")) == u"true";
    respondToken(ex, user, grantFor(user, *scopes), offline);
}

void TokenService::handlePost(Exchange &ex, const QByteArray &body)
{
    const QUrlQuery form = formQuery(body);
    const QString grantType = formValue(form, QStringLiteral("grant_type"));
    const QString service = formValue(form, QStringLiteral("service"));
    if (!service.isEmpty() && service != m_options.service) {
        failToken(ex, 400, ErrorCode::Unsupported, QStringLiteral("invalid_request"),
                  QStringLiteral("this server issues tokens for the service \"%1\"").arg(m_options.service));
        return;
    }
    // oauth.md: client_id is REQUIRED (it names the client software, not the user).
    if (formValue(form, QStringLiteral("client_id")).isEmpty()) {
        failToken(ex, 400, ErrorCode::Unsupported, QStringLiteral("invalid_request"),
                  QStringLiteral("client_id is required"));
        return;
    }
    const auto scopes = TokenScope::parseList(formValues(form, QStringLiteral("scope")));
    if (!scopes) {
        failToken(ex, 400, ErrorCode::Unsupported, QStringLiteral("invalid_scope"), scopes.error().message());
        return;
    }
    QString user;
    bool withRefresh = formValue(form, QStringLiteral("access_type")) == u"offline";
    if (grantType == u"password") {
        user = formValue(form, QStringLiteral("username"));
        if (!checkPassword(ex, user, formValue(form, QStringLiteral("password")).toUtf8(), {})) {
            return;
        }
    } else if (grantType == u"refresh_token") {
        const QByteArray refresh = formValue(form, QStringLiteral("refresh_token")).toUtf8();
        const auto claims = verifiedClaims(refresh, m_refreshAudience);
        if (!claims || claims->subject.isEmpty() || !m_verifier || !m_verifier->knowsUser(claims->subject)) {
            failToken(ex, 401, ErrorCode::Unauthorized, QStringLiteral("invalid_grant"),
                      QStringLiteral("the refresh token is invalid or expired; sign in again"));
            return;
        }
        user = claims->subject;
        withRefresh = true; // a fresh refresh token with every use (rotation)
    } else {
        failToken(ex, 400, ErrorCode::Unsupported, QStringLiteral("unsupported_grant_type"),
                  QStringLiteral("grant_type must be password or refresh_token"));
        return;
    }
    respondToken(ex, user, grantFor(user, *scopes), withRefresh);
}

// ---- verifying --------------------------------------------------------------------------------------------------

std::optional<TokenClaims> TokenService::verifiedClaims(QByteArrayView token, const QString &audience) const
{
    const auto jwt = CompactJwt::parse(token);
    if (!jwt || jwt->header.value(QStringLiteral("alg")).toString() != m_key.algorithm() ||
        !m_key.verify(jwt->signingInput, jwt->signature)) {
        return std::nullopt;
    }
    auto claims = TokenClaims::fromJson(jwt->claims);
    const qint64 at = now();
    if (!claims || claims->issuer != m_options.issuer || !claims->audience.contains(audience) ||
        claims->expiresAt <= at || claims->notBefore > at + notBeforeLeeway) {
        return std::nullopt;
    }
    return *claims;
}

Authentication TokenService::authenticate(const HttpRequest &request) const
{
    const QByteArray header = request.headers.value("Authorization").trimmed();
    if (header.isEmpty()) {
        return Authentication::anonymous();
    }
    const qsizetype space = header.indexOf(' ');
    if (space <= 0 || header.size() > maxAuthorizationLength ||
        header.left(space).compare("Bearer", Qt::CaseInsensitive) != 0) {
        // Basic on the registry itself: the client must fetch a token (the challenge says where).
        return Authentication::refused();
    }
    const QByteArray token = header.mid(space + 1).trimmed();
    const qint64 at = now();
    {
        QMutexLocker lock(&m_cacheMutex);
        const auto cached = m_cache.constFind(token);
        if (cached != m_cache.cend()) {
            const auto entry = *cached;
            lock.unlock();
            if (entry->expiresAt > at && entry->notBefore <= at + notBeforeLeeway) {
                return Authentication::authenticated(entry->user, entry->grants);
            }
            return Authentication::refused(true);
        }
    }
    const auto claims = verifiedClaims(token, m_options.service);
    if (!claims) {
        return Authentication::refused(true);
    }
    auto entry = std::make_shared<CachedToken>();
    entry->expiresAt = claims->expiresAt;
    entry->notBefore = claims->notBefore;
    entry->user = claims->subject;
    entry->grants = std::make_shared<const AccessGrants>(claims->access);
    {
        QMutexLocker lock(&m_cacheMutex);
        if (m_cache.size() >= m_options.maxCachedTokens) {
            m_cache.removeIf([at](const auto &item) { return item.value()->expiresAt <= at; });
            if (m_cache.size() >= m_options.maxCachedTokens) {
                m_cache.clear();
            }
        }
        m_cache.insert(token, entry);
    }
    return Authentication::authenticated(entry->user, entry->grants);
}

} // namespace Minato::Registry
