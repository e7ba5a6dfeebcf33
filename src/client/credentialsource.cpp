#include "credentialsource.h"

#include "clientlog.h"
#include "credentialstore.h"

namespace Minato::Client {

void StoreCredentialSource::lookup(const QUrl &registry, QObject *context, Callback done)
{
    if (!m_store) {
        done(std::nullopt);
        return;
    }
    const QString key = normalizeRegistryKey(registry.toString());
    m_store->lookup(key, context, [done = std::move(done), key](const CredentialResult &result) {
        if (result.ok()) {
            done(result.credentials());
            return;
        }
        if (!result.isNotFound()) {
            qCWarning(lcClient) << "credentials for" << key << "could not be read:" << result.error();
        }
        done(std::nullopt);
    });
}

} // namespace Minato::Client
