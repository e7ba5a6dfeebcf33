// The test environment's Secret Service (scripts/run-tests.sh: gnome-keyring unlocked inside
// dbus-run-session) works end to end through QtKeychain: what KeychainCredentialStore will rely on.
#include "testsupport.h"

#include <QSignalSpy>

#include <qt6keychain/keychain.h>

namespace {

// Runs a keychain job and waits for it (tests only); returns the job's error.
QKeychain::Error runJob(QKeychain::Job &job)
{
    job.setAutoDelete(false);
    QSignalSpy finished(&job, &QKeychain::Job::finished);
    job.start();
    if (!finished.wait(20000)) {
        FAIL("keychain job did not finish within 20 s (locked keyring prompting?)");
    }
    return job.error();
}

} // namespace

TEST_CASE("The real Secret Service stores, returns and deletes a secret", "[client][keychain]")
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
        FAIL("no D-Bus session bus: run the suites through scripts/run-tests.sh (make test)");
    }
    const QString service = QStringLiteral("minato-tests");
    const QString key = QStringLiteral("probe@127.0.0.1:5000");
    const QString secret = QStringLiteral("s3cr\u00e9t-\u6e2f");

    QKeychain::WritePasswordJob write(service);
    write.setKey(key);
    write.setTextData(secret);
    REQUIRE(runJob(write) == QKeychain::NoError);

    QKeychain::ReadPasswordJob read(service);
    read.setKey(key);
    REQUIRE(runJob(read) == QKeychain::NoError);
    CHECK(read.textData() == secret);

    QKeychain::DeletePasswordJob remove(service);
    remove.setKey(key);
    REQUIRE(runJob(remove) == QKeychain::NoError);

    QKeychain::ReadPasswordJob again(service);
    again.setKey(key);
    CHECK(runJob(again) == QKeychain::EntryNotFound);
}
