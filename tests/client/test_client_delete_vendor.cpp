// DeleteTag's step 2 (deletetag.h): where the registry API refuses a tag delete, the vendor's own tag API —
// Harbor's deleteTag, ACR's "Tag - Delete", Docker Hub's "Delete repository tag" — against stand-ins.
// Why stand-ins: no Harbor runs here, and *.azurecr.io and hub.docker.com cannot be reached (no internet);
// DESIGN.md allows a stand-in for exactly such services. HarborStandIn, AcrStandIn and DockerHubStandIn follow
// the providers' documented shapes (see their headers); Docker Hub's registry side (registry-1.docker.io) is a
// bare StandInServer answering a tag DELETE as distribution#1831 reports Docker Hub does (405 UNSUPPORTED).
#include "acrstandin.h"
#include "clienttestsupport.h"
#include "dockerhubstandin.h"
#include "harborstandin.h"
#include "standinserver.h"

#include "client/deletetag.h"
#include "client/registryclient.h"

#include "testsupport.h"

using namespace Minato::Client;
using namespace Minato::Test;

namespace {

const QString kDigestA = QStringLiteral("sha256:") + QString(64, u'a');
const QString kDigestB = QStringLiteral("sha256:") + QString(64, u'b');

ConnectionProfile profileFor(const QUrl &base, ConnectionProfile::Kind kind)
{
    ConnectionProfile p;
    p.name = QStringLiteral("vendor stand-in");
    p.baseUrl = base;
    p.kind = kind;
    p.timeoutMs = 10000;
    return p;
}

Credentials login(const QString &user, const QString &secret)
{
    Credentials c;
    c.username = user;
    c.secret = secret;
    c.isIdentityToken = false;
    return c;
}

QList<StandInRequest> requestsTo(const StandInServer &server, const QByteArray &method, const QByteArray &pathPart)
{
    QList<StandInRequest> out;
    for (const StandInRequest &r : server.requests()) {
        if (r.method == method && r.path.contains(pathPart)) {
            out.append(r);
        }
    }
    return out;
}

DeleteResult deleteTag(RegistryClient &client, const QString &repository, const QString &tag, const QUrl &hubApi = {})
{
    DeleteTag::Options options;
    options.dockerHubApiUrl = hubApi;
    const auto r = runToEnd<DeleteTag, DeleteResult>(new DeleteTag(&client, repository, tag, options, &client));
    REQUIRE(r);
    return *r;
}

HarborStandIn::Artifact harborImage(const QString &digest, const QStringList &tags)
{
    HarborStandIn::Artifact a;
    a.digest = digest;
    a.size = 1234;
    a.pushTime = QStringLiteral("2024-03-01T10:00:00.000Z");
    a.manifestMediaType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    a.tags = tags;
    a.os = QStringLiteral("linux");
    a.architecture = QStringLiteral("amd64");
    return a;
}

AcrStandIn::Manifest acrImage(const QString &digest, const QStringList &tags)
{
    AcrStandIn::Manifest m;
    m.digest = digest;
    m.imageSize = 10;
    m.createdTime = QStringLiteral("2024-01-01T00:00:00Z");
    m.lastUpdateTime = m.createdTime;
    m.mediaType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    m.tags = tags;
    m.architecture = QStringLiteral("amd64");
    m.os = QStringLiteral("linux");
    return m;
}

} // namespace

TEST_CASE("Harbor: a tag the registry API will not delete goes through Harbor's tag API", "[client][delete][harbor]")
{
    HarborStandIn::Options options;
    options.users.insert(QStringLiteral("alice"), QStringLiteral("Harbor12345"));
    HarborStandIn harbor(options);
    harbor.addProject(QStringLiteral("library"), true);
    harbor.addRepository(QStringLiteral("library/team/app"),
                         {harborImage(kDigestA, {QStringLiteral("v1"), QStringLiteral("stable")}),
                          harborImage(kDigestB, {QStringLiteral("v2")})});
    REQUIRE(harbor.listen());

    SECTION("signed in: only that tag goes, the artifact and its other tag stay")
    {
        RegistryClient client(profileFor(harbor.baseUrl(), ConnectionProfile::Kind::Harbor));
        client.setCredentials(login(QStringLiteral("alice"), QStringLiteral("Harbor12345")));
        const DeleteResult r = deleteTag(client, QStringLiteral("library/team/app"), QStringLiteral("v1"));
        INFO((r ? QString() : r.error().technicalDetail()).toStdString());
        REQUIRE(r);
        CHECK(r->method == DeleteOutcome::Method::VendorTag);
        CHECK(r->via == QStringLiteral("Harbor API"));
        CHECK(r->digest.toString() == kDigestA);
        CHECK(r->removedTags == QStringList{QStringLiteral("v1")});
        CHECK(harbor.deletedTags() == QStringList{QStringLiteral("library/team/app:v1")});
        // The registry API first (refused: 400 UNSUPPORTED), then a HEAD for the digest, then the tag API with
        // the repository name double-encoded and Basic credentials.
        CHECK(requestsTo(harbor.server(), "DELETE", "/v2/library/team/app/manifests/v1").size() == 1);
        const auto api = requestsTo(harbor.server(), "DELETE", "/api/v2.0/");
        REQUIRE(api.size() == 1);
        CHECK(api.first().path ==
              "/api/v2.0/projects/library/repositories/team%252Fapp/artifacts/" + kDigestA.toLatin1() + "/tags/v1");
        CHECK(api.first().header("Authorization") == "Basic " + QByteArrayLiteral("alice:Harbor12345").toBase64());

        const DeleteResult again = deleteTag(client, QStringLiteral("library/team/app"), QStringLiteral("v1"));
        REQUIRE_FALSE(again);
        CHECK(again.error().kind() == ClientError::Kind::NotFound);
    }
    SECTION("anonymous: a sentence asking for a sign-in with delete permission")
    {
        RegistryClient client(profileFor(harbor.baseUrl(), ConnectionProfile::Kind::Harbor));
        const DeleteResult r = deleteTag(client, QStringLiteral("library/team/app"), QStringLiteral("v2"));
        REQUIRE_FALSE(r);
        CHECK(r.error().kind() == ClientError::Kind::AuthRequired);
        CHECK(r.error().message().contains(QStringLiteral("delete permission")));
        CHECK(harbor.deletedTags().isEmpty());
    }
}

TEST_CASE("ACR: a tag goes through /acr/v1/<name>/_tags/<tag> with a delete token", "[client][delete][acr]")
{
    AcrStandIn::Options options;
    options.users.insert(QStringLiteral("admin"), QStringLiteral("acr-password"));
    options.users.insert(QStringLiteral("reader"), QStringLiteral("read-only"));
    options.deleters = {QStringLiteral("admin")};
    AcrStandIn acr(options);
    acr.addRepository(QStringLiteral("team/app"), {acrImage(kDigestA, {QStringLiteral("v1"), QStringLiteral("v1.0")})});
    REQUIRE(acr.listen());

    SECTION("with delete permission")
    {
        RegistryClient client(profileFor(acr.baseUrl(), ConnectionProfile::Kind::Acr));
        client.setCredentials(login(QStringLiteral("admin"), QStringLiteral("acr-password")));
        const DeleteResult r = deleteTag(client, QStringLiteral("team/app"), QStringLiteral("v1"));
        INFO((r ? QString() : r.error().technicalDetail()).toStdString());
        REQUIRE(r);
        CHECK(r->method == DeleteOutcome::Method::VendorTag);
        CHECK(r->via == QStringLiteral("ACR API"));
        CHECK(r->removedTags == QStringList{QStringLiteral("v1")});
        const auto sent = requestsTo(acr.server(), "DELETE", "/acr/v1/team/app/_tags/v1");
        REQUIRE_FALSE(sent.isEmpty());
        CHECK(sent.last().header("Authorization").startsWith("Bearer "));
        bool askedDelete = false;
        for (const BearerGate::TokenRequest &t : acr.gate().tokenRequests()) {
            askedDelete = askedDelete || t.scopes.contains(QStringLiteral("repository:team/app:delete"));
        }
        CHECK(askedDelete);

        const DeleteResult missing = deleteTag(client, QStringLiteral("team/app"), QStringLiteral("v1"));
        REQUIRE_FALSE(missing);
        CHECK(missing.error().kind() == ClientError::Kind::NotFound);
        CHECK(missing.error().message().contains(QStringLiteral("Nothing was deleted")));
    }
    SECTION("without it: refused with a sentence about delete permission")
    {
        RegistryClient client(profileFor(acr.baseUrl(), ConnectionProfile::Kind::Acr));
        client.setCredentials(login(QStringLiteral("reader"), QStringLiteral("read-only")));
        const DeleteResult r = deleteTag(client, QStringLiteral("team/app"), QStringLiteral("v1.0"));
        REQUIRE_FALSE(r);
        CHECK(r.error().kind() == ClientError::Kind::NotFoundOrPrivate);
        CHECK(r.error().message().contains(QStringLiteral("delete permission")));
    }
}

TEST_CASE("Docker Hub: a tag goes through the hub API's tag delete, signed in", "[client][delete][dockerhub]")
{
    DockerHubStandIn::Options options;
    options.users.insert(QStringLiteral("alice"), QStringLiteral("dckr_pat_alice"));
    DockerHubStandIn hub(options);
    DockerHubStandIn::Repository app;
    app.namespaceName = QStringLiteral("alice");
    app.name = QStringLiteral("app");
    DockerHubStandIn::Tag v1;
    v1.name = QStringLiteral("v1");
    v1.digest = kDigestA;
    DockerHubStandIn::Tag v2 = v1;
    v2.name = QStringLiteral("v2");
    app.tags = {v1, v2};
    hub.addRepository(app);
    REQUIRE(hub.listen());
    // registry-1.docker.io's side: "UNSUPPORTED" for a delete through the registry API.
    StandInServer registry;
    registry.setHandler([](const StandInRequest &) {
        return StandInResponse::json(
            405, R"({"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]})");
    });
    REQUIRE(registry.listen());

    SECTION("signed in with a personal access token")
    {
        RegistryClient client(profileFor(registry.baseUrl(), ConnectionProfile::Kind::DockerHub));
        client.setCredentials(login(QStringLiteral("alice"), QStringLiteral("dckr_pat_alice")));
        const DeleteResult r = deleteTag(client, QStringLiteral("alice/app"), QStringLiteral("v1"), hub.baseUrl());
        INFO((r ? QString() : r.error().technicalDetail()).toStdString());
        REQUIRE(r);
        CHECK(r->method == DeleteOutcome::Method::VendorTag);
        CHECK(r->via == QStringLiteral("Docker Hub API"));
        const auto sent = requestsTo(hub.server(), "DELETE", "/v2/namespaces/alice/repositories/app/tags/v1");
        REQUIRE(sent.size() == 1);
        REQUIRE_FALSE(hub.issuedTokens().isEmpty());
        CHECK(sent.first().header("Authorization") == "Bearer " + hub.issuedTokens().last());
        CHECK(requestsTo(registry, "DELETE", "/v2/alice/app/manifests/v1").size() == 1);
    }
    SECTION("anonymous: Docker Hub needs a sign-in to delete")
    {
        RegistryClient client(profileFor(registry.baseUrl(), ConnectionProfile::Kind::DockerHub));
        const DeleteResult r = deleteTag(client, QStringLiteral("alice/app"), QStringLiteral("v2"), hub.baseUrl());
        REQUIRE_FALSE(r);
        CHECK(r.error().kind() == ClientError::Kind::AuthRequired);
        CHECK(r.error().message().contains(QStringLiteral("personal access token")));
        CHECK(requestsTo(hub.server(), "DELETE", "/tags/").isEmpty());
    }
}
