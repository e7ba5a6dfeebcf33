// RegistryHandler: blobs (end-2, end-10) and uploads (end-4a/4b, end-5, end-6, end-11, end-13, end-14).
#include "registryhandler.h"

#include "oci/range.h"

namespace Minato::Registry {

using Oci::ErrorCode;
using Oci::RouteMatch;

namespace {

// Feeds a streamed request body into a leased upload session.
class UploadSink final : public BodySink
{
public:
    explicit UploadSink(std::shared_ptr<UploadStore::Lease> lease)
        : m_lease(std::move(lease))
    {}
    bool write(const char *data, qint64 size) override { return m_lease && m_lease->append(data, size); }
    // Ends the lease early (before answering), so that the client's next request finds the session free.
    std::shared_ptr<UploadStore::Lease> take() { return std::move(m_lease); }
    UploadStore::Lease *lease() const { return m_lease.get(); }

private:
    std::shared_ptr<UploadStore::Lease> m_lease;
};

} // namespace

void RegistryHandler::failUpload(Exchange &ex, UploadStore::Error error, const QString &name, const QString &id)
{
    switch (error) {
    case UploadStore::Error::None:
        break;
    case UploadStore::Error::Unknown:
        fail(ex, ErrorCode::BlobUploadUnknown,
             QStringLiteral("upload %1 is not known (finished, cancelled or expired)").arg(id));
        return;
    case UploadStore::Error::Busy: {
        // Another request is writing to this session: whatever this one carries cannot start at the offset the
        // session will have, which is the out-of-order case of spec "Pushing a blob in chunks": 416.
        HttpHeaders headers;
        headers.set("Location", uploadLocation(name, id).toLatin1());
        fail(ex, ErrorCode::RangeInvalid, QStringLiteral("another request is writing to this upload"), 416,
             std::move(headers));
        return;
    }
    case UploadStore::Error::TooMany: {
        // Spec "Error Codes": a 429 SHOULD carry Retry-After.
        HttpHeaders headers;
        headers.set("Retry-After", "5");
        fail(ex, ErrorCode::TooManyRequests,
             QStringLiteral("too many uploads in progress (limit %1)").arg(m_options.maxConcurrentUploads), 0,
             std::move(headers));
        return;
    }
    case UploadStore::Error::Io:
        break;
    }
    fail(ex, ErrorCode::Unknown, QStringLiteral("the registry cannot write its storage"));
}

// ---- end-2, end-10 ----------------------------------------------------------------------------------------------

void RegistryHandler::getBlob(Exchange &ex, const RouteMatch &m)
{
    if (!authorize(ex, m.name, Access::Pull)) {
        return;
    }
    std::unique_ptr<QFile> file = m_metadata.isBlobLinked(m.name, m.digest) ? m_blobs.open(m.digest) : nullptr;
    if (!file) {
        fail(ex, ErrorCode::BlobUnknown, QStringLiteral("blob %1 is not in %2").arg(m.digest.toString(), m.name));
        return;
    }
    const qint64 size = file->size();
    HttpHeaders headers = baseHeaders();
    headers.set("Content-Type", "application/octet-stream");
    headers.set("Docker-Content-Digest", m.digest.toString().toLatin1());
    headers.set("ETag", '"' + m.digest.toString().toLatin1() + '"');
    headers.set("Accept-Ranges", "bytes");
    if (m.head) {
        // RFC 9110 §14.2: Range is defined for GET only; HEAD describes the whole blob.
        headers.set("Content-Length", QByteArray::number(size));
        ex.respond(200, std::move(headers));
        return;
    }
    // Spec "Pulling blobs": a registry SHOULD support Range (RFC 9110 §14).
    const Oci::RangeResolution range = Oci::RangeRequest::resolve(ex.request().headers.value("Range"), size);
    switch (range.kind) {
    case Oci::RangeResolution::Kind::Full:
        ex.respondStream(200, std::move(headers), std::move(file), size);
        return;
    case Oci::RangeResolution::Kind::Partial:
        if (!file->seek(range.range.first)) {
            fail(ex, ErrorCode::Unknown, QStringLiteral("cannot read the blob"));
            return;
        }
        headers.set("Content-Range", range.contentRange(size));
        ex.respondStream(206, std::move(headers), std::move(file), range.range.length());
        return;
    case Oci::RangeResolution::Kind::Unsatisfiable: {
        HttpHeaders errorHeaders;
        errorHeaders.set("Content-Range", range.contentRange(size));
        fail(ex, ErrorCode::RangeInvalid, QStringLiteral("the blob has %1 bytes").arg(size), 416,
             std::move(errorHeaders));
        return;
    }
    }
}

void RegistryHandler::deleteBlob(Exchange &ex, const RouteMatch &m)
{
    if (!checkWritable(ex, m) || !authorize(ex, m.name, Access::Delete)) {
        return;
    }
    // Only the repository's link goes: other repositories keep the bytes; garbage collection reclaims them.
    if (!m_metadata.unlinkBlob(m.name, m.digest)) {
        fail(ex, ErrorCode::BlobUnknown, QStringLiteral("blob %1 is not in %2").arg(m.digest.toString(), m.name));
        return;
    }
    HttpHeaders headers = baseHeaders();
    headers.set("Content-Length", "0");
    ex.respond(202, std::move(headers));
}

// ---- uploads ------------------------------------------------------------------------------------------------------

void RegistryHandler::startUpload(Exchange &ex, const RouteMatch &m)
{
    if (!checkWritable(ex, m) || !authorize(ex, m.name, Access::Push)) {
        return;
    }
    UploadStore::Error error = UploadStore::Error::None;
    auto lease = m_uploads.create(m.name, &error);
    if (!lease) {
        failUpload(ex, error, m.name, {});
        return;
    }
    const QString id = lease->id();
    lease.reset(); // free for the client's PATCH
    // Spec "POST then PUT": 202 with a Location holding the session id; Range as the chunk responses give it.
    HttpHeaders headers = baseHeaders();
    headers.set("Location", uploadLocation(m.name, id).toLatin1());
    headers.set("Range", Oci::UploadRange::format(0));
    headers.set("Docker-Upload-UUID", id.toLatin1());
    headers.set("Content-Length", "0");
    ex.respond(202, std::move(headers));
}

void RegistryHandler::mountBlob(Exchange &ex, const RouteMatch &m)
{
    if (!checkWritable(ex, m) || !authorize(ex, m.name, Access::Push)) {
        return;
    }
    // Spec "Mounting a blob from another repository": 201 when mounted; otherwise a 202 session, never an
    // error. Without `from` we do not search other repositories (the spec lets us; it would leak existence).
    if (!m.from.isEmpty() && mayAccess(ex, m.from, Access::Pull) && m_metadata.isBlobLinked(m.from, m.digest)) {
        QString error;
        if (!m_metadata.linkBlob(m.name, m.digest, &error)) {
            fail(ex, ErrorCode::Unknown, error);
            return;
        }
        HttpHeaders headers = baseHeaders();
        headers.set("Location", blobLocation(m.name, m.digest).toLatin1());
        headers.set("Docker-Content-Digest", m.digest.toString().toLatin1());
        headers.set("Content-Length", "0");
        ex.respond(201, std::move(headers));
        return;
    }
    startUpload(ex, m);
}

bool RegistryHandler::requireSha256(Exchange &ex, const Oci::Digest &digest)
{
    if (digest.algorithm() != Oci::Digest::Algorithm::Sha256) {
        fail(ex, ErrorCode::DigestInvalid, QStringLiteral("this registry stores sha256 content only"), 400);
        return false;
    }
    return true;
}

void RegistryHandler::monolithicUpload(Exchange &ex, const RouteMatch &m)
{
    if (!checkWritable(ex, m) || !authorize(ex, m.name, Access::Push)) {
        return;
    }
    if (!requireSha256(ex, m.digest)) {
        return;
    }
    UploadStore::Error error = UploadStore::Error::None;
    auto lease = m_uploads.create(m.name, &error);
    if (!lease) {
        failUpload(ex, error, m.name, {});
        return;
    }
    // end-4b: the whole blob in one POST. The session is internal; a failure discards it.
    lease->discard();
    receiveAndComplete(ex, m.name, std::move(lease), m.digest);
}

std::shared_ptr<UploadStore::Lease> RegistryHandler::acquireUpload(Exchange &ex, const RouteMatch &m)
{
    UploadStore::Error error = UploadStore::Error::None;
    auto lease = m_uploads.acquire(m.uploadId, m.name, &error);
    if (!lease) {
        failUpload(ex, error, m.name, m.uploadId);
    }
    return lease;
}

void RegistryHandler::patchUpload(Exchange &ex, const RouteMatch &m)
{
    if (!checkWritable(ex, m) || !authorize(ex, m.name, Access::Push)) {
        return;
    }
    auto lease = acquireUpload(ex, m);
    if (!lease) {
        return;
    }
    const HttpRequest &request = ex.request();
    const QByteArray contentRange = request.headers.value("Content-Range");
    if (!contentRange.isNull()) {
        // Spec "Pushing a blob in chunks": "<start>-<end>", inclusive; a chunk must start where the last ended.
        const auto range = Oci::ChunkRange::parse(contentRange);
        if (!range) {
            fail(ex, ErrorCode::BlobUploadInvalid, QStringLiteral("Content-Range: ") + range.error().message(), 400);
            return;
        }
        if (range->first != lease->size()) {
            HttpHeaders headers;
            headers.set("Location", uploadLocation(m.name, m.uploadId).toLatin1());
            headers.set("Range", Oci::UploadRange::format(lease->size()));
            headers.set("Docker-Upload-UUID", m.uploadId.toLatin1());
            fail(ex, ErrorCode::RangeInvalid,
                 QStringLiteral("the chunk starts at %1 but the upload has %2 bytes")
                     .arg(range->first)
                     .arg(lease->size()),
                 416, std::move(headers));
            return;
        }
        if (request.contentLength >= 0 && request.contentLength != range->length()) {
            fail(ex, ErrorCode::SizeInvalid,
                 QStringLiteral("Content-Range covers %1 bytes, Content-Length says %2")
                     .arg(range->length())
                     .arg(request.contentLength));
            return;
        }
    }
    auto sink = std::make_shared<UploadSink>(std::move(lease));
    const QString name = m.name;
    const QString id = m.uploadId;
    ex.streamBody(sink.get(), [this, &ex, sink, name, id](const BodyResult &result) {
        const qint64 size = sink->lease()->size();
        sink->take(); // released before answering
        if (!result.ok) {
            if (result.error == BodyError::ClientGone) {
                return;
            }
            if (result.error == BodyError::SinkFailed) {
                fail(ex, ErrorCode::Unknown, QStringLiteral("the registry cannot write the upload"));
            } else {
                fail(ex, ErrorCode::BlobUploadInvalid, QStringLiteral("malformed request body"), 400);
            }
            return;
        }
        HttpHeaders headers = baseHeaders();
        headers.set("Location", uploadLocation(name, id).toLatin1());
        headers.set("Range", Oci::UploadRange::format(size));
        headers.set("Docker-Upload-UUID", id.toLatin1());
        headers.set("Content-Length", "0");
        ex.respond(202, std::move(headers));
    });
}

void RegistryHandler::completeUpload(Exchange &ex, const RouteMatch &m)
{
    if (!checkWritable(ex, m) || !authorize(ex, m.name, Access::Push)) {
        return;
    }
    if (!requireSha256(ex, m.digest)) {
        return;
    }
    auto lease = acquireUpload(ex, m);
    if (!lease) {
        return;
    }
    const HttpRequest &request = ex.request();
    const QByteArray contentRange = request.headers.value("Content-Range");
    if (!contentRange.isNull() && request.hasBody()) {
        // Spec: "If the final chunk is uploaded out of order, the registry MUST respond with 416".
        const auto range = Oci::ChunkRange::parse(contentRange);
        if (!range) {
            fail(ex, ErrorCode::BlobUploadInvalid, QStringLiteral("Content-Range: ") + range.error().message(), 400);
            return;
        }
        if (range->first != lease->size()) {
            HttpHeaders headers;
            headers.set("Location", uploadLocation(m.name, m.uploadId).toLatin1());
            headers.set("Range", Oci::UploadRange::format(lease->size()));
            fail(ex, ErrorCode::RangeInvalid,
                 QStringLiteral("the chunk starts at %1 but the upload has %2 bytes")
                     .arg(range->first)
                     .arg(lease->size()),
                 416, std::move(headers));
            return;
        }
    }
    receiveAndComplete(ex, m.name, std::move(lease), m.digest);
}

void RegistryHandler::receiveAndComplete(Exchange &ex, const QString &name, std::shared_ptr<UploadStore::Lease> lease,
                                         const Oci::Digest &digest)
{
    auto sink = std::make_shared<UploadSink>(std::move(lease));
    ex.streamBody(sink.get(), [this, &ex, sink, name, digest](const BodyResult &result) {
        const std::shared_ptr<UploadStore::Lease> held = sink->take();
        if (!result.ok) {
            if (result.error == BodyError::ClientGone) {
                return;
            }
            if (result.error == BodyError::SinkFailed) {
                fail(ex, ErrorCode::Unknown, QStringLiteral("the registry cannot write the upload"));
            } else {
                fail(ex, ErrorCode::BlobUploadInvalid, QStringLiteral("malformed request body"), 400);
            }
            return;
        }
        QString error;
        switch (held->finish(digest, m_blobs, &error)) {
        case UploadStore::FinishResult::Completed:
            break;
        case UploadStore::FinishResult::DigestMismatch:
            // The session is gone (lease->finish): the client must start again.
            fail(ex, ErrorCode::DigestInvalid, QStringLiteral("expected %1, but %2").arg(digest.toString(), error));
            return;
        case UploadStore::FinishResult::Failed:
            fail(ex, ErrorCode::Unknown, error);
            return;
        }
        if (!m_metadata.linkBlob(name, digest, &error)) {
            fail(ex, ErrorCode::Unknown, error);
            return;
        }
        HttpHeaders headers = baseHeaders();
        headers.set("Location", blobLocation(name, digest).toLatin1());
        headers.set("Docker-Content-Digest", digest.toString().toLatin1());
        headers.set("Content-Length", "0");
        ex.respond(201, std::move(headers));
    });
}

void RegistryHandler::getUpload(Exchange &ex, const RouteMatch &m)
{
    if (!authorize(ex, m.name, Access::Push)) {
        return;
    }
    const auto size = m_uploads.status(m.uploadId, m.name);
    if (!size) {
        failUpload(ex, UploadStore::Error::Unknown, m.name, m.uploadId);
        return;
    }
    // end-13: 204 with Location and Range (no Content-Length on a 204, RFC 9110 §8.6).
    HttpHeaders headers = baseHeaders();
    headers.set("Location", uploadLocation(m.name, m.uploadId).toLatin1());
    headers.set("Range", Oci::UploadRange::format(*size));
    headers.set("Docker-Upload-UUID", m.uploadId.toLatin1());
    ex.respond(204, std::move(headers));
}

void RegistryHandler::cancelUpload(Exchange &ex, const RouteMatch &m)
{
    if (!checkWritable(ex, m) || !authorize(ex, m.name, Access::Push)) {
        return;
    }
    if (!m_uploads.cancel(m.uploadId, m.name)) {
        failUpload(ex, UploadStore::Error::Unknown, m.name, m.uploadId);
        return;
    }
    ex.respond(204, baseHeaders());
}

} // namespace Minato::Registry
