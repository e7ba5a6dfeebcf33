// RegistryHandler: dispatch, shared answers, and the read-only listings (base, catalog, tags, referrers).
#include "registryhandler.h"

#include "accessconfig.h"
#include "tokenservice.h"

#include "oci/link.h"
#include "oci/mediatype.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>

namespace Minato::Registry {

using Oci::Endpoint;
using Oci::ErrorCode;
using Oci::RouteMatch;

namespace {

struct Page
{
    QStringList items;
    bool more = false;
};

// end-8b: entries strictly after `last`, at most n (capped at maxPage; absent n means maxPage). n = 0 gives
// an empty page and never "more": the spec forbids a Link header then.
Page paginate(const QStringList &sorted, std::optional<int> n, const QString &last, int maxPage)
{
    const auto begin = last.isEmpty() ? sorted.cbegin() : std::upper_bound(sorted.cbegin(), sorted.cend(), last);
    const qsizetype start = begin - sorted.cbegin();
    const qsizetype limit = std::min<qsizetype>(n.value_or(maxPage), maxPage);
    Page page;
    page.items = sorted.mid(start, limit);
    page.more = limit > 0 && start + page.items.size() < sorted.size();
    return page;
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

RegistryHandler::RegistryHandler(const RegistryOptions &options, BlobStore &blobs, MetadataStore &metadata,
                                 UploadStore &uploads, std::shared_ptr<const void> keepAlive)
    : m_options(options)
    , m_blobs(blobs)
    , m_metadata(metadata)
    , m_uploads(uploads)
    , m_keepAlive(std::move(keepAlive))
    , m_authorizer(std::make_shared<AllowAllAuthorizer>())
{}

RegistryHandler::~RegistryHandler() = default;

void RegistryHandler::setAuthorizer(std::shared_ptr<const Authorizer> authorizer)
{
    QMutexLocker locker(&m_authorizerMutex);
    m_authorizer = authorizer ? std::move(authorizer) : std::make_shared<AllowAllAuthorizer>();
}

std::shared_ptr<const Authorizer> RegistryHandler::authorizer() const
{
    QMutexLocker locker(&m_authorizerMutex);
    return m_authorizer;
}

void RegistryHandler::setAuthenticator(std::shared_ptr<const Authenticator> authenticator)
{
    QMutexLocker locker(&m_authorizerMutex);
    m_authenticator = std::move(authenticator);
    m_tokens.reset();
}

std::shared_ptr<const Authenticator> RegistryHandler::authenticator() const
{
    QMutexLocker locker(&m_authorizerMutex);
    return m_authenticator;
}

void RegistryHandler::setTokenService(std::shared_ptr<TokenService> tokens)
{
    QMutexLocker locker(&m_authorizerMutex);
    m_tokens = tokens;
    m_authenticator = std::move(tokens);
}

std::shared_ptr<TokenService> RegistryHandler::tokenService() const
{
    QMutexLocker locker(&m_authorizerMutex);
    return m_tokens;
}

// ---- shared ---------------------------------------------------------------------------------------------------

HttpHeaders RegistryHandler::baseHeaders()
{
    return HttpHeaders{{apiVersionHeader, apiVersionValue}};
}

void RegistryHandler::fail(Exchange &ex, ErrorCode code, const QString &message, int status, HttpHeaders headers)
{
    headers.set(apiVersionHeader, apiVersionValue);
    headers.set("Content-Type", "application/json");
    ex.respond(status > 0 ? status : Oci::errorHttpStatus(code), std::move(headers),
               Oci::ErrorBody::serialize(code, message));
}

void RegistryHandler::failRoute(Exchange &ex, const RouteMatch &m)
{
    const QString message = m.error.message();
    switch (m.outcome) {
    case RouteMatch::Outcome::Matched:
        break;
    case RouteMatch::Outcome::NotFound:
        // No OCI code means "no such route"; UNSUPPORTED is the closest, with the 404 the path deserves.
        fail(ex, ErrorCode::Unsupported, message, 404);
        return;
    case RouteMatch::Outcome::MethodNotAllowed: {
        HttpHeaders headers;
        headers.set("Allow", m.allowHeader().toLatin1());
        fail(ex, ErrorCode::Unsupported, message, 405, std::move(headers));
        return;
    }
    case RouteMatch::Outcome::BadRequest:
        fail(ex, ErrorCode::Unsupported, message, 400);
        return;
    case RouteMatch::Outcome::NameInvalid:
        fail(ex, ErrorCode::NameInvalid, message);
        return;
    case RouteMatch::Outcome::TagInvalid:
        fail(ex, ErrorCode::TagInvalid, message);
        return;
    case RouteMatch::Outcome::DigestInvalid:
        // Spec "Pushing blobs": an invalid or unsupported digest SHOULD be 400.
        fail(ex, ErrorCode::DigestInvalid, message, 400);
        return;
    case RouteMatch::Outcome::UploadInvalid:
        fail(ex, ErrorCode::BlobUploadUnknown, message);
        return;
    case RouteMatch::Outcome::PaginationInvalid:
        fail(ex, ErrorCode::PaginationNumberInvalid, message);
        return;
    }
    fail(ex, ErrorCode::Unknown, message);
}

QString RegistryHandler::userOf(const Exchange &ex) const
{
    return ex.user();
}

void RegistryHandler::failUnauthorized(Exchange &ex, const QString &scope, ChallengeContext::Error error)
{
    HttpHeaders headers;
    if (const auto authn = authenticator()) {
        headers.set("WWW-Authenticate", authn->challenge(ChallengeContext{&ex.request(), scope, error}));
    }
    fail(ex, ErrorCode::Unauthorized, {}, 0, std::move(headers));
}

QString RegistryHandler::scopeFor(const QString &repository, Access access)
{
    // What docker and containerd ask for: a push needs pull too (uploads check for existing blobs first).
    const QString actions = access == Access::Push ? QStringLiteral("pull,push") : accessName(access);
    return QStringLiteral("repository:") + repository + u':' + actions;
}

bool RegistryHandler::mayAccess(const Exchange &ex, const QString &repository, Access access) const
{
    if (const auto &grants = ex.grants()) {
        return grants->allows(repository, access);
    }
    return authorizer()->allows(userOf(ex), repository, access);
}

bool RegistryHandler::authenticate(Exchange &ex)
{
    const auto authn = authenticator();
    if (!authn) {
        ex.setUser({});
        return true;
    }
    const Authentication result = authn->authenticate(ex.request());
    switch (result.outcome) {
    case Authentication::Outcome::Anonymous:
        ex.setUser({});
        return true;
    case Authentication::Outcome::Authenticated:
        ex.setUser(result.user);
        ex.setGrants(result.grants);
        return true;
    case Authentication::Outcome::RateLimited: {
        HttpHeaders headers;
        headers.set("Retry-After", QByteArray::number(result.retryAfterSeconds));
        fail(ex, ErrorCode::TooManyRequests, QStringLiteral("too many failed logins from this address"), 0,
             std::move(headers));
        return false;
    }
    case Authentication::Outcome::Refused:
        break;
    }
    // A wrong password is 401, not anonymous access and not 403: the client should ask for credentials again.
    failUnauthorized(ex, {},
                     result.invalidToken ? ChallengeContext::Error::InvalidToken : ChallengeContext::Error::None);
    return false;
}

bool RegistryHandler::authorize(Exchange &ex, const QString &repository, Access access)
{
    if (mayAccess(ex, repository, access)) {
        return true;
    }
    const QString user = userOf(ex);
    const QString scope = scopeFor(repository, access);
    if (ex.grants()) {
        // The token does not cover this. When its user may do it, the client only has to ask for a token with
        // this scope (RFC 6750 §3.1 insufficient_scope); when not, asking again would not help.
        if (user.isEmpty() || authorizer()->allows(user, repository, access)) {
            failUnauthorized(ex, scope, ChallengeContext::Error::InsufficientScope);
        } else {
            fail(ex, ErrorCode::Denied);
        }
        return false;
    }
    if (user.isEmpty()) {
        failUnauthorized(ex, scope);
    } else {
        fail(ex, ErrorCode::Denied);
    }
    return false;
}

bool RegistryHandler::checkWritable(Exchange &ex, const RouteMatch &m)
{
    if (!m_options.readOnly) {
        return true;
    }
    // distribution's read-only mode answers writes 405 UNSUPPORTED; the spec allows 400 or 405 for a
    // disabled delete (end-9, end-10). Allow lists what still works on this path.
    QStringList allowed;
    for (const QString &method : m.allowedMethods) {
        if (method == u"GET" || method == u"HEAD") {
            allowed.append(method);
        }
    }
    HttpHeaders headers;
    headers.set("Allow", allowed.join(QStringLiteral(", ")).toLatin1());
    fail(ex, ErrorCode::Unsupported, QStringLiteral("the registry is read-only"), 405, std::move(headers));
    return false;
}

QString RegistryHandler::uploadLocation(const QString &name, const QString &id) const
{
    return m_routes.path(Endpoint::PatchUpload, name, id);
}

QString RegistryHandler::blobLocation(const QString &name, const Oci::Digest &digest) const
{
    return m_routes.path(Endpoint::GetBlob, name, digest.toString());
}

// ---- dispatch ---------------------------------------------------------------------------------------------------

void RegistryHandler::handle(Exchange &ex)
{
    const HttpRequest &request = ex.request();
    const RouteMatch m = m_routes.match(QString::fromLatin1(request.method), QString::fromLatin1(request.path),
                                        QString::fromLatin1(request.query));
    if (!m.matched()) {
        if (const auto tokens = tokenService(); tokens && request.path == tokens->options().path) {
            tokens->handle(ex);
            return;
        }
        failRoute(ex, m);
        return;
    }
    if (!authenticate(ex)) {
        return;
    }
    switch (m.endpoint) {
    case Endpoint::Base:
        base(ex);
        return;
    case Endpoint::Catalog:
        catalog(ex, m);
        return;
    case Endpoint::GetBlob:
        getBlob(ex, m);
        return;
    case Endpoint::DeleteBlob:
        deleteBlob(ex, m);
        return;
    case Endpoint::GetManifest:
        getManifest(ex, m);
        return;
    case Endpoint::PutManifest:
        putManifest(ex, m);
        return;
    case Endpoint::DeleteManifest:
        deleteManifest(ex, m);
        return;
    case Endpoint::StartUpload:
        startUpload(ex, m);
        return;
    case Endpoint::MonolithicUpload:
        monolithicUpload(ex, m);
        return;
    case Endpoint::MountBlob:
        mountBlob(ex, m);
        return;
    case Endpoint::PatchUpload:
        patchUpload(ex, m);
        return;
    case Endpoint::CompleteUpload:
        completeUpload(ex, m);
        return;
    case Endpoint::GetUpload:
        getUpload(ex, m);
        return;
    case Endpoint::CancelUpload:
        cancelUpload(ex, m);
        return;
    case Endpoint::ListTags:
        listTags(ex, m);
        return;
    case Endpoint::ListReferrers:
        listReferrers(ex, m);
        return;
    }
    fail(ex, ErrorCode::Unsupported, {}, 404);
}

// ---- end-1, catalog, end-8, end-12 ------------------------------------------------------------------------------

void RegistryHandler::base(Exchange &ex)
{
    // With authentication on, /v2/ is where clients (docker/podman login, skopeo) learn to send credentials.
    if (userOf(ex).isEmpty() && !ex.grants() && authenticator()) {
        failUnauthorized(ex);
        return;
    }
    HttpHeaders headers = baseHeaders();
    headers.set("Content-Type", "application/json");
    ex.respond(200, std::move(headers), "{}");
}

void RegistryHandler::catalog(Exchange &ex, const RouteMatch &m)
{
    // With tokens, listing needs "registry:catalog:*" (distribution's scope for it) — asked for like any other.
    const auto authn = authenticator();
    if (authn && authn->usesTokens() && !(ex.grants() && ex.grants()->allowsCatalog())) {
        failUnauthorized(ex, QStringLiteral("registry:catalog:*"),
                         ex.grants() ? ChallengeContext::Error::InsufficientScope : ChallengeContext::Error::None);
        return;
    }
    // The catalog lists only what the user may pull (the authorizer decides per repository, for the token's
    // user too: a token cannot name every repository).
    const auto access = authorizer();
    const QString user = userOf(ex);
    QStringList visible;
    for (const QString &name : m_metadata.repositories()) {
        if (access->allows(user, name, Access::Pull)) {
            visible.append(name);
        }
    }
    const Page page = paginate(visible, m.n, m.last, m_options.maxPageSize);
    HttpHeaders headers = baseHeaders();
    headers.set("Content-Type", "application/json");
    if (page.more) {
        const int n = m.n ? std::min(*m.n, m_options.maxPageSize) : m_options.maxPageSize;
        headers.set("Link", Oci::formatNextLink(QUrl(m_routes.catalog(n, page.items.last()))));
    }
    ex.respond(200, std::move(headers),
               json({{QStringLiteral("repositories"), QJsonArray::fromStringList(page.items)}}));
}

void RegistryHandler::listTags(Exchange &ex, const RouteMatch &m)
{
    if (!authorize(ex, m.name, Access::Pull)) {
        return;
    }
    if (!m_metadata.repositoryExists(m.name)) {
        fail(ex, ErrorCode::NameUnknown, QStringLiteral("repository %1 is not known").arg(m.name));
        return;
    }
    const Page page = paginate(m_metadata.tags(m.name), m.n, m.last, m_options.maxPageSize);
    HttpHeaders headers = baseHeaders();
    headers.set("Content-Type", "application/json");
    if (page.more) {
        // Spec "Listing Tags": Link with rel="next" when more remain (RFC 5988).
        const int n = m.n ? std::min(*m.n, m_options.maxPageSize) : m_options.maxPageSize;
        headers.set("Link", Oci::formatNextLink(QUrl(m_routes.tagsList(m.name, n, page.items.last()))));
    }
    ex.respond(
        200, std::move(headers),
        json({{QStringLiteral("name"), m.name}, {QStringLiteral("tags"), QJsonArray::fromStringList(page.items)}}));
}

void RegistryHandler::listReferrers(Exchange &ex, const RouteMatch &m)
{
    if (!authorize(ex, m.name, Access::Pull)) {
        return;
    }
    // Spec "Listing Referrers": 200 with an index even when nothing (or no such subject, or no such repository)
    // is known — a 404 would tell clients the API is missing and send them to the tag schema.
    QJsonArray manifests;
    for (const QJsonObject &descriptor : m_metadata.referrers(m.name, m.digest)) {
        if (!m.artifactType.isEmpty() &&
            descriptor.value(QStringLiteral("artifactType")).toString() != m.artifactType) {
            continue;
        }
        manifests.append(descriptor);
    }
    HttpHeaders headers = baseHeaders();
    headers.set("Content-Type", Oci::MediaType::OciIndex.toLatin1());
    if (!m.artifactType.isEmpty()) {
        headers.set("OCI-Filters-Applied", "artifactType");
    }
    ex.respond(200, std::move(headers),
               json({{QStringLiteral("schemaVersion"), 2},
                     {QStringLiteral("mediaType"), Oci::MediaType::OciIndex.toString()},
                     {QStringLiteral("manifests"), manifests}}));
}

} // namespace Minato::Registry
