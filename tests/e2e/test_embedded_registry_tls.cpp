// minato-registry serving HTTPS (--tls-cert/--tls-key) with a self-signed certificate the test makes with the
// openssl CLI (SAN IP:127.0.0.1 and DNS:localhost), against real peers with verification ON: skopeo pushes and
// pulls a single-arch image and a multi-arch index with the certificate as the CA (--dest-cert-dir/--src-cert-dir),
// inspects and lists tags; without the CA it fails with an x509 error and the server keeps serving; Basic auth
// over TLS; podman logs in, pulls and pushes with --cert-dir; plain HTTP on the TLS port is refused without
// harm; QNetworkAccessManager trusts the server once the certificate is its CA.
#include "embeddedregistryprocess.h"
#include "httpfetch.h"
#include "ocilayout.h"

#include "oci/sha256.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace Minato::Test;
using Minato::Oci::Sha256Hasher;

namespace {

// A self-signed certificate for 127.0.0.1 and localhost in dir: cert.pem, key.pem, and certs/ca.crt (a copy of
// the certificate: the directory layout skopeo's and podman's --cert-dir expect for a CA).
struct TestCertificate
{
    QString certPath;
    QString keyPath;
    QString certDir;
    QSslCertificate certificate;
    QString error;
};

TestCertificate makeCertificate(const QTemporaryDir &dir)
{
    TestCertificate out;
    out.certPath = dir.filePath(QStringLiteral("cert.pem"));
    out.keyPath = dir.filePath(QStringLiteral("key.pem"));
    out.certDir = dir.filePath(QStringLiteral("certs"));
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), out.keyPath,
                   QStringLiteral("-out"), out.certPath, QStringLiteral("-days"), QStringLiteral("2"),
                   QStringLiteral("-subj"), QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost")});
    if (!openssl.waitForFinished(60000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0) {
        out.error =
            QStringLiteral("openssl req failed: ") + QString::fromLocal8Bit(openssl.readAll()) + openssl.errorString();
        return out;
    }
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(out.certPath, QSsl::Pem);
    if (certificates.size() != 1 || !QDir().mkpath(out.certDir) ||
        !QFile::copy(out.certPath, out.certDir + QStringLiteral("/ca.crt"))) {
        out.error = QStringLiteral("cannot read the certificate or write certs/ca.crt");
        return out;
    }
    out.certificate = certificates.first();
    return out;
}

QStringList tlsArguments(const TestCertificate &cert)
{
    return {QStringLiteral("--tls-cert"), cert.certPath, QStringLiteral("--tls-key"), cert.keyPath};
}

// `htpasswd -Bbn user password` (bcrypt) into dir/htpasswd; empty on failure.
QString htpasswdFile(const QTemporaryDir &dir, const QString &user, const QString &password)
{
    QProcess htpasswd;
    htpasswd.start(QStringLiteral("htpasswd"), {QStringLiteral("-Bbn"), user, password});
    if (!htpasswd.waitForFinished(30000) || htpasswd.exitCode() != 0) {
        return {};
    }
    QString path = dir.filePath(QStringLiteral("htpasswd"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return {};
    }
    file.write(htpasswd.readAllStandardOutput());
    return path;
}

// Every blob of a pulled OCI layout hashes to its name, and index.json names `digest` as its only manifest.
void checkPulledLayout(const QString &layoutDir, const QString &digest, const QStringList &blobs)
{
    const QJsonArray entries = QJsonDocument::fromJson(readFile(layoutDir + QStringLiteral("/index.json")))
                                   .object()
                                   .value(QStringLiteral("manifests"))
                                   .toArray();
    REQUIRE(entries.size() == 1);
    CHECK(entries.at(0).toObject().value(QStringLiteral("digest")).toString() == digest);
    const QDir blobDir(layoutDir + QStringLiteral("/blobs/sha256"));
    const QStringList present = blobDir.entryList(QDir::Files);
    for (const QString &expected : blobs) {
        INFO(expected.toStdString());
        CHECK(present.contains(expected.mid(7)));
    }
    for (const QString &name : present) {
        INFO(name.toStdString());
        CHECK(Sha256Hasher::digestOf(readFile(blobDir.filePath(name))).hex() == name);
    }
}

struct TlsFetch
{
    HttpResult http;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QList<QSslError> sslErrors;
    QSslCertificate peerCertificate;
    bool http2 = true;
};

// GET url with QNetworkAccessManager, trusting exactly `caCertificates` (none: the system's CAs only).
TlsFetch fetchTls(const QUrl &url, const QList<QSslCertificate> &caCertificates,
                  const QList<QPair<QByteArray, QByteArray>> &headers = {})
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    request.setTransferTimeout(30000);
    for (const auto &[key, value] : headers) {
        request.setRawHeader(key, value);
    }
    if (!caCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(caCertificates);
        request.setSslConfiguration(ssl);
    }
    QNetworkReply *reply = nam.get(request);
    TlsFetch out;
    QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                     [&out](const QList<QSslError> &errors) { out.sslErrors = errors; });
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(35000)) {
        out.http.error = QStringLiteral("timed out");
        reply->abort();
    }
    out.error = reply->error();
    out.http.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.http.body = reply->readAll();
    out.http.headers = reply->rawHeaderPairs();
    if (reply->error() != QNetworkReply::NoError) {
        out.http.error = reply->errorString();
    }
    out.peerCertificate = reply->sslConfiguration().peerCertificate();
    out.http2 = reply->attribute(QNetworkRequest::Http2WasUsedAttribute).toBool();
    reply->deleteLater();
    return out;
}

// podman as root with vfs storage in private directories (PLATFORM.md) and a private auth file.
struct Podman
{
    const QTemporaryDir &dir;

    int run(const QStringList &arguments, QString *output = nullptr) const
    {
        QProcess podman;
        podman.setProcessChannelMode(QProcess::MergedChannels);
        podman.start(QStringLiteral("podman"),
                     QStringList{QStringLiteral("--storage-driver"), QStringLiteral("vfs"), QStringLiteral("--root"),
                                 dir.filePath(QStringLiteral("storage")), QStringLiteral("--runroot"),
                                 dir.filePath(QStringLiteral("run")), QStringLiteral("--cgroup-manager"),
                                 QStringLiteral("cgroupfs"), QStringLiteral("--events-backend"),
                                 QStringLiteral("none")} +
                         arguments);
        const bool done = podman.waitForFinished(120000);
        if (!done) {
            podman.kill();
            podman.waitForFinished(5000);
        }
        const QString text = QString::fromUtf8(podman.readAll());
        UNSCOPED_INFO("podman " << arguments.join(u' ').toStdString() << "\n" << text.toStdString());
        if (output) {
            *output = text;
        }
        return done && podman.exitStatus() == QProcess::NormalExit ? podman.exitCode() : -1;
    }
    QString authFile() const { return dir.filePath(QStringLiteral("auth.json")); }
};

} // namespace

TEST_CASE("skopeo pushes, pulls, inspects and lists over TLS with the self-signed certificate as its CA", "[e2e][tls]")
{
    QTemporaryDir dir;
    const TestCertificate cert = makeCertificate(dir);
    INFO(cert.error.toStdString());
    REQUIRE(cert.error.isEmpty());
    EmbeddedRegistryProcess registry;
    if (!registry.start(tlsArguments(cert))) {
        FAIL(registry.errorString().toStdString());
    }
    REQUIRE(registry.baseUrl().scheme() == QStringLiteral("https"));

    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("image")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("over tls\n")},
                                                        {QStringLiteral("bin/tool"), QByteArray(300000, 't')}});
    REQUIRE(image.ok);
    const OciLayoutIndex multi = OciLayoutIndex::build(dir.filePath(QStringLiteral("multi")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("multi tls\n")}});
    INFO(multi.error.toStdString());
    REQUIRE(multi.ok);
    const QString app = QStringLiteral("docker://%1/tls/app").arg(registry.hostPort());
    const QString multiRepo = QStringLiteral("docker://%1/tls/multi").arg(registry.hostPort());
    const QString certDir = cert.certDir;

    // Push both with verification on (the default for docker://, said explicitly) and the CA in a cert dir.
    const ProcessResult push =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=true"), QStringLiteral("--dest-cert-dir"),
                   certDir, image.skopeoReference(), app + QStringLiteral(":v1")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);
    const ProcessResult pushMulti = runSkopeo(
        {QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--dest-tls-verify=true"),
         QStringLiteral("--dest-cert-dir"), certDir, multi.skopeoReference(), multiRepo + QStringLiteral(":v1")});
    INFO(pushMulti.output.toStdString());
    REQUIRE(pushMulti.exitCode == 0);

    // Pull both back over TLS: the same digests, every blob intact.
    const QString pulled = dir.filePath(QStringLiteral("pulled"));
    const ProcessResult pull =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--src-tls-verify=true"), QStringLiteral("--src-cert-dir"),
                   certDir, app + QStringLiteral(":v1"), QStringLiteral("oci:") + pulled + QStringLiteral(":v1")});
    INFO(pull.output.toStdString());
    REQUIRE(pull.exitCode == 0);
    checkPulledLayout(pulled, image.manifestDigest, {image.manifestDigest, image.configDigest, image.layerDigest});

    const QString pulledMulti = dir.filePath(QStringLiteral("pulled-multi"));
    const ProcessResult pullMulti =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--src-tls-verify=true"),
                   QStringLiteral("--src-cert-dir"), certDir, multiRepo + QStringLiteral(":v1"),
                   QStringLiteral("oci:") + pulledMulti + QStringLiteral(":v1")});
    INFO(pullMulti.output.toStdString());
    REQUIRE(pullMulti.exitCode == 0);
    QStringList multiBlobs{multi.indexDigest};
    for (const OciLayoutImage &child : multi.images) {
        multiBlobs += {child.manifestDigest, child.configDigest, child.layerDigest};
    }
    checkPulledLayout(pulledMulti, multi.indexDigest, multiBlobs);

    // inspect (raw bytes and the parsed summary) and list-tags over TLS.
    const ProcessResult raw = runSkopeo({QStringLiteral("inspect"), QStringLiteral("--raw"),
                                         QStringLiteral("--cert-dir"), certDir, app + QStringLiteral(":v1")});
    INFO(raw.output.toStdString());
    REQUIRE(raw.exitCode == 0);
    CHECK(raw.output.toUtf8().trimmed() == image.manifest);
    const ProcessResult rawMulti =
        runSkopeo({QStringLiteral("inspect"), QStringLiteral("--raw"), QStringLiteral("--cert-dir"), certDir,
                   multiRepo + QStringLiteral(":v1")});
    INFO(rawMulti.output.toStdString());
    REQUIRE(rawMulti.exitCode == 0);
    CHECK(rawMulti.output.toUtf8().trimmed() == multi.index);
    const ProcessResult inspect =
        runSkopeo({QStringLiteral("inspect"), QStringLiteral("--cert-dir"), certDir, app + QStringLiteral(":v1")});
    INFO(inspect.output.toStdString());
    REQUIRE(inspect.exitCode == 0);
    const QJsonObject summary = QJsonDocument::fromJson(inspect.output.toUtf8()).object();
    CHECK(summary.value(QStringLiteral("Digest")).toString() == image.manifestDigest);
    CHECK(summary.value(QStringLiteral("Architecture")).toString() == QStringLiteral("amd64"));

    const ProcessResult copyTag =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--src-cert-dir"), certDir, QStringLiteral("--dest-cert-dir"),
                   certDir, app + QStringLiteral(":v1"), app + QStringLiteral(":v2")});
    INFO(copyTag.output.toStdString());
    REQUIRE(copyTag.exitCode == 0);
    const ProcessResult tags = runSkopeo({QStringLiteral("list-tags"), QStringLiteral("--cert-dir"), certDir, app});
    INFO(tags.output.toStdString());
    REQUIRE(tags.exitCode == 0);
    const QJsonObject tagList = QJsonDocument::fromJson(tags.output.toUtf8()).object();
    CHECK(tagList.value(QStringLiteral("Tags")).toArray() == QJsonArray{QStringLiteral("v1"), QStringLiteral("v2")});

    // Without the CA, verification fails with an x509 error, cleanly, and the server keeps serving.
    const ProcessResult untrusted =
        runSkopeo({QStringLiteral("inspect"), QStringLiteral("--raw"), app + QStringLiteral(":v1")});
    INFO(untrusted.output.toStdString());
    CHECK(untrusted.exitCode != 0);
    CHECK((untrusted.output.contains(QStringLiteral("x509")) ||
           untrusted.output.contains(QStringLiteral("unknown authority"))));
    const ProcessResult untrustedPush = runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=true"),
                                                   image.skopeoReference(), app + QStringLiteral(":untrusted")});
    INFO(untrustedPush.output.toStdString());
    CHECK(untrustedPush.exitCode != 0);
    CHECK(untrustedPush.output.contains(QStringLiteral("x509")));
    const ProcessResult after = runSkopeo({QStringLiteral("inspect"), QStringLiteral("--raw"),
                                           QStringLiteral("--cert-dir"), certDir, app + QStringLiteral(":v1")});
    INFO(after.output.toStdString());
    CHECK(after.exitCode == 0);
    CHECK(after.output.toUtf8().trimmed() == image.manifest);
    // Nothing was written by the refused push.
    const ProcessResult tagsAfter =
        runSkopeo({QStringLiteral("list-tags"), QStringLiteral("--cert-dir"), certDir, app});
    CHECK(QJsonDocument::fromJson(tagsAfter.output.toUtf8()).object().value(QStringLiteral("Tags")).toArray() ==
          QJsonArray{QStringLiteral("v1"), QStringLiteral("v2")});

    CHECK(registry.stop() == 0);
}

TEST_CASE("QNetworkAccessManager trusts the TLS registry with its certificate as CA, plain HTTP is refused",
          "[e2e][tls]")
{
    QTemporaryDir dir;
    const TestCertificate cert = makeCertificate(dir);
    INFO(cert.error.toStdString());
    REQUIRE(cert.error.isEmpty());
    EmbeddedRegistryProcess registry;
    if (!registry.start(tlsArguments(cert))) {
        FAIL(registry.errorString().toStdString());
    }
    const QUrl base = registry.baseUrl();
    REQUIRE(base.scheme() == QStringLiteral("https"));

    // By IP (SAN IP:127.0.0.1) and by name (SAN DNS:localhost).
    for (const QString &host : {QStringLiteral("127.0.0.1"), QStringLiteral("localhost")}) {
        INFO(host.toStdString());
        const QUrl url(QStringLiteral("https://%1:%2/v2/").arg(host).arg(registry.port()));
        const TlsFetch trusted = fetchTls(url, {cert.certificate});
        INFO(trusted.http.error.toStdString());
        CHECK(trusted.error == QNetworkReply::NoError);
        CHECK(trusted.sslErrors.isEmpty());
        CHECK(trusted.http.status == 200);
        CHECK(trusted.http.body == "{}");
        CHECK(trusted.http.header("Docker-Distribution-API-Version") == "registry/2.0");
        CHECK(trusted.peerCertificate == cert.certificate);
        CHECK_FALSE(trusted.http2); // the server offers http/1.1 only by ALPN
    }

    // Without the CA: a handshake failure naming the untrusted certificate, no response.
    const TlsFetch untrusted = fetchTls(urlOn(base, QStringLiteral("/v2/")), {});
    CHECK(untrusted.error == QNetworkReply::SslHandshakeFailedError);
    CHECK(untrusted.http.status == 0);
    CHECK_FALSE(untrusted.sslErrors.isEmpty());

    // Plain HTTP on the TLS port: the client gets an error (no HTTP response at all), several times over.
    const QUrl plain(QStringLiteral("http://%1/v2/").arg(registry.hostPort()));
    for (int i = 0; i < 3; ++i) {
        const HttpResult result = httpFetch("GET", plain);
        CHECK(result.status == 0);
        CHECK_FALSE(result.error.isEmpty());
    }
    // Bytes that are not a TLS ClientHello, then a client that leaves mid-handshake.
    {
        QTcpSocket garbage;
        garbage.connectToHost(QHostAddress::LocalHost, registry.port());
        REQUIRE(garbage.waitForConnected(5000));
        garbage.write(QByteArray(4096, '\x16'));
        garbage.waitForBytesWritten(5000);
        garbage.waitForDisconnected(10000);
        QSslSocket half;
        half.setPeerVerifyName(QStringLiteral("localhost"));
        half.connectToHostEncrypted(QStringLiteral("127.0.0.1"), registry.port());
        half.waitForConnected(5000);
        half.abort();
    }

    // The server is still there and serves a real request.
    const TlsFetch again = fetchTls(urlOn(base, QStringLiteral("/v2/_catalog")), {cert.certificate});
    INFO(again.http.error.toStdString());
    CHECK(again.http.status == 200);
    CHECK(again.http.header("Docker-Distribution-API-Version") == "registry/2.0");
    CHECK(QJsonDocument::fromJson(again.http.body).object().contains(QStringLiteral("repositories")));
    CHECK(registry.isRunning());
    CHECK(registry.stop() == 0);
}

TEST_CASE("Basic authentication over TLS: skopeo --dest-creds/--src-creds with the CA, QNAM sees the challenge",
          "[e2e][tls][auth]")
{
    QTemporaryDir dir;
    const TestCertificate cert = makeCertificate(dir);
    INFO(cert.error.toStdString());
    REQUIRE(cert.error.isEmpty());
    const QString htpasswd = htpasswdFile(dir, QStringLiteral("ci"), QStringLiteral("tls-s3cret"));
    REQUIRE_FALSE(htpasswd.isEmpty());
    EmbeddedRegistryProcess registry;
    if (!registry.start(tlsArguments(cert) + QStringList{QStringLiteral("--htpasswd"), htpasswd})) {
        FAIL(registry.errorString().toStdString());
    }
    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("image")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("basic tls\n")}});
    REQUIRE(image.ok);
    const QString repo = QStringLiteral("docker://%1/tls/auth").arg(registry.hostPort());

    // The challenge, over TLS.
    const TlsFetch probe = fetchTls(urlOn(registry.baseUrl(), QStringLiteral("/v2/")), {cert.certificate});
    CHECK(probe.http.status == 401);
    CHECK(probe.http.header("WWW-Authenticate") == R"(Basic realm="minato-registry")");
    CHECK(probe.http.header("Docker-Distribution-API-Version") == "registry/2.0");
    const TlsFetch authorized = fetchTls(urlOn(registry.baseUrl(), QStringLiteral("/v2/")), {cert.certificate},
                                         {{"Authorization", "Basic " + QByteArray("ci:tls-s3cret").toBase64()}});
    CHECK(authorized.http.status == 200);

    const ProcessResult anonymous = runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-cert-dir"), cert.certDir,
                                               image.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(anonymous.output.toStdString());
    CHECK(anonymous.exitCode != 0);
    const ProcessResult wrong = runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-cert-dir"), cert.certDir,
                                           QStringLiteral("--dest-creds"), QStringLiteral("ci:wrong"),
                                           image.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(wrong.output.toStdString());
    CHECK(wrong.exitCode != 0);
    const ProcessResult push =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=true"), QStringLiteral("--dest-cert-dir"),
                   cert.certDir, QStringLiteral("--dest-creds"), QStringLiteral("ci:tls-s3cret"),
                   image.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);

    const QString pulled = dir.filePath(QStringLiteral("pulled"));
    const ProcessResult pull =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--src-tls-verify=true"), QStringLiteral("--src-cert-dir"),
                   cert.certDir, QStringLiteral("--src-creds"), QStringLiteral("ci:tls-s3cret"),
                   repo + QStringLiteral(":v1"), QStringLiteral("oci:") + pulled + QStringLiteral(":v1")});
    INFO(pull.output.toStdString());
    REQUIRE(pull.exitCode == 0);
    checkPulledLayout(pulled, image.manifestDigest, {image.manifestDigest, image.configDigest, image.layerDigest});

    // Credentials but no CA: the TLS failure comes first.
    const ProcessResult untrusted =
        runSkopeo({QStringLiteral("inspect"), QStringLiteral("--raw"), QStringLiteral("--creds"),
                   QStringLiteral("ci:tls-s3cret"), repo + QStringLiteral(":v1")});
    INFO(untrusted.output.toStdString());
    CHECK(untrusted.exitCode != 0);
    CHECK(untrusted.output.contains(QStringLiteral("x509")));

    registry.stop();
    CHECK(registry.output().contains(QStringLiteral(" ci\n")));
    CHECK_FALSE(registry.output().contains(QStringLiteral("tls-s3cret")));
}

TEST_CASE("podman logs in, pulls and pushes over TLS with --cert-dir", "[e2e][tls][podman]")
{
    if (QStandardPaths::findExecutable(QStringLiteral("podman")).isEmpty()) {
        WARN("podman is not installed; skipped");
        return;
    }
    QTemporaryDir dir;
    const TestCertificate cert = makeCertificate(dir);
    INFO(cert.error.toStdString());
    REQUIRE(cert.error.isEmpty());
    const QString htpasswd = htpasswdFile(dir, QStringLiteral("ci"), QStringLiteral("pod-s3cret"));
    REQUIRE_FALSE(htpasswd.isEmpty());
    EmbeddedRegistryProcess registry;
    if (!registry.start(tlsArguments(cert) + QStringList{QStringLiteral("--htpasswd"), htpasswd})) {
        FAIL(registry.errorString().toStdString());
    }
    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("image")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("podman tls\n")}});
    REQUIRE(image.ok);
    const QString host = registry.hostPort();
    const ProcessResult seed =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-cert-dir"), cert.certDir,
                   QStringLiteral("--dest-creds"), QStringLiteral("ci:pod-s3cret"), image.skopeoReference(),
                   QStringLiteral("docker://%1/tls/seed:v1").arg(host)});
    INFO(seed.output.toStdString());
    REQUIRE(seed.exitCode == 0);

    const Podman podman{dir};
    const QStringList auth{QStringLiteral("--authfile"), podman.authFile()};
    const QStringList certs{QStringLiteral("--cert-dir"), cert.certDir};

    // Without the CA the login fails on the certificate; with it a wrong password fails, the right one works.
    QString output;
    CHECK(podman.run(QStringList{QStringLiteral("login")} + auth +
                         QStringList{host, QStringLiteral("-u"), QStringLiteral("ci"), QStringLiteral("-p"),
                                     QStringLiteral("pod-s3cret")},
                     &output) != 0);
    CHECK(output.contains(QStringLiteral("x509")));
    CHECK(podman.run(QStringList{QStringLiteral("login")} + auth + certs +
                     QStringList{host, QStringLiteral("-u"), QStringLiteral("ci"), QStringLiteral("-p"),
                                 QStringLiteral("wrong")}) != 0);
    REQUIRE(podman.run(QStringList{QStringLiteral("login")} + auth + certs +
                       QStringList{host, QStringLiteral("-u"), QStringLiteral("ci"), QStringLiteral("-p"),
                                   QStringLiteral("pod-s3cret")}) == 0);

    // Pull what skopeo pushed, push it under another name, read it back with skopeo.
    const QString seedRef = QStringLiteral("%1/tls/seed:v1").arg(host);
    REQUIRE(podman.run(QStringList{QStringLiteral("pull")} + auth + certs + QStringList{seedRef}) == 0);
    const QString pushedRef = QStringLiteral("%1/tls/podman:v1").arg(host);
    REQUIRE(podman.run(QStringList{QStringLiteral("push")} + auth + certs +
                       QStringList{seedRef, QStringLiteral("docker://") + pushedRef}) == 0);
    const ProcessResult raw = runSkopeo({QStringLiteral("inspect"), QStringLiteral("--raw"),
                                         QStringLiteral("--cert-dir"), cert.certDir, QStringLiteral("--creds"),
                                         QStringLiteral("ci:pod-s3cret"), QStringLiteral("docker://") + pushedRef});
    INFO(raw.output.toStdString());
    REQUIRE(raw.exitCode == 0);
    const QJsonObject manifest = QJsonDocument::fromJson(raw.output.toUtf8()).object();
    // podman may recompress the layer, but the image's config (and so its identity) is carried over unchanged.
    CHECK(manifest.value(QStringLiteral("config")).toObject().value(QStringLiteral("digest")).toString() ==
          image.configDigest);
    const QString pulled = dir.filePath(QStringLiteral("pulled"));
    const ProcessResult pull =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--src-cert-dir"), cert.certDir,
                   QStringLiteral("--src-creds"), QStringLiteral("ci:pod-s3cret"),
                   QStringLiteral("docker://") + pushedRef, QStringLiteral("oci:") + pulled + QStringLiteral(":v1")});
    INFO(pull.output.toStdString());
    REQUIRE(pull.exitCode == 0);
    checkPulledLayout(pulled, Sha256Hasher::digestOf(raw.output.toUtf8().trimmed()).toString(), {image.configDigest});

    // And podman pulls its own push back (by digest-verified manifest), then logs out.
    REQUIRE(podman.run(QStringList{QStringLiteral("pull")} + auth + certs + QStringList{pushedRef}) == 0);
    CHECK(podman.run(QStringList{QStringLiteral("logout")} + auth + QStringList{host}) == 0);
    CHECK(registry.isRunning());
    CHECK(registry.stop() == 0);
}
