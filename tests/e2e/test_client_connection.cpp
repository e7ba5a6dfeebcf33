// RegistryClient's connection options against minato-registry (a real peer):
// - TLS: its self-signed certificate is untrusted (Tls, with a sentence naming the certs.d folder), then
//   trusted through the profile's CA file or a certs.d folder (roots pointed at a temp dir); a certificate
//   for another host name is a Tls error naming the certificate's names; insecure TLS only by consent.
// - Proxy: the per-connection HTTP proxy carries the registry requests (a recording forward-proxy stand-in:
//   no proxy package is installed here), Mode::None goes direct, proxy credentials answer a 407.
// - IPv6: a base URL http://[::1]:PORT against minato-registry listening on [::1].
// - A credential store that fails (a MemoryCredentialStore told to fail) ends the operation as
//   CredentialStore with the keychain sentence — under Basic and under token auth — never as anonymous.
#include "embeddedregistryprocess.h"
#include "forwardproxystandin.h"
#include "httpfetch.h"
#include "registrycontent.h"
#include "testcertificates.h"

#include "client/catalogquery.h"
#include "client/memorycredentialstore.h"
#include "client/pingquery.h"
#include "client/registryclient.h"
#include "client/tagsquery.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

using namespace Minato::Client;
using namespace Minato::Test;

namespace {

std::optional<PingResult> ping(RegistryClient &client)
{
    PingQuery *query = client.ping();
    const auto result = runToEnd<PingQuery, PingResult>(query);
    query->deleteLater();
    return result;
}

// Runs a listing and returns its items (empty on failure; *error set).
QStringList list(ListQuery *query, std::optional<ClientError> *error = nullptr)
{
    QStringList items;
    QObject::connect(query, &ListQuery::pageReady, query, [&items](const QStringList &page) { items += page; });
    std::optional<ListResult> result;
    QObject::connect(query, &ListQuery::finished, query, [&result](const ListResult &r) { result = r; });
    QSignalSpy spy(query, &ListQuery::finished);
    query->start();
    if (!result) {
        spy.wait(60000);
    }
    query->deleteLater();
    if (error) {
        *error = result && !result->hasValue() ? std::optional<ClientError>(result->error()) : std::nullopt;
    }
    return items;
}

// A tiny image (config blob + manifest) tagged `tag` in `repository`, pushed with plain HTTP requests.
void seed(const QUrl &base, const QString &repository, const QString &tag, const HttpHeaders &auth = {})
{
    const QByteArray config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    pushBlob(base, repository, config, auth);
    const QByteArray manifest =
        QJsonDocument(
            QJsonObject{
                {QStringLiteral("schemaVersion"), 2},
                {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
                {QStringLiteral("config"),
                 descriptorOf(QStringLiteral("application/vnd.oci.image.config.v1+json"), config)},
                {QStringLiteral("layers"), QJsonArray()}})
            .toJson(QJsonDocument::Compact);
    putManifest(base, repository, tag, manifest, "application/vnd.oci.image.manifest.v1+json", auth);
}

QStringList tlsArguments(const TestCertificate &cert)
{
    return {QStringLiteral("--tls-cert"), cert.certPath, QStringLiteral("--tls-key"), cert.keyPath};
}

QString htpasswdFile(const QTemporaryDir &dir, const QString &user, const QString &password)
{
    QProcess htpasswd;
    htpasswd.start(QStringLiteral("htpasswd"), {QStringLiteral("-Bbn"), user, password});
    if (!htpasswd.waitForFinished(30000) || htpasswd.exitCode() != 0) {
        return {};
    }
    const QString path = dir.filePath(QStringLiteral("htpasswd"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return {};
    }
    file.write(htpasswd.readAllStandardOutput());
    return path;
}

} // namespace

TEST_CASE("TLS: minato-registry's certificate is untrusted until the CA file or a certs.d folder trusts it",
          "[e2e][client][tls]")
{
    QTemporaryDir dir;
    const TestCertificate cert =
        TestCertificate::selfSigned(dir.path(), QStringLiteral("server"), QStringLiteral("localhost"),
                                    QStringLiteral("IP:127.0.0.1,DNS:localhost"));
    INFO(cert.error.toStdString());
    REQUIRE(cert.ok());
    EmbeddedRegistryProcess registry;
    if (!registry.start(tlsArguments(cert))) {
        FAIL(registry.errorString().toStdString());
    }
    const QUrl base = registry.baseUrl();
    REQUIRE(base.scheme() == QStringLiteral("https"));
    const QString emptyRoot = dir.filePath(QStringLiteral("no-certs.d"));
    const QString certsRoot = dir.filePath(QStringLiteral("certs.d"));
    const QString hostPort = QStringLiteral("127.0.0.1:%1").arg(registry.port());

    SECTION("untrusted: a Tls error whose sentence names the CA file and the certs.d folder")
    {
        RegistryClient client(profileFor(base));
        client.setCertsDirRoots({emptyRoot});
        const auto p = ping(client);
        REQUIRE(p);
        REQUIRE_FALSE(p->hasValue());
        CHECK(p->error().kind() == ClientError::Kind::Tls);
        CHECK(p->error().tlsProblem() == ClientError::TlsProblem::Untrusted);
        const QString message = p->error().message();
        INFO(message.toStdString());
        CHECK(message.contains(QStringLiteral("CA certificate")));
        CHECK(message.contains(QStringLiteral("~/.docker/certs.d/%1/").arg(hostPort)));
        CHECK(p->error().technicalDetail().contains(QStringLiteral("(certificate for ")));
        CHECK(p->error().certificateNames().contains(QStringLiteral("localhost")));
    }

    SECTION("the profile's CA file: ping and catalog work")
    {
        ConnectionProfile profile = profileFor(base);
        profile.caCertificateFile = cert.certPath;
        RegistryClient client(profile);
        client.setCertsDirRoots({emptyRoot});
        const auto p = ping(client);
        REQUIRE(p);
        INFO((p->hasValue() ? QString() : p->error().technicalDetail()).toStdString());
        REQUIRE(p->hasValue());
        CHECK(p->value().status == 200);
        CHECK(p->value().apiVersion == QStringLiteral("registry/2.0"));
        std::optional<ClientError> error;
        CHECK(list(client.catalog(), &error).isEmpty());
        CHECK_FALSE(error);
    }

    SECTION("a certs.d folder named host:port with ca.crt, by IP and by name")
    {
        for (const QString &host : {QStringLiteral("127.0.0.1"), QStringLiteral("localhost")}) {
            INFO(host.toStdString());
            const QString folder = QStringLiteral("%1/%2:%3").arg(certsRoot, host).arg(registry.port());
            REQUIRE(QDir().mkpath(folder));
            QFile::copy(cert.certPath, folder + QStringLiteral("/ca.crt"));
            RegistryClient client(profileFor(QUrl(QStringLiteral("https://%1:%2").arg(host).arg(registry.port()))));
            client.setCertsDirRoots({emptyRoot, certsRoot});
            CHECK(client.tlsMaterial().certsDir == folder);
            const auto p = ping(client);
            REQUIRE(p);
            INFO((p->hasValue() ? QString() : p->error().technicalDetail()).toStdString());
            CHECK(p->hasValue());
        }
    }

    SECTION("insecure TLS only by the profile's explicit consent")
    {
        ConnectionProfile profile = profileFor(base);
        profile.allowInsecureTls = true;
        RegistryClient client(profile);
        client.setCertsDirRoots({emptyRoot});
        const auto p = ping(client);
        REQUIRE(p);
        CHECK(p->hasValue());
    }
    CHECK(registry.stop() == 0);
}

TEST_CASE("TLS: a certificate for another host name is a Tls error that names it", "[e2e][client][tls]")
{
    QTemporaryDir dir;
    const TestCertificate cert = TestCertificate::selfSigned(
        dir.path(), QStringLiteral("other"), QStringLiteral("other.example"), QStringLiteral("DNS:other.example"));
    REQUIRE(cert.ok());
    EmbeddedRegistryProcess registry;
    if (!registry.start(tlsArguments(cert))) {
        FAIL(registry.errorString().toStdString());
    }
    // Trusted as a CA, so the only fault left is the name.
    ConnectionProfile profile = profileFor(registry.baseUrl());
    profile.caCertificateFile = cert.certPath;
    RegistryClient client(profile);
    client.setCertsDirRoots({});
    const auto p = ping(client);
    REQUIRE(p);
    REQUIRE_FALSE(p->hasValue());
    CHECK(p->error().kind() == ClientError::Kind::Tls);
    CHECK(p->error().tlsProblem() == ClientError::TlsProblem::HostNameMismatch);
    CHECK(p->error().certificateNames() == QStringList{QStringLiteral("other.example")});
    const QString message = p->error().message();
    INFO(message.toStdString());
    CHECK(message.contains(QStringLiteral("other.example")));
    CHECK(message.contains(QStringLiteral("127.0.0.1:%1").arg(registry.port())));
    CHECK(registry.stop() == 0);
}

TEST_CASE("TLS: the client certificate from certs.d is presented to a server that requires one",
          "[e2e][client][tls][clientcert]")
{
    // minato-registry never asks for a client certificate, so the peer here is `openssl s_server -Verify`,
    // which refuses the handshake without one; it prints what the client sends and sends what it reads on
    // stdin, so the test answers the request with a registry's /v2/ response once it has seen it.
    QTemporaryDir dir;
    const TestCertificate server = TestCertificate::selfSigned(
        dir.path(), QStringLiteral("server"), QStringLiteral("localhost"), QStringLiteral("IP:127.0.0.1"));
    const TestCertificate clientCert = TestCertificate::selfSigned(
        dir.path(), QStringLiteral("client"), QStringLiteral("minato-client"), QStringLiteral("DNS:minato-client"));
    REQUIRE((server.ok() && clientCert.ok()));
    quint16 port = 0;
    {
        QTcpServer probe;
        REQUIRE(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    QProcess sServer;
    sServer.setProcessChannelMode(QProcess::MergedChannels);
    sServer.start(QStringLiteral("openssl"),
                  {QStringLiteral("s_server"), QStringLiteral("-accept"), QStringLiteral("127.0.0.1:%1").arg(port),
                   QStringLiteral("-cert"), server.certPath, QStringLiteral("-key"), server.keyPath,
                   QStringLiteral("-Verify"), QStringLiteral("1"), QStringLiteral("-verify_return_error"),
                   QStringLiteral("-CAfile"), clientCert.certPath});
    REQUIRE(sServer.waitForStarted(10000));
    // It prints ACCEPT once listening (a probe connection would occupy the single-threaded server).
    QByteArray banner;
    for (int i = 0; i < 100 && !banner.contains("ACCEPT"); ++i) {
        sServer.waitForReadyRead(100);
        banner += sServer.readAll();
    }
    INFO(banner.toStdString());
    const bool listening = banner.contains("ACCEPT");
    REQUIRE(listening);

    const QUrl base(QStringLiteral("https://127.0.0.1:%1").arg(port));
    const QString folder = QStringLiteral("127.0.0.1:%1").arg(port);
    const QString caOnly = dir.filePath(QStringLiteral("ca-only"));
    const QString withClient = dir.filePath(QStringLiteral("with-client"));
    REQUIRE(QDir().mkpath(caOnly + u'/' + folder));
    REQUIRE(QDir().mkpath(withClient + u'/' + folder));
    REQUIRE(QFile::copy(server.certPath, caOnly + u'/' + folder + QStringLiteral("/ca.crt")));
    REQUIRE(QFile::copy(server.certPath, withClient + u'/' + folder + QStringLiteral("/ca.crt")));
    REQUIRE(QFile::copy(clientCert.certPath, withClient + u'/' + folder + QStringLiteral("/client.cert")));
    REQUIRE(QFile::copy(clientCert.keyPath, withClient + u'/' + folder + QStringLiteral("/client.key")));

    QByteArray seen;
    QObject::connect(&sServer, &QProcess::readyReadStandardOutput, &sServer, [&sServer, &seen]() {
        seen += sServer.readAllStandardOutput();
        if (seen.contains("GET /v2/ HTTP/1.1") && seen.contains("\r\n\r\n")) {
            sServer.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Docker-Distribution-API-Version: registry/2.0\r\nContent-Length: 2\r\n\r\n{}");
            seen.clear();
        }
    });
    {
        RegistryClient client(profileFor(base));
        client.setCertsDirRoots({withClient});
        REQUIRE(client.tlsMaterial().hasClientCertificate());
        const auto p = ping(client);
        REQUIRE(p);
        INFO((p->hasValue() ? QString() : p->error().technicalDetail()).toStdString());
        REQUIRE(p->hasValue());
        CHECK(p->value().status == 200);
        CHECK(p->value().apiVersion == QStringLiteral("registry/2.0"));
    }
    {
        RegistryClient client(profileFor(base));
        client.setCertsDirRoots({caOnly});
        const auto p = ping(client);
        REQUIRE(p);
        REQUIRE_FALSE(p->hasValue());
        INFO(p->error().technicalDetail().toStdString());
        CHECK(p->error().kind() == ClientError::Kind::Tls);
        CHECK(p->error().tlsProblem() == ClientError::TlsProblem::ClientCertificate);
        CHECK(p->error().message().contains(QStringLiteral("asks for a client certificate")));
        CHECK(
            p->error().message().contains(QStringLiteral("client.cert and client.key in ~/.docker/certs.d/") + folder));
    }
    sServer.kill();
    sServer.waitForFinished(5000);
}

TEST_CASE("Proxy: registry requests go through the connection's HTTP proxy, directly with None", "[e2e][client][proxy]")
{
    EmbeddedRegistryProcess registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    seed(registry.baseUrl(), QStringLiteral("team/app"), QStringLiteral("v1"));
    ForwardProxyStandIn proxy;
    REQUIRE(proxy.listen());

    ConnectionProfile profile = profileFor(registry.baseUrl());
    profile.proxy.mode = ProxySetting::Mode::Http;
    profile.proxy.url = proxy.url();
    REQUIRE(profile.validate().isEmpty());

    SECTION("Http: every request is relayed by the proxy, in absolute form")
    {
        RegistryClient client(profile);
        std::optional<ClientError> error;
        CHECK(list(client.tags(QStringLiteral("team/app")), &error) == QStringList{QStringLiteral("v1")});
        CHECK_FALSE(error);
        CHECK(list(client.catalog(), &error) == QStringList{QStringLiteral("team/app")});
        REQUIRE(proxy.requests().size() >= 2);
        const QByteArray origin = registry.baseUrl().toEncoded();
        bool sawTags = false;
        bool sawCatalog = false;
        for (const ProxiedRequest &r : proxy.requests()) {
            INFO(r.target.toStdString());
            CHECK(r.relayed);
            CHECK(r.target.startsWith(origin + "/v2/"));
            sawTags = sawTags || r.target.startsWith(origin + "/v2/team/app/tags/list");
            sawCatalog = sawCatalog || r.target.startsWith(origin + "/v2/_catalog");
        }
        CHECK(sawTags);
        CHECK(sawCatalog);
    }

    SECTION("None: direct, the proxy sees nothing")
    {
        profile.proxy.mode = ProxySetting::Mode::None;
        RegistryClient client(profile);
        std::optional<ClientError> error;
        CHECK(list(client.tags(QStringLiteral("team/app")), &error) == QStringList{QStringLiteral("v1")});
        CHECK_FALSE(error);
        CHECK(proxy.requests().isEmpty());
    }

    SECTION("a proxy that asks for credentials: Transport without them, relayed with them")
    {
        proxy.requireCredentials("proxy-user", "proxy-pass");
        {
            RegistryClient client(profile);
            std::optional<ClientError> error;
            CHECK(list(client.tags(QStringLiteral("team/app")), &error).isEmpty());
            REQUIRE(error);
            CHECK(error->kind() == ClientError::Kind::Transport);
        }
        RegistryClient client(profile);
        client.setProxyCredentials(Credentials{QStringLiteral("proxy-user"), QStringLiteral("proxy-pass"), false});
        std::optional<ClientError> error;
        CHECK(list(client.tags(QStringLiteral("team/app")), &error) == QStringList{QStringLiteral("v1")});
        CHECK_FALSE(error);
        REQUIRE_FALSE(proxy.requests().isEmpty());
        CHECK(proxy.requests().last().relayed);
        CHECK(proxy.requests().last().header("Proxy-Authorization") ==
              "Basic " + QByteArray("proxy-user:proxy-pass").toBase64());
    }
    CHECK(registry.stop() == 0);
}

TEST_CASE("IPv6: a base URL http://[::1]:PORT reads minato-registry listening on [::1]", "[e2e][client][ipv6]")
{
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHostIPv6, 0)) {
            WARN("::1 is not available here (" << probe.errorString().toStdString() << "); skipped");
            return;
        }
    }
    EmbeddedRegistryProcess registry;
    registry.setListenAddress(QStringLiteral("[::1]:0"));
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    const QUrl base = registry.baseUrl();
    REQUIRE(base.host() == QStringLiteral("::1"));
    REQUIRE(base.toString() == QStringLiteral("http://[::1]:%1").arg(registry.port()));
    seed(base, QStringLiteral("v6/app"), QStringLiteral("v1"));

    ConnectionProfile profile = profileFor(base);
    REQUIRE(profile.validate().isEmpty());
    CHECK(profile.origin() == base);
    CHECK(profile.urlFor(QStringLiteral("/v2/")).toString() ==
          QStringLiteral("http://[::1]:%1/v2/").arg(registry.port()));
    RegistryClient client(profile);
    const auto p = ping(client);
    REQUIRE(p);
    REQUIRE(p->hasValue());
    CHECK(p->value().status == 200);
    std::optional<ClientError> error;
    CHECK(list(client.tags(QStringLiteral("v6/app")), &error) == QStringList{QStringLiteral("v1")});
    CHECK_FALSE(error);
    CHECK(list(client.catalog(), &error) == QStringList{QStringLiteral("v6/app")});
    CHECK(registry.stop() == 0);
}

TEST_CASE("A credential store that fails is reported as such, never read as 'no credentials'",
          "[e2e][client][auth][credentials]")
{
    QTemporaryDir dir;
    const QString htpasswd = htpasswdFile(dir, QStringLiteral("ci"), QStringLiteral("store-s3cret"));
    REQUIRE_FALSE(htpasswd.isEmpty());
    const auto mode = GENERATE(QStringLiteral("basic"), QStringLiteral("token"));
    INFO(mode.toStdString());
    // Seeded without auth first; the same root then serves with auth (anonymous pull off).
    EmbeddedRegistryProcess registry;
    REQUIRE(registry.start());
    seed(registry.baseUrl(), QStringLiteral("private/app"), QStringLiteral("v1"));
    registry.stop();
    QStringList arguments{QStringLiteral("--htpasswd"), htpasswd};
    if (mode == u"token") {
        arguments += {QStringLiteral("--auth"), QStringLiteral("token")};
    }
    if (!registry.start(arguments)) {
        FAIL(registry.errorString().toStdString());
    }
    const QString repository = QStringLiteral("private/app");

    MemoryCredentialStore store;
    store.insert(registry.hostPort(), Credentials{QStringLiteral("ci"), QStringLiteral("store-s3cret"), false});
    RegistryClient client(profileFor(registry.baseUrl()));
    client.setCredentialSource(std::make_shared<StoreCredentialSource>(&store));

    // Denied: the keychain refused.
    store.setFailure(
        CredentialError(CredentialError::Kind::Denied, QStringLiteral("The system keychain refused access.")));
    std::optional<ClientError> error;
    CHECK(list(client.tags(repository), &error).isEmpty());
    REQUIRE(error);
    CHECK(error->kind() == ClientError::Kind::CredentialStore);
    INFO(error->message().toStdString());
    CHECK(error->message().startsWith(
        QStringLiteral("The keychain could not be read: The system keychain refused access.")));
    CHECK(error->message().contains(QStringLiteral("sign in again")));
    CHECK(error->message().contains(QStringLiteral("Secret Service")));

    // Timeout: a keychain that never answers.
    store.setFailure(std::nullopt);
    store.setUnresponsive(true);
    store.setTimeout(std::chrono::milliseconds(300));
    CHECK(list(client.tags(repository), &error).isEmpty());
    REQUIRE(error);
    CHECK(error->kind() == ClientError::Kind::CredentialStore);

    // The failure was not remembered: once the store answers, the saved login is used.
    store.setUnresponsive(false);
    CHECK(list(client.tags(repository), &error) == QStringList{QStringLiteral("v1")});
    CHECK_FALSE(error);

    // No keychain at all (NoBackend) is "none": anonymous, and the registry's own answer is what one sees.
    RegistryClient other(profileFor(registry.baseUrl()));
    MemoryCredentialStore noBackend;
    noBackend.setFailure(CredentialError(CredentialError::Kind::NoBackend, QStringLiteral("No keychain.")));
    other.setCredentialSource(std::make_shared<StoreCredentialSource>(&noBackend));
    CHECK(list(other.tags(repository), &error).isEmpty());
    REQUIRE(error);
    INFO(error->kindName().toStdString());
    CHECK((error->kind() == ClientError::Kind::AuthRequired || error->kind() == ClientError::Kind::NotFoundOrPrivate));
    CHECK(registry.stop() == 0);
}
