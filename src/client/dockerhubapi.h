#pragma once

// Docker Hub's own web API (https://hub.docker.com), for what the registry API does not offer there: Docker
// Hub refuses /v2/_catalog, has no search, and a tag's size and date would cost a manifest GET — a pull
// (USERS.md 3, 6, 12). Shapes from the Docker Hub API reference,
// https://docs.docker.com/reference/api/hub/latest/ (API version 2-beta).
//
//   auto *hub = new DockerHubApi(client, this);        // client: the registry-1.docker.io connection
//   hub->setBaseUrl(url);                              // tests: a stand-in; default https://hub.docker.com
//   auto *repos = hub->repositories(QStringLiteral("team"));     // a ListQuery, like CatalogQuery
//   auto *tags = hub->tags(QStringLiteral("team/app"));          // a VendorTagsQuery: names + TagMetadata
//   tags->feed(provider);
//   auto *found = hub->search(QStringLiteral("postgres"));
//   auto *meter = hub->rateLimit();                    // HEAD on the registry: no pull spent
//
// Sign-in: the hub API wants a JWT. With the connection's credentials (a user name and a personal access
// token, asked from the RegistryClient's AuthSession) the queries first POST /v2/auth/token
// {"identifier", "secret"} ("Create access token"; the older /v2/users/login is deprecated and never used)
// and send `Authorization: Bearer <access_token>` to the hub API's origin only. Without credentials they
// go anonymous (public repositories). The JWT is kept here until its `exp`, then asked again. Queries started
// together share one sign-in (signInShared()).
// The secret is never logged: only method, URL and status reach the log.

#include "dockerhubratelimit.h"
#include "listquery.h"
#include "operation.h"
#include "result.h"
#include "vendortagsquery.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

namespace Minato::Client {

class DockerHubLogin;
class DockerHubRepositoriesQuery;
class DockerHubSearchQuery;
class DockerHubTagsQuery;
class DockerHubRateLimitQuery;

struct DockerHubSignIn
{
    QString username; // empty when anonymous
    bool anonymous = true;
};
using DockerHubSignInResult = Result<DockerHubSignIn>;

class DockerHubApi final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHubApi)

public:
    static constexpr int MaxPageSize = 100; // the hub API's page_size limit
    static QUrl defaultBaseUrl() { return QUrl(QStringLiteral("https://hub.docker.com")); }

    explicit DockerHubApi(RegistryClient *client, QObject *parent = nullptr);
    ~DockerHubApi() override;

    RegistryClient *client() const { return m_client.data(); }
    // scheme://host[:port][/path]; the API's paths (/v2/…) are appended. Forgets a token of another base.
    void setBaseUrl(const QUrl &baseUrl);
    const QUrl &baseUrl() const { return m_baseUrl; }
    // An absolute URL under baseUrl: path "/v2/search/repositories/" and an already encoded query.
    QUrl url(const QString &path, const QString &encodedQuery = {}) const;

    // The access token (a JWT) while it is valid, else empty.
    QByteArray accessToken() const;
    // The account the token was issued to; empty when anonymous.
    const QString &username() const { return m_username; }
    void setAccessToken(QByteArray token, QString username, QDateTime expiresUtc);
    void forgetAccessToken();

    // The listing queries' sign-in, single-flight: whoever asks while one sign-in (a DockerHubLogin with the
    // connection's credentials, anonymous allowed) runs shares it, and every waiter gets its result, success
    // or failure — two queries started at once POST /v2/auth/token once. done runs only while context lives;
    // with a token held it runs at once. leaveSignIn(context): that waiter no longer waits (its query was
    // cancelled); the sign-in goes on for the others, and is cancelled only when nobody waits any more.
    void signInShared(QObject *context, std::function<void(const DockerHubSignInResult &)> done);
    void leaveSignIn(QObject *context);
    bool isSigningIn() const { return !m_sharedLogin.isNull(); }

    // Factories: children of this object, not started. login() is a sign-in of its own (a dialog checking
    // what was typed), never shared.
    DockerHubLogin *login();
    // namespace empty: the signed-in account's own.
    DockerHubRepositoriesQuery *repositories(const QString &namespaceName = {}, int pageSize = MaxPageSize);
    DockerHubTagsQuery *tags(const QString &repository, int pageSize = MaxPageSize);
    DockerHubSearchQuery *search(const QString &text, int pageSize = 25, int page = 1);
    DockerHubRateLimitQuery *rateLimit(const QString &repository = QStringLiteral("ratelimitpreview/test"),
                                       const QString &reference = QStringLiteral("latest"));

    // "nginx" → {"library", "nginx"}; "team/app" → {"team", "app"}; nullopt for anything else (the hub has
    // exactly two path components).
    static std::optional<QPair<QString, QString>> splitRepository(const QString &repository);
    // The "exp" claim of a JWT (not verified: only to know when to ask again); nullopt when unreadable.
    static std::optional<QDateTime> jwtExpiry(const QByteArray &jwt);

private:
    struct SignInWaiter
    {
        QPointer<QObject> context;
        std::function<void(const DockerHubSignInResult &)> done;
    };

    QPointer<RegistryClient> m_client;
    QPointer<DockerHubLogin> m_sharedLogin;
    QList<SignInWaiter> m_signInWaiters;
    QUrl m_baseUrl = defaultBaseUrl();
    QByteArray m_token;
    QString m_username;
    QDateTime m_expires;
};

// --- Sign-in: POST /v2/auth/token {"identifier": user, "secret": personal access token} → {"access_token"}.
class DockerHubLogin final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHubLogin)

public:
    DockerHubLogin(DockerHubApi *api, QObject *parent = nullptr);
    ~DockerHubLogin() override;

    // Use these instead of asking the connection's AuthSession (a sign-in dialog checking what was typed).
    void setCredentials(Credentials credentials) { m_credentials = std::move(credentials); }
    // Without credentials: finish as anonymous instead of failing with AuthRequired (the listing queries).
    void setAllowAnonymous(bool allow) { m_allowAnonymous = allow; }

signals:
    void finished(const Minato::Client::DockerHubSignInResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    void signIn(const std::optional<Credentials> &credentials);

    QPointer<DockerHubApi> m_api;
    std::optional<Credentials> m_credentials;
    QString m_username;
    bool m_allowAnonymous = false;
};

// --- Repositories of a namespace: GET /v2/namespaces/{namespace}/repositories?page_size= ("List
// repositories in a namespace"), paged by the body's "next" URL; a 404 on the first page retries the older
// GET /v2/repositories/{namespace}/ once. Items are "namespace/name", usable with the registry API.
class DockerHubRepositoriesQuery final : public ListQuery
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHubRepositoriesQuery)

public:
    DockerHubRepositoriesQuery(DockerHubApi *api, QString namespaceName, int pageSize = DockerHubApi::MaxPageSize,
                               QObject *parent = nullptr);
    ~DockerHubRepositoriesQuery() override;
    // The namespace listed (the signed-in account's when none was given), known once started.
    const QString &namespaceName() const { return m_namespace; }

protected:
    void run() override;
    std::optional<QUrl> firstPageUrl() override;
    QString listKey() const override { return QStringLiteral("results"); }
    QStringList scopes() const override { return {}; }
    ListPageParser pageParser() const override;
    HttpRequest pageRequest(const QUrl &url) const override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override;

private:
    QPointer<DockerHubApi> m_api;
    QString m_namespace;
    bool m_legacyTried = false;
    bool m_firstPage = true;
};

// --- Tags with sizes and dates: GET /v2/namespaces/{ns}/repositories/{repo}/tags?page_size= ("List
// repository tags"): results[].name, digest, media_type, full_size, last_updated, images[{architecture, os,
// variant, size, digest}]. TagMetadata per tag: digest; platforms from images (attestation entries,
// "unknown/unknown", left out); size = full_size for one image, else the linux/amd64 image's size (as
// TagMetadataProvider shows an index), else full_size; created = last_updated (the last push: the hub API
// gives no config date).
class DockerHubTagsQuery final : public VendorTagsQuery
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHubTagsQuery)

public:
    DockerHubTagsQuery(DockerHubApi *api, QString repository, int pageSize = DockerHubApi::MaxPageSize,
                       QObject *parent = nullptr);
    ~DockerHubTagsQuery() override;

    // The metadata of one results[] entry; nullopt when it has no name. Exposed for tests.
    static std::optional<TagMetadata> parseTag(const QJsonObject &entry);

protected:
    void run() override;
    std::optional<QUrl> firstPageUrl() override;
    ListPageParser pageParser() const override;
    HttpRequest pageRequest(const QUrl &url) const override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override;

private:
    QPointer<DockerHubApi> m_api;
};

// --- Search: GET /v2/search/repositories/?query=&page_size=&page= — one page of public repositories.
struct DockerHubSearchHit
{
    QString name;       // as the hub gives it: "nginx" for official images, "team/app" otherwise
    QString repository; // usable with the registry API: "library/nginx"
    QString description;
    int stars = 0;
    qint64 pulls = 0;
    bool official = false;
};
struct DockerHubSearchPage
{
    qint64 total = 0; // "count": hits over all pages
    QList<DockerHubSearchHit> hits;
    bool hasMore = false; // a "next" page exists
};
using DockerHubSearchResult = Result<DockerHubSearchPage>;

class DockerHubSearchQuery final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHubSearchQuery)

public:
    DockerHubSearchQuery(DockerHubApi *api, QString text, int pageSize = 25, int page = 1, QObject *parent = nullptr);
    ~DockerHubSearchQuery() override;

signals:
    void finished(const Minato::Client::DockerHubSearchResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    QPointer<DockerHubApi> m_api;
    QString m_text;
    int m_pageSize;
    int m_page;
};

// --- The pull-rate meter: HEAD of a manifest on the registry (a HEAD is not a pull) and its headers
// `ratelimit-limit: 100;w=21600`, `ratelimit-remaining: 76;w=21600`, `docker-ratelimit-source: <ip or id>`
// (https://docs.docker.com/docker-hub/usage/pulls/). Absent headers: no limit applies to this account.
using DockerHubRateLimitResult = Result<DockerHubRateLimit>;

class DockerHubRateLimitQuery final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHubRateLimitQuery)

public:
    // A HEAD on the RegistryClient's registry (registry-1.docker.io), through its normal token flow.
    DockerHubRateLimitQuery(RegistryClient *client, QString repository = QStringLiteral("ratelimitpreview/test"),
                            QString reference = QStringLiteral("latest"), QObject *parent = nullptr);
    ~DockerHubRateLimitQuery() override;

signals:
    void finished(const Minato::Client::DockerHubRateLimitResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    QString m_repository;
    QString m_reference;
};

} // namespace Minato::Client
