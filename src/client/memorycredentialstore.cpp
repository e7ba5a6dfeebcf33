#include "memorycredentialstore.h"

#include <QCoreApplication>

namespace Minato::Client {

MemoryCredentialStore::~MemoryCredentialStore() = default;

QString MemoryCredentialStore::displayName() const
{
    return tr("the in-memory credential store");
}

void MemoryCredentialStore::insert(QStringView registry, const Credentials &credentials)
{
    m_entries.insert(normalizeRegistryKey(registry), credentials);
}

std::optional<Credentials> MemoryCredentialStore::value(QStringView registry) const
{
    const auto it = m_entries.constFind(normalizeRegistryKey(registry));
    if (it == m_entries.cend()) {
        return std::nullopt;
    }
    return *it;
}

bool MemoryCredentialStore::intercepted(CredentialJob *job) const
{
    if (m_unresponsive) {
        return true; // the job's own timer ends it
    }
    if (m_failure) {
        job->finish(CredentialResult::failure(*m_failure, displayName()));
        return true;
    }
    return false;
}

void MemoryCredentialStore::startLookup(CredentialJob *job)
{
    if (intercepted(job)) {
        return;
    }
    const auto it = m_entries.constFind(job->registryKey());
    if (it == m_entries.cend()) {
        job->fail(CredentialError::Kind::NotFound,
                  tr("No credentials for %1 in %2.").arg(job->registryKey(), displayName()));
        return;
    }
    job->finish(CredentialResult::success(*it, displayName()));
}

void MemoryCredentialStore::startStore(CredentialJob *job, const Credentials &credentials)
{
    if (intercepted(job)) {
        return;
    }
    m_entries.insert(job->registryKey(), credentials);
    job->finish(CredentialResult::success({}, displayName()));
}

void MemoryCredentialStore::startErase(CredentialJob *job)
{
    if (intercepted(job)) {
        return;
    }
    m_entries.remove(job->registryKey());
    job->finish(CredentialResult::success({}, displayName()));
}

} // namespace Minato::Client
