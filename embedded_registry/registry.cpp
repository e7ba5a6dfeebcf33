#include "registry.h"

#include "blobstore.h"
#include "layout.h"
#include "metadatastore.h"
#include "registryhandler.h"
#include "uploadstore.h"

namespace Minato::Registry {

// Everything the handler uses, in construction order (destruction releases the lock last).
struct Registry::Storage
{
    Storage(const QString &root, Options opts)
        : options(std::move(opts))
        , layout(root, options.fsync)
    {}

    Options options;
    Layout layout;
    BlobStore blobs{layout};
    MetadataStore metadata{layout, blobs};
    UploadStore uploads{layout, options};
};

Registry::Registry(const QString &root, Options options)
    : m_storage(std::make_shared<Storage>(root, std::move(options)))
{
    if (!m_storage->layout.open(&m_error)) {
        return;
    }
    m_storage->uploads.load();
    Storage &s = *m_storage;
    m_handler = std::make_shared<RegistryHandler>(s.options, s.blobs, s.metadata, s.uploads, m_storage);
    m_open = true;
}

Registry::~Registry() = default;

const Registry::Options &Registry::options() const
{
    return m_storage->options;
}

QString Registry::root() const
{
    return m_storage->layout.root();
}

std::shared_ptr<RequestHandler> Registry::handler() const
{
    return m_handler;
}

void Registry::setAuthorizer(std::shared_ptr<const Authorizer> authorizer)
{
    if (m_handler) {
        m_handler->setAuthorizer(std::move(authorizer));
    }
}

void Registry::setAuthenticator(std::shared_ptr<const Authenticator> authenticator)
{
    if (m_handler) {
        m_handler->setAuthenticator(std::move(authenticator));
    }
}

void Registry::setTokenService(std::shared_ptr<TokenService> tokens)
{
    if (m_handler) {
        m_handler->setTokenService(std::move(tokens));
    }
}

int Registry::purgeExpiredUploads()
{
    return m_open ? m_storage->uploads.purgeExpired() : 0;
}

BlobStore *Registry::blobs() const
{
    return m_open ? &m_storage->blobs : nullptr;
}

MetadataStore *Registry::metadata() const
{
    return m_open ? &m_storage->metadata : nullptr;
}

UploadStore *Registry::uploads() const
{
    return m_open ? &m_storage->uploads : nullptr;
}

} // namespace Minato::Registry
