// How requests travel, against stand-ins over TLS (StandInServer::useTls with a certificate from the openssl
// CLI, trusted through the profile's CA file):
// - an https registry that redirects a blob or manifest GET to an http:// address: refused as Tls
//   (PlainHttpRedirect) with nothing sent there, followed only with the connection's allowPlainHttp;
// - https through the connection's HTTP proxy: a CONNECT tunnel (ForwardProxyStandIn), the registry's
//   certificate checked end to end, proxy credentials sent to the proxy only.
// Why stand-ins: no real registry redirects to plain http on cue, and only a stand-in reports which headers
// reached the registry; no proxy package is installed here (see forwardproxystandin.h).
#include "clienttestsupport.h"
#include "forwardproxystandin.h"
#include "standinserver.h"
#include "testcertificates.h"

#include "client/blobquery.h"
#include "client/manifestquery.h"
#include "client/pingquery.h"
#include "client/registryclient.h"
#include "client/tagsquery.h"

#include "oci/sha256.h"

#include "testsupport.h"

#include <QTemporaryDir>

using namespace Minato::Client;
using namespace Minato::Test;
using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;

namespace {

const QByteArray kConfigBlob = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";

QByteArray ociManifest(const Digest &config, qint64 size)
{
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
           R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":)" +
           QByteArray::number(size) + R"(,"digest":")" + config.toString().toLatin1() + R"("},"layers":[]})";
}

ConnectionProfile httpsProfile(const QUrl &base, const TestCertificate &ca)
{
    ConnectionProfile p;
    p.name = QStringLiteral("tls stand-in");
    p.baseUrl = base;
    p.caCertificateFile = ca.certPath; // self-signed: its own CA
    p.timeoutMs = 10000;
    return p;
}

} // namespace

TEST_CASE("An https registry redirecting to plain http is refused unless the connection allows plain http",
          "[client][tls][redirect]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const TestCertificate cert =
        TestCertificate::selfSigned(dir.path(), QStringLiteral("registry"), QStringLiteral("127.0.0.1"),
                                    QStringLiteral("IP:127.0.0.1,DNS:localhost"));
    INFO(cert.error.toStdString());
    REQUIRE(cert.ok());

    // The unencrypted "storage" the registry sends blobs and manifests to (a CDN over http://).
    const Digest configDigest = Sha256Hasher::digestOf(kConfigBlob);
    const QByteArray manifest = ociManifest(configDigest, kConfigBlob.size());
    StandInServer storage;
    REQUIRE(storage.listen());
    storage.setHandler([&](const StandInRequest &r) {
        StandInResponse ok;
        if (r.path == "/storage/manifest") {
            ok.body = manifest;
            ok.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}};
            return ok;
        }
        ok.body = kConfigBlob;
        ok.headers = {{"Content-Type", "application/octet-stream"}};
        return ok;
    });

    StandInServer registry;
    REQUIRE(registry.useTls(cert.certPath, cert.keyPath));
    REQUIRE(registry.listen());
    REQUIRE(registry.baseUrl().scheme() == QStringLiteral("https"));
    registry.setHandler([&](const StandInRequest &r) {
        StandInResponse redirect;
        redirect.status = 307;
        const QByteArray target = r.path.contains("/manifests/") ? "/storage/manifest" : "/storage/blob";
        redirect.headers = {{"Location", storage.baseUrl().toEncoded() + target + "?X-Amz-Signature=secret"}};
        return redirect;
    });

    ConnectionProfile profile = httpsProfile(registry.baseUrl(), cert);
    const QString storageHost = QStringLiteral("127.0.0.1:%1").arg(storage.port());
    const QString registryHost = QStringLiteral("127.0.0.1:%1").arg(registry.port());

    SECTION("refused by default: a Tls error that says what happened and how to allow it; nothing reaches http")
    {
        REQUIRE_FALSE(profile.allowsPlainHttp());
        RegistryClient client(profile);
        client.setCertsDirRoots({});
        const auto blob = runToEnd<BlobQuery, BlobResult>(
            new BlobQuery(&client, QStringLiteral("team/app"), configDigest, {}, &client));
        REQUIRE(blob);
        REQUIRE_FALSE(blob->hasValue());
        const ClientError &e = blob->error();
        CHECK(e.kind() == ClientError::Kind::Tls);
        CHECK(e.tlsProblem() == ClientError::TlsProblem::PlainHttpRedirect);
        const QString message = e.message();
        INFO(message.toStdString());
        CHECK(message.contains(QStringLiteral("unencrypted address (http://%1)").arg(storageHost)));
        CHECK(message.startsWith(registryHost));
        CHECK(message.contains(QStringLiteral("allow plain http in the connection's settings")));
        CHECK(e.technicalDetail().contains(QStringLiteral("redirect to plain http refused")));
        CHECK_FALSE(e.technicalDetail().contains(QStringLiteral("secret"))); // presigned query redacted

        const auto m =
            runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("team/app"), QStringLiteral("v1")));
        REQUIRE(m);
        REQUIRE_FALSE(m->hasValue());
        CHECK(m->error().tlsProblem() == ClientError::TlsProblem::PlainHttpRedirect);

        CHECK(registry.requests().size() == 2); // the registry was asked (over TLS) …
        CHECK(storage.requests().isEmpty());    // … the http:// address never was
    }

    SECTION("followed with the connection's consent (allowPlainHttp), which persists in ProfileStore")
    {
        profile.allowPlainHttp = true;
        REQUIRE(profile.allowsPlainHttp());
        RegistryClient client(profile);
        client.setCertsDirRoots({});
        const auto blob = runToEnd<BlobQuery, BlobResult>(
            new BlobQuery(&client, QStringLiteral("team/app"), configDigest, {}, &client));
        REQUIRE(blob);
        INFO((blob->hasValue() ? QString() : blob->error().technicalDetail()).toStdString());
        REQUIRE(blob->hasValue());
        CHECK(blob->value().data == kConfigBlob);

        const auto m =
            runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("team/app"), QStringLiteral("v1")));
        REQUIRE(m);
        INFO((m->hasValue() ? QString() : m->error().technicalDetail()).toStdString());
        REQUIRE(m->hasValue());
        CHECK(m->value().digest == Sha256Hasher::digestOf(manifest));

        REQUIRE(storage.requests().size() == 2);
        CHECK(storage.requests().at(0).path == "/storage/blob");
        CHECK(storage.requests().at(1).path == "/storage/manifest");
    }
}

TEST_CASE("An http:// registry is consent to plain http by itself, and the refusal reads as a sentence",
          "[client][tls][redirect][units]")
{
    ConnectionProfile p;
    p.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:5000"));
    CHECK(p.allowsPlainHttp());
    p.baseUrl = QUrl(QStringLiteral("HTTPS://registry.lab"));
    CHECK_FALSE(p.allowsPlainHttp());
    p.allowPlainHttp = true;
    CHECK(p.allowsPlainHttp());

    const ClientError e = ClientError::plainHttpRedirect(QStringLiteral("registry.lab"), QStringLiteral("cdn.lab:80"),
                                                         QStringLiteral("GET https://registry.lab/v2/ → 302"));
    CHECK(e.kind() == ClientError::Kind::Tls);
    CHECK(e.kindName() == QStringLiteral("Tls"));
    CHECK(e.message().startsWith(QStringLiteral("registry.lab redirected this request to an unencrypted address "
                                                "(http://cdn.lab:80)")));
    CHECK(e.technicalDetail() == QStringLiteral("GET https://registry.lab/v2/ → 302"));
}

TEST_CASE("https through the connection's HTTP proxy: a CONNECT tunnel, the CA checked end to end, proxy "
          "credentials to the proxy only",
          "[client][proxy][tls]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const TestCertificate cert =
        TestCertificate::selfSigned(dir.path(), QStringLiteral("registry"), QStringLiteral("127.0.0.1"),
                                    QStringLiteral("IP:127.0.0.1,DNS:localhost"));
    INFO(cert.error.toStdString());
    REQUIRE(cert.ok());

    StandInServer registry;
    REQUIRE(registry.useTls(cert.certPath, cert.keyPath));
    REQUIRE(registry.listen());
    registry.setHandler([](const StandInRequest &r) {
        if (r.path == "/v2/") {
            return StandInResponse::json(200, "{}").withHeader("Docker-Distribution-API-Version", "registry/2.0");
        }
        if (r.path == "/v2/team/app/tags/list") {
            return StandInResponse::json(200, R"({"name":"team/app","tags":["v1","v2"]})");
        }
        return StandInResponse::json(404, R"({"errors":[{"code":"NAME_UNKNOWN"}]})");
    });

    ForwardProxyStandIn proxy;
    REQUIRE(proxy.listen());
    proxy.requireCredentials("proxy-user", "proxy-pass");
    const QByteArray proxyAuthorization = "Basic " + QByteArray("proxy-user:proxy-pass").toBase64();
    const QByteArray authority = "127.0.0.1:" + QByteArray::number(registry.port());

    ConnectionProfile profile = httpsProfile(registry.baseUrl(), cert);
    profile.proxy.mode = ProxySetting::Mode::Http;
    profile.proxy.url = proxy.url();
    REQUIRE(profile.validate().isEmpty());

    SECTION("CONNECT host:port with Proxy-Authorization; the registry, trusted by the CA file, answers")
    {
        RegistryClient client(profile);
        client.setCertsDirRoots({});
        client.setProxyCredentials(Credentials{QStringLiteral("proxy-user"), QStringLiteral("proxy-pass"), false});
        const auto p = runToEnd<PingQuery, PingResult>(client.ping());
        REQUIRE(p);
        INFO((p->hasValue() ? QString() : p->error().technicalDetail()).toStdString());
        REQUIRE(p->hasValue());
        CHECK(p->value().apiVersion == QStringLiteral("registry/2.0"));
        QList<QStringList> chunks;
        const auto tags = runList<TagsQuery, ListResult>(client.tags(QStringLiteral("team/app")), chunks);
        REQUIRE(tags);
        REQUIRE(tags->hasValue());
        CHECK(flatten(chunks) == QStringList{QStringLiteral("v1"), QStringLiteral("v2")});

        // The proxy saw CONNECTs only (never a request in the clear), to the registry's host:port; the one it
        // tunnelled carried the proxy credentials.
        REQUIRE_FALSE(proxy.requests().isEmpty());
        int tunnels = 0;
        for (const ProxiedRequest &r : proxy.requests()) {
            INFO((r.method + ' ' + r.target).toStdString());
            CHECK(r.method == "CONNECT");
            CHECK(r.target == authority);
            if (r.relayed) {
                ++tunnels;
                CHECK(r.header("Proxy-Authorization") == proxyAuthorization);
            }
        }
        CHECK(tunnels >= 1);

        // Inside the tunnel, the registry got the requests — and never the proxy's credentials.
        REQUIRE(registry.requests().size() >= 2);
        for (const StandInRequest &r : registry.requests()) {
            INFO(r.target.toStdString());
            CHECK_FALSE(r.hasHeader("Proxy-Authorization"));
            CHECK_FALSE(r.hasHeader("Authorization"));
        }
    }

    SECTION("without the CA option the tunnel opens, and the certificate is still refused (Untrusted)")
    {
        profile.caCertificateFile.clear();
        RegistryClient client(profile);
        client.setCertsDirRoots({});
        client.setProxyCredentials(Credentials{QStringLiteral("proxy-user"), QStringLiteral("proxy-pass"), false});
        const auto p = runToEnd<PingQuery, PingResult>(client.ping());
        REQUIRE(p);
        REQUIRE_FALSE(p->hasValue());
        CHECK(p->error().kind() == ClientError::Kind::Tls);
        CHECK(p->error().tlsProblem() == ClientError::TlsProblem::Untrusted);
        REQUIRE_FALSE(proxy.requests().isEmpty());
        CHECK(proxy.requests().last().method == "CONNECT");
        CHECK(proxy.requests().last().relayed);
        CHECK(registry.requests().isEmpty()); // no request ever went out unverified
    }

    SECTION("without proxy credentials: the proxy refuses the CONNECT (407), a Transport error")
    {
        RegistryClient client(profile);
        client.setCertsDirRoots({});
        const auto p = runToEnd<PingQuery, PingResult>(client.ping());
        REQUIRE(p);
        REQUIRE_FALSE(p->hasValue());
        CHECK(p->error().kind() == ClientError::Kind::Transport);
        REQUIRE_FALSE(proxy.requests().isEmpty());
        CHECK(proxy.requests().first().method == "CONNECT");
        CHECK_FALSE(proxy.requests().first().relayed);
        CHECK(registry.requests().isEmpty());
    }
}
