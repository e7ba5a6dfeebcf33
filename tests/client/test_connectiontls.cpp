// Connection options at unit level (no registry): docker's certs.d folders and an explicit client certificate
// loaded into the QSslConfiguration RegistryClient puts on requests, the certs.d folder name of a registry,
// TLS failures classified into sentences, proxy settings that validate and persist without secrets, and a
// failing credential store's sentence. Certificates come from the openssl CLI.
//
// Client certificates are tested here, not over the wire: minato-registry does not ask for client
// certificates (its TLS configuration is VerifyNone), so the test checks what the client would present.
#include "testcertificates.h"

#include "client/clienterror.h"
#include "client/connectiontls.h"
#include "client/profilestore.h"
#include "client/registryclient.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QSslError>
#include <QTemporaryDir>

using namespace Minato::Client;
using namespace Minato::Test;

namespace {

bool copyFile(const QString &from, const QString &to)
{
    QDir().mkpath(QFileInfo(to).absolutePath());
    return QFile::copy(from, to);
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

TEST_CASE("certs.d: a registry's folder is named host:port, as in a reference", "[client][tls][units]")
{
    CHECK(certsDirName(QUrl(QStringLiteral("https://registry.example.com"))) == QStringLiteral("registry.example.com"));
    CHECK(certsDirName(QUrl(QStringLiteral("https://Registry.Example.COM:5000/prefix"))) ==
          QStringLiteral("registry.example.com:5000"));
    CHECK(certsDirName(QUrl(QStringLiteral("https://127.0.0.1:443"))) == QStringLiteral("127.0.0.1:443"));
    CHECK(certsDirName(QUrl(QStringLiteral("http://[::1]:5000"))) == QStringLiteral("[::1]:5000"));
    CHECK(certsDirName(QUrl()).isEmpty());
    const QStringList roots = defaultCertsDirRoots();
    REQUIRE(roots.size() == 3);
    CHECK(roots.at(0) == QDir::homePath() + QStringLiteral("/.docker/certs.d"));
    CHECK(roots.at(1) == QStringLiteral("/etc/docker/certs.d"));
    CHECK(roots.at(2) == QStringLiteral("/etc/containers/certs.d"));
    CHECK(suggestedCertsDir(QUrl(QStringLiteral("https://reg:5000"))) ==
          QDir::homePath() + QStringLiteral("/.docker/certs.d/reg:5000/"));
}

TEST_CASE("certs.d: CAs and the client certificate of the first root that has the registry's folder",
          "[client][tls][units]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const TestCertificate ca = TestCertificate::selfSigned(dir.path(), QStringLiteral("ca"), QStringLiteral("Lab CA"),
                                                           QStringLiteral("DNS:ca.lab"));
    const TestCertificate other = TestCertificate::selfSigned(dir.path(), QStringLiteral("other"),
                                                              QStringLiteral("Other CA"), QStringLiteral("DNS:other"));
    const TestCertificate client = TestCertificate::selfSigned(
        dir.path(), QStringLiteral("client"), QStringLiteral("minato-client"), QStringLiteral("DNS:client.lab"));
    const TestCertificate explicitClient = TestCertificate::selfSigned(
        dir.path(), QStringLiteral("explicit"), QStringLiteral("explicit-client"), QStringLiteral("DNS:explicit.lab"));
    INFO((ca.error + other.error + client.error + explicitClient.error).toStdString());
    REQUIRE((ca.ok() && other.ok() && client.ok() && explicitClient.ok()));

    // root1 has no folder for the registry; root2 has one (used); root3 has one too (never read).
    const QString root1 = dir.filePath(QStringLiteral("root1"));
    const QString root2 = dir.filePath(QStringLiteral("root2"));
    const QString root3 = dir.filePath(QStringLiteral("root3"));
    const QString hostDir = root2 + QStringLiteral("/registry.lab:5000");
    REQUIRE(QDir().mkpath(root1 + QStringLiteral("/elsewhere:5000")));
    REQUIRE(copyFile(ca.certPath, hostDir + QStringLiteral("/ca.crt")));
    REQUIRE(copyFile(client.certPath, hostDir + QStringLiteral("/client.cert")));
    REQUIRE(copyFile(client.keyPath, hostDir + QStringLiteral("/client.key")));
    REQUIRE(copyFile(other.certPath, root3 + QStringLiteral("/registry.lab:5000/other.crt")));

    ConnectionProfile profile;
    profile.name = QStringLiteral("lab");
    profile.baseUrl = QUrl(QStringLiteral("https://registry.lab:5000"));
    const QStringList roots{root1, root2, root3};

    SECTION("loaded from certs.d into the client's QSslConfiguration")
    {
        const TlsMaterial material = loadTlsMaterial(profile, roots);
        INFO(material.problems.join(u'\n').toStdString());
        CHECK(material.problems.isEmpty());
        CHECK(material.certsDir == hostDir);
        CHECK(material.caSources == QStringList{hostDir + QStringLiteral("/ca.crt")});
        REQUIRE(material.hasClientCertificate());
        CHECK(material.clientCertificateSource == hostDir + QStringLiteral("/client.cert"));

        RegistryClient registry(profile);
        registry.setCertsDirRoots(roots);
        const QSslConfiguration ssl = registry.sslConfiguration();
        CHECK(ssl.caCertificates().contains(ca.certificate));
        CHECK_FALSE(ssl.caCertificates().contains(other.certificate));
        // The system's CAs stay trusted (docker adds to them too).
        CHECK(ssl.caCertificates().size() >= QSslConfiguration::defaultConfiguration().caCertificates().size());
        CHECK(ssl.localCertificate() == client.certificate);
        REQUIRE_FALSE(ssl.privateKey().isNull());
        CHECK(ssl.privateKey() == readPrivateKey(fileBytes(client.keyPath)));
        CHECK(registry.tlsSetupProblem().isEmpty());

        // Applied to https requests only.
        QNetworkRequest https(QUrl(QStringLiteral("https://registry.lab:5000/v2/")));
        registry.applyTls(https);
        CHECK(https.sslConfiguration().localCertificate() == client.certificate);
        QNetworkRequest plain(QUrl(QStringLiteral("http://registry.lab:5000/v2/")));
        registry.applyTls(plain);
        CHECK(plain.sslConfiguration().localCertificate().isNull());
    }

    SECTION("an explicit client certificate in the profile wins over certs.d, the CAs add up")
    {
        profile.caCertificateFile = other.certPath;
        profile.clientCertificateFile = explicitClient.certPath;
        profile.clientKeyFile = explicitClient.keyPath;
        RegistryClient registry(profile);
        registry.setCertsDirRoots(roots);
        const QSslConfiguration ssl = registry.sslConfiguration();
        CHECK(ssl.localCertificate() == explicitClient.certificate);
        CHECK(ssl.privateKey() == readPrivateKey(fileBytes(explicitClient.keyPath)));
        CHECK(ssl.caCertificates().contains(ca.certificate));
        CHECK(ssl.caCertificates().contains(other.certificate));
        CHECK(registry.tlsMaterial().caSources == QStringList{other.certPath, hostDir + QStringLiteral("/ca.crt")});
    }

    SECTION("a .cert without its .key, a stray .key, an unreadable CA: reported, skipped")
    {
        QFile::remove(hostDir + QStringLiteral("/client.key"));
        REQUIRE(copyFile(client.keyPath, hostDir + QStringLiteral("/stray.key")));
        QFile garbage(hostDir + QStringLiteral("/broken.crt"));
        REQUIRE(garbage.open(QIODevice::WriteOnly));
        garbage.write("not a certificate");
        garbage.close();
        const TlsMaterial material = loadTlsMaterial(profile, roots);
        CHECK_FALSE(material.hasClientCertificate());
        CHECK(material.caSources == QStringList{hostDir + QStringLiteral("/ca.crt")});
        const QString problems = material.problems.join(u'\n');
        INFO(problems.toStdString());
        CHECK(problems.contains(QStringLiteral("client.cert has no private key client.key")));
        CHECK(problems.contains(QStringLiteral("stray.key has no certificate stray.cert")));
        CHECK(problems.contains(QStringLiteral("broken.crt")));
        RegistryClient registry(profile);
        registry.setCertsDirRoots(roots);
        CHECK(registry.sslConfiguration().localCertificate().isNull());
        CHECK_FALSE(registry.tlsSetupProblem().isEmpty());
    }

    SECTION("no folder for the registry, no CA file: Qt's default configuration")
    {
        profile.baseUrl = QUrl(QStringLiteral("https://registry.lab")); // no port: folder "registry.lab"
        const TlsMaterial material = loadTlsMaterial(profile, roots);
        CHECK(material.isEmpty());
        CHECK(material.certsDir.isEmpty());
        CHECK_FALSE(sslConfigurationFor(material).has_value());
    }
}

TEST_CASE("TLS failures become sentences that say what to do", "[client][tls][units]")
{
    QTemporaryDir dir;
    const TestCertificate cert =
        TestCertificate::selfSigned(dir.path(), QStringLiteral("srv"), QStringLiteral("other.example"),
                                    QStringLiteral("DNS:other.example,DNS:alt.example"));
    REQUIRE(cert.ok());
    const QUrl url(QStringLiteral("https://127.0.0.1:5443/v2/"));
    QStringList names = certificateNames(cert.certificate);
    names.sort();
    CHECK(names == QStringList{QStringLiteral("alt.example"), QStringLiteral("other.example")});

    const ClientError untrusted =
        tlsErrorFor({QSslError(QSslError::SelfSignedCertificate, cert.certificate)}, url, QStringLiteral("GET x"), {});
    CHECK(untrusted.kind() == ClientError::Kind::Tls);
    CHECK(untrusted.tlsProblem() == ClientError::TlsProblem::Untrusted);
    CHECK(untrusted.message().contains(QStringLiteral("127.0.0.1:5443")));
    CHECK(untrusted.message().contains(QStringLiteral("~/.docker/certs.d/127.0.0.1:5443/")));
    CHECK(untrusted.message().contains(QStringLiteral("CA certificate")));

    // A host name mismatch wins over "untrusted" when both are reported: it is what to fix first.
    const ClientError mismatch = tlsErrorFor({QSslError(QSslError::SelfSignedCertificate, cert.certificate),
                                              QSslError(QSslError::HostNameMismatch, cert.certificate)},
                                             url, QStringLiteral("GET x"), {});
    CHECK(mismatch.tlsProblem() == ClientError::TlsProblem::HostNameMismatch);
    CHECK(mismatch.certificateNames().size() == 2);
    CHECK(mismatch.message().contains(QStringLiteral("other.example")));
    CHECK(mismatch.message().contains(QStringLiteral("alt.example")));
    CHECK(mismatch.message().contains(QStringLiteral("127.0.0.1:5443")));
    CHECK(mismatch.technicalDetail().contains(QStringLiteral("(certificate for ")));

    const ClientError expired =
        tlsErrorFor({QSslError(QSslError::CertificateExpired, cert.certificate)}, url, QStringLiteral("GET x"), {});
    CHECK(expired.tlsProblem() == ClientError::TlsProblem::Expired);
    CHECK(expired.message().contains(QStringLiteral("date and time")));

    const ClientError handshake = tlsErrorFor({}, url, QStringLiteral("GET x"), QStringLiteral("handshake failure"));
    CHECK(handshake.tlsProblem() == ClientError::TlsProblem::Other);
    CHECK(handshake.technicalDetail() == QStringLiteral("GET x: handshake failure"));
    CHECK(handshake.message().contains(QStringLiteral("client.cert and client.key")));

    const auto alert = tlsAlertError(
        QStringLiteral("Error while reading: error:0A00045C:SSL routines::tlsv13 alert certificate required"), url,
        QStringLiteral("GET x"));
    REQUIRE(alert);
    CHECK(alert->tlsProblem() == ClientError::TlsProblem::ClientCertificate);
    CHECK(alert->message().contains(QStringLiteral("client.cert and client.key")));
    CHECK_FALSE(tlsAlertError(QStringLiteral("Connection refused"), url, QStringLiteral("GET x")));
    CHECK_FALSE(
        tlsAlertError(QStringLiteral("SSL routines: x"), QUrl(QStringLiteral("http://a/")), QStringLiteral("GET x")));

    const ClientError store =
        ClientError::credentialStore(QStringLiteral("The system keychain refused access."), QStringLiteral("detail"));
    CHECK(store.kind() == ClientError::Kind::CredentialStore);
    CHECK(store.kindName() == QStringLiteral("CredentialStore"));
    CHECK(store.message().startsWith(
        QStringLiteral("The keychain could not be read: The system keychain refused access. ")));
    CHECK(store.message().contains(QStringLiteral("sign in again")));
    CHECK(store.message().contains(QStringLiteral("Secret Service")));
}

TEST_CASE("Proxy and client certificate settings validate and persist without secrets", "[client][proxy][units]")
{
    ConnectionProfile p;
    p.name = QStringLiteral("lab");
    p.baseUrl = QUrl(QStringLiteral("https://registry.lab:5000"));
    CHECK(p.validate().isEmpty());
    CHECK(p.proxy.mode == ProxySetting::Mode::System);

    p.proxy.mode = ProxySetting::Mode::Http;
    p.proxy.url = QUrl(QStringLiteral("http://proxy.lab:3128"));
    CHECK(p.validate().isEmpty());
    for (const char *bad : {"http://user:secret@proxy.lab:3128", "https://proxy.lab:3128", "http://proxy.lab",
                            "http://proxy.lab:3128/path", "http://proxy.lab:3128?x=1", ""}) {
        INFO(bad);
        p.proxy.url = QUrl(QString::fromLatin1(bad));
        CHECK_FALSE(p.validate().isEmpty());
    }
    p.proxy.url = QUrl(QStringLiteral("http://proxy.lab:3128"));
    p.clientCertificateFile = QStringLiteral("/tmp/client.cert");
    CHECK_FALSE(p.validate().isEmpty()); // the key is missing
    p.clientKeyFile = QStringLiteral("/tmp/client.key");
    CHECK(p.validate().isEmpty());

    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("profiles.ini"));
    {
        ProfileStore store(file);
        REQUIRE(store.add(p).ok());
        ConnectionProfile direct;
        direct.name = QStringLiteral("direct");
        direct.baseUrl = QUrl(QStringLiteral("http://[::1]:5000"));
        direct.proxy.mode = ProxySetting::Mode::None;
        REQUIRE(store.add(direct).ok());
        ConnectionProfile withSecret = direct;
        withSecret.name = QStringLiteral("secret");
        withSecret.proxy.mode = ProxySetting::Mode::Http;
        withSecret.proxy.url = QUrl(QStringLiteral("http://user:s3cret-proxy@proxy.lab:3128"));
        CHECK(store.add(withSecret).kind == ProfileStore::Error::Kind::Invalid);
    }
    ProfileStore reread(file);
    const auto lab = reread.find(QStringLiteral("lab"));
    REQUIRE(lab);
    CHECK(lab->proxy == p.proxy);
    CHECK(lab->clientCertificateFile == p.clientCertificateFile);
    CHECK(lab->clientKeyFile == p.clientKeyFile);
    const auto direct = reread.find(QStringLiteral("direct"));
    REQUIRE(direct);
    CHECK(direct->proxy.mode == ProxySetting::Mode::None);
    CHECK(direct->baseUrl == QUrl(QStringLiteral("http://[::1]:5000")));
    CHECK_FALSE(fileBytes(file).contains("s3cret-proxy"));

    // Applied to the client's manager: an explicit proxy, with credentials only in memory.
    RegistryClient client(*lab);
    CHECK(client.network()->proxy().type() == QNetworkProxy::HttpProxy);
    CHECK(client.network()->proxy().hostName() == QStringLiteral("proxy.lab"));
    CHECK(client.network()->proxy().port() == 3128);
    CHECK(client.network()->proxy().user().isEmpty());
    client.setProxyCredentials(Credentials{QStringLiteral("u"), QStringLiteral("pw"), false});
    CHECK(client.network()->proxy().user() == QStringLiteral("u"));
    CHECK(client.network()->proxy().password() == QStringLiteral("pw"));
    RegistryClient none(*direct);
    CHECK(none.network()->proxy().type() == QNetworkProxy::NoProxy);
}
