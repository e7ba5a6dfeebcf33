// GCR/Artifact Registry's tag list with its "manifest" and "child" members, and ACR's /acr/v1 _manifests API
// (src/client/gcrapi.h, acrapi.h, vendorapi.h), against stand-ins.
// Why stand-ins: gcr.io, *-docker.pkg.dev and *.azurecr.io cannot be reached from this machine (no internet).
// DESIGN.md allows a stand-in for exactly such remote services; GcrStandIn and AcrStandIn are built from the
// documented shapes (GCR's tag list as gcloud reads it; the ACR REST reference) behind Docker's token flow
// (bearergate.h) — see their headers. Broken bodies come from a bare StandInServer.
#include "acrstandin.h"
#include "clienttestsupport.h"
#include "vendortestsupport.h"
#include "gcrstandin.h"
#include "standinserver.h"

#include "client/acrapi.h"
#include "client/digestcache.h"
#include "client/gcrapi.h"
#include "client/registryclient.h"
#include "client/tagmetadataprovider.h"
#include "client/tagsquery.h"
#include "client/vendorapi.h"

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace Minato::Client;
using namespace Minato::Test;

namespace {

const QString kDigestA = QStringLiteral("sha256:") + QString(64, u'a');
const QString kDigestB = QStringLiteral("sha256:") + QString(64, u'b');
const QString kDigestC = QStringLiteral("sha256:") + QString(64, u'c');
const QString kDigestD = QStringLiteral("sha256:") + QString(64, u'd');
const QString kDigestE = QStringLiteral("sha256:") + QString(64, u'e');
const QString kImageType = QStringLiteral("application/vnd.docker.distribution.manifest.v2+json");
const QString kIndexType = QStringLiteral("application/vnd.oci.image.index.v1+json");

GcrStandIn::Image gcrImage(const QString &digest, qint64 size, const QStringList &tags, qint64 createdMs,
                           qint64 uploadedMs, const QString &mediaType = kImageType)
{
    GcrStandIn::Image image;
    image.digest = digest;
    image.size = size;
    image.mediaType = mediaType;
    image.tags = tags;
    image.createdMs = createdMs;
    image.uploadedMs = uploadedMs;
    return image;
}

AcrStandIn::Manifest acrImage(const QString &digest, qint64 size, const QStringList &tags, const QString &updated)
{
    AcrStandIn::Manifest m;
    m.digest = digest;
    m.imageSize = size;
    m.createdTime = updated;
    m.lastUpdateTime = updated;
    m.mediaType = kImageType;
    m.tags = tags;
    m.architecture = QStringLiteral("amd64");
    m.os = QStringLiteral("linux");
    return m;
}

QDateTime utc(int y, int mo, int d, int h, int mi, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}

// A registry answering every request with `body` (status 200).
struct BrokenServer
{
    StandInServer server;
    explicit BrokenServer(QByteArray body)
    {
        server.setHandler([body](const StandInRequest &) { return StandInResponse::json(200, body); });
    }
};

} // namespace

// ---------------------------------------------------------------------------------------------- GCR / GAR

TEST_CASE("GCR: one tag-list request gives every tag with size, date and digest", "[client][vendor][gcr]")
{
    GcrStandIn gcr({});
    gcr.addRepository(
        QStringLiteral("proj/app"),
        {gcrImage(kDigestA, 31337, {QStringLiteral("v1"), QStringLiteral("latest")}, 1690000000000, 1690000100000),
         // timeCreatedMs "0" (unknown): the upload time stands in.
         gcrImage(kDigestB, 4096, {QStringLiteral("v2")}, 0, 1700000000500, kIndexType),
         gcrImage(kDigestC, 10, {}, 1600000000000, 1600000000000)});
    REQUIRE(gcr.listen());

    RegistryClient client(profileFor(gcr.baseUrl(), ConnectionProfile::Kind::Gar));
    VendorApi vendor(&client);
    QTemporaryDir cacheDir;
    DigestCache cache(cacheDir.path());
    TagMetadataProvider provider(&client, QStringLiteral("proj/app"), &cache);
    VendorTagsQuery *query = vendor.tags(QStringLiteral("proj/app"));
    REQUIRE(qobject_cast<GcrTagsQuery *>(query) != nullptr);
    query->feed(&provider);
    QStringList items;
    const auto r = list(query, items);
    REQUIRE(r);
    INFO((r->hasValue() ? std::string() : r->error().technicalDetail().toStdString()));
    REQUIRE(r->hasValue());
    CHECK(r->value().pages == 1);
    CHECK(items == QStringList{QStringLiteral("latest"), QStringLiteral("v1"), QStringLiteral("v2")});

    // Anonymous: the challenge, a token for repository:proj/app:pull, the retry — and no n (everything at once).
    const auto lists = requestsTo(gcr.server(), "/v2/proj/app/tags/list");
    REQUIRE(lists.size() == 2);
    CHECK(lists[1].header("Authorization").startsWith("Bearer "));
    CHECK(lists[1].query.isEmpty());
    REQUIRE(gcr.gate().tokenRequests().size() == 1);
    CHECK(gcr.gate().tokenRequests().first().scopes == QStringList{QStringLiteral("repository:proj/app:pull")});

    const TagMetadata *v1 = provider.metadata(QStringLiteral("v1"));
    REQUIRE(v1 != nullptr);
    CHECK(v1->state == TagMetadata::State::Loaded);
    CHECK(v1->digest.toString() == kDigestA);
    CHECK(v1->mediaType == kImageType);
    CHECK(v1->size == 31337);
    CHECK(v1->created == QDateTime::fromMSecsSinceEpoch(1690000000000, Qt::UTC));
    const TagMetadata *latest = provider.metadata(QStringLiteral("latest"));
    REQUIRE(latest != nullptr);
    CHECK(latest->digest == v1->digest);
    const TagMetadata *v2 = provider.metadata(QStringLiteral("v2"));
    REQUIRE(v2 != nullptr);
    CHECK(v2->mediaType == kIndexType);
    CHECK(v2->size == 4096);
    CHECK(v2->created == QDateTime::fromMSecsSinceEpoch(1700000000500, Qt::UTC));
    CHECK(v2->platforms.isEmpty());

    // Supplied metadata means no registry request per tag.
    const qsizetype before = gcr.server().requests().size();
    provider.request({QStringLiteral("v1"), QStringLiteral("v2"), QStringLiteral("latest")});
    CHECK(provider.inFlight() == 0);
    CHECK(gcr.server().requests().size() == before);
}

TEST_CASE("GCR: a paging registry's Link is followed, and a private repository wants a sign-in",
          "[client][vendor][gcr]")
{
    GcrStandIn::Options options;
    options.users.insert(QStringLiteral("oauth2accesstoken"), QStringLiteral("ya29.secret"));
    options.tagsPerPage = 2;
    GcrStandIn gcr(options);
    gcr.addRepository(QStringLiteral("proj/private"),
                      {gcrImage(kDigestA, 1, {QStringLiteral("a"), QStringLiteral("c")}, 1690000000000, 0),
                       gcrImage(kDigestB, 2, {QStringLiteral("b")}, 1690000001000, 0),
                       gcrImage(kDigestD, 3, {QStringLiteral("d"), QStringLiteral("e")}, 1690000002000, 0)},
                      true);
    REQUIRE(gcr.listen());

    SECTION("signed in: three pages, each tag's metadata")
    {
        RegistryClient client(profileFor(gcr.baseUrl(), ConnectionProfile::Kind::Gar));
        client.setCredentials(login(QStringLiteral("oauth2accesstoken"), QStringLiteral("ya29.secret")));
        auto *query = new GcrTagsQuery(&client, QStringLiteral("proj/private"), 100, &client);
        QList<TagMetadata> supplied;
        QObject::connect(query, &VendorTagsQuery::metadataReady, query,
                         [&supplied](const QList<TagMetadata> &m) { supplied.append(m); });
        QStringList items;
        const auto r = list(query, items);
        REQUIRE(r);
        REQUIRE(r->hasValue());
        CHECK(r->value().pages == 3);
        CHECK(items == QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"),
                                   QStringLiteral("e")});
        REQUIRE(supplied.size() == 5);
        for (const TagMetadata &m : std::as_const(supplied)) {
            CHECK(m.state == TagMetadata::State::Loaded);
            CHECK(m.size > 0);
            CHECK(m.created.isValid());
        }
        const auto pages = requestsTo(gcr.server(), "/v2/proj/private/tags/list");
        CHECK(pages.last().queryValue("last") == "d");
        REQUIRE_FALSE(gcr.gate().tokenRequests().isEmpty());
        CHECK(gcr.gate().tokenRequests().first().account == QStringLiteral("oauth2accesstoken"));
    }
    SECTION("anonymous: not found or private, with a sentence")
    {
        RegistryClient client(profileFor(gcr.baseUrl(), ConnectionProfile::Kind::Gar));
        QStringList items;
        const auto r = list(new GcrTagsQuery(&client, QStringLiteral("proj/private"), 100, &client), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::NotFoundOrPrivate);
        CHECK_FALSE(r->error().message().isEmpty());
    }
    SECTION("a wrong password: Auth")
    {
        RegistryClient client(profileFor(gcr.baseUrl(), ConnectionProfile::Kind::Gar));
        client.setCredentials(login(QStringLiteral("oauth2accesstoken"), QStringLiteral("expired")));
        QStringList items;
        const auto r = list(new GcrTagsQuery(&client, QStringLiteral("proj/private"), 100, &client), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::Auth);
    }
}

TEST_CASE("GCR: repositories below a project, found through the child arrays", "[client][vendor][gcr]")
{
    GcrStandIn gcr({});
    const GcrStandIn::Image one = gcrImage(kDigestA, 1, {QStringLiteral("v1")}, 1690000000000, 0);
    gcr.addRepository(QStringLiteral("proj/app"), {one});
    gcr.addRepository(QStringLiteral("proj/team/api"), {one});
    gcr.addRepository(QStringLiteral("proj/team/web"), {one});
    gcr.addRepository(QStringLiteral("proj/team/web/debug"), {one});
    gcr.addRepository(QStringLiteral("other/thing"), {one});
    REQUIRE(gcr.listen());
    RegistryClient client(profileFor(gcr.baseUrl(), ConnectionProfile::Kind::Gar));
    VendorApi vendor(&client);

    CHECK(vendor.repositories() == nullptr); // the walk needs a project to start from: the catalog then
    ListQuery *walk = vendor.repositories(QStringLiteral("proj"));
    REQUIRE(qobject_cast<GcrRepositoriesQuery *>(walk) != nullptr);
    QStringList items;
    const auto r = list(walk, items);
    REQUIRE(r);
    INFO((r->hasValue() ? std::string() : r->error().technicalDetail().toStdString()));
    REQUIRE(r->hasValue());
    CHECK_FALSE(r->value().stoppedOnLoop);
    // Breadth first; "proj" and "proj/team" are prefixes only and are not listed.
    CHECK(items == QStringList{QStringLiteral("proj/app"), QStringLiteral("proj/team/api"),
                               QStringLiteral("proj/team/web"), QStringLiteral("proj/team/web/debug")});
    CHECK(r->value().pages == 6);
    CHECK(requestsTo(gcr.server(), "/v2/other/").isEmpty());

    const auto missing = list(new GcrRepositoriesQuery(&client, QStringLiteral("nope"), 100, &client), items);
    REQUIRE(missing);
    REQUIRE_FALSE(missing->hasValue());
    CHECK(missing->error().kind() == ClientError::Kind::NotFoundOrPrivate);
}

TEST_CASE("GCR: manifest entries are read leniently for values and strictly for shape", "[client][vendor][gcr]")
{
    QString error;
    QJsonObject entry{{QStringLiteral("imageSizeBytes"), 12}, // a number instead of GCR's string
                      {QStringLiteral("mediaType"), kImageType},
                      {QStringLiteral("tag"), QJsonArray{QStringLiteral("x"), QString()}},
                      {QStringLiteral("timeCreatedMs"), QStringLiteral("not a number")},
                      {QStringLiteral("timeUploadedMs"), QStringLiteral("1690000000000")}};
    const auto parsed = GcrTagsQuery::parseManifestEntry(kDigestA, entry, &error);
    REQUIRE(parsed);
    REQUIRE(parsed->size() == 1); // the empty tag is left out
    CHECK(parsed->first().size == 12);
    CHECK(parsed->first().created == QDateTime::fromMSecsSinceEpoch(1690000000000, Qt::UTC));

    entry.insert(QStringLiteral("imageSizeBytes"), QStringLiteral("?"));
    entry.remove(QStringLiteral("timeUploadedMs"));
    const auto unknown = GcrTagsQuery::parseManifestEntry(kDigestA, entry, &error);
    REQUIRE(unknown);
    CHECK(unknown->first().size == -1);
    CHECK_FALSE(unknown->first().created.isValid());

    CHECK_FALSE(GcrTagsQuery::parseManifestEntry(QStringLiteral("sha256:short"), entry, &error));
    CHECK(error.contains(QStringLiteral("no digest")));
    entry.insert(QStringLiteral("tag"), QStringLiteral("v1"));
    CHECK_FALSE(GcrTagsQuery::parseManifestEntry(kDigestA, entry, &error));
    CHECK_FALSE(GcrTagsQuery::parseManifestEntry(kDigestA, QJsonValue(3), &error));
}

TEST_CASE("GCR and ACR: malformed bodies end as InvalidResponse with a sentence, not a crash",
          "[client][vendor][gcr][acr]")
{
    const QByteArray digestA = kDigestA.toUtf8();
    const auto generated = GENERATE_COPY(
        std::make_pair(ConnectionProfile::Kind::Gar, QByteArray("<html>502 Bad Gateway</html>")),
        std::make_pair(ConnectionProfile::Kind::Gar, QByteArray(R"({"name":"p/a","tags":["v1"],"manifest":[]})")),
        std::make_pair(ConnectionProfile::Kind::Gar,
                       QByteArray(R"({"name":"p/a","tags":["v1"],"manifest":{"md5:x":{"tag":["v1"]}}})")),
        std::make_pair(ConnectionProfile::Kind::Gar,
                       QByteArray(R"({"name":"p/a","tags":["v1"],"manifest":{")" + digestA + R"(":{"tag":"v1"}}})")),
        std::make_pair(ConnectionProfile::Kind::Gar, QByteArray(R"({"name":"p/a","tags":"v1"})")),
        std::make_pair(ConnectionProfile::Kind::Acr, QByteArray("[]")),
        std::make_pair(ConnectionProfile::Kind::Acr, QByteArray(R"({"manifests":{"digest":"x"}})")),
        std::make_pair(ConnectionProfile::Kind::Acr, QByteArray(R"({"manifests":[{"imageSize":1,"tags":["v1"]}]})")),
        std::make_pair(ConnectionProfile::Kind::Acr,
                       QByteArray(R"({"manifests":[{"digest":")" + digestA + R"(","tags":[1]}]})")),
        std::make_pair(ConnectionProfile::Kind::Acr, QByteArray(R"({"manifests":["sha256:x"]})")));
    const ConnectionProfile::Kind kind = generated.first;
    const QByteArray body = generated.second;
    INFO(body.toStdString());
    BrokenServer broken(body);
    REQUIRE(broken.server.listen());
    RegistryClient client(profileFor(broken.server.baseUrl(), kind));
    VendorApi vendor(&client);
    VendorTagsQuery *query = vendor.tags(QStringLiteral("p/a"));
    REQUIRE(query != nullptr);
    QStringList items;
    const auto r = list(query, items);
    REQUIRE(r);
    REQUIRE_FALSE(r->hasValue());
    CHECK(r->error().kind() == ClientError::Kind::InvalidResponse);
    CHECK(r->error().invalidReason() == ClientError::Invalid::BadContent);
    CHECK(r->error().message().endsWith(u'.'));
    CHECK(items.isEmpty());
}

// -------------------------------------------------------------------------------------------------------- ACR

TEST_CASE("ACR: _manifests pages through Link, newest first, with a metadata_read token", "[client][vendor][acr]")
{
    AcrStandIn::Options options;
    options.users.insert(QStringLiteral("registry-user"), QStringLiteral("acr-password"));
    AcrStandIn acr(options);
    AcrStandIn::Manifest index;
    index.digest = kDigestC;
    index.imageSize = 4096;
    index.createdTime = QStringLiteral("2024-04-01T12:00:00.1234567Z");
    index.lastUpdateTime = QStringLiteral("2024-04-01T12:00:00.1234567Z");
    index.mediaType = kIndexType;
    index.tags = {QStringLiteral("v3")};
    index.references = {{kDigestD, QStringLiteral("amd64"), QStringLiteral("linux")},
                        {kDigestE, QStringLiteral("arm64"), QStringLiteral("linux")}};
    AcrStandIn::Manifest untagged = acrImage(kDigestD, 7, {}, QStringLiteral("2024-03-15T00:00:00Z"));
    AcrStandIn::Manifest untagged2 = acrImage(kDigestE, 8, {}, QStringLiteral("2024-03-14T00:00:00Z"));
    // Pages of two, newest first: [v3, untagged] [untagged, v2] [v1 + stable].
    acr.addRepository(QStringLiteral("team/app"),
                      {acrImage(kDigestA, 2401606, {QStringLiteral("v1"), QStringLiteral("stable")},
                                QStringLiteral("2024-01-05T06:17:20.5000000Z")),
                       acrImage(kDigestB, 4135121, {QStringLiteral("v2")}, QStringLiteral("2024-02-07T16:30:46Z")),
                       untagged, untagged2, index});
    REQUIRE(acr.listen());

    RegistryClient client(profileFor(acr.baseUrl(), ConnectionProfile::Kind::Acr));
    client.setCredentials(login(QStringLiteral("registry-user"), QStringLiteral("acr-password")));
    VendorApi vendor(&client);
    CHECK(vendor.repositories() == nullptr); // _catalog works on ACR
    QTemporaryDir cacheDir;
    DigestCache cache(cacheDir.path());
    TagMetadataProvider provider(&client, QStringLiteral("team/app"), &cache);
    VendorTagsQuery *query = vendor.tags(QStringLiteral("team/app"), 2);
    REQUIRE(qobject_cast<AcrTagsQuery *>(query) != nullptr);
    query->feed(&provider);
    QStringList items;
    const auto r = list(query, items);
    REQUIRE(r);
    INFO((r->hasValue() ? std::string() : r->error().technicalDetail().toStdString()));
    REQUIRE(r->hasValue());
    CHECK(r->value().pages == 3);
    CHECK_FALSE(r->value().stoppedOnLoop);
    CHECK(items ==
          QStringList{QStringLiteral("v3"), QStringLiteral("v2"), QStringLiteral("v1"), QStringLiteral("stable")});

    const auto pages = requestsTo(acr.server(), "/acr/v1/team/app/_manifests");
    REQUIRE(pages.size() == 4); // the first is challenged, then three pages with the token
    CHECK(pages[0].queryValue("n") == "2");
    CHECK(pages[0].queryValue("orderby") == "timedesc");
    CHECK(pages[2].queryValue("last") == kDigestD.toUtf8());
    CHECK(pages[3].queryValue("last") == kDigestB.toUtf8());
    CHECK(requestsTo(acr.server(), "/acr/v1/team/app/_tags").isEmpty()); // one API gives it all
    REQUIRE(acr.gate().tokenRequests().size() == 1);
    const BearerGate::TokenRequest &token = acr.gate().tokenRequests().first();
    CHECK(token.account == QStringLiteral("registry-user"));
    CHECK(token.scopes == QStringList{QStringLiteral("repository:team/app:metadata_read")});

    const TagMetadata *v1 = provider.metadata(QStringLiteral("v1"));
    REQUIRE(v1 != nullptr);
    CHECK(v1->state == TagMetadata::State::Loaded);
    CHECK(v1->digest.toString() == kDigestA);
    CHECK(v1->size == 2401606);
    CHECK(v1->created == utc(2024, 1, 5, 6, 17, 20, 500));
    REQUIRE(v1->platforms.size() == 1);
    CHECK(v1->platforms[0].toString() == QStringLiteral("linux/amd64"));
    const TagMetadata *stable = provider.metadata(QStringLiteral("stable"));
    REQUIRE(stable != nullptr);
    CHECK(stable->digest == v1->digest);
    const TagMetadata *v3 = provider.metadata(QStringLiteral("v3"));
    REQUIRE(v3 != nullptr);
    CHECK(v3->mediaType == kIndexType);
    CHECK(v3->size == 4096);
    CHECK(v3->created == utc(2024, 4, 1, 12, 0, 0, 123));
    REQUIRE(v3->platforms.size() == 2);
    CHECK(v3->platforms[1].toString() == QStringLiteral("linux/arm64"));
    provider.request({QStringLiteral("v1"), QStringLiteral("v3")});
    CHECK(provider.inFlight() == 0);
}

TEST_CASE("ACR: a pull-only or anonymous token is refused for the listing, wrong passwords are Auth",
          "[client][vendor][acr]")
{
    AcrStandIn::Options options;
    options.users.insert(QStringLiteral("registry-user"), QStringLiteral("acr-password"));
    options.anonymousPull = true;
    AcrStandIn acr(options);
    acr.addRepository(QStringLiteral("app"),
                      {acrImage(kDigestA, 1, {QStringLiteral("v1")}, QStringLiteral("2024-01-01T00:00:00Z"))});
    REQUIRE(acr.listen());

    SECTION("anonymous pull gives no metadata_read")
    {
        RegistryClient client(profileFor(acr.baseUrl(), ConnectionProfile::Kind::Acr));
        QStringList items;
        const auto r = list(new AcrTagsQuery(&client, QStringLiteral("app"), 100, &client), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::NotFoundOrPrivate);
        CHECK_FALSE(r->error().message().isEmpty());
        // …while the registry's own tag list works with the same anonymous token flow.
        const auto names = list(client.tags(QStringLiteral("app")), items);
        REQUIRE(names);
        REQUIRE(names->hasValue());
        CHECK(items == QStringList{QStringLiteral("v1")});
    }
    SECTION("wrong password")
    {
        RegistryClient client(profileFor(acr.baseUrl(), ConnectionProfile::Kind::Acr));
        client.setCredentials(login(QStringLiteral("registry-user"), QStringLiteral("wrong")));
        QStringList items;
        const auto r = list(new AcrTagsQuery(&client, QStringLiteral("app"), 100, &client), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::Auth);
    }
    SECTION("an invalid repository name is refused before any request")
    {
        RegistryClient client(profileFor(acr.baseUrl(), ConnectionProfile::Kind::Acr));
        QStringList items;
        const auto r = list(new AcrTagsQuery(&client, QStringLiteral("Bad//Name"), 100, &client), items);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::InvalidRequest);
        CHECK(acr.server().requests().isEmpty());
    }
}

TEST_CASE("VendorApi: GAR and ACR list tag metadata, only GAR walks repositories", "[client][vendor]")
{
    CHECK(VendorApi::listsTagMetadata(ConnectionProfile::Kind::Gar));
    CHECK(VendorApi::listsTagMetadata(ConnectionProfile::Kind::Acr));
    CHECK(VendorApi::listsRepositories(ConnectionProfile::Kind::Gar));
    CHECK_FALSE(VendorApi::listsRepositories(ConnectionProfile::Kind::Acr));
    CHECK_FALSE(VendorApi::listsTagMetadata(ConnectionProfile::Kind::Ecr));
    CHECK(ConnectionProfile::guessKind(QUrl(QStringLiteral("https://europe-docker.pkg.dev"))) ==
          ConnectionProfile::Kind::Gar);
    CHECK(ConnectionProfile::guessKind(QUrl(QStringLiteral("https://team.azurecr.io"))) ==
          ConnectionProfile::Kind::Acr);
}
