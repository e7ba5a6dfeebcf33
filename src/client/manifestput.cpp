#include "manifestput.h"

#include "registryclient.h"

#include "oci/errorcode.h"
#include "oci/imageindex.h"
#include "oci/mediatype.h"
#include "oci/reference.h"
#include "oci/sha256.h"

namespace Minato::Client {

namespace {

ClientError explainPutError(const ClientError &e, const QString &repository)
{
    using Oci::ErrorCode;
    if (e.hasRegistryCode(ErrorCode::ManifestBlobUnknown) || e.hasRegistryCode(ErrorCode::BlobUnknown)) {
        return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                             "The registry refused the manifest because %1 lacks blobs or manifests "
                                             "it refers to. Push or mount them into %1 first."),
                           {repository});
    }
    if (e.hasRegistryCode(ErrorCode::ManifestInvalid) || e.hasRegistryCode(ErrorCode::ManifestUnverified) ||
        e.httpStatus() == 413) {
        return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                             "The registry refused the manifest as invalid or too large for it. "
                                             "The details below say what it objected to."));
    }
    if (e.hasRegistryCode(ErrorCode::Unsupported) || e.httpStatus() == 405) {
        return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                             "The registry does not accept pushes to %1 (it may be read-only, or "
                                             "this kind of manifest may be disabled there)."),
                           {repository});
    }
    return e;
}

} // namespace

ManifestPut::ManifestPut(RegistryClient *client, QString repository, QString reference, QByteArray bytes,
                         QString mediaType, QObject *parent)
    : Operation(client, parent)
    , m_repository(std::move(repository))
    , m_reference(std::move(reference))
    , m_bytes(std::move(bytes))
    , m_mediaType(std::move(mediaType))
{}

ManifestPut::~ManifestPut() = default;

void ManifestPut::run()
{
    if (const auto name = Oci::Reference::parseRepositoryPath(m_repository); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_repository, name.error().message())));
        return;
    }
    if (m_reference.contains(u':')) {
        const auto digest = Oci::Digest::parse(m_reference);
        if (!digest) {
            fail(ClientError::invalidRequest(
                QStringLiteral("digest \"%1\": %2").arg(m_reference, digest.error().message())));
            return;
        }
        m_digest = Oci::Hasher::digestOf(digest->algorithm(), m_bytes);
        if (m_digest != *digest) {
            fail(ClientError::invalidRequest(QStringLiteral("the manifest hashes to %1, not to the digest %2 it "
                                                            "was to be pushed as")
                                                 .arg(m_digest.toString(), m_reference)));
            return;
        }
    } else {
        if (const auto tag = Oci::Reference::parseTag(m_reference); !tag) {
            fail(ClientError::invalidRequest(QStringLiteral("tag \"%1\": %2").arg(m_reference, tag.error().message())));
            return;
        }
        m_digest = Oci::Sha256Hasher::digestOf(m_bytes);
    }
    if (m_bytes.isEmpty() || m_bytes.size() > Oci::kMaxManifestBytes) {
        fail(ClientError::invalidRequest(QStringLiteral("a manifest of %1 bytes").arg(m_bytes.size())));
        return;
    }
    if (!m_digest.isValid()) {
        fail(ClientError::transport(QStringLiteral("the manifest could not be hashed (OpenSSL failed)")));
        return;
    }
    const QString type = Oci::MediaType::essence(m_mediaType);
    if (!Oci::MediaType::isManifest(type)) {
        fail(ClientError::invalidRequest(QStringLiteral("\"%1\" is not a manifest media type").arg(m_mediaType)));
        return;
    }
    const ConnectionProfile &profile = client()->profile();
    HttpRequest request;
    request.method = QByteArrayLiteral("PUT");
    request.url = profile.urlFor(profile.routes().path(Oci::Endpoint::PutManifest, m_repository, m_reference));
    // Spec "Pushing Manifests": Content-Type is the manifest's media type, without parameters.
    request.headers = {{QByteArrayLiteral("Content-Type"), type.toLatin1()}};
    request.body = m_bytes;
    request.scopes = {QStringLiteral("repository:%1:pull,push").arg(m_repository)};
    request.maxBodyBytes = qint64(64) * 1024; // an error body at most
    send(request);
}

void ManifestPut::handleResponse(const HttpResponse &response)
{
    if (response.status < 200 || response.status >= 300) {
        fail(explainPutError(errorFromResponse(response), m_repository));
        return;
    }
    ManifestPutInfo info;
    info.repository = m_repository;
    info.reference = m_reference;
    info.digest = m_digest;
    info.mediaType = Oci::MediaType::essence(m_mediaType);
    info.size = m_bytes.size();
    info.location = QString::fromLatin1(response.header("Location"));
    info.subjectIndexed = !response.header("OCI-Subject").isEmpty();
    const QByteArray answered = response.header("Docker-Content-Digest").trimmed();
    if (!answered.isEmpty()) {
        const auto digest = Oci::Digest::parse(QString::fromLatin1(answered));
        // The registry's canonical algorithm may differ from the one pushed by (sha512 pushed, sha256 answered).
        const bool same = digest && (digest->algorithm() == m_digest.algorithm()
                                         ? *digest == m_digest
                                         : *digest == Oci::Hasher::digestOf(digest->algorithm(), m_bytes));
        if (!same) {
            // What the tag names now is not what was sent: the registry stored other bytes (or says so).
            fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                      response.describe() +
                                          QStringLiteral(": Docker-Content-Digest %1, the bytes sent hash to %2")
                                              .arg(QString::fromLatin1(answered), m_digest.toString())));
            return;
        }
        info.digestConfirmed = true;
    }
    if (beginFinish()) {
        emit finished(info);
    }
}

} // namespace Minato::Client
