#pragma once

// Registry: the embedded OCI registry's storage and API in one object — the facade minato-registry and the
// app construct. It opens (and locks) a root directory, owns the stores and the RequestHandler the HTTP
// layer calls.
//
//   Registry::Options options;
//   options.fsync = !parser.isSet(noFsync);
//   Registry registry(QStringLiteral("/var/lib/minato"), options);
//   if (!registry.isOpen()) { qCritical().noquote() << registry.errorString(); return 1; }
//   Server server(registry.handler());             // std::shared_ptr<RequestHandler>
//
// The handler shares ownership of the stores (and of the root's lock): a server may outlive the Registry
// object, and the root stays locked until the last of them is gone.
// Not a QObject: it has no signals and no thread affinity; every member is thread-safe after construction.

#include "authenticator.h"
#include "authorizer.h"
#include "registryoptions.h"

#include <QString>

#include <memory>

namespace Minato::Registry {

class BlobStore;
class Layout;
class MetadataStore;
class RegistryHandler;
class RequestHandler;
class TokenService;
class UploadStore;

class Registry
{
public:
    using Options = RegistryOptions;

    explicit Registry(const QString &root, Options options = {});
    ~Registry();
    Registry(const Registry &) = delete;
    Registry &operator=(const Registry &) = delete;

    // False when the root could not be opened: another server holds it, a newer layout, no permission.
    bool isOpen() const { return m_open; }
    // Why isOpen() is false, in a sentence for a person ("… is in use by process 4242 …").
    const QString &errorString() const { return m_error; }

    const Options &options() const;
    QString root() const;

    // The API. nullptr when !isOpen().
    std::shared_ptr<RequestHandler> handler() const;
    // THE AUTHORIZATION SEAM (authorizer.h); the default allows everything.
    void setAuthorizer(std::shared_ptr<const Authorizer> authorizer);
    // THE AUTHENTICATION SEAM (authenticator.h); the default (nullptr) treats every request as anonymous.
    void setAuthenticator(std::shared_ptr<const Authenticator> authenticator);
    // Docker's token authentication (tokenservice.h): the token endpoint on this server and Bearer requests.
    void setTokenService(std::shared_ptr<TokenService> tokens);

    // Removes expired upload sessions now (they are also purged lazily); returns how many.
    int purgeExpiredUploads();

    // The stores, for housekeeping and tests. nullptr when !isOpen().
    BlobStore *blobs() const;
    MetadataStore *metadata() const;
    UploadStore *uploads() const;

private:
    struct Storage;

    bool m_open = false;
    QString m_error;
    std::shared_ptr<Storage> m_storage;
    std::shared_ptr<RegistryHandler> m_handler;
};

} // namespace Minato::Registry
