#pragma once

// RegistryHandler: the OCI distribution-spec v1.1 API (end-1 … end-14 and distribution's _catalog) on top of
// the stores. The HTTP layer calls handle() for every request; Routes (src/oci) decides which endpoint it is.
//
//   RegistryHandler handler(options, blobs, metadata, uploads);   // usually owned by Registry
//   handler.setAuthorizer(std::make_shared<MyAuthorizer>());      // default: AllowAllAuthorizer
//   handler.setAuthenticator(std::make_shared<BasicAuthenticator>(verifier));   // default: none, all anonymous
//   server.setHandler(&handler);
//
// Every response carries `Docker-Distribution-API-Version: registry/2.0`, errors included, and every error
// an OCI error body (ErrorBody). Statuses are errorHttpStatus()'s except where the spec names another one
// (413 for a manifest too large, 416 for an out-of-order chunk, 404 for an unknown path, 405 + Allow for a
// method a route does not have). Each request is authenticated once after routing (authenticator.h: 401 with a
// WWW-Authenticate challenge, 429) and the user recorded on the exchange; each endpoint then asks the
// Authorizer (authorizer.h).
//
// The members are implemented by area: registryhandler.cpp (dispatch, errors, base, catalog, tags,
// referrers), blobhandlers.cpp (blobs, uploads, mounts), manifesthandlers.cpp (manifests).
// Thread-safe: the stores are, and the handler's own state is the authorizer behind a mutex. The handler must
// outlive every exchange in flight (body callbacks capture it); Server holds it by shared_ptr.

#include "authenticator.h"
#include "authorizer.h"
#include "blobstore.h"
#include "exchange.h"
#include "metadatastore.h"
#include "registryoptions.h"
#include "uploadstore.h"

#include "oci/errorcode.h"
#include "oci/routes.h"

#include <QMutex>

#include <memory>

namespace Minato::Registry {

class TokenService;

class RegistryHandler final : public RequestHandler
{
public:
    // keepAlive: shared ownership of whatever holds the stores (Registry passes its storage), so that the
    // handler may outlive its creator; the stores must otherwise outlive the handler.
    RegistryHandler(const RegistryOptions &options, BlobStore &blobs, MetadataStore &metadata, UploadStore &uploads,
                    std::shared_ptr<const void> keepAlive = {});
    ~RegistryHandler() override;
    RegistryHandler(const RegistryHandler &) = delete;
    RegistryHandler &operator=(const RegistryHandler &) = delete;

    // May be called while serving; requests already past their check keep the previous one.
    void setAuthorizer(std::shared_ptr<const Authorizer> authorizer);
    std::shared_ptr<const Authorizer> authorizer() const;
    // nullptr (the default): no authentication, every request is anonymous.
    void setAuthenticator(std::shared_ptr<const Authenticator> authenticator);
    std::shared_ptr<const Authenticator> authenticator() const;
    // Token authentication (tokenservice.h): the service becomes the authenticator, and its endpoint answers
    // at its path (outside /v2/). nullptr turns it off (and authentication with it).
    void setTokenService(std::shared_ptr<TokenService> tokens);
    std::shared_ptr<TokenService> tokenService() const;

    void handle(Exchange &exchange) override;

    // The header every response carries (the value distribution sends).
    static constexpr char apiVersionHeader[] = "Docker-Distribution-API-Version";
    static constexpr char apiVersionValue[] = "registry/2.0";

private:
    // Shared by the areas.
    static HttpHeaders baseHeaders();
    static void fail(Exchange &ex, Oci::ErrorCode code, const QString &message = {}, int status = 0,
                     HttpHeaders headers = {});
    void failRoute(Exchange &ex, const Oci::RouteMatch &m);
    // Answers 401/403 and returns false when the authorizer refuses.
    bool authorize(Exchange &ex, const QString &repository, Access access);
    // Records the user on the exchange; answers 401/429 and returns false when the credentials are refused.
    bool authenticate(Exchange &ex);
    // 401 UNAUTHORIZED with the authenticator's challenge (for a scope, with an RFC 6750 error, when given).
    void failUnauthorized(Exchange &ex, const QString &scope = {},
                          ChallengeContext::Error error = ChallengeContext::Error::None);
    // The scope a client must ask a token for: "repository:team/app:pull,push".
    static QString scopeFor(const QString &repository, Access access);
    // Without answering: the token's grants when the request has one, otherwise the Authorizer's verdict.
    bool mayAccess(const Exchange &ex, const QString &repository, Access access) const;
    // Answers 405 UNSUPPORTED and returns false in read-only mode.
    bool checkWritable(Exchange &ex, const Oci::RouteMatch &m);
    // Answers 400 DIGEST_INVALID and returns false for a digest this store cannot keep (sha256 only).
    static bool requireSha256(Exchange &ex, const Oci::Digest &digest);
    // The authenticated user of a request (Exchange::user()); empty when anonymous.
    QString userOf(const Exchange &ex) const;
    QString uploadLocation(const QString &name, const QString &id) const;
    QString blobLocation(const QString &name, const Oci::Digest &digest) const;

    // registryhandler.cpp
    void base(Exchange &ex);
    void catalog(Exchange &ex, const Oci::RouteMatch &m);
    void listTags(Exchange &ex, const Oci::RouteMatch &m);
    void listReferrers(Exchange &ex, const Oci::RouteMatch &m);

    // blobhandlers.cpp
    void getBlob(Exchange &ex, const Oci::RouteMatch &m);
    void deleteBlob(Exchange &ex, const Oci::RouteMatch &m);
    void startUpload(Exchange &ex, const Oci::RouteMatch &m);
    void mountBlob(Exchange &ex, const Oci::RouteMatch &m);
    void monolithicUpload(Exchange &ex, const Oci::RouteMatch &m);
    void patchUpload(Exchange &ex, const Oci::RouteMatch &m);
    void completeUpload(Exchange &ex, const Oci::RouteMatch &m);
    void getUpload(Exchange &ex, const Oci::RouteMatch &m);
    void cancelUpload(Exchange &ex, const Oci::RouteMatch &m);
    // Streams the body into the leased session, then completes it against digest (end-4b, end-6).
    void receiveAndComplete(Exchange &ex, const QString &name, std::shared_ptr<UploadStore::Lease> lease,
                            const Oci::Digest &digest);
    // Answers an UploadStore::Error that is not None.
    void failUpload(Exchange &ex, UploadStore::Error error, const QString &name, const QString &id);
    // The route's upload session, leased; nullptr after answering why not (failUpload).
    std::shared_ptr<UploadStore::Lease> acquireUpload(Exchange &ex, const Oci::RouteMatch &m);

    // manifesthandlers.cpp
    void getManifest(Exchange &ex, const Oci::RouteMatch &m);
    void putManifest(Exchange &ex, const Oci::RouteMatch &m);
    void storeManifest(Exchange &ex, const Oci::RouteMatch &m, const QByteArray &body);
    void deleteManifest(Exchange &ex, const Oci::RouteMatch &m);

    const RegistryOptions &m_options;
    BlobStore &m_blobs;
    MetadataStore &m_metadata;
    UploadStore &m_uploads;
    std::shared_ptr<const void> m_keepAlive;
    const Oci::Routes m_routes;
    mutable QMutex m_authorizerMutex;
    std::shared_ptr<const Authorizer> m_authorizer;
    std::shared_ptr<const Authenticator> m_authenticator;
    std::shared_ptr<TokenService> m_tokens;
};

} // namespace Minato::Registry
