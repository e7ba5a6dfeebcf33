#include "dockerhubapi.h"

#include <functional>

#include "authsession.h"
#include "capabilitiesprobe.h"
#include "clientlog.h"
#include "registryclient.h"

#include "oci/mediatype.h"
#include "oci/reference.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace Minato::Client {

namespace {

// A hub namespace (user or organisation) or repository name: lowercase, digits, '.', '_', '-'.
bool isHubName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9][a-z0-9._-]*$"));
    return name.size() <= 255 && re.match(name).hasMatch();
}

// Hub API pages are JSON documents of at most a few hundred KiB (100 entries).
constexpr qint64 MaxHubBody = qint64(16) * 1024 * 1024;

HttpRequest hubGet(const DockerHubApi *api, const QUrl &url)
{
    HttpRequest r;
    r.url = url;
    r.authenticate = false; // the registry's challenge flow does not apply to the hub API
    r.maxBodyBytes = MaxHubBody;
    r.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    const QByteArray token = api ? api->accessToken() : QByteArray();
    if (!token.isEmpty()) {
        r.authorization = QByteArrayLiteral("Bearer ") + token;
        r.authorizationOrigin = api->baseUrl();
    }
    return r;
}

// What a refused or limited hub API answer means. 401 with a token: it expired or was revoked (forgotten,
// so the next query signs in again); without one: the resource needs a sign-in. 429: the hub API's own
// request limit, with Retry-After (seconds) or, in older documentation, X-Retry-After (a unix time).
ClientError hubError(const HttpResponse &response, DockerHubApi *api, bool sentToken)
{
    if (response.status == 401) {
        if (sentToken) {
            if (api) {
                api->forgetAccessToken();
            }
            return ClientError::authFailed(response.describe() + QStringLiteral(": the Docker Hub API refused the "
                                                                                "access token"));
        }
        return ClientError::authRequired(response.describe() +
                                         QStringLiteral(": the Docker Hub API wants a signed-in account"));
    }
    QByteArray retryAfter = response.header("Retry-After");
    if (response.status == 429 && retryAfter.isEmpty()) {
        bool ok = false;
        const qint64 at = response.header("X-Retry-After").toLongLong(&ok);
        if (ok) {
            retryAfter = QByteArray::number(qMax<qint64>(0, at - QDateTime::currentSecsSinceEpoch()));
        }
    }
    return ClientError::fromHttp(response.status, response.body, retryAfter, response.describe());
}

std::optional<QUrl> nextFrom(const QJsonObject &object, QString *error)
{
    const QJsonValue next = object.value(QStringLiteral("next"));
    if (next.isNull() || next.isUndefined() || (next.isString() && next.toString().isEmpty())) {
        return QUrl();
    }
    const QUrl url(next.toString(), QUrl::StrictMode);
    if (!next.isString() || !url.isValid()) {
        *error = QStringLiteral("\"next\" is not a URL");
        return std::nullopt;
    }
    return url;
}

// {"count": N, "next": url|null, "previous": …, "results": [ … ]} — the hub API's paged envelope.
std::optional<QJsonArray> resultsOf(const QByteArray &body, ListPage &page, QJsonObject *object)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (!doc.isObject()) {
        page.error =
            error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("not a JSON object");
        return std::nullopt;
    }
    *object = doc.object();
    const QJsonValue results = object->value(QStringLiteral("results"));
    if (!results.isArray()) {
        page.error = QStringLiteral("\"results\" is not an array");
        return std::nullopt;
    }
    const auto next = nextFrom(*object, &page.error);
    if (!next) {
        return std::nullopt;
    }
    page.next = *next;
    return results.toArray();
}

QDateTime parseHubDate(const QJsonValue &value)
{
    // "2024-05-02T09:14:33.123456Z": Qt reads any number of fraction digits (kept to milliseconds).
    QDateTime when = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (when.isValid()) {
        when = when.toUTC();
    }
    return when;
}

} // namespace

// --- DockerHubApi

DockerHubApi::DockerHubApi(RegistryClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{}

DockerHubApi::~DockerHubApi() = default;

void DockerHubApi::setBaseUrl(const QUrl &baseUrl)
{
    if (!sameOrigin(baseUrl, m_baseUrl)) {
        forgetAccessToken();
    }
    m_baseUrl = baseUrl;
}

QUrl DockerHubApi::url(const QString &path, const QString &encodedQuery) const
{
    QByteArray encoded =
        m_baseUrl.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash).toEncoded() +
        path.toUtf8();
    if (!encodedQuery.isEmpty()) {
        encoded += '?' + encodedQuery.toUtf8();
    }
    return QUrl::fromEncoded(encoded, QUrl::StrictMode);
}

QByteArray DockerHubApi::accessToken() const
{
    if (m_token.isEmpty()) {
        return {};
    }
    if (m_expires.isValid() && QDateTime::currentDateTimeUtc().secsTo(m_expires) < 30) {
        return {};
    }
    return m_token;
}

void DockerHubApi::setAccessToken(QByteArray token, QString username, QDateTime expiresUtc)
{
    m_token = std::move(token);
    m_username = std::move(username);
    m_expires = std::move(expiresUtc);
}

void DockerHubApi::forgetAccessToken()
{
    m_token.clear();
    m_expires = {};
}

void DockerHubApi::signInShared(QObject *context, std::function<void(const DockerHubSignInResult &)> done)
{
    if (!accessToken().isEmpty()) {
        DockerHubSignIn held;
        held.username = m_username;
        held.anonymous = false;
        done(held);
        return;
    }
    SignInWaiter waiter;
    waiter.context = context;
    waiter.done = std::move(done);
    m_signInWaiters.append(std::move(waiter));
    if (m_sharedLogin) {
        return; // one POST /v2/auth/token for all who wait
    }
    auto *signIn = new DockerHubLogin(this, this);
    signIn->setAllowAnonymous(true);
    m_sharedLogin = signIn;
    connect(signIn, &DockerHubLogin::finished, this, [this, signIn](const DockerHubSignInResult &result) {
        signIn->deleteLater();
        if (m_sharedLogin == signIn) {
            m_sharedLogin = nullptr;
        }
        // Taken out first: a waiter's callback may start the next sign-in.
        const QList<SignInWaiter> waiters = std::exchange(m_signInWaiters, {});
        for (const SignInWaiter &w : waiters) {
            if (w.context) {
                w.done(result);
            }
        }
    });
    signIn->start(); // may finish at once (no credentials: anonymous)
}

void DockerHubApi::leaveSignIn(QObject *context)
{
    m_signInWaiters.removeIf([context](const SignInWaiter &w) { return !w.context || w.context == context; });
    if (m_signInWaiters.isEmpty() && m_sharedLogin) {
        m_sharedLogin->cancel(); // nobody waits for it any more
    }
}

DockerHubLogin *DockerHubApi::login()
{
    return new DockerHubLogin(this, this);
}

DockerHubRepositoriesQuery *DockerHubApi::repositories(const QString &namespaceName, int pageSize)
{
    return new DockerHubRepositoriesQuery(this, namespaceName, pageSize, this);
}

DockerHubTagsQuery *DockerHubApi::tags(const QString &repository, int pageSize)
{
    return new DockerHubTagsQuery(this, repository, pageSize, this);
}

DockerHubSearchQuery *DockerHubApi::search(const QString &text, int pageSize, int page)
{
    return new DockerHubSearchQuery(this, text, pageSize, page, this);
}

DockerHubRateLimitQuery *DockerHubApi::rateLimit(const QString &repository, const QString &reference)
{
    return new DockerHubRateLimitQuery(m_client, repository, reference, this);
}

std::optional<QPair<QString, QString>> DockerHubApi::splitRepository(const QString &repository)
{
    const QStringList parts = repository.split(u'/');
    if (parts.size() == 1 && isHubName(parts[0])) {
        return qMakePair(QStringLiteral("library"), parts[0]);
    }
    if (parts.size() == 2 && isHubName(parts[0]) && isHubName(parts[1])) {
        return qMakePair(parts[0], parts[1]);
    }
    return std::nullopt;
}

std::optional<QDateTime> DockerHubApi::jwtExpiry(const QByteArray &jwt)
{
    const QList<QByteArray> parts = jwt.split('.');
    if (parts.size() != 3) {
        return std::nullopt;
    }
    const auto payload =
        QByteArray::fromBase64Encoding(parts[1], QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    if (!payload) {
        return std::nullopt;
    }
    const QJsonValue exp = QJsonDocument::fromJson(*payload).object().value(QStringLiteral("exp"));
    if (!exp.isDouble()) {
        return std::nullopt;
    }
    return QDateTime::fromSecsSinceEpoch(static_cast<qint64>(exp.toDouble()), Qt::UTC);
}

// --- DockerHubLogin

DockerHubLogin::DockerHubLogin(DockerHubApi *api, QObject *parent)
    : Operation(api ? api->client() : nullptr, parent)
    , m_api(api)
{}

DockerHubLogin::~DockerHubLogin() = default;

void DockerHubLogin::run()
{
    if (!m_api) {
        fail(ClientError::transport(QStringLiteral("the Docker Hub API object was destroyed")));
        return;
    }
    if (m_credentials) {
        signIn(m_credentials);
        return;
    }
    client()->authSession()->requestCredentials(this, [this](const CredentialLookup &lookup) {
        if (isFinished()) {
            return;
        }
        if (lookup.isFailure()) {
            // Not "none": a login may be saved. Going on anonymously would show only what is public.
            fail(ClientError::credentialStore(lookup.failure->message(),
                                              QStringLiteral("Docker Hub API sign-in: the credentials could not "
                                                             "be read (%1)")
                                                  .arg(lookup.failure->message())));
            return;
        }
        signIn(lookup.credentials);
    });
}

void DockerHubLogin::signIn(const std::optional<Credentials> &credentials)
{
    if (!credentials || credentials->username.isEmpty() || credentials->isIdentityToken) {
        const QString why = !credentials ? QStringLiteral("no credentials for this connection")
                                         : QStringLiteral("the saved credentials are not a user name with a "
                                                          "password or personal access token");
        if (m_allowAnonymous) {
            qCDebug(lcClient).noquote() << "Docker Hub API: anonymous," << why;
            if (beginFinish()) {
                emit finished(DockerHubSignIn{});
            }
            return;
        }
        fail(ClientError::authRequired(QStringLiteral("Docker Hub API sign-in: ") + why));
        return;
    }
    m_username = credentials->username;
    // AuthCreateAccessToken: {"identifier": "<user name>", "secret": "<personal access token or password>"}.
    QJsonObject login;
    login.insert(QStringLiteral("identifier"), credentials->username);
    login.insert(QStringLiteral("secret"), credentials->secret);
    HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = m_api->url(QStringLiteral("/v2/auth/token"));
    request.authenticate = false;
    request.maxBodyBytes = qint64(256) * 1024;
    request.body = QJsonDocument(login).toJson(QJsonDocument::Compact);
    request.headers = {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                       {QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    send(request);
}

void DockerHubLogin::handleResponse(const HttpResponse &response)
{
    if (response.status == 401 || response.status == 403) {
        client()->authSession()->forgetCredentials();
        fail(ClientError::authFailed(response.describe() + QStringLiteral(": Docker Hub refused the user name or "
                                                                          "personal access token")));
        return;
    }
    if (response.status != 200 && response.status != 201) {
        fail(hubError(response, m_api, false));
        return;
    }
    const QJsonObject object = QJsonDocument::fromJson(response.body).object();
    const QByteArray token = object.value(QStringLiteral("access_token")).toString().toUtf8();
    if (token.isEmpty()) {
        fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                  response.describe() + QStringLiteral(": no access_token in the answer")));
        return;
    }
    // The token is short-lived; without a readable "exp", ask again after five minutes.
    const QDateTime expires =
        DockerHubApi::jwtExpiry(token).value_or(QDateTime::currentDateTimeUtc().addSecs(qint64(5) * 60));
    if (m_api) {
        m_api->setAccessToken(token, m_username, expires);
    }
    if (beginFinish()) {
        DockerHubSignIn signedIn;
        signedIn.username = m_username;
        signedIn.anonymous = false;
        emit finished(signedIn);
    }
}

// --- DockerHubRepositoriesQuery

namespace {

// The hub API wants a token, anonymous ones included: sign in first unless one is held (shared with the
// queries that start meanwhile: DockerHubApi::signInShared), then proceed(); a failed sign-in goes to failed()
// (a cancelled one says nothing: nobody waited for it any more).
void signInThen(DockerHubApi *api, QObject *owner, std::function<void()> proceed,
                std::function<void(const ClientError &)> failed)
{
    api->signInShared(owner,
                      [proceed = std::move(proceed), failed = std::move(failed)](const DockerHubSignInResult &r) {
                          if (!r) {
                              if (!r.isCancelled()) {
                                  failed(r.error());
                              }
                              return;
                          }
                          proceed();
                      });
}

} // namespace

DockerHubRepositoriesQuery::DockerHubRepositoriesQuery(DockerHubApi *api, QString namespaceName, int pageSize,
                                                       QObject *parent)
    : ListQuery(api ? api->client() : nullptr, std::min(pageSize, DockerHubApi::MaxPageSize), parent)
    , m_api(api)
    , m_namespace(std::move(namespaceName))
{}

DockerHubRepositoriesQuery::~DockerHubRepositoriesQuery()
{
    if (m_api) {
        m_api->leaveSignIn(this);
    }
}

void DockerHubRepositoriesQuery::run()
{
    if (!m_api) {
        fail(ClientError::transport(QStringLiteral("the Docker Hub API object was destroyed")));
        return;
    }
    signInThen(
        m_api, this, [this] { ListQuery::run(); }, [this](const ClientError &error) { fail(error); });
}

std::optional<QUrl> DockerHubRepositoriesQuery::firstPageUrl()
{
    if (m_namespace.isEmpty()) {
        m_namespace = m_api->username().toLower();
    }
    if (m_namespace.isEmpty()) {
        fail(ClientError::invalidRequest(QStringLiteral("Docker Hub lists repositories per namespace: name one, or "
                                                        "sign in to list your own")));
        return std::nullopt;
    }
    if (!isHubName(m_namespace)) {
        fail(ClientError::invalidRequest(QStringLiteral("not a Docker Hub namespace: ") + m_namespace));
        return std::nullopt;
    }
    return m_api->url(QStringLiteral("/v2/namespaces/%1/repositories").arg(m_namespace),
                      QStringLiteral("page_size=%1").arg(pageSize()));
}

ListPageParser DockerHubRepositoriesQuery::pageParser() const
{
    return [ns = m_namespace](const QByteArray &body) {
        ListPage page;
        QJsonObject object;
        const auto results = resultsOf(body, page, &object);
        if (!results) {
            return page;
        }
        for (const auto &v : *results) {
            const QJsonObject entry = v.toObject();
            const QString name = entry.value(QStringLiteral("name")).toString();
            const QString owner = entry.value(QStringLiteral("namespace")).toString(ns);
            if (name.isEmpty()) {
                page.error = QStringLiteral("a repository without a name");
                return page;
            }
            page.items.append(owner + u'/' + name);
        }
        page.ok = true;
        return page;
    };
}

HttpRequest DockerHubRepositoriesQuery::pageRequest(const QUrl &url) const
{
    return hubGet(m_api, url);
}

void DockerHubRepositoriesQuery::handleResponse(const HttpResponse &response)
{
    const bool first = std::exchange(m_firstPage, false);
    if (response.status == 404 && first && !m_legacyTried && m_api) {
        // Before /v2/namespaces/… the hub listed a namespace at /v2/repositories/{namespace}/ (same shape).
        m_legacyTried = true;
        m_firstPage = true;
        send(hubGet(m_api, m_api->url(QStringLiteral("/v2/repositories/%1/").arg(m_namespace),
                                      QStringLiteral("page_size=%1").arg(pageSize()))));
        return;
    }
    if (response.status == 401 || response.status == 429) {
        fail(hubError(response, m_api, !pageRequest(response.url).authorization.isEmpty()));
        return;
    }
    ListQuery::handleResponse(response);
}

void DockerHubRepositoriesQuery::emitFailure(const ClientError &error)
{
    if (m_api) {
        m_api->leaveSignIn(this); // the sign-in goes on for the other queries waiting for it
    }
    ListQuery::emitFailure(error);
}

// --- DockerHubTagsQuery

DockerHubTagsQuery::DockerHubTagsQuery(DockerHubApi *api, QString repository, int pageSize, QObject *parent)
    : VendorTagsQuery(api ? api->client() : nullptr, std::move(repository),
                      std::min(pageSize, DockerHubApi::MaxPageSize), parent)
    , m_api(api)
{}

DockerHubTagsQuery::~DockerHubTagsQuery()
{
    if (m_api) {
        m_api->leaveSignIn(this);
    }
}

void DockerHubTagsQuery::run()
{
    if (!m_api) {
        fail(ClientError::transport(QStringLiteral("the Docker Hub API object was destroyed")));
        return;
    }
    signInThen(
        m_api, this, [this] { ListQuery::run(); }, [this](const ClientError &error) { fail(error); });
}

std::optional<QUrl> DockerHubTagsQuery::firstPageUrl()
{
    const auto parts = DockerHubApi::splitRepository(repository());
    if (!parts) {
        fail(ClientError::invalidRequest(QStringLiteral("not a Docker Hub repository: ") + repository()));
        return std::nullopt;
    }
    return m_api->url(QStringLiteral("/v2/namespaces/%1/repositories/%2/tags").arg(parts->first, parts->second),
                      QStringLiteral("page_size=%1").arg(pageSize()));
}

std::optional<TagMetadata> DockerHubTagsQuery::parseTag(const QJsonObject &entry)
{
    TagMetadata m;
    m.tag = entry.value(QStringLiteral("name")).toString();
    if (m.tag.isEmpty()) {
        return std::nullopt;
    }
    m.state = TagMetadata::State::Loaded;
    m.mediaType = entry.value(QStringLiteral("media_type")).toString();
    if (const auto digest = Oci::Digest::parse(entry.value(QStringLiteral("digest")).toString())) {
        m.digest = *digest;
    }
    const qint64 fullSize = entry.value(QStringLiteral("full_size")).toInteger(-1);

    struct Image
    {
        Oci::Platform platform;
        qint64 size = -1;
        QString digest;
    };
    QList<Image> images;
    const QJsonArray array = entry.value(QStringLiteral("images")).toArray();
    for (const auto &v : array) {
        const QJsonObject image = v.toObject();
        Image i;
        i.platform.os = image.value(QStringLiteral("os")).toString();
        i.platform.architecture = image.value(QStringLiteral("architecture")).toString();
        i.platform.variant = image.value(QStringLiteral("variant")).toString();
        i.platform.osVersion = image.value(QStringLiteral("os_version")).toString();
        i.size = image.value(QStringLiteral("size")).toInteger(-1);
        i.digest = image.value(QStringLiteral("digest")).toString();
        // buildx attestation manifests appear as "unknown/unknown": not a platform anyone runs.
        if (i.platform.os.isEmpty() || i.platform.architecture.isEmpty() || i.platform.os == u"unknown" ||
            i.platform.architecture == u"unknown") {
            continue;
        }
        images.append(i);
    }
    for (const Image &i : std::as_const(images)) {
        m.platforms.append(i.platform);
    }
    if (images.size() == 1) {
        m.size = fullSize >= 0 ? fullSize : images[0].size;
        if (!m.digest.isValid()) {
            if (const auto digest = Oci::Digest::parse(images[0].digest)) {
                m.digest = *digest; // one image: its digest is the tag's manifest
            }
        }
    } else if (!images.isEmpty()) {
        const Image *shown = &images[0];
        for (const Image &i : std::as_const(images)) {
            if (i.platform.os == u"linux" && i.platform.architecture == u"amd64") {
                shown = &i;
                break;
            }
        }
        m.size = shown->size >= 0 ? shown->size : fullSize;
    } else {
        m.size = fullSize;
    }
    m.created = parseHubDate(entry.value(QStringLiteral("last_updated")));
    if (!m.created.isValid()) {
        m.created = parseHubDate(entry.value(QStringLiteral("tag_last_pushed")));
    }
    return m;
}

ListPageParser DockerHubTagsQuery::pageParser() const
{
    return [](const QByteArray &body) {
        ListPage page;
        QJsonObject object;
        const auto results = resultsOf(body, page, &object);
        if (!results) {
            return page;
        }
        QList<TagMetadata> metadata;
        for (const auto &v : *results) {
            const auto m = parseTag(v.toObject());
            if (!m) {
                page.error = QStringLiteral("a tag without a name");
                return page;
            }
            page.items.append(m->tag);
            metadata.append(*m);
        }
        page.extra = metadata;
        page.ok = true;
        return page;
    };
}

HttpRequest DockerHubTagsQuery::pageRequest(const QUrl &url) const
{
    return hubGet(m_api, url);
}

void DockerHubTagsQuery::handleResponse(const HttpResponse &response)
{
    if (response.status == 401 || response.status == 429) {
        fail(hubError(response, m_api, !pageRequest(response.url).authorization.isEmpty()));
        return;
    }
    ListQuery::handleResponse(response);
}

void DockerHubTagsQuery::emitFailure(const ClientError &error)
{
    if (m_api) {
        m_api->leaveSignIn(this); // the sign-in goes on for the other queries waiting for it
    }
    ListQuery::emitFailure(error);
}

// --- DockerHubSearchQuery

DockerHubSearchQuery::DockerHubSearchQuery(DockerHubApi *api, QString text, int pageSize, int page, QObject *parent)
    : Operation(api ? api->client() : nullptr, parent)
    , m_api(api)
    , m_text(std::move(text))
    , m_pageSize(std::clamp(pageSize, 1, DockerHubApi::MaxPageSize))
    , m_page(qMax(1, page))
{}

DockerHubSearchQuery::~DockerHubSearchQuery() = default;

void DockerHubSearchQuery::run()
{
    if (!m_api) {
        fail(ClientError::transport(QStringLiteral("the Docker Hub API object was destroyed")));
        return;
    }
    if (m_text.trimmed().isEmpty()) {
        fail(ClientError::invalidRequest(QStringLiteral("an empty search")));
        return;
    }
    const QString query = QStringLiteral("query=%1&page_size=%2&page=%3")
                              .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_text.trimmed())))
                              .arg(m_pageSize)
                              .arg(m_page);
    send(hubGet(m_api, m_api->url(QStringLiteral("/v2/search/repositories/"), query)));
}

void DockerHubSearchQuery::handleResponse(const HttpResponse &response)
{
    if (response.status != 200) {
        fail(hubError(response, m_api, !hubGet(m_api, response.url).authorization.isEmpty()));
        return;
    }
    ListPage envelope;
    QJsonObject object;
    const auto results = resultsOf(response.body, envelope, &object);
    if (!results) {
        fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                  response.describe() + QStringLiteral(": ") + envelope.error));
        return;
    }
    DockerHubSearchPage page;
    page.total = object.value(QStringLiteral("count")).toInteger();
    page.hasMore = !envelope.next.isEmpty();
    for (const auto &v : *results) {
        const QJsonObject entry = v.toObject();
        DockerHubSearchHit hit;
        hit.name = entry.value(QStringLiteral("repo_name")).toString();
        if (hit.name.isEmpty()) {
            fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                      response.describe() + QStringLiteral(": a search hit without repo_name")));
            return;
        }
        hit.repository = hit.name.contains(u'/') ? hit.name : QStringLiteral("library/") + hit.name;
        hit.description = entry.value(QStringLiteral("short_description")).toString();
        hit.stars = entry.value(QStringLiteral("star_count")).toInt();
        hit.pulls = entry.value(QStringLiteral("pull_count")).toInteger();
        hit.official = entry.value(QStringLiteral("is_official")).toBool();
        page.hits.append(hit);
    }
    if (beginFinish()) {
        emit finished(page);
    }
}

// --- DockerHubRateLimit

DockerHubRateLimitQuery::DockerHubRateLimitQuery(RegistryClient *client, QString repository, QString reference,
                                                 QObject *parent)
    : Operation(client, parent)
    , m_repository(std::move(repository))
    , m_reference(std::move(reference))
{}

DockerHubRateLimitQuery::~DockerHubRateLimitQuery() = default;

void DockerHubRateLimitQuery::run()
{
    if (!Oci::Reference::isValidRepositoryPath(m_repository) || m_reference.isEmpty()) {
        fail(ClientError::invalidRequest(QStringLiteral("invalid repository or reference: ") + m_repository + u':' +
                                         m_reference));
        return;
    }
    const ConnectionProfile &profile = client()->profile();
    HttpRequest request;
    request.method = QByteArrayLiteral("HEAD"); // a HEAD is not counted as a pull
    request.url = profile.urlFor(profile.routes().path(Oci::Endpoint::GetManifest, m_repository, m_reference));
    request.scopes = {QStringLiteral("repository:%1:pull").arg(m_repository)};
    request.headers = {{QByteArrayLiteral("Accept"), Oci::MediaType::manifestAcceptHeader().toLatin1()}};
    request.rawContent = true;
    send(request);
}

void DockerHubRateLimitQuery::handleResponse(const HttpResponse &response)
{
    if (response.status != 200) {
        fail(errorFromResponse(response));
        return;
    }
    if (beginFinish()) {
        emit finished(DockerHubRateLimit::fromHeaders(response.header("ratelimit-limit"),
                                                      response.header("ratelimit-remaining"),
                                                      response.header("docker-ratelimit-source")));
    }
}

} // namespace Minato::Client
