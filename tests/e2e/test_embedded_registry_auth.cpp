// minato-registry with Basic authentication (--htpasswd, a file written by Apache's `htpasswd -B`) against
// real peers: skopeo pushes and pulls with credentials, and is refused without them or with a wrong password;
// podman logs in.
#include "embeddedregistryprocess.h"
#include "httpfetch.h"
#include "ocilayout.h"

#include "oci/sha256.h"

#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Minato::Test;

namespace {

QString htpasswdIn(const QTemporaryDir &dir, const QString &user, const QString &password)
{
    const QString path = dir.filePath(QStringLiteral("htpasswd"));
    return writeHtpasswd(path, user, password) ? path : QString();
}

} // namespace

TEST_CASE("skopeo pushes and pulls with Basic credentials, no or wrong credentials are refused", "[e2e][auth]")
{
    QTemporaryDir dir;
    const QString htpasswd = htpasswdIn(dir, QStringLiteral("ci"), QStringLiteral("s3cret-pass"));
    REQUIRE_FALSE(htpasswd.isEmpty());
    EmbeddedRegistryProcess registry;
    if (!registry.start({QStringLiteral("--htpasswd"), htpasswd})) {
        FAIL(registry.errorString().toStdString());
    }
    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("layout")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("auth\n")}});
    REQUIRE(image.ok);
    const QString repo = QStringLiteral("docker://%1/auth/app").arg(registry.hostPort());

    // /v2/ asks for credentials with a Basic challenge.
    const HttpResult probe = httpFetch("GET", QUrl(registry.baseUrl().toString() + QStringLiteral("/v2/")));
    CHECK(probe.status == 401);
    CHECK(probe.header("WWW-Authenticate") == R"(Basic realm="minato-registry")");

    // Without credentials, and with a wrong password, the push fails.
    const ProcessResult anonymous = runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"),
                                               image.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(anonymous.output.toStdString());
    CHECK(anonymous.exitCode != 0);
    const ProcessResult wrong =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"), QStringLiteral("--dest-creds"),
                   QStringLiteral("ci:wrong"), image.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(wrong.output.toStdString());
    CHECK(wrong.exitCode != 0);

    // With the right credentials it succeeds.
    const ProcessResult push =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"), QStringLiteral("--dest-creds"),
                   QStringLiteral("ci:s3cret-pass"), image.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);

    // Pulling needs credentials too (anonymous pull is off with --htpasswd).
    const QString pulled = dir.filePath(QStringLiteral("pulled"));
    const ProcessResult anonymousPull =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--src-tls-verify=false"), repo + QStringLiteral(":v1"),
                   QStringLiteral("oci:") + pulled + QStringLiteral(":v1")});
    INFO(anonymousPull.output.toStdString());
    CHECK(anonymousPull.exitCode != 0);
    const ProcessResult pull =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--src-tls-verify=false"), QStringLiteral("--src-creds"),
                   QStringLiteral("ci:s3cret-pass"), repo + QStringLiteral(":v1"),
                   QStringLiteral("oci:") + pulled + QStringLiteral(":v1")});
    INFO(pull.output.toStdString());
    REQUIRE(pull.exitCode == 0);
    for (const QString &digest : {image.manifestDigest, image.configDigest, image.layerDigest}) {
        QFile blob(pulled + QStringLiteral("/blobs/sha256/") + digest.mid(7));
        REQUIRE(blob.open(QIODevice::ReadOnly));
        CHECK(Minato::Oci::Sha256Hasher::digestOf(blob.readAll()).toString() == digest);
    }

    // The request log names the user and never shows the password.
    registry.stop();
    CHECK(registry.output().contains(QStringLiteral(" ci\n")));
    CHECK_FALSE(registry.output().contains(QStringLiteral("s3cret-pass")));
}

TEST_CASE("podman login against minato-registry --htpasswd", "[e2e][auth][podman]")
{
    if (QStandardPaths::findExecutable(QStringLiteral("podman")).isEmpty()) {
        WARN("podman is not installed; skipped");
        return;
    }
    QTemporaryDir dir;
    const QString htpasswd = htpasswdIn(dir, QStringLiteral("ci"), QStringLiteral("s3cret-pass"));
    REQUIRE_FALSE(htpasswd.isEmpty());
    EmbeddedRegistryProcess registry;
    if (!registry.start({QStringLiteral("--htpasswd"), htpasswd})) {
        FAIL(registry.errorString().toStdString());
    }
    // PLATFORM.md: podman as root with vfs storage in private directories; a private auth file.
    const auto login = [&](const QString &password) {
        const ProcessResult result = runPodman(
            dir.path(), {QStringLiteral("login"), QStringLiteral("--tls-verify=false"), QStringLiteral("--authfile"),
                         dir.filePath(QStringLiteral("auth.json")), registry.hostPort(), QStringLiteral("-u"),
                         QStringLiteral("ci"), QStringLiteral("-p"), password});
        UNSCOPED_INFO(result.output.toStdString());
        return result.exitCode;
    };
    CHECK(login(QStringLiteral("wrong")) != 0);
    CHECK(login(QStringLiteral("s3cret-pass")) == 0);
}

TEST_CASE("SIGHUP reloads the access configuration, a broken file keeps the running one", "[e2e][auth]")
{
    QTemporaryDir dir;
    const QString htpasswd = htpasswdIn(dir, QStringLiteral("ci"), QStringLiteral("s3cret-pass"));
    REQUIRE_FALSE(htpasswd.isEmpty());
    EmbeddedRegistryProcess registry;
    if (!registry.start({QStringLiteral("--htpasswd"), htpasswd})) {
        FAIL(registry.errorString().toStdString());
    }
    const QUrl base = urlOn(registry.baseUrl(), QStringLiteral("/v2/"));
    auto status = [&base](const QByteArray &user, const QByteArray &password) {
        return httpFetch("GET", base, {{"Authorization", "Basic " + (user + ':' + password).toBase64()}}).status;
    };
    auto hangUp = [&registry]() {
        REQUIRE(::kill(pid_t(registry.pid()), SIGHUP) == 0);
        QTest::qWait(300); // the server reloads from its event loop
    };
    CHECK(status("ci", "s3cret-pass") == 200);
    CHECK(status("new", "n3w-pass") == 401);

    // A second user is added to the file: after SIGHUP both may sign in, without a restart.
    const QString second = dir.filePath(QStringLiteral("second"));
    REQUIRE(writeHtpasswd(second, QStringLiteral("new"), QStringLiteral("n3w-pass")));
    QFile file(htpasswd);
    REQUIRE(file.open(QIODevice::Append));
    file.write(readFile(second));
    file.close();
    hangUp();
    CHECK(status("new", "n3w-pass") == 200);
    CHECK(status("ci", "s3cret-pass") == 200);

    // A file that does not parse: the running configuration stays, and the reason is on stderr.
    REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("ci:$apr1$notbcrypt\n");
    file.close();
    hangUp();
    CHECK(status("new", "n3w-pass") == 200);
    registry.stop();
    CHECK(registry.output().contains(QStringLiteral("reloaded")));
    CHECK(registry.output().contains(QStringLiteral("reload failed")));
}
