#pragma once

// Helpers for the credential suites: waiting for CredentialJobs, scoped environment variables, and real
// docker credential helper programs (shell scripts speaking the protocol) in a temporary directory.
//
//   CredentialResult r = awaitResult(store.lookup(u"ghcr.io"));
//   ScopedEnv path("PATH", dir + ":" + qEnvironmentVariable("PATH"));

#include "testsupport.h"

#include "client/credentialstore.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QSignalSpy>
#include <QString>
#include <QTest>

#include <optional>

namespace Minato::Test {

// Catches a job's result from the moment of its creation (a job may finish while the test waits for
// another one), then waits for it with a timeout.
//
//   PendingResult a(store.lookup(u"x")), b(store.erase(u"x"));
//   CHECK(a.wait().ok()); CHECK(b.wait().ok());
class PendingResult
{
public:
    explicit PendingResult(Client::CredentialJob *job)
        : m_job(job)
    {
        QObject::connect(job, &Client::CredentialJob::finished, &m_context, [this](const Client::CredentialResult &r) {
            m_result = r;
            ++m_emissions;
        });
    }
    PendingResult(const PendingResult &) = delete;
    PendingResult &operator=(const PendingResult &) = delete;

    // Fails the test when nothing arrives within `timeoutMs`. Also checks "exactly once": one emission,
    // then the job deletes itself, so nothing can follow.
    Client::CredentialResult wait(int timeoutMs = 20000)
    {
        if (!m_result) {
            REQUIRE(QTest::qWaitFor([this] { return m_result.has_value(); }, timeoutMs));
        }
        REQUIRE(QTest::qWaitFor([this] { return m_job.isNull(); }, 5000));
        REQUIRE(m_emissions == 1);
        return *m_result;
    }

private:
    QObject m_context;
    QPointer<Client::CredentialJob> m_job;
    std::optional<Client::CredentialResult> m_result;
    int m_emissions = 0;
};

// For a job created just now: waits for its one result.
inline Client::CredentialResult awaitResult(Client::CredentialJob *job, int timeoutMs = 20000)
{
    return PendingResult(job).wait(timeoutMs);
}

// Sets (or, with a null value, unsets) an environment variable for the scope.
class ScopedEnv
{
public:
    ScopedEnv(const char *name, const QString &value)
        : m_name(name)
        , m_hadValue(qEnvironmentVariableIsSet(name))
        , m_old(qgetenv(name))
    {
        if (value.isNull()) {
            qunsetenv(name);
        } else {
            qputenv(name, value.toLocal8Bit());
        }
    }
    ~ScopedEnv()
    {
        if (m_hadValue) {
            qputenv(m_name, m_old);
        } else {
            qunsetenv(m_name);
        }
    }
    ScopedEnv(const ScopedEnv &) = delete;
    ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
    const char *m_name;
    bool m_hadValue;
    QByteArray m_old;
};

} // namespace Minato::Test
