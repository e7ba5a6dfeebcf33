#include "blobupload.h"

#include "clientlog.h"
#include "registryclient.h"

#include "oci/range.h"
#include "oci/reference.h"
#include "oci/routes.h"
#include "oci/sha256.h"

#include <QFileDevice>

#include <functional>

namespace Minato::Client {

namespace {

constexpr qint64 ProgressStepBytes = qint64(256) * 1024;
const QByteArray OctetStream = QByteArrayLiteral("application/octet-stream");

// DELETE <location> of an abandoned upload session, fire-and-forget: a child of the client, so it outlives the
// BlobUpload that started it (which is typically deleted right after finished()). distribution-spec "Cancel a
// blob upload": clients SHOULD send it when aborting and SHOULD ignore its failures.
class UploadSessionCleanup final : public Operation
{
public:
    UploadSessionCleanup(RegistryClient *client, QUrl location, QStringList scopes)
        : Operation(client, client)
        , m_location(std::move(location))
        , m_scopes(std::move(scopes))
    {}

protected:
    void run() override
    {
        HttpRequest request;
        request.method = QByteArrayLiteral("DELETE");
        request.url = m_location;
        request.scopes = m_scopes;
        request.ownProgress = true;
        send(request);
    }
    void handleResponse(const HttpResponse &response) override
    {
        qCDebug(lcClient).noquote() << "upload session abandoned:" << response.describe();
        if (beginFinish()) {
            deleteLater();
        }
    }
    void emitFailure(const ClientError &) override { deleteLater(); }

private:
    QUrl m_location;
    QStringList m_scopes;
};

} // namespace

// The body of one PUT or PATCH: bytes [offset, offset + length) of the blob, read from the source as QNAM asks
// for them (16 KiB at a time), so nothing but Qt's small buffers ever holds the blob. Random access when the
// source has it (QNAM may rewind it: a re-send after a 401, a connection that closed before the request went
// out); a sequential source is read once and cannot rewind. Every read is reported to the hook (progress, the
// digest of a blob sent without one).
class UploadWindow final : public QIODevice
{
public:
    using ReadHook = std::function<void(qint64 blobOffset, const char *data, qint64 length)>;

    UploadWindow(QIODevice *source, qint64 sourceStart, qint64 offset, qint64 length, ReadHook hook, QObject *parent)
        : QIODevice(parent)
        , m_source(source)
        , m_sourceStart(sourceStart)
        , m_offset(offset)
        , m_length(length)
        , m_hook(std::move(hook))
    {
        m_sequential = source->isSequential();
        if (m_sequential) {
            connect(source, &QIODevice::readyRead, this, &QIODevice::readyRead);
            connect(source, &QIODevice::readChannelFinished, this, &QIODevice::readChannelFinished);
        }
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }

    bool isSequential() const override { return m_sequential; }
    qint64 size() const override { return m_length; }
    bool atEnd() const override { return position() >= m_length; }
    qint64 bytesAvailable() const override
    {
        if (!m_sequential) {
            return QIODevice::bytesAvailable();
        }
        const qint64 available = m_source ? m_source->bytesAvailable() : 0;
        return qMin(available, m_length - m_delivered) + QIODevice::bytesAvailable();
    }
    bool seek(qint64 pos) override
    {
        if (m_sequential) {
            return pos == m_delivered;
        }
        return pos >= 0 && pos <= m_length && QIODevice::seek(pos);
    }
    bool reset() override { return m_sequential ? m_delivered == 0 : seek(0); }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        if (!m_source) {
            setErrorString(QStringLiteral("the upload source was destroyed"));
            return -1;
        }
        const qint64 at = position();
        const qint64 want = qMin(maxSize, m_length - at);
        if (want <= 0) {
            return m_sequential ? 0 : -1;
        }
        if (!m_sequential) {
            const qint64 sourcePos = m_sourceStart + m_offset + at;
            if (m_source->pos() != sourcePos && !m_source->seek(sourcePos)) {
                setErrorString(
                    QStringLiteral("cannot seek the source to %1: %2").arg(sourcePos).arg(m_source->errorString()));
                return -1;
            }
        }
        const qint64 n = m_source->read(data, want);
        if (n < 0 || (n == 0 && (!m_sequential || !m_source->isOpen() || m_source->atEnd()))) {
            // A source that ends early would leave the request short of its Content-Length: fail it now.
            setErrorString(
                QStringLiteral("the source ended %1 bytes early: %2").arg(m_length - at).arg(m_source->errorString()));
            return -1;
        }
        m_delivered = qMax(m_delivered, at + n);
        if (m_hook && n > 0) {
            m_hook(m_offset + at, data, n);
        }
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    qint64 position() const { return m_sequential ? m_delivered : pos(); }

    QPointer<QIODevice> m_source;
    qint64 m_sourceStart = 0;
    qint64 m_offset = 0;
    qint64 m_length = 0;
    qint64 m_delivered = 0;
    bool m_sequential = false;
    ReadHook m_hook;
};

BlobUpload::BlobUpload(RegistryClient *client, QString repository, Oci::Digest digest, qint64 size, QIODevice *source,
                       Options options, QObject *parent)
    : Operation(client, parent)
    , m_repository(std::move(repository))
    , m_digest(std::move(digest))
    , m_size(size)
    , m_source(source)
    , m_options(std::move(options))
{}

// m_window is a QObject child: it is deleted by ~QObject, after ~Operation has aborted the reply reading it.
BlobUpload::~BlobUpload() = default;

QString BlobUpload::sourceName() const
{
    if (const auto *file = qobject_cast<const QFileDevice *>(m_source.data()); file && !file->fileName().isEmpty()) {
        return file->fileName();
    }
    return tr("(upload source)");
}

QStringList BlobUpload::scopes() const
{
    QStringList scopes{QStringLiteral("repository:%1:pull,push").arg(m_repository)};
    if (!m_options.mountFrom.isEmpty() && m_options.mountFrom != m_repository) {
        scopes.append(QStringLiteral("repository:%1:pull").arg(m_options.mountFrom));
    }
    return scopes;
}

Oci::Digest BlobUpload::digestNow()
{
    if (m_digest.isValid()) {
        return m_digest;
    }
    if (!m_computed.isValid() && m_hasher && m_hashed == m_size) {
        m_computed = m_hasher->digest();
    }
    return m_computed;
}

void BlobUpload::run()
{
    if (const auto name = Oci::Reference::parseRepositoryPath(m_repository); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_repository, name.error().message())));
        return;
    }
    if (!m_options.mountFrom.isEmpty()) {
        if (const auto from = Oci::Reference::parseRepositoryPath(m_options.mountFrom); !from) {
            fail(ClientError::invalidRequest(
                QStringLiteral("mount source \"%1\": %2").arg(m_options.mountFrom, from.error().message())));
            return;
        }
    }
    if (m_size < 0) {
        fail(ClientError::invalidRequest(QStringLiteral("blob upload without a size")));
        return;
    }
    if (!m_source || !m_source->isOpen() || !m_source->isReadable()) {
        fail(ClientError::localFile(sourceName(), tr("it is not open for reading"),
                                    QStringLiteral("upload source not open for reading")));
        return;
    }
    if (!m_source->isSequential()) {
        m_sourceStart = m_source->pos();
        const qint64 available = m_source->size() - m_sourceStart;
        if (available < m_size) {
            fail(ClientError::localFile(sourceName(), tr("it holds %1 bytes, %2 expected").arg(available).arg(m_size),
                                        QStringLiteral("upload source holds %1 bytes from position %2, %3 expected")
                                            .arg(available)
                                            .arg(m_sourceStart)
                                            .arg(m_size)));
            return;
        }
    }
    if (!m_digest.isValid()) {
        m_hasher = std::make_unique<Oci::Hasher>(Oci::Digest::Algorithm::Sha256);
    }
    if (m_options.checkExisting && m_digest.isValid()) {
        sendExistenceCheck(Step::Exists);
        return;
    }
    startSession();
}

void BlobUpload::sendExistenceCheck(Step step)
{
    // distribution-spec "Checking if content exists in the registry": HEAD, 200 when the repository has it.
    const ConnectionProfile &profile = client()->profile();
    HttpRequest request;
    request.method = QByteArrayLiteral("HEAD");
    request.url = profile.urlFor(profile.routes().path(Oci::Endpoint::GetBlob, m_repository, digestNow().toString()));
    request.scopes = scopes();
    request.blobTransfer = true;
    request.ownProgress = true;
    m_step = step;
    send(request);
}

void BlobUpload::startSession()
{
    ++m_sessions;
    m_location.clear();
    m_acked = 0;
    m_inFlight = 0;
    m_patches = 0;
    m_monolithic = false;
    m_reported = -1;

    const ConnectionProfile &profile = client()->profile();
    const Oci::Digest digest = digestNow();
    const bool mount = !m_options.mountFrom.isEmpty() && m_options.mountFrom != m_repository && digest.isValid();
    // "Mounting a blob from another repository" (end-11), else "Pushing blobs" step 1 (end-4a). The spec's
    // chunked flow asks for Content-Length: 0 on this POST; QNAM sends it for an empty POST body, and a
    // Content-Type of its own choosing (form-urlencoded, with a warning) when the URL has a query: hence ours.
    const QString target = mount ? profile.routes().mount(m_repository, digest, m_options.mountFrom)
                                 : profile.routes().path(Oci::Endpoint::StartUpload, m_repository);
    HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = profile.urlFor(target);
    request.headers = {{QByteArrayLiteral("Content-Type"), OctetStream}};
    request.scopes = scopes();
    request.blobTransfer = true;
    request.ownProgress = true;
    m_step = Step::Start;
    send(request);
}

QUrl BlobUpload::updatedLocation(const HttpResponse &response) const
{
    // "Pushing blobs": Location may be absolute or relative (resolved against the URL that answered), may name
    // another host, and carries query parameters that matter to the registry: used as given, never rebuilt.
    const QByteArray location = response.header("Location").trimmed();
    if (location.isEmpty()) {
        return {};
    }
    return response.url.resolved(QUrl::fromEncoded(location));
}

void BlobUpload::handleResponse(const HttpResponse &response)
{
    switch (m_step) {
    case Step::Exists:
        if (response.status == 200) {
            finishWith(BlobUploadInfo::Outcome::AlreadyPresent, response.url);
            return;
        }
        startSession(); // 404, or a registry that cannot say: uploading is the safe way on
        return;
    case Step::Recheck:
        if (response.status == 200) {
            // The request broke off, the upload did not: the registry has the blob.
            qCInfo(lcClient).noquote() << "BlobUpload:" << digestNow().toString() << "landed despite the failure";
            finishWith(BlobUploadInfo::Outcome::Uploaded, response.url);
            return;
        }
        startSession();
        return;
    case Step::Start:
        onSessionStarted(response);
        return;
    case Step::Patch:
        onPatched(response);
        return;
    case Step::Monolithic:
    case Step::Close:
        onClosed(response);
        return;
    case Step::Idle:
        return;
    }
}

void BlobUpload::onSessionStarted(const HttpResponse &response)
{
    const bool mountAsked =
        !m_options.mountFrom.isEmpty() && m_options.mountFrom != m_repository && digestNow().isValid();
    if (response.status == 201 && mountAsked) {
        finishWith(BlobUploadInfo::Outcome::Mounted, updatedLocation(response));
        return;
    }
    if (response.status != 202) {
        fail(errorFromResponse(response));
        return;
    }
    m_location = updatedLocation(response);
    if (!m_location.isValid()) {
        fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                  response.describe() + QStringLiteral(": no Location for the upload session")));
        return;
    }
    bool ok = false;
    qint64 minChunk = response.header("OCI-Chunk-Min-Length").trimmed().toLongLong(&ok);
    if (!ok || minChunk < 0) {
        minChunk = 0;
    }
    if (digestNow().isValid() && m_size <= m_options.monolithicMaxBytes) {
        putMonolithic();
        return;
    }
    // "Pushing a blob in chunks": with OCI-Chunk-Min-Length every chunk but the last SHOULD be at least that
    // long. A registry that sends it wants chunks (it buffers them), so they are that size (not below
    // MinimumChunkBytes); without it, one PATCH carries the whole blob.
    if (m_options.chunkBytes > 0) {
        m_chunk = qMax(m_options.chunkBytes, minChunk);
    } else if (minChunk > 0) {
        m_chunk = qMax(minChunk, MinimumChunkBytes);
    } else {
        m_chunk = m_size;
    }
    m_chunk = qMax<qint64>(m_chunk, 1);
    sendNextPatch();
}

UploadWindow *BlobUpload::newWindow(qint64 offset, qint64 length)
{
    if (m_window) {
        // Not deleted at once: the finished reply that read it is itself only deleteLater()'d.
        m_window->deleteLater();
    }
    m_window = new UploadWindow(
        m_source, m_sourceStart, offset, length,
        [this](qint64 at, const char *data, qint64 n) { onBytesRead(at, data, n); }, this);
    return m_window;
}

void BlobUpload::onBytesRead(qint64 offset, const char *data, qint64 length)
{
    if (m_hasher && offset <= m_hashed && offset + length > m_hashed) {
        const qint64 skip = m_hashed - offset; // bytes read again by a re-send are hashed once
        m_hasher->addData(data + skip, length - skip);
        m_hashed = offset + length;
    }
    const qint64 sent = offset + length;
    if (m_reported < 0 || sent >= m_size || sent < m_reported || sent - m_reported >= ProgressStepBytes) {
        m_reported = sent;
        emit progress(sent, m_size);
    }
}

void BlobUpload::putMonolithic()
{
    // "Pushing a blob monolithically", POST then PUT: the whole blob with ?digest= on the session's Location.
    m_monolithic = true;
    HttpRequest request;
    request.method = QByteArrayLiteral("PUT");
    request.url =
        QUrl::fromEncoded(Oci::Routes::withDigest(m_location.toString(QUrl::FullyEncoded), digestNow()).toLatin1());
    request.headers = {{QByteArrayLiteral("Content-Type"), OctetStream}};
    if (m_size > 0) {
        request.uploadDevice = newWindow(0, m_size);
        request.uploadSize = m_size;
    }
    request.scopes = scopes();
    request.blobTransfer = true;
    request.ownProgress = true;
    request.timeoutMs = m_options.finalizeTimeoutMs;
    m_step = Step::Monolithic;
    send(request);
}

void BlobUpload::sendNextPatch()
{
    if (m_acked >= m_size) {
        closeSession();
        return;
    }
    const qint64 length = qMin(m_chunk, m_size - m_acked);
    m_inFlight = length;
    ++m_patches;
    HttpRequest request;
    request.method = QByteArrayLiteral("PATCH");
    request.url = m_location;
    // "Pushing a blob in chunks": Content-Range "<start>-<end>" inclusive, starting where the last chunk ended.
    request.headers = {{QByteArrayLiteral("Content-Type"), OctetStream},
                       {QByteArrayLiteral("Content-Range"), Oci::ChunkRange::format(m_acked, length)}};
    request.uploadDevice = newWindow(m_acked, length);
    request.uploadSize = length;
    request.scopes = scopes();
    request.blobTransfer = true;
    request.ownProgress = true;
    m_step = Step::Patch;
    send(request);
}

void BlobUpload::onPatched(const HttpResponse &response)
{
    // The spec says 202; ECR answers 201. Both are taken, and then the Range must prove the bytes arrived.
    if (response.status != 202 && response.status != 201) {
        fail(errorFromResponse(response));
        return;
    }
    const qint64 expected = m_acked + m_inFlight;
    const QByteArray rangeHeader = response.header("Range").trimmed();
    if (!rangeHeader.isEmpty()) {
        // "Range: 0-<end-of-range>", end-of-range being "the position of the last uploaded byte".
        const auto range = Oci::UploadRange::parse(rangeHeader);
        if (!range) {
            fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                      response.describe() +
                                          QStringLiteral(": unreadable Range \"%1\": %2")
                                              .arg(QString::fromLatin1(rangeHeader), range.error().message())));
            return;
        }
        const qint64 held = range->resumeOffset(expected);
        if (held < expected) {
            fail(ClientError::invalid(
                ClientError::Invalid::UploadIncomplete,
                response.describe() + QStringLiteral(": the registry holds %1 bytes after %2 were sent (Range: %3); "
                                                     "it dropped the chunk at %4")
                                          .arg(held)
                                          .arg(expected)
                                          .arg(QString::fromLatin1(rangeHeader))
                                          .arg(m_acked)));
            return;
        }
        if (held > expected) {
            fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                      response.describe() +
                                          QStringLiteral(": Range %1 claims more than the %2 bytes sent")
                                              .arg(QString::fromLatin1(rangeHeader))
                                              .arg(expected)));
            return;
        }
    }
    // Without a Range (the spec requires one) nothing can be checked here; the closing PUT's digest still is.
    m_acked = expected;
    m_inFlight = 0;
    if (const QUrl next = updatedLocation(response); next.isValid()) {
        m_location = next; // "Each consecutive chunk upload SHOULD use the <location> provided in the response"
    }
    sendNextPatch();
}

void BlobUpload::closeSession()
{
    const Oci::Digest digest = digestNow();
    if (!digest.isValid()) {
        fail(ClientError::localFile(
            sourceName(), tr("its SHA-256 could not be computed"),
            QStringLiteral("hashing the upload failed after %1 of %2 bytes").arg(m_hashed).arg(m_size)));
        return;
    }
    // "Pushing a blob in chunks": the session MUST be closed with PUT <location>?digest=<digest of the whole
    // blob>. The registry reads or moves the whole blob before it answers: hence the long timeout.
    HttpRequest request;
    request.method = QByteArrayLiteral("PUT");
    request.url =
        QUrl::fromEncoded(Oci::Routes::withDigest(m_location.toString(QUrl::FullyEncoded), digest).toLatin1());
    request.scopes = scopes();
    request.blobTransfer = true;
    request.ownProgress = true;
    request.timeoutMs = m_options.finalizeTimeoutMs;
    m_step = Step::Close;
    send(request);
}

void BlobUpload::onClosed(const HttpResponse &response)
{
    if (response.status < 200 || response.status >= 300 || response.status == 202) {
        fail(errorFromResponse(response));
        return;
    }
    m_location.clear(); // the session is consumed: nothing to DELETE any more
    const Oci::Digest digest = digestNow();
    const QByteArray header = response.header("Docker-Content-Digest").trimmed();
    if (!header.isEmpty()) {
        // The registry's canonical digest MAY use another algorithm; with the same one it must agree.
        const auto stored = Oci::Digest::parse(QString::fromLatin1(header));
        if (stored && stored->algorithm() == digest.algorithm() && *stored != digest) {
            fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                      response.describe() + QStringLiteral(": the registry stored %1, %2 was sent")
                                                                .arg(stored->toString(), digest.toString())));
            return;
        }
    }
    finishWith(BlobUploadInfo::Outcome::Uploaded, updatedLocation(response));
}

void BlobUpload::finishWith(BlobUploadInfo::Outcome outcome, const QUrl &location)
{
    if (!beginFinish()) {
        return;
    }
    BlobUploadInfo info;
    info.repository = m_repository;
    info.digest = digestNow();
    info.size = m_size;
    info.outcome = outcome;
    info.monolithic = m_monolithic;
    info.patches = m_patches;
    info.sessions = m_sessions;
    info.location = location;
    if (outcome == BlobUploadInfo::Outcome::Uploaded && m_reported != m_size) {
        emit progress(m_size, m_size);
    }
    emit finished(info);
}

bool BlobUpload::canResend() const
{
    return m_source && !m_source->isSequential() && m_sessions <= m_options.retries;
}

void BlobUpload::handleFailure(const ClientError &error)
{
    const bool transfer = m_step == Step::Patch || m_step == Step::Monolithic || m_step == Step::Close;
    const bool transient = error.kind() == ClientError::Kind::Transport || error.kind() == ClientError::Kind::Timeout;
    if (!transfer || !transient || !canResend()) {
        fail(error);
        return;
    }
    qCInfo(lcClient).noquote() << "BlobUpload: sending again after" << error.kindName() << error.technicalDetail();
    abandonSession();
    if (digestNow().isValid()) {
        // The answer may be what was lost: look before sending the bytes again.
        sendExistenceCheck(Step::Recheck);
        return;
    }
    startSession();
}

void BlobUpload::abandonSession()
{
    if (!m_location.isValid() || !client()) {
        m_location.clear();
        return;
    }
    auto *cleanup = new UploadSessionCleanup(client(), m_location, scopes());
    m_location.clear();
    cleanup->start();
}

void BlobUpload::emitFailure(const ClientError &error)
{
    abandonSession();
    emit finished(error);
}

} // namespace Minato::Client
