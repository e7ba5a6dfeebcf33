// minatoctl sign-in and connection settings against real peers: login/logout through the real Secret Service
// (gnome-keyring in dbus-run-session, as scripts/run-tests.sh provides) with htpasswd on both registries;
// wrong passwords, missing sign-in and refused credentials as exit status 4; docker's config.json honoured;
// saved connections (ProfileStore) listed, used and never holding a secret; TLS (minato-registry with a
// self-signed certificate) as exit status 6, and accepted with --ca-file or --insecure.
#include "clitestsupport.h"
#include "ocilayout.h"

#include "client/keychaincredentialstore.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Minato::Test;
using Minato::Client::CredentialJob;
using Minato::Client::CredentialResult;
using Minato::Client::Credentials;
using Minato::Client::KeychainCredentialStore;

namespace {

const QString kUser = QStringLiteral("ci");
const QString kPassword = QStringLiteral("s3cret-pass-\u00e9");

void requireSessionBus()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
        FAIL("no D-Bus session bus: run the suites through scripts/run-tests.sh (make test)");
    }
}

CredentialResult keychainLookup(const QString &service, const QString &registry)
{
    KeychainCredentialStore store(service);
    CredentialJob *job = store.lookup(registry);
    std::optional<CredentialResult> result;
    QObject::connect(job, &CredentialJob::finished, job, [&result](const CredentialResult &r) { result = r; });
    QSignalSpy spy(job, &CredentialJob::finished);
    if (!result) {
        REQUIRE(spy.wait(20000));
    }
    return *result;
}

QString writeHtpasswd(const QTemporaryDir &dir)
{
    QProcess htpasswd;
    htpasswd.start(QStringLiteral("htpasswd"), {QStringLiteral("-Bbn"), kUser, kPassword});
    REQUIRE(htpasswd.waitForFinished(30000));
    REQUIRE(htpasswd.exitCode() == 0);
    const QString path = dir.filePath(QStringLiteral("htpasswd"));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(htpasswd.readAllStandardOutput());
    return path;
}

// True when no file under `dir` contains `secret`.
bool noFileContains(const QString &dir, const QString &secret)
{
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(secret.toUtf8())) {
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("minatoctl login/logout with htpasswd registries and the real keychain", "[cli][auth][keychain]")
{
    requireSessionBus();
    const auto kind = GENERATE(AnyRegistry::Kind::Reference, AnyRegistry::Kind::Embedded);
    QTemporaryDir dir;
    const QString htpasswd = kind == AnyRegistry::Kind::Embedded ? writeHtpasswd(dir) : QString();
    AnyRegistry registry(kind, {QStringLiteral("--htpasswd"), htpasswd}, kUser, kPassword);
    INFO(registry.name().toStdString());
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    const QString host = registry.hostPort();
    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("layout")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("auth\n")}});
    REQUIRE(image.ok);
    const ProcessResult push = runSkopeo(
        {QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"), QStringLiteral("--dest-creds"),
         kUser + u':' + kPassword, image.skopeoReference(), QStringLiteral("docker://%1/cli/private:v1").arg(host)});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);

    CliEnvironment env;
    const QString repo = host + QStringLiteral("/cli/private");
    const QStringList tags{QStringLiteral("tags"), repo};
    const QByteArray right = kPassword.toUtf8() + '\n';

    // No login anywhere: sign-in required.
    const CliRun anonymous = env.run(tags);
    CHECK(anonymous.exitCode == 4);
    CHECK(anonymous.err.contains(QStringLiteral("sign in")));

    // A login for this run only.
    CHECK(
        env.run(tags + QStringList{QStringLiteral("--username"), kUser, QStringLiteral("--password-stdin")}, "wrong\n")
            .exitCode == 4);
    const CliRun once =
        env.run(tags + QStringList{QStringLiteral("--username"), kUser, QStringLiteral("--password-stdin")}, right);
    INFO(once.err.toStdString());
    CHECK(once.exitCode == 0);
    CHECK(once.text() == QStringLiteral("v1\n"));
    CHECK(keychainLookup(env.keychainService(), host).isNotFound()); // nothing was saved

    // login checks the password with the registry before saving anything.
    const QStringList login{QStringLiteral("login"), host, QStringLiteral("--username"), kUser,
                            QStringLiteral("--password-stdin")};
    const CliRun wrong = env.run(login, "not-the-password\n");
    CHECK(wrong.exitCode == 4);
    CHECK(keychainLookup(env.keychainService(), host).isNotFound());
    CHECK(env.run({QStringLiteral("login"), host, QStringLiteral("--username"), kUser}).exitCode ==
          2); // no stdin password

    const CliRun ok = env.run(login, right);
    INFO(ok.err.toStdString());
    REQUIRE(ok.exitCode == 0);
    CHECK(ok.text().contains(QStringLiteral("Logged in to ") + host));
    CHECK_FALSE(ok.text().contains(kPassword));
    CHECK_FALSE(ok.err.contains(kPassword));
    const CredentialResult saved = keychainLookup(env.keychainService(), host);
    REQUIRE(saved.ok());
    CHECK(saved.credentials() == Credentials{kUser, kPassword, false});

    // Every command now signs in from the keychain.
    const CliRun signedIn = env.run(tags);
    INFO(signedIn.err.toStdString());
    CHECK(signedIn.exitCode == 0);
    const CliRun inspect = env.run({QStringLiteral("inspect"), repo + QStringLiteral(":v1"), QStringLiteral("--json")});
    CHECK(inspect.exitCode == 0);
    CHECK(inspect.json().object().value(QStringLiteral("digest")).toString() == image.manifestDigest);
    CHECK(noFileContains(env.path(QString()), kPassword));

    const CliRun logout = env.run({QStringLiteral("logout"), host});
    CHECK(logout.exitCode == 0);
    CHECK(keychainLookup(env.keychainService(), host).isNotFound());
    CHECK(env.run(tags).exitCode == 4);
}

TEST_CASE("minatoctl honours docker's config.json auths", "[cli][auth]")
{
    AnyRegistry registry(AnyRegistry::Kind::Reference, {}, kUser, kPassword);
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    CliEnvironment env;
    const QString host = registry.hostPort();
    const QStringList ls{QStringLiteral("ls"), host, QStringLiteral("--json")};
    CHECK(env.run(ls).exitCode == 4);

    QDir().mkpath(env.path(QStringLiteral("docker")));
    QFile config(env.path(QStringLiteral("docker/config.json")));
    REQUIRE(config.open(QIODevice::WriteOnly));
    const QByteArray auth = (kUser + u':' + kPassword).toUtf8().toBase64();
    config.write(
        QJsonDocument(
            QJsonObject{{QStringLiteral("auths"),
                         QJsonObject{{host, QJsonObject{{QStringLiteral("auth"), QString::fromLatin1(auth)}}}}}})
            .toJson());
    config.close();
    const CliRun listed = env.run(ls);
    INFO(listed.err.toStdString());
    CHECK(listed.exitCode == 0);
    CHECK(listed.json().array().isEmpty());

    // A wrong password in config.json is refused by the registry: exit status 4, not "not found".
    REQUIRE(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
    config.write(QByteArrayLiteral(R"({"auths":{")") + host.toUtf8() + QByteArrayLiteral(R"(":{"auth":")") +
                 QByteArrayLiteral("ci:nope").toBase64() + QByteArrayLiteral(R"("}}})"));
    config.close();
    CHECK(env.run(ls).exitCode == 4);
}

TEST_CASE("minatoctl connections are saved, listed, used and removed", "[cli][connections]")
{
    AnyRegistry registry(AnyRegistry::Kind::Embedded);
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    CliEnvironment env;
    const CliRun none = env.run({QStringLiteral("connections"), QStringLiteral("--json")});
    REQUIRE(none.exitCode == 0);
    CHECK(none.json().array().isEmpty());

    const QString url = QStringLiteral("http://") + registry.hostPort();
    const CliRun add = env.run({QStringLiteral("connections"), QStringLiteral("add"), QStringLiteral("lab"), url});
    INFO(add.err.toStdString());
    REQUIRE(add.exitCode == 0);
    CHECK(env.run({QStringLiteral("connections"), QStringLiteral("add"), QStringLiteral("LAB"), url}).exitCode == 2);
    CHECK(env.run({QStringLiteral("connections"), QStringLiteral("add"), QStringLiteral("x"),
                   QStringLiteral("http://user:hunter2@example.com")})
              .exitCode == 2);
    CHECK(noFileContains(env.path(QStringLiteral("config")), QStringLiteral("hunter2")));

    const CliRun list = env.run({QStringLiteral("connections"), QStringLiteral("--json")});
    REQUIRE(list.exitCode == 0);
    const QJsonArray profiles = list.json().array();
    REQUIRE(profiles.size() == 1);
    CHECK(profiles.at(0).toObject().value(QStringLiteral("name")).toString() == QStringLiteral("lab"));
    CHECK(profiles.at(0).toObject().value(QStringLiteral("url")).toString() == url);
    const CliRun table = env.run({QStringLiteral("connections")});
    CHECK(table.text().contains(QStringLiteral("lab")));
    CHECK(table.text().contains(QStringLiteral("plain http")));

    // The saved connection by name, and by host.
    const CliRun byName = env.run({QStringLiteral("probe"), QStringLiteral("lab"), QStringLiteral("--json")});
    INFO(byName.err.toStdString());
    REQUIRE(byName.exitCode == 0);
    CHECK(byName.json().object().value(QStringLiteral("savedConnection")).toString() == QStringLiteral("lab"));
    const CliRun byHost = env.run({QStringLiteral("probe"), registry.hostPort(), QStringLiteral("--json")});
    REQUIRE(byHost.exitCode == 0);
    CHECK(byHost.json().object().value(QStringLiteral("savedConnection")).toString() == QStringLiteral("lab"));

    CHECK(env.run({QStringLiteral("connections"), QStringLiteral("remove"), QStringLiteral("lab")}).exitCode == 0);
    CHECK(env.run({QStringLiteral("connections"), QStringLiteral("remove"), QStringLiteral("lab")}).exitCode == 3);
    CHECK(env.run({QStringLiteral("connections"), QStringLiteral("--json")}).json().array().isEmpty());
}

TEST_CASE("minatoctl over TLS: an untrusted certificate is exit status 6, --ca-file and --insecure pass", "[cli][tls]")
{
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), key,
                   QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost")});
    REQUIRE(openssl.waitForFinished(60000));
    REQUIRE(openssl.exitCode() == 0);
    AnyRegistry registry(AnyRegistry::Kind::Embedded,
                         {QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    CliEnvironment env;
    const QString url = QStringLiteral("https://") + registry.hostPort();
    const CliRun untrusted = env.run({QStringLiteral("probe"), url});
    CHECK(untrusted.exitCode == 6);
    CHECK(untrusted.err.contains(QStringLiteral("certificate")));
    const CliRun trusted =
        env.run({QStringLiteral("probe"), url, QStringLiteral("--ca-file"), cert, QStringLiteral("--json")});
    INFO(trusted.err.toStdString());
    CHECK(trusted.exitCode == 0);
    CHECK(trusted.json().object().value(QStringLiteral("url")).toString() == url);
    CHECK(env.run({QStringLiteral("ls"), url, QStringLiteral("--insecure")}).exitCode == 0);
    CHECK(env.run({QStringLiteral("tags"), url + QStringLiteral("/cli/none"), QStringLiteral("--insecure")}).exitCode ==
          3);
    CHECK(env.run({QStringLiteral("probe"), url, QStringLiteral("--ca-file"),
                   dir.filePath(QStringLiteral("missing.pem"))})
              .exitCode == 2);
}
