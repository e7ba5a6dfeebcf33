// Docker's token authentication end to end, with real peers on both sides of it:
// - minato-registry --auth token: skopeo and podman push and pull through the challenge → /token → Bearer
//   flow; Minato's client lists tags and the catalog with a password and with an identity (refresh) token.
// - The CNCF reference registry configured to trust minato-registry's tokens (auth.token.rootcertbundle =
//   our signing certificate): distribution verifies our JWTs — header, x5c chain, ES256 signature, claims —
//   and skopeo and Minato's client work against it. This is the Bearer peer of the client tests.
#include "embeddedregistryprocess.h"
#include "httpfetch.h"
#include "ocilayout.h"
#include "referenceregistry.h"

#include "client/catalogquery.h"
#include "client/registryclient.h"
#include "client/tagsquery.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace Minato::Test;

namespace {

const QString user = QStringLiteral("ci");
const QString password = QStringLiteral("t0ken-pass");

QString credentials()
{
    return user + u':' + password;
}

// An EC P-256 key and a self-signed certificate for it, made by the openssl command.
bool makeSigningKey(const QString &keyPath, const QString &certPath)
{
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-keyout"), keyPath, QStringLiteral("-out"), certPath, QStringLiteral("-days"),
                   QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=minato-registry tokens")});
    return openssl.waitForFinished(60000) && openssl.exitCode() == 0;
}

// Every blob of a pulled OCI layout hashes to its name.
void checkBlobs(const QString &layout, const QStringList &digests)
{
    for (const QString &digest : digests) {
        QFile blob(layout + QStringLiteral("/blobs/sha256/") + digest.mid(7));
        REQUIRE(blob.open(QIODevice::ReadOnly));
        CHECK(Minato::Oci::Sha256Hasher::digestOf(blob.readAll()).toString() == digest);
    }
}

QStringList listTags(Minato::Client::RegistryClient &client, const QString &repository, QString *error)
{
    auto *query = client.tags(repository);
    QStringList listed;
    QObject::connect(query, &Minato::Client::TagsQuery::pageReady, query,
                     [&listed](const QStringList &page) { listed += page; });
    QSignalSpy finished(query, &Minato::Client::TagsQuery::finished);
    query->start();
    if (!finished.wait(30000)) {
        *error = QStringLiteral("no answer");
        return {};
    }
    const auto result = finished.first().first().value<Minato::Client::ListResult>();
    if (!result) {
        *error = result.error().message();
    }
    return listed;
}

} // namespace

TEST_CASE("minato-registry --auth token: skopeo pushes and pulls through the token flow", "[e2e][auth][token]")
{
    QTemporaryDir dir;
    const QString htpasswd = dir.filePath(QStringLiteral("htpasswd"));
    REQUIRE(writeHtpasswd(htpasswd, user, password));
    EmbeddedRegistryProcess registry;
    if (!registry.start({QStringLiteral("--htpasswd"), htpasswd, QStringLiteral("--auth"), QStringLiteral("token")})) {
        FAIL(registry.errorString().toStdString());
    }
    const QString repo = QStringLiteral("docker://%1/token/app").arg(registry.hostPort());

    // /v2/ challenges with Bearer, naming this server's /token.
    const HttpResult probe = httpFetch("GET", urlOn(registry.baseUrl(), QStringLiteral("/v2/")));
    CHECK(probe.status == 401);
    CHECK(probe.header("WWW-Authenticate") ==
          QStringLiteral(R"(Bearer realm="http://%1/token",service="minato-registry")").arg(registry.hostPort()));

    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("single")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("token\n")}});
    const OciLayoutIndex index = OciLayoutIndex::build(dir.filePath(QStringLiteral("multi")), QStringLiteral("v2"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("multi\n")}});
    REQUIRE(image.ok);
    REQUIRE(index.ok);

    // Anonymous and wrong-password pushes are refused; with the password both images go in.
    const ProcessResult anonymous = runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"),
                                               image.skopeoReference(), repo + QStringLiteral(":v1")});
    CHECK(anonymous.exitCode != 0);
    const ProcessResult wrong =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"), QStringLiteral("--dest-creds"),
                   user + QStringLiteral(":nope"), image.skopeoReference(), repo + QStringLiteral(":v1")});
    CHECK(wrong.exitCode != 0);
    for (const auto &[source, tag, all] : {std::tuple{image.skopeoReference(), QStringLiteral("v1"), false},
                                           std::tuple{index.skopeoReference(), QStringLiteral("v2"), true}}) {
        QStringList args{QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"),
                         QStringLiteral("--dest-creds"), credentials()};
        if (all) {
            args << QStringLiteral("--all");
        }
        const ProcessResult push = runSkopeo(args + QStringList{source, repo + u':' + tag});
        INFO(push.output.toStdString());
        REQUIRE(push.exitCode == 0);
    }

    // Pull both back with the password: identical digests.
    const QString pulled = dir.filePath(QStringLiteral("pulled"));
    const ProcessResult pull = runSkopeo({QStringLiteral("copy"), QStringLiteral("--src-tls-verify=false"),
                                          QStringLiteral("--src-creds"), credentials(), repo + QStringLiteral(":v1"),
                                          QStringLiteral("oci:") + pulled + QStringLiteral(":v1")});
    INFO(pull.output.toStdString());
    REQUIRE(pull.exitCode == 0);
    checkBlobs(pulled, {image.manifestDigest, image.configDigest, image.layerDigest});
    const ProcessResult pullAll =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--src-tls-verify=false"),
                   QStringLiteral("--src-creds"), credentials(), repo + QStringLiteral(":v2"),
                   QStringLiteral("oci:") + pulled + QStringLiteral(":v2")});
    INFO(pullAll.output.toStdString());
    REQUIRE(pullAll.exitCode == 0);
    checkBlobs(pulled, {index.indexDigest, index.images.at(0).manifestDigest, index.images.at(1).layerDigest});

    // Inspect and list-tags go through tokens too; anonymous inspection is refused (no anonymous pull).
    const ProcessResult tags = runSkopeo({QStringLiteral("list-tags"), QStringLiteral("--tls-verify=false"),
                                          QStringLiteral("--creds"), credentials(), repo});
    INFO(tags.output.toStdString());
    REQUIRE(tags.exitCode == 0);
    CHECK(QJsonDocument::fromJson(tags.output.toUtf8()).object().value(QStringLiteral("Tags")).toArray() ==
          QJsonArray{QStringLiteral("v1"), QStringLiteral("v2")});
    const ProcessResult inspectAnonymous =
        runSkopeo({QStringLiteral("inspect"), QStringLiteral("--tls-verify=false"), repo + QStringLiteral(":v1")});
    CHECK(inspectAnonymous.exitCode != 0);

    // Minato's client: with the password, and with a refresh token from the OAuth2 endpoint as an identity
    // token (grant_type=refresh_token), exactly as docker stores one.
    Minato::Client::ConnectionProfile profile;
    profile.baseUrl = registry.baseUrl();
    {
        Minato::Client::RegistryClient client(profile);
        client.setCredentials(Minato::Client::Credentials{user, password, false});
        QString error;
        CHECK(listTags(client, QStringLiteral("token/app"), &error) ==
              QStringList{QStringLiteral("v1"), QStringLiteral("v2")});
        CHECK(error.isEmpty());
    }
    const HttpResult offline = httpFetch(
        "POST", urlOn(registry.baseUrl(), QStringLiteral("/token")),
        {{"Content-Type", "application/x-www-form-urlencoded"}},
        QStringLiteral("grant_type=password&client_id=minato-test&access_type=offline&username=%1&password=%2")
            .arg(user, password)
            .toUtf8());
    REQUIRE(offline.status == 200);
    const QString refresh =
        QJsonDocument::fromJson(offline.body).object().value(QStringLiteral("refresh_token")).toString();
    REQUIRE_FALSE(refresh.isEmpty());
    {
        Minato::Client::RegistryClient client(profile);
        client.setCredentials(Minato::Client::Credentials{user, refresh, true});
        QString error;
        const QStringList listed = listTags(client, QStringLiteral("token/app"), &error);
        INFO(error.toStdString());
        CHECK(listTags(client, QStringLiteral("token/app"), &error) ==
              QStringList{QStringLiteral("v1"), QStringLiteral("v2")});
        CHECK(error.isEmpty());
    }

    // The log names the user and shows neither the password nor a token.
    registry.stop();
    CHECK(registry.output().contains(QStringLiteral(" ci\n")));
    CHECK_FALSE(registry.output().contains(password));
    CHECK_FALSE(registry.output().contains(refresh.left(40)));
}

TEST_CASE("podman logs in to minato-registry --auth token", "[e2e][auth][token][podman]")
{
    if (QStandardPaths::findExecutable(QStringLiteral("podman")).isEmpty()) {
        WARN("podman is not installed; skipped");
        return;
    }
    QTemporaryDir dir;
    const QString htpasswd = dir.filePath(QStringLiteral("htpasswd"));
    REQUIRE(writeHtpasswd(htpasswd, user, password));
    EmbeddedRegistryProcess registry;
    if (!registry.start({QStringLiteral("--htpasswd"), htpasswd, QStringLiteral("--auth"), QStringLiteral("token")})) {
        FAIL(registry.errorString().toStdString());
    }
    const auto login = [&](const QString &secret) {
        const ProcessResult result =
            runPodman(dir.path(), {QStringLiteral("login"), QStringLiteral("--tls-verify=false"),
                                   QStringLiteral("--authfile"), dir.filePath(QStringLiteral("auth.json")),
                                   registry.hostPort(), QStringLiteral("-u"), user, QStringLiteral("-p"), secret});
        UNSCOPED_INFO(result.output.toStdString());
        return result.exitCode;
    };
    CHECK(login(QStringLiteral("wrong")) != 0);
    CHECK(login(password) == 0);
}

TEST_CASE("The reference registry trusts minato-registry's tokens", "[e2e][auth][token][reference]")
{
    QTemporaryDir dir;
    const QString htpasswd = dir.filePath(QStringLiteral("htpasswd"));
    REQUIRE(writeHtpasswd(htpasswd, user, password));
    const QString keyPath = dir.filePath(QStringLiteral("token.key"));
    const QString certPath = dir.filePath(QStringLiteral("token.crt"));
    REQUIRE(makeSigningKey(keyPath, certPath));

    // minato-registry is only the token server here; the images go to the reference registry.
    EmbeddedRegistryProcess tokenServer;
    if (!tokenServer.start({QStringLiteral("--htpasswd"), htpasswd, QStringLiteral("--auth"), QStringLiteral("token"),
                            QStringLiteral("--token-key"), keyPath, QStringLiteral("--token-cert"), certPath})) {
        FAIL(tokenServer.errorString().toStdString());
    }
    ReferenceRegistry::Options options;
    options.tokenRealm = tokenServer.baseUrl().toString() + QStringLiteral("/token");
    options.tokenService = QStringLiteral("minato-registry");
    options.tokenIssuer = QStringLiteral("minato-registry");
    options.tokenRootCertBundle = certPath;
    ReferenceRegistry reference(options);
    REQUIRE(reference.start());

    const HttpResult probe = httpFetch("GET", urlOn(reference.baseUrl(), QStringLiteral("/v2/")));
    CHECK(probe.status == 401);
    CHECK(probe.header("WWW-Authenticate").contains(options.tokenRealm.toUtf8()));

    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("single")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("trusted\n")}});
    REQUIRE(image.ok);
    const QString repo = QStringLiteral("docker://%1/trusted/app").arg(reference.hostPort());
    const ProcessResult push =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"), QStringLiteral("--dest-creds"),
                   credentials(), image.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);
    const ProcessResult anonymous =
        runSkopeo({QStringLiteral("inspect"), QStringLiteral("--tls-verify=false"), repo + QStringLiteral(":v1")});
    CHECK(anonymous.exitCode != 0);
    const QString pulled = dir.filePath(QStringLiteral("pulled"));
    const ProcessResult pull = runSkopeo({QStringLiteral("copy"), QStringLiteral("--src-tls-verify=false"),
                                          QStringLiteral("--src-creds"), credentials(), repo + QStringLiteral(":v1"),
                                          QStringLiteral("oci:") + pulled + QStringLiteral(":v1")});
    INFO(pull.output.toStdString());
    REQUIRE(pull.exitCode == 0);
    checkBlobs(pulled, {image.manifestDigest, image.configDigest, image.layerDigest});

    // Minato's client against distribution through our token server; a wrong password is an auth error.
    Minato::Client::ConnectionProfile profile;
    profile.baseUrl = reference.baseUrl();
    Minato::Client::RegistryClient client(profile);
    client.setCredentials(Minato::Client::Credentials{user, password, false});
    QString error;
    CHECK(listTags(client, QStringLiteral("trusted/app"), &error) == QStringList{QStringLiteral("v1")});
    CHECK(error.isEmpty());
    Minato::Client::RegistryClient wrongClient(profile);
    wrongClient.setCredentials(Minato::Client::Credentials{user, QStringLiteral("nope"), false});
    QString wrongError;
    CHECK(listTags(wrongClient, QStringLiteral("trusted/app"), &wrongError).isEmpty());
    CHECK_FALSE(wrongError.isEmpty());
}
