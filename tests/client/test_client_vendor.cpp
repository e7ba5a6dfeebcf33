// Vendor APIs (src/client/dockerhubapi.h, harborapi.h, vendorapi.h) against stand-ins.
// Why stand-ins: Docker Hub's web API (hub.docker.com) cannot be reached from this machine (no internet),
// and no Harbor runs here (a multi-container deployment that cannot be pulled offline). DESIGN.md allows a
// stand-in for exactly such remote services; DockerHubStandIn and HarborStandIn are built from the
// documented request/response shapes (Docker Hub API reference 2-beta, Harbor API v2.0 swagger) — see their
// headers. Misbehaviour on cue (loops, 429, garbage) uses their override hooks or a bare StandInServer.
#include "clienttestsupport.h"
#include "vendortestsupport.h"
#include "dockerhubstandin.h"
#include "harborstandin.h"
#include "standinserver.h"

#include "client/digestcache.h"
#include "client/dockerhubapi.h"
#include "client/harborapi.h"
#include "client/manifestquery.h"
#include "client/registryclient.h"
#include "client/tagmetadataprovider.h"
#include "client/vendorapi.h"

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Minato::Client;
using namespace Minato::Test;

namespace {

const QString kDigestA = QStringLiteral("sha256:") + QString(64, u'a');
const QString kDigestB = QStringLiteral("sha256:") + QString(64, u'b');
const QString kDigestC = QStringLiteral("sha256:") + QString(64, u'c');
const QString kDigestD = QStringLiteral("sha256:") + QString(64, u'd');
const QString kPat = QStringLiteral("dckr_pat_Z3cr3tT0k3n-never-logged");

DockerHubStandIn::Repository hubRepository(const QString &ns, const QString &name, bool isPrivate = false)
{
    DockerHubStandIn::Repository r;
    r.namespaceName = ns;
    r.name = name;
    r.description = QStringLiteral("the %1 image").arg(name);
    r.isPrivate = isPrivate;
    return r;
}

// Everything the client logs while alive (every category of minato.client at debug level).
class LogCapture
{
public:
    LogCapture()
    {
        QLoggingCategory::setFilterRules(QStringLiteral("minato.client*=true"));
        s_lines.clear();
        m_previous = qInstallMessageHandler(&LogCapture::handler);
    }
    ~LogCapture()
    {
        qInstallMessageHandler(m_previous);
        QLoggingCategory::setFilterRules(QString());
    }
    Q_DISABLE_COPY_MOVE(LogCapture)

    static QStringList lines()
    {
        QMutexLocker lock(&s_mutex);
        return s_lines;
    }

private:
    static void handler(QtMsgType, const QMessageLogContext &, const QString &message)
    {
        QMutexLocker lock(&s_mutex);
        s_lines.append(message);
    }
    QtMessageHandler m_previous = nullptr;
    static inline QMutex s_mutex;
    static inline QStringList s_lines;
};

} // namespace

// ---------------------------------------------------------------------------------------------- Docker Hub

TEST_CASE("Docker Hub: a namespace listing pages through the body's next URLs", "[client][vendor][dockerhub]")
{
    DockerHubStandIn hub({});
    for (int i = 1; i <= 7; ++i) {
        hub.addRepository(hubRepository(QStringLiteral("team"), QStringLiteral("app%1").arg(i)));
    }
    hub.addRepository(hubRepository(QStringLiteral("team"), QStringLiteral("secret"), true));
    hub.addRepository(hubRepository(QStringLiteral("other"), QStringLiteral("thing")));
    REQUIRE(hub.listen());
    RegistryClient client(profileFor(QUrl(QStringLiteral("http://127.0.0.1:1")), ConnectionProfile::Kind::DockerHub));
    DockerHubApi api(&client);
    api.setBaseUrl(hub.baseUrl());

    QStringList items;
    const auto r = list(api.repositories(QStringLiteral("team"), 3), items);
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(r->value().pages == 3);
    CHECK_FALSE(r->value().stoppedOnLoop);
    CHECK(items == QStringList{QStringLiteral("team/app1"), QStringLiteral("team/app2"), QStringLiteral("team/app3"),
                               QStringLiteral("team/app4"), QStringLiteral("team/app5"), QStringLiteral("team/app6"),
                               QStringLiteral("team/app7")});
    const auto gets = requestsTo(hub.server(), "/v2/namespaces/team/repositories");
    REQUIRE(gets.size() == 3);
    CHECK(gets[0].queryValue("page_size") == "3");
    CHECK(gets[2].queryValue("page") == "3");
    for (const StandInRequest &g : gets) {
        CHECK_FALSE(g.hasHeader("Authorization")); // anonymous: no credentials for this connection
    }
}

TEST_CASE("Docker Hub: the older /v2/repositories/{namespace}/ listing is used when the newer one is missing",
          "[client][vendor][dockerhub]")
{
    DockerHubStandIn::Options options;
    options.legacyListingOnly = true;
    DockerHubStandIn hub(options);
    hub.addRepository(hubRepository(QStringLiteral("team"), QStringLiteral("one")));
    hub.addRepository(hubRepository(QStringLiteral("team"), QStringLiteral("two")));
    REQUIRE(hub.listen());
    RegistryClient client(profileFor(QUrl(QStringLiteral("http://127.0.0.1:1")), ConnectionProfile::Kind::DockerHub));
    DockerHubApi api(&client);
    api.setBaseUrl(hub.baseUrl());
    QStringList items;
    const auto r = list(api.repositories(QStringLiteral("team")), items);
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(items == QStringList{QStringLiteral("team/one"), QStringLiteral("team/two")});
    CHECK(requestsTo(hub.server(), "/v2/repositories/team/").size() == 1);
}

TEST_CASE("Docker Hub: a next URL loop ends the listing with what was listed", "[client][vendor][dockerhub]")
{
    DockerHubStandIn hub({});
    REQUIRE(hub.listen());
    const QString base = hub.baseUrl().toString();
    hub.setOverride([base](const StandInRequest &r) -> std::optional<StandInResponse> {
        if (!r.path.startsWith("/v2/namespaces/loop/")) {
            return std::nullopt;
        }
        // Page 2 names page 1 again as its next.
        const bool second = r.queryValue("page") == "2";
        QJsonObject body;
        body.insert(QStringLiteral("count"), 4);
        body.insert(QStringLiteral("next"),
                    base + (second ? QStringLiteral("/v2/namespaces/loop/repositories?page_size=2")
                                   : QStringLiteral("/v2/namespaces/loop/repositories?page=2&page_size=2")));
        body.insert(
            QStringLiteral("results"),
            QJsonArray{QJsonObject{{QStringLiteral("name"), second ? QStringLiteral("c") : QStringLiteral("a")}},
                       QJsonObject{{QStringLiteral("name"), second ? QStringLiteral("d") : QStringLiteral("b")}}});
        return StandInResponse::json(200, QJsonDocument(body).toJson());
    });
    RegistryClient client(profileFor(QUrl(QStringLiteral("http://127.0.0.1:1")), ConnectionProfile::Kind::DockerHub));
    DockerHubApi api(&client);
    api.setBaseUrl(hub.baseUrl());
    QStringList items;
    const auto r = list(api.repositories(QStringLiteral("loop"), 2), items);
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(r->value().stoppedOnLoop);
    CHECK(items == QStringList{QStringLiteral("loop/a"), QStringLiteral("loop/b"), QStringLiteral("loop/c"),
                               QStringLiteral("loop/d")});
    CHECK(hub.server().requests().size() == 2);
}

TEST_CASE("Docker Hub: a personal access token signs in with identifier and secret, never logged",
          "[client][vendor][dockerhub]")
{
    DockerHubStandIn::Options options;
    options.users.insert(QStringLiteral("alice"), kPat);
    DockerHubStandIn hub(options);
    hub.addRepository(hubRepository(QStringLiteral("alice"), QStringLiteral("public-app")));
    hub.addRepository(hubRepository(QStringLiteral("alice"), QStringLiteral("private-app"), true));
    REQUIRE(hub.listen());
    RegistryClient client(profileFor(QUrl(QStringLiteral("http://127.0.0.1:1")), ConnectionProfile::Kind::DockerHub));
    client.setCredentials(login(QStringLiteral("alice"), kPat));
    DockerHubApi api(&client);
    api.setBaseUrl(hub.baseUrl());

    LogCapture logs;
    QStringList items;
    // No namespace: the signed-in account's own, private repositories included.
    const auto r = list(api.repositories(), items);
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(items == QStringList{QStringLiteral("alice/public-app"), QStringLiteral("alice/private-app")});

    const auto logins = requestsTo(hub.server(), "/v2/auth/token");
    REQUIRE(logins.size() == 1);
    CHECK(logins[0].method == "POST");
    CHECK(logins[0].header("Content-Type") == "application/json");
    const QJsonObject sent = QJsonDocument::fromJson(logins[0].body).object();
    CHECK(sent.value(QStringLiteral("identifier")).toString() == QStringLiteral("alice"));
    CHECK(sent.value(QStringLiteral("secret")).toString() == kPat);
    CHECK(requestsTo(hub.server(), "/v2/users/login").isEmpty()); // deprecated: never used

    REQUIRE(hub.issuedTokens().size() == 1);
    const auto listing = requestsTo(hub.server(), "/v2/namespaces/alice/repositories");
    REQUIRE(listing.size() == 1);
    CHECK(listing[0].header("Authorization") == "Bearer " + hub.issuedTokens().first());
    CHECK(api.username() == QStringLiteral("alice"));
    CHECK(api.accessToken() == hub.issuedTokens().first());

    // A second query reuses the token: no second sign-in.
    const auto again = list(api.repositories(QStringLiteral("alice")), items);
    REQUIRE(again);
    REQUIRE(again->hasValue());
    CHECK(requestsTo(hub.server(), "/v2/auth/token").size() == 1);

    const QStringList lines = LogCapture::lines();
    CHECK_FALSE(lines.isEmpty()); // the capture works: requests were logged
    for (const QString &line : lines) {
        CHECK_FALSE(line.contains(kPat));
        CHECK_FALSE(line.contains(QString::fromLatin1(hub.issuedTokens().first())));
    }
}

TEST_CASE("Docker Hub: refused sign-in and refused tokens are auth errors with a sentence",
          "[client][vendor][dockerhub]")
{
    DockerHubStandIn::Options options;
    options.users.insert(QStringLiteral("alice"), kPat);
    DockerHubStandIn hub(options);
    hub.addRepository(hubRepository(QStringLiteral("alice"), QStringLiteral("app")));
    REQUIRE(hub.listen());
    RegistryClient client(profileFor(QUrl(QStringLiteral("http://127.0.0.1:1")), ConnectionProfile::Kind::DockerHub));
    DockerHubApi api(&client);
    api.setBaseUrl(hub.baseUrl());

    SECTION("a wrong personal access token")
    {
        client.setCredentials(login(QStringLiteral("alice"), QStringLiteral("dckr_pat_wrong")));
        QStringList items;
        const auto r = list(api.repositories(QStringLiteral("alice")), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::Auth);
        CHECK_FALSE(r->error().message().isEmpty());
        CHECK(items.isEmpty());
        CHECK(requestsTo(hub.server(), "/v2/namespaces/").isEmpty()); // nothing listed with a failed sign-in
    }
    SECTION("an explicit sign-in without credentials asks for them")
    {
        const auto r = runToEnd<DockerHubLogin, DockerHubSignInResult>(api.login());
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::AuthRequired);
        CHECK(r->error().message().contains(QStringLiteral("sign in")));
    }
    SECTION("a token the hub no longer accepts: 401 → Auth, and the token is forgotten")
    {
        client.setCredentials(login(QStringLiteral("alice"), kPat));
        const auto signedIn = runToEnd<DockerHubLogin, DockerHubSignInResult>(api.login());
        REQUIRE(signedIn);
        REQUIRE(signedIn->hasValue());
        CHECK_FALSE(signedIn->value().anonymous);
        hub.revokeTokens();
        QStringList items;
        const auto r = list(api.tags(QStringLiteral("alice/app")), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::Auth);
        CHECK(r->error().httpStatus() == 0); // our sentence, not a bare status
        CHECK_FALSE(r->error().message().isEmpty());
        CHECK(api.accessToken().isEmpty());
    }
    SECTION("anonymous and refused: 401 → AuthRequired")
    {
        hub.setOverride([](const StandInRequest &) -> std::optional<StandInResponse> {
            return StandInResponse::json(401, R"({"detail":"Authentication credentials were not provided."})");
        });
        QStringList items;
        const auto r = list(api.repositories(QStringLiteral("alice")), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::AuthRequired);
        CHECK(r->error().message().contains(QStringLiteral("sign in")));
    }
}

TEST_CASE("Docker Hub: the access token never follows a redirect to another origin", "[client][vendor][dockerhub]")
{
    DockerHubStandIn::Options options;
    options.users.insert(QStringLiteral("alice"), kPat);
    DockerHubStandIn hub(options);
    REQUIRE(hub.listen());
    // Another origin (127.0.0.2): it records what arrives and answers an empty page.
    StandInServer elsewhere(QHostAddress(QStringLiteral("127.0.0.2")));
    REQUIRE(elsewhere.listen());
    elsewhere.setHandler([](const StandInRequest &) {
        return StandInResponse::json(200, R"({"count":0,"next":null,"previous":null,"results":[]})");
    });
    const QByteArray target = elsewhere.baseUrl().toEncoded() + "/v2/namespaces/alice/repositories/app/tags";
    hub.setOverride([target](const StandInRequest &r) -> std::optional<StandInResponse> {
        if (r.path.endsWith("/tags")) {
            StandInResponse moved;
            moved.status = 307;
            moved.headers.append(qMakePair(QByteArrayLiteral("Location"), target));
            return moved;
        }
        return std::nullopt;
    });
    RegistryClient client(profileFor(QUrl(QStringLiteral("http://127.0.0.1:1")), ConnectionProfile::Kind::DockerHub));
    client.setCredentials(login(QStringLiteral("alice"), kPat));
    DockerHubApi api(&client);
    api.setBaseUrl(hub.baseUrl());
    QStringList items;
    const auto r = list(api.tags(QStringLiteral("alice/app")), items);
    REQUIRE(r);
    REQUIRE(r->hasValue());
    const auto first = requestsTo(hub.server(), "/v2/namespaces/alice/repositories/app/tags");
    REQUIRE(first.size() == 1);
    CHECK(first[0].header("Authorization").startsWith("Bearer ")); // sent to the hub API itself
    REQUIRE(elsewhere.requests().size() == 1);
    CHECK_FALSE(elsewhere.requests().first().hasHeader("Authorization"));
}

TEST_CASE("Docker Hub: 429 with Retry-After is RateLimited, garbage is InvalidResponse", "[client][vendor][dockerhub]")
{
    DockerHubStandIn hub({});
    REQUIRE(hub.listen());
    hub.setOverride([](const StandInRequest &r) -> std::optional<StandInResponse> {
        if (r.path.contains("/limited/")) {
            return StandInResponse::json(429, R"({"message":"Too Many Requests"})").withHeader("Retry-After", "42");
        }
        if (r.path.contains("/garbage/")) {
            return StandInResponse::json(200, "{\"count\": 3, \"results\": [ {\"name\": ");
        }
        if (r.path.contains("/wrongshape/")) {
            return StandInResponse::json(200, R"({"count":1,"results":{"name":"x"}})");
        }
        if (r.path.contains("/html/")) {
            StandInResponse html;
            html.body = "<html><body>Docker Hub is down for maintenance</body></html>";
            html.headers.append(qMakePair(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/html")));
            return html;
        }
        return std::nullopt;
    });
    RegistryClient client(profileFor(QUrl(QStringLiteral("http://127.0.0.1:1")), ConnectionProfile::Kind::DockerHub));
    DockerHubApi api(&client);
    api.setBaseUrl(hub.baseUrl());
    QStringList items;

    SECTION("429")
    {
        const auto r = list(api.repositories(QStringLiteral("limited")), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::RateLimited);
        CHECK(r->error().retryAfterSeconds() == 42);
        CHECK(r->error().message().contains(QStringLiteral("42")));
    }
    SECTION("truncated JSON")
    {
        const auto r = list(api.tags(QStringLiteral("garbage/app")), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::InvalidResponse);
        CHECK(r->error().invalidReason() == ClientError::Invalid::BadContent);
        CHECK(items.isEmpty());
    }
    SECTION("results that are not an array")
    {
        const auto r = list(api.repositories(QStringLiteral("wrongshape")), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().invalidReason() == ClientError::Invalid::BadContent);
    }
    SECTION("an HTML page")
    {
        const auto r = list(api.repositories(QStringLiteral("html")), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::InvalidResponse);
    }
}

TEST_CASE("Docker Hub: tags with sizes, dates and platforms feed TagMetadataProvider without registry requests",
          "[client][vendor][dockerhub]")
{
    DockerHubStandIn hub({});
    DockerHubStandIn::Repository repo = hubRepository(QStringLiteral("library"), QStringLiteral("nginx"));
    {
        DockerHubStandIn::Tag multi;
        multi.name = QStringLiteral("1.27");
        multi.fullSize = 999;
        multi.lastUpdated = QStringLiteral("2024-05-02T09:14:33.123456Z");
        multi.digest = kDigestA;
        multi.mediaType = QStringLiteral("application/vnd.oci.image.index.v1+json");
        multi.images = {
            {QStringLiteral("arm64"), QStringLiteral("linux"), QStringLiteral("v8"), 1000, kDigestB},
            {QStringLiteral("amd64"), QStringLiteral("linux"), {}, 2000, kDigestC},
            {QStringLiteral("unknown"), QStringLiteral("unknown"), {}, 50, kDigestD}, // an attestation
        };
        DockerHubStandIn::Tag single;
        single.name = QStringLiteral("slim");
        single.fullSize = 12345;
        single.lastUpdated = QStringLiteral("2023-11-30T23:59:59Z");
        single.digest = QString(); // older entries carry no tag digest: the one image's is the manifest's
        single.mediaType = QStringLiteral("application/vnd.docker.distribution.manifest.v2+json");
        single.images = {{QStringLiteral("amd64"), QStringLiteral("linux"), {}, 12000, kDigestD}};
        DockerHubStandIn::Tag third;
        third.name = QStringLiteral("3");
        third.fullSize = 7;
        third.lastUpdated = QStringLiteral("2022-01-01T00:00:00Z");
        third.digest = kDigestB;
        third.images = {{QStringLiteral("amd64"), QStringLiteral("linux"), {}, 7, kDigestB}};
        repo.tags = {multi, single, third};
    }
    hub.addRepository(repo);
    REQUIRE(hub.listen());
    // The registry itself: any request reaching it fails the test's last check.
    StandInServer registry;
    REQUIRE(registry.listen());
    RegistryClient client(profileFor(registry.baseUrl(), ConnectionProfile::Kind::DockerHub));
    VendorApi vendor(&client);
    vendor.setDockerHubBaseUrl(hub.baseUrl());
    QTemporaryDir cacheDir;
    DigestCache cache(cacheDir.path());
    TagMetadataProvider provider(&client, QStringLiteral("library/nginx"), &cache);

    VendorTagsQuery *query = vendor.tags(QStringLiteral("nginx"), 2); // "nginx" is library/nginx on the hub
    REQUIRE(query != nullptr);
    query->feed(&provider);
    QList<TagMetadata> seen;
    QObject::connect(query, &VendorTagsQuery::metadataReady, query,
                     [&seen](const QList<TagMetadata> &m) { seen.append(m); });
    QStringList items;
    const auto r = list(query, items);
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(r->value().pages == 2);
    CHECK(items == QStringList{QStringLiteral("1.27"), QStringLiteral("slim"), QStringLiteral("3")});
    CHECK(seen.size() == 3);
    CHECK(requestsTo(hub.server(), "/v2/namespaces/library/repositories/nginx/tags").size() == 2);

    const TagMetadata *multi = provider.metadata(QStringLiteral("1.27"));
    REQUIRE(multi != nullptr);
    CHECK(multi->state == TagMetadata::State::Loaded);
    CHECK(multi->digest.toString() == kDigestA);
    CHECK(multi->mediaType == QStringLiteral("application/vnd.oci.image.index.v1+json"));
    REQUIRE(multi->platforms.size() == 2); // the attestation entry is not a platform
    CHECK(multi->platforms[0].toString() == QStringLiteral("linux/arm64/v8"));
    CHECK(multi->platforms[1].toString() == QStringLiteral("linux/amd64"));
    CHECK(multi->size == 2000); // the linux/amd64 image, as the provider shows an index
    CHECK(multi->created == QDateTime(QDate(2024, 5, 2), QTime(9, 14, 33, 123), Qt::UTC));

    const TagMetadata *single = provider.metadata(QStringLiteral("slim"));
    REQUIRE(single != nullptr);
    CHECK(single->size == 12345); // full_size
    CHECK(single->digest.toString() == kDigestD);
    CHECK(single->created == QDateTime(QDate(2023, 11, 30), QTime(23, 59, 59), Qt::UTC));
    REQUIRE(single->platforms.size() == 1);

    const TagMetadata *third = provider.metadata(QStringLiteral("3"));
    REQUIRE(third != nullptr);
    CHECK(third->size == 7);

    // Asking the provider for supplied tags starts no job: nothing reaches the registry.
    provider.request({QStringLiteral("1.27"), QStringLiteral("slim"), QStringLiteral("3")});
    CHECK(provider.inFlight() == 0);
    CHECK(registry.requests().isEmpty());
}

TEST_CASE("Docker Hub: search returns name, description, stars and the official flag", "[client][vendor][dockerhub]")
{
    DockerHubStandIn hub({});
    DockerHubStandIn::Repository official = hubRepository(QStringLiteral("library"), QStringLiteral("postgres"));
    official.official = true;
    official.stars = 14000;
    official.pulls = 1000000000;
    official.description = QStringLiteral("The PostgreSQL object-relational database system");
    DockerHubStandIn::Repository community = hubRepository(QStringLiteral("bitnami"), QStringLiteral("postgresql"));
    community.stars = 250;
    hub.addRepository(official);
    hub.addRepository(community);
    hub.addRepository(hubRepository(QStringLiteral("alice"), QStringLiteral("postgres-secret"), true));
    REQUIRE(hub.listen());
    RegistryClient client(profileFor(QUrl(QStringLiteral("http://127.0.0.1:1")), ConnectionProfile::Kind::DockerHub));
    DockerHubApi api(&client);
    api.setBaseUrl(hub.baseUrl());

    const auto r = runToEnd<DockerHubSearchQuery, DockerHubSearchResult>(api.search(QStringLiteral("postgres"), 1));
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(r->value().total == 2);
    CHECK(r->value().hasMore);
    REQUIRE(r->value().hits.size() == 1);
    const DockerHubSearchHit &hit = r->value().hits.first();
    CHECK(hit.name == QStringLiteral("postgres"));
    CHECK(hit.repository == QStringLiteral("library/postgres"));
    CHECK(hit.description == official.description);
    CHECK(hit.stars == 14000);
    CHECK(hit.pulls == 1000000000);
    CHECK(hit.official);
    const auto sent = requestsTo(hub.server(), "/v2/search/repositories/");
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].queryValue("query") == "postgres");
    CHECK(sent[0].queryValue("page_size") == "1");

    const auto page2 =
        runToEnd<DockerHubSearchQuery, DockerHubSearchResult>(api.search(QStringLiteral("postgres"), 1, 2));
    REQUIRE(page2);
    REQUIRE(page2->hasValue());
    REQUIRE(page2->value().hits.size() == 1);
    CHECK(page2->value().hits.first().repository == QStringLiteral("bitnami/postgresql"));
    CHECK_FALSE(page2->value().hits.first().official);
    CHECK_FALSE(page2->value().hasMore);
}

TEST_CASE("Docker Hub: the pull-rate meter reads ratelimit headers from a manifest HEAD", "[client][vendor][dockerhub]")
{
    // The registry side (registry-1.docker.io) answering a HEAD with Docker's documented headers.
    StandInServer registry;
    REQUIRE(registry.listen());
    registry.setHandler([](const StandInRequest &r) {
        if (r.path == "/v2/ratelimitpreview/test/manifests/latest") {
            return StandInResponse::json(200, "{}")
                .withHeader("Docker-Content-Digest", "sha256:" + QByteArray(64, 'e'))
                .withHeader("ratelimit-limit", "100;w=21600")
                .withHeader("ratelimit-remaining", "76;w=21600")
                .withHeader("docker-ratelimit-source", "192.0.2.10");
        }
        if (r.path == "/v2/unlimited/app/manifests/latest") {
            return StandInResponse::json(200, "{}");
        }
        return StandInResponse::json(429, R"({"errors":[{"code":"TOOMANYREQUESTS","message":"limit"}]})")
            .withHeader("Retry-After", "60");
    });
    RegistryClient client(profileFor(registry.baseUrl(), ConnectionProfile::Kind::DockerHub));
    DockerHubApi api(&client);

    const auto r = runToEnd<DockerHubRateLimitQuery, DockerHubRateLimitResult>(api.rateLimit());
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(r->value().isLimited());
    CHECK(r->value().limit == 100);
    CHECK(r->value().remaining == 76);
    CHECK(r->value().windowSeconds == 21600);
    CHECK(r->value().source == QStringLiteral("192.0.2.10"));
    REQUIRE(registry.requests().size() == 1);
    CHECK(registry.requests().first().method == "HEAD"); // a HEAD spends no pull

    const auto unlimited =
        runToEnd<DockerHubRateLimitQuery, DockerHubRateLimitResult>(api.rateLimit(QStringLiteral("unlimited/app")));
    REQUIRE(unlimited);
    REQUIRE(unlimited->hasValue());
    CHECK_FALSE(unlimited->value().isLimited());

    const auto limited =
        runToEnd<DockerHubRateLimitQuery, DockerHubRateLimitResult>(api.rateLimit(QStringLiteral("limited/app")));
    REQUIRE(limited);
    REQUIRE_FALSE(limited->hasValue());
    CHECK(limited->error().kind() == ClientError::Kind::RateLimited);
    CHECK(limited->error().retryAfterSeconds() == 60);
}

TEST_CASE("Docker Hub: small parsers", "[client][vendor][dockerhub]")
{
    CHECK(DockerHubApi::splitRepository(QStringLiteral("nginx")) ==
          qMakePair(QStringLiteral("library"), QStringLiteral("nginx")));
    CHECK(DockerHubApi::splitRepository(QStringLiteral("team/app")) ==
          qMakePair(QStringLiteral("team"), QStringLiteral("app")));
    CHECK_FALSE(DockerHubApi::splitRepository(QStringLiteral("a/b/c")));
    CHECK_FALSE(DockerHubApi::splitRepository(QStringLiteral("Team/App")));

    const QByteArray payload = QByteArray(R"({"sub":"alice","exp":1900000000})")
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const auto exp = DockerHubApi::jwtExpiry("eyJhbGciOiJub25lIn0." + payload + ".sig");
    REQUIRE(exp);
    CHECK(exp->toSecsSinceEpoch() == 1900000000);
    CHECK_FALSE(DockerHubApi::jwtExpiry("not-a-jwt"));

    const auto rl = DockerHubRateLimit::fromHeaders("10;w=3600", "0;w=3600", "");
    CHECK(rl.limit == 10);
    CHECK(rl.remaining == 0);
    CHECK(rl.windowSeconds == 3600);
    CHECK_FALSE(DockerHubRateLimit::fromHeaders({}, {}, {}).isLimited());
}

TEST_CASE("A connection keeps the pull rate limit its registry's answers carry (HEADs included)", "[client][vendor]")
{
    // Docker Hub's registry cannot be reached here: a stand-in answers with the documented headers
    // ("ratelimit-limit: 100;w=21600", "ratelimit-remaining: N;w=21600", "docker-ratelimit-source").
    StandInServer registry;
    REQUIRE(registry.listen());
    int remaining = 77;
    registry.setHandler([&remaining](const StandInRequest &r) {
        if (r.path == "/v2/") {
            return StandInResponse::json(200, "{}");
        }
        StandInResponse response = StandInResponse::json(200, "{}");
        if (r.path.startsWith("/v2/library/alpine/manifests/")) {
            --remaining;
            response.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                                {"Docker-Content-Digest", "sha256:" + QByteArray(64, 'a')},
                                {"RateLimit-Limit", "100;w=21600"},
                                {"RateLimit-Remaining", QByteArray::number(remaining) + ";w=21600"},
                                {"docker-ratelimit-source", "203.0.113.7"}};
        }
        return response;
    });
    RegistryClient client(profileFor(registry.baseUrl(), ConnectionProfile::Kind::Generic));
    CHECK_FALSE(client.pullRateLimit().has_value());
    QSignalSpy changed(&client, &RegistryClient::pullRateLimitChanged);

    const auto head = runToEnd<ManifestQuery, ManifestResult>(
        client.manifest(QStringLiteral("library/alpine"), QStringLiteral("3.19"), true));
    REQUIRE(head);
    REQUIRE(client.pullRateLimit().has_value());
    CHECK(client.pullRateLimit()->limit == 100);
    CHECK(client.pullRateLimit()->remaining == 76);
    CHECK(client.pullRateLimit()->windowSeconds == 21600);
    CHECK(client.pullRateLimit()->source == QStringLiteral("203.0.113.7"));
    CHECK(client.pullRateLimit()->seenAt.isValid());
    CHECK(changed.count() == 1);

    // A new figure replaces it; headers that are incomplete or malformed say nothing.
    runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("library/alpine"), QStringLiteral("3.20"), true));
    CHECK(client.pullRateLimit()->remaining == 75);
    CHECK(changed.count() == 2);
    CHECK_FALSE(DockerHubRateLimit::fromResponse({{"ratelimit-limit", "100;w=21600"}}).has_value());
    CHECK_FALSE(DockerHubRateLimit::fromResponse({{"ratelimit-limit", "x"}, {"ratelimit-remaining", "1"}}).has_value());
}

// -------------------------------------------------------------------------------------------------- Harbor

namespace {

HarborStandIn::Artifact harborImage(const QString &digest, qint64 size, const QStringList &tags)
{
    HarborStandIn::Artifact a;
    a.digest = digest;
    a.size = size;
    a.pushTime = QStringLiteral("2024-03-01T10:00:00.000Z");
    a.manifestMediaType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    a.tags = tags;
    a.os = QStringLiteral("linux");
    a.architecture = QStringLiteral("amd64");
    a.created = QStringLiteral("2024-02-28T08:30:00Z");
    return a;
}

} // namespace

TEST_CASE("Harbor: projects and repositories page through Link and X-Total-Count", "[client][vendor][harbor]")
{
    HarborStandIn::Options options;
    options.users.insert(QStringLiteral("alice"), QStringLiteral("Harbor12345"));
    HarborStandIn harbor(options);
    for (int i = 1; i <= 5; ++i) {
        harbor.addProject(QStringLiteral("public%1").arg(i), true);
    }
    harbor.addProject(QStringLiteral("private"), false);
    harbor.addRepository(QStringLiteral("private/app"), {});
    harbor.addRepository(QStringLiteral("private/team/tool"), {});
    harbor.addRepository(QStringLiteral("public1/web"), {});
    REQUIRE(harbor.listen());

    SECTION("anonymous: public projects only, three pages of two")
    {
        RegistryClient client(profileFor(harbor.baseUrl(), ConnectionProfile::Kind::Harbor));
        QStringList items;
        const auto r = list(new HarborProjectsQuery(&client, 2, &client), items);
        REQUIRE(r);
        REQUIRE(r->hasValue());
        CHECK(r->value().pages == 3);
        CHECK(items == QStringList{QStringLiteral("public1"), QStringLiteral("public2"), QStringLiteral("public3"),
                                   QStringLiteral("public4"), QStringLiteral("public5")});
        const auto sent = requestsTo(harbor.server(), "/api/v2.0/projects");
        REQUIRE(sent.size() == 3);
        CHECK(sent[1].queryValue("page") == "2");
        CHECK(sent[1].queryValue("page_size") == "2");
        CHECK_FALSE(sent[0].hasHeader("Authorization"));

        const auto denied = list(new HarborRepositoriesQuery(&client, QStringLiteral("private"), 10, &client), items);
        REQUIRE(denied);
        REQUIRE_FALSE(denied->hasValue());
        CHECK(denied->error().kind() == ClientError::Kind::AuthRequired);
    }
    SECTION("with Basic credentials: private projects and their repositories")
    {
        RegistryClient client(profileFor(harbor.baseUrl(), ConnectionProfile::Kind::Harbor));
        client.setCredentials(login(QStringLiteral("alice"), QStringLiteral("Harbor12345")));
        QStringList items;
        const auto r = list(new HarborRepositoriesQuery(&client, QStringLiteral("private"), 1, &client), items);
        REQUIRE(r);
        REQUIRE(r->hasValue());
        CHECK(items == QStringList{QStringLiteral("private/app"), QStringLiteral("private/team/tool")});
        const auto sent = requestsTo(harbor.server(), "/api/v2.0/projects/private/repositories");
        REQUIRE(sent.size() == 2);
        CHECK(sent[0].header("Authorization") == "Basic " + QByteArrayLiteral("alice:Harbor12345").toBase64());

        // The vendor factory: Harbor's repositories of every visible project.
        VendorApi vendor(&client);
        ListQuery *all = vendor.repositories();
        REQUIRE(all != nullptr);
        const auto every = list(all, items);
        REQUIRE(every);
        REQUIRE(every->hasValue());
        CHECK(items.size() == 3);
    }
    SECTION("a wrong password is Auth, with a sentence")
    {
        RegistryClient client(profileFor(harbor.baseUrl(), ConnectionProfile::Kind::Harbor));
        client.setCredentials(login(QStringLiteral("alice"), QStringLiteral("wrong")));
        QStringList items;
        const auto r = list(new HarborProjectsQuery(&client, 10, &client), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::Auth);
        CHECK_FALSE(r->error().message().isEmpty());
    }
}

TEST_CASE("Harbor: artifacts of a nested repository, double-encoded on the wire, feed TagMetadataProvider",
          "[client][vendor][harbor]")
{
    HarborStandIn harbor({});
    harbor.addProject(QStringLiteral("library"), true);
    HarborStandIn::Artifact image = harborImage(kDigestA, 31337, {QStringLiteral("v1"), QStringLiteral("stable")});
    HarborStandIn::Artifact untagged = harborImage(kDigestB, 10, {});
    HarborStandIn::Artifact untagged2 = harborImage(kDigestD, 11, {});
    HarborStandIn::Artifact index;
    index.digest = kDigestC;
    index.size = 4096;
    index.pushTime = QStringLiteral("2024-04-01T12:00:00.500Z");
    index.manifestMediaType = QStringLiteral("application/vnd.oci.image.index.v1+json");
    index.tags = {QStringLiteral("v2")};
    index.references = {{QStringLiteral("linux"), QStringLiteral("amd64"), {}},
                        {QStringLiteral("linux"), QStringLiteral("arm"), QStringLiteral("v7")},
                        {QStringLiteral("unknown"), QStringLiteral("unknown"), {}}};
    // Page size 2: the second page holds only untagged artifacts and must not end the listing.
    harbor.addRepository(QStringLiteral("library/team/app"), {image, untagged, untagged2, untagged, index});
    REQUIRE(harbor.listen());

    RegistryClient client(profileFor(harbor.baseUrl(), ConnectionProfile::Kind::Harbor));
    VendorApi vendor(&client);
    QTemporaryDir cacheDir;
    DigestCache cache(cacheDir.path());
    TagMetadataProvider provider(&client, QStringLiteral("library/team/app"), &cache);
    VendorTagsQuery *query = vendor.tags(QStringLiteral("library/team/app"), 2);
    REQUIRE(query != nullptr);
    query->feed(&provider);
    QStringList items;
    const auto r = list(query, items);
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(r->value().pages == 3);
    CHECK_FALSE(r->value().stoppedOnLoop);
    CHECK(items == QStringList{QStringLiteral("v1"), QStringLiteral("stable"), QStringLiteral("v2")});

    const auto sent = requestsTo(harbor.server(), "/api/v2.0/projects/library/repositories/");
    REQUIRE(sent.size() == 3);
    for (const StandInRequest &s : sent) {
        // The swagger's "a/b -> a%252Fb": percent-encoded twice on the wire.
        CHECK(s.path == "/api/v2.0/projects/library/repositories/team%252Fapp/artifacts");
        CHECK(s.queryValue("with_tag") == "true");
    }

    const TagMetadata *v1 = provider.metadata(QStringLiteral("v1"));
    REQUIRE(v1 != nullptr);
    CHECK(v1->state == TagMetadata::State::Loaded);
    CHECK(v1->digest.toString() == kDigestA);
    CHECK(v1->size == 31337);
    CHECK(v1->created == QDateTime(QDate(2024, 2, 28), QTime(8, 30), Qt::UTC)); // extra_attrs.created
    REQUIRE(v1->platforms.size() == 1);
    CHECK(v1->platforms[0].toString() == QStringLiteral("linux/amd64"));
    const TagMetadata *stable = provider.metadata(QStringLiteral("stable"));
    REQUIRE(stable != nullptr);
    CHECK(stable->digest == v1->digest);

    const TagMetadata *v2 = provider.metadata(QStringLiteral("v2"));
    REQUIRE(v2 != nullptr);
    CHECK(v2->mediaType == QStringLiteral("application/vnd.oci.image.index.v1+json"));
    CHECK(v2->size == 4096);
    CHECK(v2->created == QDateTime(QDate(2024, 4, 1), QTime(12, 0, 0, 500), Qt::UTC)); // push_time
    REQUIRE(v2->platforms.size() == 2);
    CHECK(v2->platforms[1].toString() == QStringLiteral("linux/arm/v7"));
    provider.request({QStringLiteral("v1"), QStringLiteral("v2")});
    CHECK(provider.inFlight() == 0);
}

TEST_CASE("Harbor: a single-encoded repository name reaches no route, garbage is InvalidResponse",
          "[client][vendor][harbor]")
{
    // Checks the stand-in behaves as Harbor's router does, so the double-encoding test above means something.
    HarborStandIn harbor({});
    harbor.addProject(QStringLiteral("library"), true);
    harbor.addRepository(QStringLiteral("library/team/app"), {harborImage(kDigestA, 1, {QStringLiteral("v1")})});
    REQUIRE(harbor.listen());
    RegistryClient client(profileFor(harbor.baseUrl(), ConnectionProfile::Kind::Harbor));
    QNetworkAccessManager nam;
    QNetworkRequest single(QUrl::fromEncoded(harbor.baseUrl().toEncoded() +
                                             "/api/v2.0/projects/library/repositories/team%2Fapp/artifacts"));
    QNetworkReply *reply = nam.get(single);
    QSignalSpy done(reply, &QNetworkReply::finished);
    REQUIRE(done.wait(10000));
    CHECK(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 404);
    reply->deleteLater();
    CHECK(HarborPaging::encodeRepositoryName(QStringLiteral("team/app")) == QStringLiteral("team%252Fapp"));

    StandInServer broken;
    REQUIRE(broken.listen());
    broken.setHandler([](const StandInRequest &) { return StandInResponse::json(200, R"({"not":"an array"})"); });
    RegistryClient brokenClient(profileFor(broken.baseUrl(), ConnectionProfile::Kind::Harbor));
    QStringList items;
    const auto r =
        list(new HarborArtifactsQuery(&brokenClient, QStringLiteral("library/app"), 10, &brokenClient), items);
    REQUIRE(r);
    REQUIRE_FALSE(r->hasValue());
    CHECK(r->error().kind() == ClientError::Kind::InvalidResponse);
    CHECK(r->error().invalidReason() == ClientError::Invalid::BadContent);
}

// ---------------------------------------------------------------------------------------------- VendorApi

TEST_CASE("VendorApi picks the vendor's queries by connection kind, none for generic", "[client][vendor]")
{
    const QUrl base(QStringLiteral("http://127.0.0.1:1"));
    RegistryClient generic(profileFor(base, ConnectionProfile::Kind::Generic));
    VendorApi none(&generic);
    CHECK(none.repositories() == nullptr);
    CHECK(none.tags(QStringLiteral("a/b")) == nullptr);
    CHECK(none.dockerHub() == nullptr);
    CHECK_FALSE(VendorApi::listsRepositories(ConnectionProfile::Kind::Ghcr));

    RegistryClient hubClient(profileFor(base, ConnectionProfile::Kind::DockerHub));
    VendorApi hub(&hubClient);
    REQUIRE(hub.dockerHub() != nullptr);
    CHECK(hub.dockerHub()->baseUrl() == QUrl(QStringLiteral("https://hub.docker.com")));
    CHECK(qobject_cast<DockerHubRepositoriesQuery *>(hub.repositories(QStringLiteral("team"))) != nullptr);
    CHECK(qobject_cast<DockerHubTagsQuery *>(hub.tags(QStringLiteral("team/app"))) != nullptr);

    RegistryClient harborClient(profileFor(base, ConnectionProfile::Kind::Harbor));
    VendorApi harbor(&harborClient);
    CHECK(harbor.dockerHub() == nullptr);
    CHECK(qobject_cast<HarborRepositoriesQuery *>(harbor.repositories(QStringLiteral("library"))) != nullptr);
    CHECK(qobject_cast<HarborArtifactsQuery *>(harbor.tags(QStringLiteral("library/app"))) != nullptr);

    // A hub namespace is required when nobody is signed in: a sentence, not a request.
    QStringList items;
    const auto r = list(hub.dockerHub()->repositories(), items);
    REQUIRE(r);
    REQUIRE_FALSE(r->hasValue());
    CHECK(r->error().kind() == ClientError::Kind::InvalidRequest);
}
