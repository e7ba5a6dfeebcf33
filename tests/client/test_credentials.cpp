// Credentials, registry keys, the job contract, MemoryCredentialStore, and KeychainCredentialStore against the
// real Secret Service (gnome-keyring in dbus-run-session, as scripts/run-tests.sh provides it).
#include "credentialtestsupport.h"

#include "client/keychaincredentialstore.h"
#include "client/memorycredentialstore.h"

#include <QCoreApplication>
#include <QLocalServer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Minato::Client;
using Minato::Test::awaitResult;
using Kind = CredentialError::Kind;

namespace {

QString debugString(const auto &value)
{
    QString text;
    QDebug(&text) << value;
    return text;
}

// A service name of its own per test run, so that runs never see each other's items.
QString testService()
{
    return QStringLiteral("Minato-tests-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

void requireSessionBus()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
        FAIL("no D-Bus session bus: run the suites through scripts/run-tests.sh (make test)");
    }
}

// Runs this test program again with only the hidden test case `tag`, in `environment`; returns its exit code
// and prints its output on failure. The keychain tests that need a different D-Bus situation run in a child
// because libsecret keeps its first bus connection for the life of a process.
int runChild(const QString &tag, const QProcessEnvironment &environment)
{
    QProcess child;
    child.setProcessEnvironment(environment);
    child.setProcessChannelMode(QProcess::MergedChannels);
    QSignalSpy finished(&child, &QProcess::finished);
    child.start(QCoreApplication::applicationFilePath(), {tag});
    if (!finished.wait(60000)) {
        child.kill();
        FAIL("the child test " << tag.toStdString() << " did not end within 60 s (a keychain job hung?)");
    }
    const QByteArray output = child.readAll();
    INFO("child output:\n" << output.toStdString());
    CHECK(child.exitStatus() == QProcess::NormalExit);
    return child.exitCode();
}

} // namespace

TEST_CASE("credentials: Registry keys are normalised the way docker files them", "[client][credentials]")
{
    CHECK(normalizeRegistryKey(u"docker.io") == "docker.io");
    CHECK(normalizeRegistryKey(u"index.docker.io") == "docker.io");
    CHECK(normalizeRegistryKey(u"registry-1.docker.io") == "docker.io");
    CHECK(normalizeRegistryKey(u"https://index.docker.io/v1/") == "docker.io");
    CHECK(normalizeRegistryKey(u"HTTPS://Index.Docker.IO/v1/") == "docker.io");
    CHECK(normalizeRegistryKey(u"ghcr.io") == "ghcr.io");
    CHECK(normalizeRegistryKey(u" ghcr.io ") == "ghcr.io");
    CHECK(normalizeRegistryKey(u"http://localhost:5000/v2/") == "localhost:5000");
    CHECK(normalizeRegistryKey(u"127.0.0.1:5000") == "127.0.0.1:5000");
    CHECK(normalizeRegistryKey(u"[::1]:5000") == "[::1]:5000");
    CHECK(normalizeRegistryKey(u"https://user@registry.example.com:8443/v2/x?y#z") == "registry.example.com:8443");
    CHECK(normalizeRegistryKey(u"quay.io/org/app") == "quay.io");
    CHECK(normalizeRegistryKey(u"") == "");
    CHECK(normalizeRegistryKey(u"https:///v2/") == "");
    CHECK(normalizeRegistryKey(u":5000") == "");
}

TEST_CASE("credentials: The debug form of credentials never shows the secret", "[client][credentials]")
{
    const Credentials credentials{QStringLiteral("alice"), QStringLiteral("hunter2-\u79d8\u5bc6"), false};
    const QString text = debugString(credentials);
    CHECK(text.contains(QStringLiteral("alice")));
    CHECK_FALSE(text.contains(QStringLiteral("hunter2")));
    CHECK(text.contains(QStringLiteral("redacted")));

    const QString resultText = debugString(CredentialResult::success(credentials, QStringLiteral("here")));
    CHECK_FALSE(resultText.contains(QStringLiteral("hunter2")));
    CHECK(resultText.contains(QStringLiteral("here")));
}

TEST_CASE("credentials: A credential job finishes exactly once: first answer or timeout", "[client][credentials]")
{
    SECTION("the first answer wins and the emission is queued")
    {
        auto *job = new CredentialJob(CredentialJob::Operation::Lookup, QStringLiteral("ghcr.io"),
                                      QStringLiteral("test"), std::chrono::milliseconds(5000));
        QSignalSpy spy(job, &CredentialJob::finished);
        job->finish(CredentialResult::success({QStringLiteral("a"), QStringLiteral("1"), false}));
        job->fail(Kind::Other, QStringLiteral("late"));
        CHECK(spy.isEmpty()); // not from inside finish()
        const CredentialResult result = awaitResult(job);
        REQUIRE(result.ok());
        CHECK(result.credentials().username == "a");
    }
    SECTION("a job nobody answers times out")
    {
        auto *job = new CredentialJob(CredentialJob::Operation::Store, QStringLiteral("ghcr.io"),
                                      QStringLiteral("the test backend"), std::chrono::milliseconds(100));
        const CredentialResult result = awaitResult(job);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().kind() == Kind::Timeout);
        CHECK(result.error().message().contains(QStringLiteral("the test backend")));
    }
}

TEST_CASE("credentials: MemoryCredentialStore keeps the store contract", "[client][credentials][memory]")
{
    MemoryCredentialStore store;
    const Credentials alice{QStringLiteral("alice"), QStringLiteral("p\u00e4ss-\u6e2f-\U0001F512"), false};

    CHECK(awaitResult(store.lookup(u"ghcr.io")).isNotFound());
    REQUIRE(awaitResult(store.store(u"https://ghcr.io/v2/", alice)).ok());
    CredentialResult found = awaitResult(store.lookup(u"GHCR.io"));
    REQUIRE(found.ok());
    CHECK(found.credentials() == alice);

    const Credentials token{QString(), QStringLiteral("refresh-token"), true};
    REQUIRE(awaitResult(store.store(u"ghcr.io", token)).ok()); // overwrite
    CHECK(awaitResult(store.lookup(u"ghcr.io")).credentials() == token);
    CHECK(store.size() == 1);

    REQUIRE(awaitResult(store.erase(u"ghcr.io")).ok());
    CHECK(awaitResult(store.lookup(u"ghcr.io")).isNotFound());
    CHECK(awaitResult(store.erase(u"ghcr.io")).ok()); // erasing nothing is not an error

    SECTION("invalid registry and empty secret fail at once")
    {
        const CredentialResult bad = awaitResult(store.lookup(u"https:///"));
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().kind() == Kind::Other);
        const CredentialResult empty =
            awaitResult(store.store(u"ghcr.io", Credentials{QStringLiteral("x"), {}, false}));
        REQUIRE_FALSE(empty.ok());
        CHECK(empty.error().kind() == Kind::Other);
    }
    SECTION("the callback form is called once on the context")
    {
        store.insert(u"docker.io", alice);
        QObject context;
        int calls = 0;
        std::optional<CredentialResult> seen;
        store.lookup(u"https://index.docker.io/v1/", &context, [&](const CredentialResult &r) {
            ++calls;
            seen = r;
        });
        REQUIRE(QTest::qWaitFor([&] { return calls > 0; }, 5000));
        CHECK(calls == 1);
        REQUIRE(seen.has_value());
        CHECK(seen->credentials() == alice);
    }
    SECTION("failures and silence are reported as such")
    {
        store.setFailure(CredentialError(Kind::NoBackend, QStringLiteral("no keychain here")));
        CHECK(awaitResult(store.lookup(u"ghcr.io")).error().kind() == Kind::NoBackend);
        store.setFailure(std::nullopt);
        store.setUnresponsive(true);
        store.setTimeout(std::chrono::milliseconds(150));
        CHECK(awaitResult(store.lookup(u"ghcr.io")).error().kind() == Kind::Timeout);
    }
}

TEST_CASE("credentials: KeychainCredentialStore encodes one JSON item per registry", "[client][credentials][keychain]")
{
    const Credentials credentials{QStringLiteral("\u5c71\u7530"), QStringLiteral("s\"e\\c\nr\u00e9t"), true};
    const QByteArray item = KeychainCredentialStore::encode(credentials);
    CHECK(item.startsWith("{"));
    CHECK(KeychainCredentialStore::decode(item) == credentials);
    CHECK_FALSE(KeychainCredentialStore::decode("plain password").has_value());
    CHECK_FALSE(KeychainCredentialStore::decode(R"({"username":"a"})").has_value());
    CHECK_FALSE(KeychainCredentialStore::decode(R"({"username":1,"secret":"x"})").has_value());
}

TEST_CASE("credentials: KeychainCredentialStore round-trips through the real Secret Service",
          "[client][credentials][keychain]")
{
    requireSessionBus();
    KeychainCredentialStore store(testService());
    const Credentials alice{QStringLiteral("alice"), QStringLiteral("p\u00e4ss \u6e2f\u533a \U0001F512 \"q\""), false};
    const Credentials token{QStringLiteral("\u5c71\u7530"), QStringLiteral("identity-token-\u00fc"), true};

    const CredentialResult missing = awaitResult(store.lookup(u"127.0.0.1:5999"));
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().kind() == Kind::NotFound);

    const CredentialResult saved = awaitResult(store.store(u"127.0.0.1:5999", alice));
    INFO((saved.ok() ? std::string() : saved.error().message().toStdString()));
    REQUIRE(saved.ok());
    const CredentialResult read = awaitResult(store.lookup(u"http://127.0.0.1:5999/v2/"));
    REQUIRE(read.ok());
    CHECK(read.credentials() == alice);
    CHECK(read.origin() == store.displayName());

    REQUIRE(awaitResult(store.store(u"127.0.0.1:5999", token)).ok()); // overwrite, not a second item
    CHECK(awaitResult(store.lookup(u"127.0.0.1:5999")).credentials() == token);

    REQUIRE(awaitResult(store.erase(u"127.0.0.1:5999")).ok());
    CHECK(awaitResult(store.lookup(u"127.0.0.1:5999")).isNotFound());
    CHECK(awaitResult(store.erase(u"127.0.0.1:5999")).ok());
}

TEST_CASE("credentials: KeychainCredentialStore finds Docker Hub under all its names",
          "[client][credentials][keychain]")
{
    requireSessionBus();
    KeychainCredentialStore store(testService());
    const Credentials hub{QStringLiteral("hubuser"), QStringLiteral("dckr_pat_\u00e9"), false};
    REQUIRE(awaitResult(store.store(u"https://index.docker.io/v1/", hub)).ok());
    for (const QString &name :
         {QStringLiteral("docker.io"), QStringLiteral("index.docker.io"), QStringLiteral("registry-1.docker.io"),
          QStringLiteral("https://index.docker.io/v1/")}) {
        INFO(name.toStdString());
        const CredentialResult result = awaitResult(store.lookup(name));
        REQUIRE(result.ok());
        CHECK(result.credentials() == hub);
    }
    // Other registries stay apart.
    CHECK(awaitResult(store.lookup(u"ghcr.io")).isNotFound());
    REQUIRE(awaitResult(store.erase(u"docker.io")).ok());
    CHECK(awaitResult(store.lookup(u"index.docker.io")).isNotFound());
}

TEST_CASE("credentials: KeychainCredentialStore reports NoBackend without a session bus, without hanging",
          "[client][credentials][keychain]")
{
    QTemporaryDir runtime;
    REQUIRE(runtime.isValid());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    environment.remove(QStringLiteral("DISPLAY")); // no X11 autolaunch of a bus either
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path()); // no $XDG_RUNTIME_DIR/bus
    CHECK(runChild(QStringLiteral("[keychain-nobus-child]"), environment) == 0);
}

TEST_CASE("credentials: child: keychain without a session bus", "[.keychain-nobus-child]")
{
    REQUIRE(qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"));
    KeychainCredentialStore store(testService());
    store.setTimeout(std::chrono::milliseconds(10000));
    Minato::Test::PendingResult lookup(store.lookup(u"ghcr.io"));
    Minato::Test::PendingResult save(store.store(u"ghcr.io", {QStringLiteral("a"), QStringLiteral("b"), false}));
    Minato::Test::PendingResult erase(store.erase(u"ghcr.io"));
    for (Minato::Test::PendingResult *pending : {&lookup, &save, &erase}) {
        const CredentialResult result = pending->wait();
        REQUIRE_FALSE(result.ok());
        INFO(result.error().message().toStdString());
        CHECK(result.error().kind() == Kind::NoBackend);
        CHECK(result.error().message().startsWith(QStringLiteral("No keychain is available on this system (")));
        CHECK(result.error().message().contains(QStringLiteral("docker credential helper")));
    }
}

TEST_CASE("credentials: KeychainCredentialStore times out when the Secret Service never answers",
          "[client][credentials][keychain]")
{
    CHECK(runChild(QStringLiteral("[keychain-silent-bus-child]"), QProcessEnvironment::systemEnvironment()) == 0);
}

TEST_CASE("credentials: child: keychain over a bus that never answers", "[.keychain-silent-bus-child]")
{
    // A socket that accepts D-Bus connections and never says a word: libsecret waits for ever.
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    QLocalServer silent;
    REQUIRE(silent.listen(dir.filePath(QStringLiteral("bus"))));
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + silent.fullServerName().toLocal8Bit());

    KeychainCredentialStore store(testService());
    store.setTimeout(std::chrono::milliseconds(1000));
    Minato::Test::PendingResult lookup(store.lookup(u"ghcr.io"));
    Minato::Test::PendingResult queued(store.erase(u"ghcr.io")); // behind the hung one in QtKeychain's queue
    for (Minato::Test::PendingResult *pending : {&lookup, &queued}) {
        const CredentialResult result = pending->wait(10000);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().kind() == Kind::Timeout);
        CHECK(result.error().message().contains(store.displayName()));
    }
}
