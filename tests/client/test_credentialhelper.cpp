// CredentialHelper against real helper programs speaking the docker-credential-helpers protocol (shell
// scripts in a temporary directory put first on PATH), and CredentialResolver's order over them.
#include "credentialtestsupport.h"

#include "client/credentialhelper.h"
#include "client/credentialresolver.h"
#include "client/memorycredentialstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Minato::Client;
using Minato::Test::awaitResult;
using Minato::Test::ScopedEnv;
using Kind = CredentialError::Kind;

namespace {

// A docker credential helper over files: one file per server URL under "<dir>/<program>.d/", holding the
// JSON `store` was given. It logs its arguments and environment so that tests can check where secrets went.
constexpr char FileHelperScript[] = R"SH(#!/bin/sh
here=$(dirname "$0"); name=$(basename "$0")
store="$here/$name.d"; mkdir -p "$store"
printf '%s\n' "$0 $*" >> "$here/argv.log"
env >> "$here/env.log"
keyfile() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
case "$1" in
get)
  url=$(cat); f="$store/$(keyfile "$url")"
  if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
store)
  input=$(cat); url=$(printf '%s' "$input" | jq -r .ServerURL) || exit 1
  printf '%s' "$input" > "$store/$(keyfile "$url")" ;;
erase)
  url=$(cat); f="$store/$(keyfile "$url")"
  if [ -f "$f" ]; then rm -f "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
list)
  cat > /dev/null
  if ls "$store"/* > /dev/null 2>&1; then jq -s 'map({(.ServerURL): .Username}) | add' "$store"/*; else echo '{}'; fi ;;
*)
  echo "unknown action: $1" >&2; exit 1 ;;
esac
)SH";

// Never answers: what a helper waiting for a GUI prompt looks like. It records its PID first.
constexpr char HangingHelperScript[] = R"SH(#!/bin/sh
echo $$ > "$(dirname "$0")/hang.pid"
exec sleep 60
)SH";

constexpr char BrokenHelperScript[] = R"SH(#!/bin/sh
cat > /dev/null
echo "error getting credentials - err: exit status 2, out: gpg: decryption failed: No secret key" >&2
exit 2
)SH";

constexpr char GarbageHelperScript[] = R"SH(#!/bin/sh
cat > /dev/null
echo 'Secret=hunter2-not-json'
)SH";

class HelperDir
{
public:
    HelperDir()
        : m_path("PATH", m_dir.path() + u':' + qEnvironmentVariable("PATH"))
    {
        REQUIRE(m_dir.isValid());
        install(QStringLiteral("minatotest"), FileHelperScript);
        install(QStringLiteral("minatostore"), FileHelperScript);
        install(QStringLiteral("minatohang"), HangingHelperScript);
        install(QStringLiteral("minatobroken"), BrokenHelperScript);
        install(QStringLiteral("minatogarbage"), GarbageHelperScript);
    }

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QByteArray read(const QString &name) const
    {
        QFile file(path(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private:
    void install(const QString &name, const char *script)
    {
        QFile file(m_dir.filePath(QStringLiteral("docker-credential-") + name));
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(script);
        file.close();
        REQUIRE(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    }

    QTemporaryDir m_dir;
    ScopedEnv m_path;
};

} // namespace

TEST_CASE("credentials: CredentialHelper speaks the protocol with a real helper", "[client][credentials][helper]")
{
    HelperDir helpers;
    CredentialHelper helper(QStringLiteral("minatotest"));
    helper.setTimeout(std::chrono::milliseconds(10000));
    REQUIRE(helper.programPath() == helpers.path(QStringLiteral("docker-credential-minatotest")));
    const QString secret = QStringLiteral("s\u00e9cr\u00eat-\u6e2f-\U0001F512-\"quoted\"-$HOME");
    const Credentials alice{QStringLiteral("alice"), secret, false};

    CHECK(awaitResult(helper.lookup(u"localhost:5000")).isNotFound());
    const CredentialResult stored = awaitResult(helper.store(u"http://localhost:5000/v2/", alice));
    INFO((stored.ok() ? std::string() : stored.error().message().toStdString()));
    REQUIRE(stored.ok());
    const CredentialResult found = awaitResult(helper.lookup(u"localhost:5000"));
    REQUIRE(found.ok());
    CHECK(found.credentials() == alice);
    CHECK(found.origin() == "docker-credential-minatotest");

    SECTION("identity tokens travel as the user name <token>")
    {
        REQUIRE(awaitResult(helper.store(u"docker.io", Credentials{{}, QStringLiteral("refresh"), true})).ok());
        const CredentialResult token = awaitResult(helper.lookup(u"index.docker.io"));
        REQUIRE(token.ok());
        CHECK(token.credentials().isIdentityToken);
        CHECK(token.credentials().username.isEmpty());
        CHECK(token.credentials().secret == "refresh");
        CHECK(helpers.read(QStringLiteral("argv.log")).contains("docker-credential-minatotest store"));
    }
    SECTION("list reports server URLs and user names; Docker Hub under docker's URL")
    {
        REQUIRE(awaitResult(helper.store(u"docker.io", Credentials{QStringLiteral("hub"), QStringLiteral("x"), false}))
                    .ok());
        CredentialListJob *list = helper.list();
        QSignalSpy finished(list, &CredentialListJob::finished);
        REQUIRE(finished.wait(10000));
        REQUIRE(list->ok());
        CHECK(list->entries().value(QStringLiteral("localhost:5000")) == "alice");
        CHECK(list->entries().value(QStringLiteral("https://index.docker.io/v1/")) == "hub");
    }
    SECTION("erase, and erase of nothing")
    {
        REQUIRE(awaitResult(helper.erase(u"localhost:5000")).ok());
        CHECK(awaitResult(helper.lookup(u"localhost:5000")).isNotFound());
        CHECK(awaitResult(helper.erase(u"localhost:5000")).ok());
    }

    // The secret went through stdin/stdout only: never in any helper's arguments or environment.
    const QByteArray argv = helpers.read(QStringLiteral("argv.log"));
    const QByteArray env = helpers.read(QStringLiteral("env.log"));
    CHECK(argv.contains("docker-credential-minatotest get"));
    CHECK_FALSE(argv.contains(secret.toUtf8()));
    CHECK_FALSE(argv.contains("s\xc3\xa9"
                              "cr"));
    CHECK_FALSE(env.contains(secret.toUtf8()));
    CHECK_FALSE(env.contains("s\xc3\xa9"
                             "cr"));
}

TEST_CASE("credentials: CredentialHelper: a missing helper is a clear NoBackend error", "[client][credentials][helper]")
{
    HelperDir helpers;
    CredentialHelper missing(QStringLiteral("minato-not-installed"));
    CHECK(missing.programPath().isEmpty());
    const CredentialResult result = awaitResult(missing.lookup(u"ghcr.io"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind() == Kind::NoBackend);
    CHECK(result.error().message().contains(QStringLiteral("docker-credential-minato-not-installed")));
    CHECK(result.error().message().contains(QStringLiteral("not on PATH")));

    CredentialHelper traversal(QStringLiteral("../../bin/sh"));
    CHECK(traversal.programPath().isEmpty());
    CHECK(awaitResult(traversal.lookup(u"ghcr.io")).error().kind() == Kind::NoBackend);

    CredentialListJob *list = missing.list();
    QSignalSpy finished(list, &CredentialListJob::finished);
    REQUIRE(finished.wait(5000));
    REQUIRE_FALSE(list->ok());
    CHECK(list->error().kind() == Kind::NoBackend);
}

TEST_CASE("credentials: CredentialHelper: a hanging helper times out and is killed", "[client][credentials][helper]")
{
    HelperDir helpers;
    CredentialHelper hanging(QStringLiteral("minatohang"));
    hanging.setTimeout(std::chrono::milliseconds(700));
    const CredentialResult result = awaitResult(hanging.lookup(u"ghcr.io"), 10000);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind() == Kind::Timeout);
    CHECK(result.error().message().contains(QStringLiteral("docker-credential-minatohang")));

    const QByteArray pid = helpers.read(QStringLiteral("hang.pid")).trimmed();
    REQUIRE_FALSE(pid.isEmpty());
    // Killed and reaped: no process (not even a zombie) is left behind.
    CHECK(
        QTest::qWaitFor([&] { return !QFileInfo::exists(QStringLiteral("/proc/") + QString::fromLatin1(pid)); }, 5000));
}

TEST_CASE("credentials: CredentialHelper: failures quote the helper's error, never its output on success",
          "[client][credentials][helper]")
{
    HelperDir helpers;
    const CredentialResult broken = awaitResult(CredentialHelper(QStringLiteral("minatobroken")).lookup(u"ghcr.io"));
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.error().kind() == Kind::Other);
    CHECK(broken.error().message().contains(QStringLiteral("decryption failed")));

    const CredentialResult garbage = awaitResult(CredentialHelper(QStringLiteral("minatogarbage")).lookup(u"ghcr.io"));
    REQUIRE_FALSE(garbage.ok());
    CHECK(garbage.error().kind() == Kind::Other);
    CHECK_FALSE(garbage.error().message().contains(QStringLiteral("hunter2")));
}

TEST_CASE("credentials: CredentialResolver asks credHelpers, credsStore, auths, then Minato's store",
          "[client][credentials][resolver]")
{
    HelperDir helpers;
    const Credentials perRegistry{QStringLiteral("per-registry"), QStringLiteral("1"), false};
    const Credentials fromStore{QStringLiteral("creds-store"), QStringLiteral("2"), false};
    const Credentials own{QStringLiteral("own"), QStringLiteral("4"), false};
    REQUIRE(awaitResult(CredentialHelper(QStringLiteral("minatotest")).store(u"helped.example", perRegistry)).ok());
    REQUIRE(awaitResult(CredentialHelper(QStringLiteral("minatostore")).store(u"stored.example", fromStore)).ok());
    REQUIRE(awaitResult(CredentialHelper(QStringLiteral("minatostore")).store(u"helped.example", fromStore)).ok());

    const QByteArray fileAuth = QByteArray("file-user:3").toBase64();
    auto parsed = DockerConfig::parse(R"({
        "auths": {
            "helped.example": {"auth": ")" +
                                          fileAuth + R"("},
            "stored.example": {"auth": ")" +
                                          fileAuth + R"("},
            "file.example": {"auth": ")" + fileAuth +
                                          R"("}
        },
        "credsStore": "minatostore",
        "credHelpers": {"helped.example": "minatotest", "slow.example": "minatohang",
                        "uninstalled.example": "minato-not-installed"}
    })",
                                      QStringLiteral("/fixture/config.json"));
    REQUIRE(parsed.hasValue());
    MemoryCredentialStore memory;
    for (const char *registry :
         {"helped.example", "stored.example", "file.example", "own.example", "uninstalled.example", "slow.example"}) {
        memory.insert(QString::fromLatin1(registry), own);
    }
    CredentialResolver resolver(parsed.value(), &memory);
    resolver.setTimeout(std::chrono::milliseconds(5000));

    auto resolve = [&](const char *registry) { return awaitResult(resolver.lookup(QString::fromLatin1(registry))); };

    const CredentialResult helped = resolve("helped.example");
    REQUIRE(helped.ok());
    CHECK(helped.credentials() == perRegistry);
    CHECK(helped.origin() == "docker-credential-minatotest");

    const CredentialResult stored = resolve("https://stored.example/v2/");
    REQUIRE(stored.ok());
    CHECK(stored.credentials() == fromStore);
    CHECK(stored.origin() == "docker-credential-minatostore");

    const CredentialResult file = resolve("file.example");
    REQUIRE(file.ok());
    CHECK(file.credentials().username == "file-user");
    CHECK(file.credentials().secret == "3");
    CHECK(file.origin() == "/fixture/config.json");

    const CredentialResult ownResult = resolve("own.example");
    REQUIRE(ownResult.ok());
    CHECK(ownResult.credentials() == own);

    SECTION("a helper that is not installed is skipped, and said so when nothing is found")
    {
        const CredentialResult uninstalled = resolve("uninstalled.example");
        REQUIRE(uninstalled.ok());
        CHECK(uninstalled.credentials() == own);
        memory.clear();
        const CredentialResult none = resolve("uninstalled.example");
        REQUIRE_FALSE(none.ok());
        CHECK(none.error().kind() == Kind::NotFound);
        CHECK(none.error().message().contains(QStringLiteral("docker-credential-minato-not-installed")));
        CHECK(none.error().message().contains(QStringLiteral("/fixture/config.json")));
    }
    SECTION("nothing anywhere is NotFound")
    {
        const CredentialResult none = resolve("nowhere.example");
        REQUIRE_FALSE(none.ok());
        CHECK(none.error().kind() == Kind::NotFound);
    }
    SECTION("a source that fails otherwise ends the lookup with its error")
    {
        resolver.setTimeout(std::chrono::milliseconds(600));
        const CredentialResult slow = resolve("slow.example");
        REQUIRE_FALSE(slow.ok());
        CHECK(slow.error().kind() == Kind::Timeout);
        CHECK(slow.error().message().contains(QStringLiteral("docker-credential-minatohang")));
    }
    SECTION("store and erase go where docker login would put them")
    {
        const Credentials fresh{QStringLiteral("fresh"), QStringLiteral("5"), false};
        REQUIRE(awaitResult(resolver.store(u"helped.example", fresh)).ok());
        CHECK(awaitResult(CredentialHelper(QStringLiteral("minatotest")).lookup(u"helped.example")).credentials() ==
              fresh);
        REQUIRE(awaitResult(resolver.store(u"new.example", fresh)).ok()); // credsStore
        CHECK(awaitResult(CredentialHelper(QStringLiteral("minatostore")).lookup(u"new.example")).credentials() ==
              fresh);
        CHECK_FALSE(memory.value(u"new.example").has_value());
        REQUIRE(awaitResult(resolver.erase(u"new.example")).ok());
        CHECK(awaitResult(CredentialHelper(QStringLiteral("minatostore")).lookup(u"new.example")).isNotFound());

        CredentialResolver keychainOnly(DockerConfig(), &memory);
        REQUIRE(awaitResult(keychainOnly.store(u"plain.example", fresh)).ok());
        CHECK(memory.value(u"plain.example") == fresh);
    }
}
