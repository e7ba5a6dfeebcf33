#include "credentialsource.h"

#include "clientlog.h"
#include "credentialstore.h"

namespace Minato::Client {

CredentialLookup CredentialLookup::found(Credentials credentials)
{
    CredentialLookup lookup;
    lookup.credentials = std::move(credentials);
    return lookup;
}

CredentialLookup CredentialLookup::none()
{
    return {};
}

CredentialLookup CredentialLookup::failed(CredentialError error)
{
    CredentialLookup lookup;
    lookup.failure = std::move(error);
    return lookup;
}

CredentialLookup CredentialLookup::of(std::optional<Credentials> credentials)
{
    CredentialLookup lookup;
    lookup.credentials = std::move(credentials);
    return lookup;
}

void StoreCredentialSource::lookup(const QUrl &registry, QObject *context, Callback done)
{
    if (!m_store) {
        done(CredentialLookup::none());
        return;
    }
    const QString key = normalizeRegistryKey(registry.toString());
    m_store->lookup(key, context, [done = std::move(done), key](const CredentialResult &result) {
        if (result.ok()) {
            done(CredentialLookup::found(result.credentials()));
            return;
        }
        switch (result.error().kind()) {
        case CredentialError::Kind::NotFound:
            done(CredentialLookup::none());
            return;
        case CredentialError::Kind::NoBackend:
            qCInfo(lcClient) << "no credential store for" << key << ":" << result.error();
            done(CredentialLookup::none());
            return;
        case CredentialError::Kind::Denied:
        case CredentialError::Kind::Timeout:
        case CredentialError::Kind::Other:
            break;
        }
        qCWarning(lcClient) << "credentials for" << key << "could not be read:" << result.error();
        done(CredentialLookup::failed(result.error()));
    });
}

} // namespace Minato::Client
