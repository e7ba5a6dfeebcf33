#pragma once

// CredentialStore: the small asynchronous interface every place that keeps registry logins implements
// (the system keychain, a docker credential helper, memory for tests, the resolver that chains them).
//
//   // The short form: a callback on a context object, called exactly once.
//   store.lookup(u"ghcr.io", this, [this](const CredentialResult &result) { … });
//
//   // The job form, for callers that want to abandon a request (delete the job: no callback then).
//   CredentialJob *job = store.store(u"127.0.0.1:5000", Credentials{user, password, false});
//   connect(job, &CredentialJob::finished, this, &Login::saved);
//
// Contract, the same for every store:
// - Registries may be given in any form docker accepts (host, host:port, URL); the job works on
//   normalizeRegistryKey() of it, and a text that names no host fails at once with Kind::Other.
// - Every job emits finished exactly once, never from inside lookup()/store()/erase() (so connecting after
//   the call is safe), and within timeout() even if the backend never answers (Kind::Timeout).
// - A job deletes itself (deleteLater) right after finished. Deleting it earlier abandons the request.
// - lookup of a registry with no entry fails with Kind::NotFound; erase of one succeeds (after erase,
//   lookup answers NotFound, whatever was there before).
// - Secrets travel only in Credentials values and the backend's own channel; nothing here logs them.

#include "credentials.h"

#include <QCoreApplication>
#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>

namespace Minato::Client {

class CredentialJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialJob)
public:
    enum class Operation { Lookup, Store, Erase };

    // Starts the timeout at once: the job is in flight from its creation. Stores create jobs; callers get
    // them from CredentialStore.
    CredentialJob(Operation operation, QString registryKey, QString origin, std::chrono::milliseconds timeout);
    ~CredentialJob() override;

    Operation operation() const { return m_operation; }
    // The normalised key the store works on ("docker.io", "localhost:5000").
    const QString &registryKey() const { return m_registryKey; }
    // Who answers, for messages ("the system keychain", "docker-credential-pass").
    const QString &origin() const { return m_origin; }
    bool isFinished() const { return m_finished; }

    // For stores: completes the job. Only the first call (or the timeout) counts; later ones are ignored,
    // which is what makes "exactly once" hold when a slow backend answers after the timeout.
    void finish(CredentialResult result);
    void fail(CredentialError::Kind kind, const QString &message);

Q_SIGNALS:
    void finished(const Minato::Client::CredentialResult &result);

private:
    void timedOut();

    Operation m_operation;
    QString m_registryKey;
    QString m_origin;
    std::chrono::milliseconds m_timeout;
    QTimer m_timer;
    bool m_finished = false;
};

class CredentialStore
{
    Q_DECLARE_TR_FUNCTIONS(Minato::Client::CredentialStore)
public:
    static constexpr std::chrono::milliseconds DefaultTimeout{15000};

    virtual ~CredentialStore();
    Q_DISABLE_COPY_MOVE(CredentialStore)

    CredentialJob *lookup(QStringView registry);
    CredentialJob *store(QStringView registry, const Credentials &credentials);
    CredentialJob *erase(QStringView registry);

    // The same, with `callback(const CredentialResult &)` invoked once on `context`'s thread, unless
    // `context` is destroyed first.
    template<typename Callback>
    void lookup(QStringView registry, const QObject *context, Callback &&callback)
    {
        QObject::connect(lookup(registry), &CredentialJob::finished, context, std::forward<Callback>(callback));
    }
    template<typename Callback>
    void store(QStringView registry, const Credentials &credentials, const QObject *context, Callback &&callback)
    {
        QObject::connect(store(registry, credentials), &CredentialJob::finished, context,
                         std::forward<Callback>(callback));
    }
    template<typename Callback>
    void erase(QStringView registry, const QObject *context, Callback &&callback)
    {
        QObject::connect(erase(registry), &CredentialJob::finished, context, std::forward<Callback>(callback));
    }

    // How long a job may take before it fails with Kind::Timeout (DefaultTimeout unless set).
    std::chrono::milliseconds timeout() const { return m_timeout; }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    // Names this store in messages and CredentialResult::origin ("the system keychain").
    virtual QString displayName() const = 0;

protected:
    CredentialStore() = default;

    // The deadline given to each job; timeout() unless a store that chains others needs more.
    virtual std::chrono::milliseconds jobTimeout() const { return m_timeout; }

    // Called with a fresh job whose key is already normalised and valid. Implementations answer through
    // job->finish()/fail(), synchronously or later; they must not delete the job, and must cope with it
    // being deleted before they answer (connect with the job as context, or hold a QPointer).
    virtual void startLookup(CredentialJob *job) = 0;
    virtual void startStore(CredentialJob *job, const Credentials &credentials) = 0;
    virtual void startErase(CredentialJob *job) = 0;

private:
    CredentialJob *createJob(CredentialJob::Operation operation, QStringView registry);

    std::chrono::milliseconds m_timeout = DefaultTimeout;
};

} // namespace Minato::Client
