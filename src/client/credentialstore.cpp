#include "credentialstore.h"

#include <QCoreApplication>
#include <QMetaObject>

namespace Minato::Client {

CredentialJob::CredentialJob(Operation operation, QString registryKey, QString origin,
                             std::chrono::milliseconds timeout)
    : m_operation(operation)
    , m_registryKey(std::move(registryKey))
    , m_origin(std::move(origin))
    , m_timeout(timeout)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CredentialJob::timedOut);
    m_timer.start(m_timeout);
}

CredentialJob::~CredentialJob() = default;

void CredentialJob::finish(CredentialResult result)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_timer.stop();
    // Queued, so that a store answering synchronously still lets the caller connect after lookup() returns.
    QMetaObject::invokeMethod(
        this,
        [this, result = std::move(result)] {
            Q_EMIT finished(result);
            deleteLater();
        },
        Qt::QueuedConnection);
}

void CredentialJob::fail(CredentialError::Kind kind, const QString &message)
{
    finish(CredentialResult::failure(kind, message, m_origin));
}

void CredentialJob::timedOut()
{
    const auto seconds = static_cast<double>(m_timeout.count()) / 1000.0;
    fail(CredentialError::Kind::Timeout,
         QCoreApplication::translate("Minato::Client::CredentialStore",
                                     "No answer from %1 within %2 s: it may be waiting for a password prompt "
                                     "that is not visible, or be stuck; try again, or check that it works.")
             .arg(m_origin, QString::number(seconds, 'g', 3)));
}

CredentialStore::~CredentialStore() = default;

CredentialJob *CredentialStore::createJob(CredentialJob::Operation operation, QStringView registry)
{
    QString key = normalizeRegistryKey(registry);
    auto *job = new CredentialJob(operation, key, displayName(), jobTimeout());
    if (key.isEmpty()) {
        job->fail(CredentialError::Kind::Other, tr("“%1” is not a registry address (expected a host such as "
                                                   "ghcr.io or localhost:5000).")
                                                    .arg(registry.toString()));
    }
    return job;
}

CredentialJob *CredentialStore::lookup(QStringView registry)
{
    CredentialJob *job = createJob(CredentialJob::Operation::Lookup, registry);
    if (!job->isFinished()) {
        startLookup(job);
    }
    return job;
}

CredentialJob *CredentialStore::store(QStringView registry, const Credentials &credentials)
{
    CredentialJob *job = createJob(CredentialJob::Operation::Store, registry);
    if (!job->isFinished() && credentials.secret.isEmpty()) {
        job->fail(CredentialError::Kind::Other,
                  tr("There is no password or token to save for %1.").arg(job->registryKey()));
    }
    if (!job->isFinished()) {
        startStore(job, credentials);
    }
    return job;
}

CredentialJob *CredentialStore::erase(QStringView registry)
{
    CredentialJob *job = createJob(CredentialJob::Operation::Erase, registry);
    if (!job->isFinished()) {
        startErase(job);
    }
    return job;
}

} // namespace Minato::Client
