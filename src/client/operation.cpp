#include "operation.h"

#include "authsession.h"
#include "clientinfo.h"
#include "clientlog.h"
#include "connectiontls.h"
#include "registryclient.h"

#include "oci/wwwauthenticate.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace Minato::Client {

namespace {

bool isRedirectStatus(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Network- and proxy-level failures (QNetworkReply::NetworkError 1–199): no trustworthy HTTP answer.
bool isTransportError(QNetworkReply::NetworkError error)
{
    const int code = static_cast<int>(error);
    return code > 0 && code < 200;
}

} // namespace

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const auto &pair : headers) {
        if (QByteArrayView(pair.first).compare(name, Qt::CaseInsensitive) == 0) {
            return pair.second;
        }
    }
    return {};
}

QList<QByteArray> HttpResponse::headerValues(QByteArrayView name) const
{
    QList<QByteArray> values;
    for (const auto &pair : headers) {
        if (QByteArrayView(pair.first).compare(name, Qt::CaseInsensitive) == 0) {
            values.append(pair.second);
        }
    }
    return values;
}

QString HttpResponse::describe() const
{
    // Concatenation, not arg(): a percent-encoded URL ("%2F") must not be read as a placeholder.
    return QString::fromLatin1(method) + u' ' + logUrl(url, redacted) + QStringLiteral(" → ") + QString::number(status);
}

Operation::Operation(RegistryClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{}

RegistryClient *Operation::client() const
{
    return m_client.data();
}

Operation::~Operation()
{
    abortReply();
}

void Operation::start()
{
    if (m_started || m_finished) {
        return;
    }
    m_started = true;
    if (!m_client || !m_client->network()) {
        fail(ClientError::transport(QStringLiteral("the registry client was destroyed")));
        return;
    }
    run();
}

void Operation::cancel()
{
    if (m_finished) {
        return;
    }
    m_started = true;
    fail(ClientError::cancelled());
}

bool Operation::beginFinish()
{
    if (m_finished) {
        return false;
    }
    m_finished = true;
    m_phase = Phase::Idle;
    abortReply();
    return true;
}

void Operation::fail(const ClientError &error)
{
    if (!beginFinish()) {
        return;
    }
    if (error.kind() != ClientError::Kind::Cancelled) {
        qCInfo(lcClient).noquote() << metaObject()->className() << "failed:" << error.kindName()
                                   << error.technicalDetail();
    }
    emitFailure(error);
}

ClientError Operation::errorFromResponse(const HttpResponse &response)
{
    return ClientError::fromHttp(response.status, response.body, response.header("Retry-After"), response.describe());
}

void Operation::abortReply()
{
    if (!m_reply) {
        return;
    }
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    // Disconnect first: the OperationCanceledError of our own abort must never be read as a timeout.
    disconnect(reply, nullptr, this, nullptr);
    reply->abort();
    reply->deleteLater();
}

void Operation::send(HttpRequest request)
{
    if (m_finished) {
        return;
    }
    if (!m_client || !m_client->network()) {
        fail(ClientError::transport(QStringLiteral("the registry client was destroyed")));
        return;
    }
    m_request = std::move(request);
    m_reauths = 0;
    m_sentAuth = SentAuth::None;
    m_main = Exchange{};
    m_main.method = m_request.method;
    m_main.url = m_request.url;
    m_main.headers = m_request.headers;
    m_main.rawContent = m_request.rawContent;
    m_main.blobTransfer = m_request.blobTransfer;
    m_main.maxBodyBytes = m_request.maxBodyBytes;
    m_main.body = m_request.body;
    m_main.authOrigin = m_client->profile().origin();
    if (!m_request.authorization.isEmpty()) {
        m_main.authorization = m_request.authorization;
        m_main.authOrigin = m_request.authorizationOrigin;
    } else if (m_request.authenticate) {
        m_main.authorization = m_client->authSession()->authorizationFor(m_request.scopes);
        if (m_main.authorization.startsWith("Basic ")) {
            m_sentAuth = SentAuth::Basic;
        } else if (m_main.authorization.startsWith("Bearer ")) {
            m_sentAuth = SentAuth::Bearer;
        }
    }
    m_phase = Phase::Main;
    issue();
}

void Operation::issue()
{
    abortReply();
    const Exchange &ex = m_phase == Phase::Token ? m_token : m_main;
    const ConnectionProfile &profile = m_client->profile();

    QNetworkRequest request(ex.url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(transferTimeoutMs());
    request.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    for (const auto &h : ex.headers) {
        request.setRawHeader(h.first, h.second);
    }
    if (ex.rawContent) {
        request.setRawHeader("Accept-Encoding", "identity");
    }
    if (ex.blobTransfer) {
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    }
    if (!ex.authorization.isEmpty() && sameOrigin(ex.url, ex.authOrigin)) {
        request.setRawHeader("Authorization", ex.authorization);
    }
    if (!sameOrigin(ex.url, profile.origin())) {
        // A CDN or storage host: no cookies of the registry's, none remembered from it.
        request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
        request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    }
    m_client->applyTls(request);
    const bool withBody = ex.method == "PUT" || ex.method == "PATCH";
    QIODevice *device = m_phase == Phase::Main && withBody ? m_request.uploadDevice : nullptr;
    if (device) {
        if (!device->reset()) {
            handleFailure(ClientError::transport(QString::fromLatin1(ex.method) + u' ' + logUrl(ex.url, ex.redirected) +
                                                 QStringLiteral(": the body cannot be read again for a re-send")));
            return;
        }
        request.setHeader(QNetworkRequest::ContentLengthHeader, m_request.uploadSize);
        request.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
    } else if (withBody) {
        request.setHeader(QNetworkRequest::ContentLengthHeader, ex.body.size());
    }

    qCDebug(lcClient).noquote() << ex.method << logUrl(ex.url, ex.redirected || m_phase == Phase::Token);

    QNetworkAccessManager *nam = m_client->network();
    QNetworkReply *reply = nullptr;
    if (ex.method == "GET") {
        reply = nam->get(request);
    } else if (ex.method == "HEAD") {
        reply = nam->head(request);
    } else if (ex.method == "DELETE") {
        reply = nam->deleteResource(request);
    } else if (ex.method == "POST") {
        reply = nam->post(request, ex.body);
    } else if (device) {
        reply = nam->sendCustomRequest(request, ex.method, device);
    } else if (withBody) {
        reply = nam->sendCustomRequest(request, ex.method, ex.body);
    } else {
        reply = nam->sendCustomRequest(request, ex.method);
    }
    if (m_phase == Phase::Main && m_request.streamBody) {
        // Flow control: Qt's HTTP thread stops reading the socket while this much is unread; unbounded, a peer
        // faster than the disk (loopback) piles the blob up in memory.
        reply->setReadBufferSize(StreamReadBufferBytes);
    }
    m_reply = reply;
    m_body.clear();
    m_bodyStarted = false;
#ifndef QT_NO_SSL
    m_sslErrors.clear();
#endif
    connect(reply, &QNetworkReply::readyRead, this, &Operation::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &Operation::onFinished);
    connect(reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if (m_phase == Phase::Main && !m_request.ownProgress) {
            emit progress(received, total);
        }
    });
#ifndef QT_NO_SSL
    connect(reply, &QNetworkReply::sslErrors, this, [this, reply](const QList<QSslError> &errors) {
        if (m_client && m_client->allowsInsecureTls()) {
            reply->ignoreSslErrors(); // the user consented for this connection
            return;
        }
        m_sslErrors.append(errors);
    });
#endif
}

void Operation::onReadyRead()
{
    if (!m_reply) {
        return;
    }
    if (streamsBody(m_reply)) {
        if (!m_bodyPaused) {
            deliverBody(m_reply, m_reply->readAll());
        }
        return;
    }
    m_body += m_reply->readAll();
    const Exchange &ex = m_phase == Phase::Token ? m_token : m_main;
    if (m_body.size() > ex.maxBodyBytes) {
        const QString detail = QString::fromLatin1(ex.method) + u' ' +
                               logUrl(ex.url, ex.redirected || m_phase == Phase::Token) +
                               QStringLiteral(": body larger than %1 bytes").arg(ex.maxBodyBytes);
        abortReply();
        m_body.clear();
        handleFailure(ClientError::invalid(ClientError::Invalid::TooLarge, detail));
    }
}

bool Operation::isExpiredStorageUrl(const HttpResponse &response) const
{
    const bool fromStorage = response.redacted && !sameOrigin(response.url, m_client->profile().origin());
    return fromStorage && (response.status == 403 || response.status == 400);
}

void Operation::setBodyPaused(bool paused)
{
    if (m_bodyPaused == paused) {
        return;
    }
    m_bodyPaused = paused;
    if (!paused && m_reply && m_reply->bytesAvailable() > 0) {
        // Queued: the caller may be inside bodyChunk() (or the consumer's read) right now.
        QMetaObject::invokeMethod(
            this,
            [this]() {
                if (!m_bodyPaused) {
                    onReadyRead();
                }
            },
            Qt::QueuedConnection);
    }
}

void Operation::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply) {
        return;
    }
    m_reply = nullptr;
    disconnect(reply, nullptr, this, nullptr);
    reply->deleteLater();
    if (streamsBody(reply)) {
        // The bytes that did arrive are kept (a resumable download) even when the transfer broke off below.
        if (!deliverBody(reply, reply->isOpen() ? reply->readAll() : QByteArray())) {
            return;
        }
    } else if (reply->isOpen()) {
        m_body += reply->readAll();
    }

    const Exchange &ex = m_phase == Phase::Token ? m_token : m_main;
    const QString where = QStringLiteral("%1 %2").arg(QString::fromLatin1(ex.method),
                                                      logUrl(ex.url, ex.redirected || m_phase == Phase::Token));
    const QNetworkReply::NetworkError error = reply->error();
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);

    if (error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError) {
        // Our own aborts are disconnected before they happen (abortReply), so this is the transfer timeout.
        handleFailure(ClientError::timeout(where + QStringLiteral(": no data for %1 ms").arg(transferTimeoutMs())));
        return;
    }
#ifndef QT_NO_SSL
    if (error == QNetworkReply::SslHandshakeFailedError || !m_sslErrors.isEmpty()) {
        // Untrusted, wrong host name, expired: each with its own sentence (connectiontls.h).
        handleFailure(tlsErrorFor(m_sslErrors, ex.url, where, reply->errorString()));
        return;
    }
#endif
    if (!statusAttribute.isValid() || isTransportError(error)) {
#ifndef QT_NO_SSL
        if (auto tls = tlsAlertError(reply->errorString(), ex.url, where)) {
            handleFailure(*tls); // e.g. a TLS 1.3 server's "certificate required" alert, read after the handshake
            return;
        }
#endif
        handleFailure(ClientError::transport(where + QStringLiteral(": ") + reply->errorString()));
        return;
    }

    HttpResponse response = responseHead(reply);
    response.body = std::exchange(m_body, {});
    qCDebug(lcClient).noquote() << response.describe();

    if (isRedirectStatus(response.status) && !response.header("Location").isEmpty()) {
        followRedirect(response);
        return;
    }
    if (m_phase == Phase::Token) {
        onTokenResponse(response);
        return;
    }
    if (response.status == 401 && m_request.authenticate && sameOrigin(response.url, m_client->profile().origin())) {
        onChallenge(response);
        return;
    }
    if (response.status >= 200 && response.status < 300 && m_request.authenticate) {
        if (m_sentAuth == SentAuth::None) {
            m_client->authSession()->noteAnonymous();
        }
    }
    if (sameOrigin(response.url, m_client->profile().origin())) {
        m_client->noteResponseHeaders(response.headers); // Docker Hub's pull rate limit (dockerhubratelimit.h)
    }
    handleResponse(response);
}

HttpResponse Operation::responseHead(QNetworkReply *reply) const
{
    const Exchange &ex = m_phase == Phase::Token ? m_token : m_main;
    HttpResponse response;
    response.method = ex.method;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.url = ex.url;
    response.redacted = ex.redirected || m_phase == Phase::Token;
    response.headers = reply->rawHeaderPairs();
    return response;
}

bool Operation::streamsBody(QNetworkReply *reply) const
{
    if (m_phase != Phase::Main || !m_request.streamBody) {
        return false;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return status >= 200 && status < 300;
}

bool Operation::deliverBody(QNetworkReply *reply, const QByteArray &chunk)
{
    if (!m_bodyStarted) {
        m_bodyStarted = true;
        if (!beginBody(responseHead(reply)) || m_finished) {
            return false;
        }
    }
    return chunk.isEmpty() || (bodyChunk(chunk) && !m_finished);
}

int Operation::transferTimeoutMs() const
{
    return m_phase == Phase::Main && m_request.timeoutMs > 0 ? m_request.timeoutMs : m_client->profile().timeoutMs;
}

void Operation::followRedirect(const HttpResponse &response)
{
    Exchange &ex = m_phase == Phase::Token ? m_token : m_main;
    if (++ex.redirects > MaxRedirects) {
        handleFailure(ClientError::fromHttp(response.status, {}, {},
                                            response.describe() + QStringLiteral(": more than 5 redirects")));
        return;
    }
    const QUrl next = ex.url.resolved(QUrl::fromEncoded(response.header("Location")));
    const QString scheme = next.scheme().toLower();
    if (!next.isValid() || (scheme != u"http" && scheme != u"https") || next.host().isEmpty()) {
        handleFailure(ClientError::invalid(ClientError::Invalid::BadContent,
                                           response.describe() + QStringLiteral(": unusable redirect target")));
        return;
    }
    if (ex.url.scheme().compare(u"https", Qt::CaseInsensitive) == 0 && scheme == u"http" &&
        !m_client->profile().allowsPlainHttp()) {
        // A downgrade: whatever follows (the blob or manifest, a token endpoint's answer, the body a 307/308
        // re-sends) would cross the network readable and changeable, although the person chose https. Only
        // their consent for this connection (ConnectionProfile::allowPlainHttp) lets it through; nothing is
        // sent to the http:// address before that.
        handleFailure(ClientError::plainHttpRedirect(
            certsDirName(ex.url), certsDirName(next),
            response.describe() + QStringLiteral(": redirect to plain http refused (") + logUrl(next, true) +
                QStringLiteral("); the connection does not allow plain http")));
        return;
    }
    if (!sameOrigin(next, ex.url)) {
        // PLATFORM.md: never carry credentials to another origin (CDNs, presigned storage URLs).
        ex.authorization.clear();
    }
    if (response.status == 303 && ex.method != "HEAD") {
        ex.method = QByteArrayLiteral("GET");
    }
    qCDebug(lcClient).noquote() << "redirect to" << logUrl(next, true);
    ex.url = next;
    ex.redirected = true;
    issue();
}

void Operation::onChallenge(const HttpResponse &response)
{
    AuthSession *session = m_client->authSession();
    if (m_reauths >= 1) {
        onAuthExhausted(response);
        return;
    }
    const auto challenges = Oci::parseWwwAuthenticate(response.headerValues("WWW-Authenticate"));
    std::optional<Oci::BearerChallenge> bearer;
    bool basic = false;
    if (challenges) {
        if (const auto c = Oci::findChallenge(*challenges, u"Bearer")) {
            if (auto b = Oci::BearerChallenge::fromChallenge(*c)) {
                bearer = *b;
            }
        }
        basic = Oci::findChallenge(*challenges, u"Basic").has_value();
    }
    ++m_reauths;
    if (bearer) {
        session->noteBearerChallenge(bearer->realm, bearer->service);
        if (m_sentAuth == SentAuth::Bearer) {
            session->dropToken(m_main.authorization.mid(7));
        }
        m_realm = bearer->realm;
        m_service = bearer->service;
        m_tokenScopes =
            AuthSession::mergeScopes(AuthSession::mergeScopes(bearer->scopes, m_request.scopes),
                                     session->heldScopes(bearer->realm, bearer->service,
                                                         AuthSession::mergeScopes(bearer->scopes, m_request.scopes)));
        m_phase = Phase::Credentials;
        session->requestCredentials(this, [this](const CredentialLookup &lookup) {
            if (m_finished || m_phase != Phase::Credentials) {
                return;
            }
            if (lookup.isFailure()) {
                failOnCredentialStore(*lookup.failure);
                return;
            }
            fetchToken(lookup.credentials);
        });
        return;
    }
    if (basic) {
        session->noteBasicChallenge();
        if (m_sentAuth == SentAuth::Basic) {
            // The pre-emptive Basic header was refused: these credentials are wrong.
            session->forgetCredentials();
            fail(ClientError::authFailed(response.describe() + QStringLiteral(": Basic credentials refused")));
            return;
        }
        m_phase = Phase::Credentials;
        session->requestCredentials(this, [this, response](const CredentialLookup &lookup) {
            if (m_finished || m_phase != Phase::Credentials) {
                return;
            }
            if (lookup.isFailure()) {
                failOnCredentialStore(*lookup.failure);
                return;
            }
            const std::optional<Credentials> &credentials = lookup.credentials;
            if (!credentials) {
                fail(ClientError::authRequired(response.describe() +
                                               QStringLiteral(": Basic challenge, no credentials")));
                return;
            }
            if (credentials->isIdentityToken) {
                fail(ClientError::authRequired(response.describe() +
                                               QStringLiteral(": the registry asks for a password (Basic), and the "
                                                              "saved identity token only works with token auth")));
                return;
            }
            m_sentAuth = SentAuth::Basic;
            m_phase = Phase::Main;
            resendMain(AuthSession::basicAuthorization(*credentials));
        });
        return;
    }
    ClientError e = errorFromResponse(response);
    fail(e.kind() == ClientError::Kind::AuthRequired
             ? ClientError::authRequired(response.describe() + QStringLiteral(": no usable challenge"))
             : e);
}

void Operation::failOnCredentialStore(const CredentialError &error)
{
    // Not "no credentials": a login may be saved, and going on anonymously would read as "sign in" (or show
    // only what is public) for a registry the person did sign in to.
    fail(ClientError::credentialStore(error.message(),
                                      QStringLiteral("the credentials for %1 could not be read (%2)")
                                          .arg(m_client->profile().origin().toString(), error.message())));
}

void Operation::onAuthExhausted(const HttpResponse &response)
{
    AuthSession *session = m_client->authSession();
    if (m_sentAuth == SentAuth::Basic) {
        session->forgetCredentials();
        fail(ClientError::authFailed(response.describe() + QStringLiteral(": Basic credentials refused")));
        return;
    }
    if (m_sentAuth == SentAuth::Bearer) {
        session->dropToken(m_main.authorization.mid(7));
        // The token server issued a token, but not for this: Docker Hub's answer for a repository that does
        // not exist and for a private one alike. Never "wrong password" — the token server would have said so.
        fail(ClientError::notFoundOrPrivate(!m_tokenAnonymous,
                                            response.describe() + QStringLiteral(": token refused (") +
                                                QString::fromLatin1(response.header("WWW-Authenticate")) + u')'));
        return;
    }
    fail(ClientError::authRequired(response.describe()));
}

void Operation::fetchToken(const std::optional<Credentials> &credentials)
{
    QUrl realm(m_realm);
    const QString scheme = realm.scheme().toLower();
    if (!realm.isValid() || (scheme != u"https" && scheme != u"http") || realm.host().isEmpty()) {
        fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                  QStringLiteral("Bearer challenge with an unusable realm")));
        return;
    }
    // Credentials go to the realm only over TLS, unless the user already talks plain HTTP to this registry
    // (a local test registry) or the realm is the registry itself.
    const QUrl origin = m_client->profile().origin();
    const bool mayCarrySecret = scheme == u"https" || origin.scheme() == u"http" || sameOrigin(realm, origin);
    const bool withCredentials = credentials.has_value() && mayCarrySecret;

    m_tokenAnonymous = !withCredentials;
    m_token = Exchange{};
    m_token.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    m_token.maxBodyBytes = qint64(256) * 1024;
    m_token.authOrigin = realm;
    if (withCredentials && credentials->isIdentityToken) {
        // oauth.md "Refresh token format"/"Getting a token": an identity token (what `docker login` stores
        // when the token server hands out refresh tokens) is exchanged with a form POST, never sent as Basic.
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
        form.addQueryItem(QStringLiteral("client_id"), QStringLiteral("minato"));
        if (!m_service.isEmpty()) {
            form.addQueryItem(QStringLiteral("service"), QString::fromLatin1(QUrl::toPercentEncoding(m_service)));
        }
        form.addQueryItem(QStringLiteral("scope"),
                          QString::fromLatin1(QUrl::toPercentEncoding(m_tokenScopes.join(u' '))));
        form.addQueryItem(QStringLiteral("refresh_token"),
                          QString::fromLatin1(QUrl::toPercentEncoding(credentials->secret)));
        m_token.method = QByteArrayLiteral("POST");
        m_token.url = realm;
        m_token.body = form.query(QUrl::FullyEncoded).toUtf8();
        m_token.headers.append(
            {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-www-form-urlencoded")});
        m_phase = Phase::Token;
        issue();
        return;
    }
    QUrlQuery query(realm);
    if (!m_service.isEmpty()) {
        query.addQueryItem(QStringLiteral("service"), QString::fromLatin1(QUrl::toPercentEncoding(m_service)));
    }
    for (const QString &scope : std::as_const(m_tokenScopes)) {
        query.addQueryItem(QStringLiteral("scope"), QString::fromLatin1(QUrl::toPercentEncoding(scope)));
    }
    if (withCredentials && !credentials->username.isEmpty()) {
        query.addQueryItem(QStringLiteral("account"),
                           QString::fromLatin1(QUrl::toPercentEncoding(credentials->username)));
    }
    realm.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    m_token.method = QByteArrayLiteral("GET");
    m_token.url = realm;
    if (withCredentials) {
        m_token.authorization = AuthSession::basicAuthorization(*credentials);
    }
    m_phase = Phase::Token;
    issue();
}

void Operation::onTokenResponse(const HttpResponse &response)
{
    AuthSession *session = m_client->authSession();
    const QString where = QStringLiteral("token endpoint ") + response.describe();
    if (response.status == 401 || response.status == 403) {
        if (!m_tokenAnonymous) {
            session->forgetCredentials();
            fail(ClientError::authFailed(where + QStringLiteral(": credentials refused")));
        } else {
            fail(ClientError::authRequired(where + QStringLiteral(": anonymous access refused")));
        }
        return;
    }
    if (response.status != 200) {
        fail(errorFromResponse(response));
        return;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(response.body, &parseError);
    const QJsonObject object = doc.object();
    // token.md: "token" is required; OAuth2-compatible servers send "access_token" as well or instead, and
    // distribution's client prefers it when both are there.
    QString token = object.value(QStringLiteral("access_token")).toString();
    if (token.isEmpty()) {
        token = object.value(QStringLiteral("token")).toString();
    }
    if (!doc.isObject() || token.isEmpty()) {
        fail(
            ClientError::invalid(ClientError::Invalid::BadContent, where + QStringLiteral(": no token in the answer")));
        return;
    }
    const int expiresIn = object.value(QStringLiteral("expires_in")).toInt(AuthSession::MinimumTokenLifetimeSeconds);
    const QByteArray tokenBytes = token.toUtf8();
    session->storeToken(m_realm, m_service, m_tokenScopes, tokenBytes, expiresIn, m_tokenAnonymous);
    m_sentAuth = SentAuth::Bearer;
    m_phase = Phase::Main;
    resendMain(QByteArrayLiteral("Bearer ") + tokenBytes);
}

void Operation::resendMain(const QByteArray &authorization)
{
    m_main.authorization = authorization;
    m_main.authOrigin = m_client->profile().origin();
    m_phase = Phase::Main;
    issue();
}

} // namespace Minato::Client
