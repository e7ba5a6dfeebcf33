// src/client against the CNCF reference registry (a real peer), with images pushed by skopeo: without
// auth, with delete disabled, and behind htpasswd Basic auth.
#include "clienttestsupport.h"
#include "ocilayout.h"
#include "referenceregistry.h"

#include "client/blobquery.h"
#include "client/capabilitiesprobe.h"
#include "client/catalogquery.h"
#include "client/manifestquery.h"
#include "client/pingquery.h"
#include "client/registryclient.h"
#include "client/tagsquery.h"

#include "oci/mediatype.h"

#include "testsupport.h"

#include <QTemporaryDir>

using namespace Minato::Client;
using namespace Minato::Test;
using Minato::Oci::Digest;
using Minato::Oci::Manifest;

namespace {

ConnectionProfile profileFor(const ReferenceRegistry &registry)
{
    ConnectionProfile p;
    p.name = QStringLiteral("reference");
    p.baseUrl = registry.baseUrl();
    return p;
}

void push(const OciLayoutImage &image, const ReferenceRegistry &registry, const QString &repoTag,
          const QStringList &extra = {})
{
    QStringList args{QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false")};
    args += extra;
    args += {image.skopeoReference(), QStringLiteral("docker://%1/%2").arg(registry.hostPort(), repoTag)};
    const ProcessResult copy = runSkopeo(args);
    INFO(copy.output.toStdString());
    REQUIRE(copy.exitCode == 0);
}

} // namespace

TEST_CASE("RegistryClient reads an anonymous reference registry", "[client][reference]")
{
    ReferenceRegistry registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("layout")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("minato client\n")}});
    REQUIRE(image.ok);
    push(image, registry, QStringLiteral("core/app:v1"));
    push(image, registry, QStringLiteral("core/app:v2"));
    push(image, registry, QStringLiteral("core/docker:v1"), {QStringLiteral("--format"), QStringLiteral("v2s2")});
    push(image, registry, QStringLiteral("core/c:v1"));
    push(image, registry, QStringLiteral("core/d:v1"));
    push(image, registry, QStringLiteral("core/e:v1"));

    RegistryClient client(profileFor(registry));

    SECTION("ping: reachable, anonymous, a distribution registry")
    {
        const auto r = runToEnd<PingQuery, PingResult>(client.ping());
        REQUIRE(r);
        REQUIRE(r->hasValue());
        CHECK(r->value().status == 200);
        CHECK(r->value().authScheme == AuthSession::Scheme::Anonymous);
        CHECK(r->value().apiVersion == QStringLiteral("registry/2.0"));
    }

    SECTION("capabilities: catalog yes, delete enabled, no referrers API")
    {
        const auto r = runToEnd<CapabilitiesProbe, CapabilitiesResult>(client.probeCapabilities());
        REQUIRE(r);
        REQUIRE(r->hasValue());
        const Capabilities &caps = r->value();
        INFO(caps.notes.join(u'\n').toStdString());
        CHECK(caps.catalog == true);
        CHECK(caps.deleteEnabled == true);
        CHECK(caps.referrersApi == false);
        CHECK(caps.repositoryProbed == QStringLiteral("core/app"));
        CHECK_FALSE(caps.rateLimit.has_value());
    }

    SECTION("catalog: pages of 2 follow the Link header to the end")
    {
        QList<QStringList> chunks;
        const auto r = runList<CatalogQuery, ListResult>(client.catalog(2), chunks);
        REQUIRE(r);
        REQUIRE(r->hasValue());
        CHECK(flatten(chunks) == QStringList{QStringLiteral("core/app"), QStringLiteral("core/c"),
                                             QStringLiteral("core/d"), QStringLiteral("core/docker"),
                                             QStringLiteral("core/e")});
        CHECK(r->value().pages >= 3);
        CHECK(r->value().items == 5);
        CHECK_FALSE(r->value().stoppedOnLoop);
        for (const QStringList &c : chunks) {
            CHECK(c.size() <= 2);
        }
    }

    SECTION("tags: every tag, handed over in chunks of the page size")
    {
        QList<QStringList> chunks;
        const auto r = runList<TagsQuery, ListResult>(client.tags(QStringLiteral("core/app"), 1), chunks);
        REQUIRE(r);
        REQUIRE(r->hasValue());
        CHECK(flatten(chunks) == QStringList{QStringLiteral("v1"), QStringLiteral("v2")});
        CHECK(chunks.size() == 2);
    }

    SECTION("tags of a missing repository: NotFound")
    {
        QList<QStringList> chunks;
        const auto r = runList<TagsQuery, ListResult>(client.tags(QStringLiteral("core/nope")), chunks);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::NotFound);
        CHECK(r->error().hasRegistryCode(Minato::Oci::ErrorCode::NameUnknown));
        CHECK(r->error().message().contains(QStringLiteral("Not found")));
        CHECK(r->error().technicalDetail().contains(QStringLiteral("/v2/core/nope/tags/list?n=100 → 404")));
    }

    SECTION("an OCI manifest by tag and by digest, its HEAD, and its config blob")
    {
        const auto byTag =
            runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("core/app"), QStringLiteral("v1")));
        REQUIRE(byTag);
        REQUIRE(byTag->hasValue());
        const ManifestInfo &info = byTag->value();
        CHECK(info.digest.toString() == image.manifestDigest);
        CHECK(info.mediaType == Minato::Oci::MediaType::OciManifest.toString());
        REQUIRE(info.manifest);
        REQUIRE(std::holds_alternative<Manifest>(*info.manifest));
        const Manifest &m = std::get<Manifest>(*info.manifest);
        CHECK(m.config.digest.toString() == image.configDigest);
        CHECK(m.raw == image.manifest);

        const auto byDigest =
            runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("core/app"), image.manifestDigest));
        REQUIRE(byDigest);
        REQUIRE(byDigest->hasValue());
        CHECK(byDigest->value().digest.toString() == image.manifestDigest);

        const auto head = runToEnd<ManifestQuery, ManifestResult>(
            client.manifest(QStringLiteral("core/app"), QStringLiteral("v2"), true));
        REQUIRE(head);
        REQUIRE(head->hasValue());
        CHECK(head->value().digest.toString() == image.manifestDigest);
        CHECK(head->value().size == image.manifest.size());
        CHECK_FALSE(head->value().manifest.has_value());

        const auto config =
            runToEnd<BlobQuery, BlobResult>(client.configBlob(QStringLiteral("core/app"), m.config.digest));
        REQUIRE(config);
        REQUIRE(config->hasValue());
        CHECK(config->value().data == image.config);
        REQUIRE(config->value().config);
        CHECK(config->value().config->platformString() == QStringLiteral("linux/amd64"));
        CHECK(config->value().config->diffIds.first().toString() == image.diffId);
    }

    SECTION("a Docker schema 2 manifest (skopeo --format v2s2)")
    {
        const auto r = runToEnd<ManifestQuery, ManifestResult>(
            client.manifest(QStringLiteral("core/docker"), QStringLiteral("v1")));
        REQUIRE(r);
        REQUIRE(r->hasValue());
        REQUIRE(r->value().manifest);
        const Manifest &m = std::get<Manifest>(*r->value().manifest);
        CHECK(m.isDocker());
        CHECK(r->value().mediaType == Minato::Oci::MediaType::DockerManifest.toString());
        CHECK(r->value().digest.toString() != image.manifestDigest);

        const auto config =
            runToEnd<BlobQuery, BlobResult>(client.configBlob(QStringLiteral("core/docker"), m.config.digest));
        REQUIRE(config);
        REQUIRE(config->hasValue());
        CHECK(config->value().config->os == QStringLiteral("linux"));
    }

    SECTION("a missing manifest: NotFound; a malformed tag: InvalidRequest without a request")
    {
        const auto r = runToEnd<ManifestQuery, ManifestResult>(
            client.manifest(QStringLiteral("core/app"), QStringLiteral("nope")));
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::NotFound);

        const auto bad = runToEnd<ManifestQuery, ManifestResult>(
            client.manifest(QStringLiteral("core/app"), QStringLiteral("-bad")));
        REQUIRE(bad);
        REQUIRE_FALSE(bad->hasValue());
        CHECK(bad->error().kind() == ClientError::Kind::InvalidRequest);
    }
}

TEST_CASE("CapabilitiesProbe sees delete disabled on the reference registry", "[client][reference]")
{
    ReferenceRegistry::Options options;
    options.deleteEnabled = false;
    ReferenceRegistry registry(options);
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    RegistryClient client(profileFor(registry));
    const auto r =
        runToEnd<CapabilitiesProbe, CapabilitiesResult>(client.probeCapabilities(QStringLiteral("any/repo")));
    REQUIRE(r);
    REQUIRE(r->hasValue());
    INFO(r->value().notes.join(u'\n').toStdString());
    CHECK(r->value().deleteEnabled == false);
    CHECK(r->value().catalog == true);
}

TEST_CASE("RegistryClient signs in to the reference registry with htpasswd Basic auth", "[client][reference][auth]")
{
    ReferenceRegistry::Options options;
    options.htpasswdUser = QStringLiteral("minato");
    options.htpasswdPassword = QStringLiteral("p4ss-w0rd");
    ReferenceRegistry registry(options);
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("layout")), QStringLiteral("v1"),
                                                       {{QStringLiteral("hello"), QByteArray("basic\n")}});
    REQUIRE(image.ok);
    push(image, registry, QStringLiteral("auth/app:v1"),
         {QStringLiteral("--dest-creds"), QStringLiteral("minato:p4ss-w0rd")});

    RegistryClient client(profileFor(registry));

    SECTION("without credentials: ping tells Basic, tags say sign in")
    {
        const auto ping = runToEnd<PingQuery, PingResult>(client.ping());
        REQUIRE(ping);
        REQUIRE(ping->hasValue());
        CHECK(ping->value().status == 401);
        CHECK(ping->value().authScheme == AuthSession::Scheme::Basic);
        CHECK(ping->value().realm == QStringLiteral("minato-test"));

        QList<QStringList> chunks;
        const auto tags = runList<TagsQuery, ListResult>(client.tags(QStringLiteral("auth/app")), chunks);
        REQUIRE(tags);
        REQUIRE_FALSE(tags->hasValue());
        CHECK(tags->error().kind() == ClientError::Kind::AuthRequired);
    }

    SECTION("with the right credentials: everything reads, Basic is then sent up front")
    {
        client.setCredentials(Credentials{QStringLiteral("minato"), QStringLiteral("p4ss-w0rd"), false});
        auto *ping = client.ping();
        ping->setAuthenticate(true);
        const auto p = runToEnd<PingQuery, PingResult>(ping);
        REQUIRE(p);
        REQUIRE(p->hasValue());
        CHECK(p->value().authenticated);
        CHECK(client.authSession()->scheme() == AuthSession::Scheme::Basic);
        CHECK(client.authSession()->authorizationFor({}).startsWith("Basic "));

        QList<QStringList> chunks;
        const auto tags = runList<TagsQuery, ListResult>(client.tags(QStringLiteral("auth/app")), chunks);
        REQUIRE(tags);
        REQUIRE(tags->hasValue());
        CHECK(flatten(chunks) == QStringList{QStringLiteral("v1")});

        const auto m =
            runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("auth/app"), QStringLiteral("v1")));
        REQUIRE(m);
        REQUIRE(m->hasValue());
        CHECK(m->value().digest.toString() == image.manifestDigest);

        const auto caps = runToEnd<CapabilitiesProbe, CapabilitiesResult>(client.probeCapabilities());
        REQUIRE(caps);
        REQUIRE(caps->hasValue());
        CHECK(caps->value().catalog == true);
        CHECK(caps->value().deleteEnabled == true);
    }

    SECTION("a wrong password: Auth, with a sentence about the credentials")
    {
        client.setCredentials(Credentials{QStringLiteral("minato"), QStringLiteral("wrong"), false});
        QSignalSpy rejected(client.authSession(), &AuthSession::credentialsRejected);
        QList<QStringList> chunks;
        const auto tags = runList<TagsQuery, ListResult>(client.tags(QStringLiteral("auth/app")), chunks);
        REQUIRE(tags);
        REQUIRE_FALSE(tags->hasValue());
        CHECK(tags->error().kind() == ClientError::Kind::Auth);
        CHECK(tags->error().message().contains(QStringLiteral("did not accept your user name and password")));
        CHECK_FALSE(tags->error().technicalDetail().contains(QStringLiteral("wrong")));
        CHECK(rejected.count() == 1);
    }
}
