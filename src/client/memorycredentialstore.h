#pragma once

// MemoryCredentialStore: a CredentialStore in a hash, for tests and for sessions that must not persist
// anything. It keeps the full contract (normalised keys, queued completion, timeouts), and can be told to
// fail or to stay silent so that callers' error and timeout paths can be tested.
//
//   MemoryCredentialStore store;
//   store.insert(u"ghcr.io", {QStringLiteral("bob"), QStringLiteral("token"), false});
//   store.setFailure(CredentialError(CredentialError::Kind::NoBackend, msg)); // every job fails so
//   store.setUnresponsive(true);                                             // jobs end by timeout only

#include "credentialstore.h"

#include <QHash>

#include <optional>

namespace Minato::Client {

class MemoryCredentialStore final : public CredentialStore
{
public:
    MemoryCredentialStore() = default;
    ~MemoryCredentialStore() override;
    Q_DISABLE_COPY_MOVE(MemoryCredentialStore)

    QString displayName() const override;

    // Synchronous access for test set-up and inspection; keys are normalised like the jobs' keys.
    void insert(QStringView registry, const Credentials &credentials);
    std::optional<Credentials> value(QStringView registry) const;
    qsizetype size() const { return m_entries.size(); }
    void clear() { m_entries.clear(); }

    void setFailure(std::optional<CredentialError> failure) { m_failure = std::move(failure); }
    void setUnresponsive(bool unresponsive) { m_unresponsive = unresponsive; }

protected:
    void startLookup(CredentialJob *job) override;
    void startStore(CredentialJob *job, const Credentials &credentials) override;
    void startErase(CredentialJob *job) override;

private:
    // True when the job was answered by the failure/unresponsive knobs.
    bool intercepted(CredentialJob *job) const;

    QHash<QString, Credentials> m_entries;
    std::optional<CredentialError> m_failure;
    bool m_unresponsive = false;
};

} // namespace Minato::Client
