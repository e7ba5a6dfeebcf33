#include "blobcopy.h"

#include "blobupload.h"
#include "clientlog.h"
#include "operation.h"
#include "registryclient.h"

#include "oci/routes.h"
#include "oci/sha256.h"

#include <QIODevice>

#include <deque>
#include <functional>
#include <optional>

namespace Minato::Client {

// The bounded buffer between the source's GET and the target's upload: written by BlobStream, read by the
// upload's request body (BlobUpload's window over a sequential device). Sequential and unbuffered; at most the
// blob's size minus one byte can be read until release() (the digest verified).
class BlobPipe final : public QIODevice
{
public:
    BlobPipe(qint64 size, qint64 capacity, QObject *parent)
        : QIODevice(parent)
        , m_size(size)
        , m_capacity(qMax<qint64>(capacity, 64 * 1024))
    {
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }

    std::function<void()> onDemand;  // the first read: time to start the GET
    std::function<void()> onDrained; // room again after isFull()

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return deliverable() - m_read + QIODevice::bytesAvailable(); }
    // False while bytes are still to come: an upload window reading 0 bytes then waits for readyRead().
    bool atEnd() const override { return m_failed || (m_released && m_read >= m_size); }

    bool isFull() const { return m_written - m_read >= m_capacity; }
    qint64 received() const { return m_written; }

    void append(const QByteArray &chunk)
    {
        if (chunk.isEmpty() || m_failed) {
            return;
        }
        m_chunks.push_back(chunk);
        m_written += chunk.size();
        if (isFull()) {
            m_writerWaiting = true; // the writer pauses: onDrained() once half of it has been read
        }
        emit readyRead();
    }
    // Every byte arrived and verified: the held-back byte may go.
    void release()
    {
        m_released = true;
        emit readyRead();
    }
    // The source failed: the next read fails the upload's request.
    void failWith(const QString &reason)
    {
        m_failed = true;
        m_chunks.clear();
        setErrorString(reason);
        emit readyRead();
    }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        if (!m_demanded) {
            m_demanded = true;
            if (onDemand) {
                // Queued: this runs inside QNAM's request body pull.
                QMetaObject::invokeMethod(
                    this,
                    [this]() {
                        if (onDemand) {
                            onDemand();
                        }
                    },
                    Qt::QueuedConnection);
            }
        }
        if (m_failed) {
            return -1;
        }
        qint64 n = 0;
        const qint64 want = qMin(maxSize, deliverable() - m_read);
        while (n < want && !m_chunks.empty()) {
            QByteArray &front = m_chunks.front();
            const qint64 take = qMin<qint64>(want - n, front.size() - m_offset);
            memcpy(data + n, front.constData() + m_offset, size_t(take));
            n += take;
            m_offset += take;
            if (m_offset == front.size()) {
                m_chunks.pop_front();
                m_offset = 0;
            }
        }
        m_read += n;
        if (m_writerWaiting && m_written - m_read <= m_capacity / 2) {
            m_writerWaiting = false;
            QMetaObject::invokeMethod(
                this,
                [this]() {
                    if (onDrained) {
                        onDrained();
                    }
                },
                Qt::QueuedConnection);
        }
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    qint64 deliverable() const { return m_released || m_size == 0 ? m_written : qMin(m_written, m_size - 1); }

    qint64 m_size = 0;
    qint64 m_capacity = 0;
    std::deque<QByteArray> m_chunks;
    qint64 m_offset = 0; // into m_chunks.front()
    qint64 m_written = 0;
    qint64 m_read = 0;
    bool m_released = false;
    bool m_failed = false;
    bool m_demanded = false;
    bool m_writerWaiting = false; // isFull() was reached: the writer waits for onDrained()
};

// The source side: GET the blob streamed into the pipe, hashing as it goes; paused while the pipe is full.
class BlobStream final : public Operation
{
public:
    BlobStream(RegistryClient *client, QString repository, Oci::Descriptor blob, BlobPipe *pipe, QObject *parent)
        : Operation(client, parent)
        , m_repository(std::move(repository))
        , m_blob(std::move(blob))
        , m_pipe(pipe)
        , m_hasher(m_blob.digest.algorithm())
    {
        pipe->onDrained = [this]() { setBodyPaused(false); };
    }

    // nullopt: every byte arrived and verified.
    std::function<void(const std::optional<ClientError> &)> onFinished;

protected:
    void run() override
    {
        const ConnectionProfile &profile = client()->profile();
        HttpRequest request;
        request.url =
            profile.urlFor(profile.routes().path(Oci::Endpoint::GetBlob, m_repository, m_blob.digest.toString()));
        request.scopes = {QStringLiteral("repository:%1:pull").arg(m_repository)};
        request.rawContent = true; // the digest is over the bytes as stored (PLATFORM.md)
        request.blobTransfer = true;
        request.streamBody = true;
        request.ownProgress = true;
        m_get = request;
        send(request);
    }

    bool beginBody(const HttpResponse &head) override
    {
        bool ok = false;
        const qint64 length = head.header("Content-Length").trimmed().toLongLong(&ok);
        if (head.status != 200 || (ok && length != m_blob.size)) {
            fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                      head.describe() + QStringLiteral(": %1 bytes announced for a blob of %2")
                                                            .arg(ok ? QString::number(length) : QStringLiteral("?"))
                                                            .arg(m_blob.size)));
            return false;
        }
        return true;
    }

    bool bodyChunk(const QByteArray &chunk) override
    {
        if (m_received + chunk.size() > m_blob.size) {
            fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                      QStringLiteral("%1@%2: more than the %3 bytes its descriptor says")
                                          .arg(m_repository, m_blob.digest.toString())
                                          .arg(m_blob.size)));
            return false;
        }
        m_received += chunk.size();
        m_hasher.addData(chunk);
        m_pipe->append(chunk);
        if (m_pipe->isFull()) {
            setBodyPaused(true);
        }
        return true;
    }

    void handleResponse(const HttpResponse &response) override
    {
        if (response.status == 200) {
            if (m_received != m_blob.size) {
                fail(ClientError::transport(response.describe() + QStringLiteral(": the body ended after %1 of %2 bytes")
                                                                      .arg(m_received)
                                                                      .arg(m_blob.size)));
                return;
            }
            const Oci::Digest got = m_hasher.digest();
            if (got != m_blob.digest) {
                fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                          QStringLiteral("%1: the source sent bytes whose digest is %2, not %3")
                                              .arg(response.describe(), got.toString(), m_blob.digest.toString())));
                return;
            }
            if (beginFinish()) {
                m_pipe->release();
                if (onFinished) {
                    onFinished(std::nullopt);
                }
            }
            return;
        }
        if (isExpiredStorageUrl(response) && !m_renewed && m_received == 0) {
            // An expired presigned storage URL (as in BlobDownload): the registry signs a fresh one, once.
            m_renewed = true;
            send(m_get);
            return;
        }
        fail(errorFromResponse(response));
    }

    void emitFailure(const ClientError &error) override
    {
        if (m_pipe) {
            m_pipe->failWith(error.technicalDetail());
        }
        if (onFinished) {
            onFinished(error);
        }
    }

private:
    QString m_repository;
    Oci::Descriptor m_blob;
    QPointer<BlobPipe> m_pipe;
    Oci::Hasher m_hasher;
    HttpRequest m_get; // sent again once for an expired storage URL
    qint64 m_received = 0;
    bool m_renewed = false;
};

BlobCopy::BlobCopy(RegistryClient *source, QString sourceRepository, RegistryClient *target,
                   QString targetRepository, Oci::Descriptor blob, Options options, QObject *parent)
    : CompositeOperation(parent)
    , m_source(source)
    , m_target(target)
    , m_sourceRepository(std::move(sourceRepository))
    , m_targetRepository(std::move(targetRepository))
    , m_blob(std::move(blob))
    , m_options(options)
{}

BlobCopy::~BlobCopy()
{
    clear();
}

bool BlobCopy::isTransient(const ClientError &error)
{
    switch (error.kind()) {
    case ClientError::Kind::Transport:
    case ClientError::Kind::Timeout:
        return true;
    case ClientError::Kind::Http:
    case ClientError::Kind::Registry:
        return error.httpStatus() >= 500;
    case ClientError::Kind::InvalidResponse:
        return error.invalidReason() == ClientError::Invalid::UploadIncomplete;
    default:
        return false;
    }
}

void BlobCopy::start()
{
    if (m_started || isFinished()) {
        return;
    }
    m_started = true;
    if (!m_source || !m_target) {
        finishWith(ClientError::invalidRequest(QStringLiteral("a blob copy without its registry clients")));
        return;
    }
    if (!m_blob.digest.isValid() || m_blob.size < 0) {
        finishWith(ClientError::invalidRequest(QStringLiteral("a blob copy needs the blob's digest and size")));
        return;
    }
    attempt();
}

void BlobCopy::attempt()
{
    clear();
    ++m_attempts;
    m_streamFailed = false;
    m_pipe = new BlobPipe(m_blob.size, m_options.bufferBytes, this);
    m_pipe->onDemand = [this]() { startStream(); };

    BlobUpload::Options uploadOptions;
    uploadOptions.checkExisting = true;
    uploadOptions.retries = 0; // a sequential source cannot be sent again: attempt() starts over instead
    const bool sameRegistry = sameOrigin(m_source->profile().origin(), m_target->profile().origin());
    if (m_options.mount && sameRegistry && m_sourceRepository != m_targetRepository) {
        uploadOptions.mountFrom = m_sourceRepository;
    }
    m_upload = new BlobUpload(m_target, m_targetRepository, m_blob.digest, m_blob.size, m_pipe, uploadOptions, this);
    connect(m_upload, &BlobUpload::progress, this, &BlobCopy::progress);
    connect(m_upload, &BlobUpload::finished, this, [this](const BlobUploadResult &r) { onUploaded(r); });
    m_upload->start();
}

void BlobCopy::startStream()
{
    if (isFinished() || m_stream || !m_pipe) {
        return;
    }
    m_stream = new BlobStream(m_source, m_sourceRepository, m_blob, m_pipe, this);
    m_stream->onFinished = [this](const std::optional<ClientError> &error) {
        if (error && !isFinished()) {
            onStreamFailed(*error);
        }
    };
    m_stream->start();
}

void BlobCopy::onStreamFailed(const ClientError &error)
{
    // The source's error is the one to tell; the upload is stopped (its session DELETEd) without waiting for it
    // to notice the pipe failing.
    m_streamFailed = true;
    m_streamError = error;
    if (m_upload) {
        disconnect(m_upload, nullptr, this, nullptr);
        m_upload->cancel();
    }
    retryOrFail(error);
}

void BlobCopy::onUploaded(const Result<BlobUploadInfo> &result)
{
    if (isFinished()) {
        return;
    }
    if (!result) {
        retryOrFail(m_streamFailed ? m_streamError : result.error());
        return;
    }
    BlobCopyInfo info;
    info.blob = m_blob;
    info.attempts = m_attempts;
    switch (result->outcome) {
    case BlobUploadInfo::Outcome::Uploaded:
        info.outcome = BlobCopyInfo::Outcome::Copied;
        info.bytesSent = m_blob.size;
        break;
    case BlobUploadInfo::Outcome::Mounted:
        info.outcome = BlobCopyInfo::Outcome::Mounted;
        break;
    case BlobUploadInfo::Outcome::AlreadyPresent:
        info.outcome = BlobCopyInfo::Outcome::AlreadyPresent;
        break;
    }
    clear();
    finishWith(info);
}

void BlobCopy::retryOrFail(const ClientError &error)
{
    if (isTransient(error) && m_attempts <= m_options.retries) {
        qCInfo(lcClient).noquote() << "BlobCopy: starting" << m_blob.digest.toString() << "again after"
                                   << error.kindName() << error.technicalDetail();
        // After the current call stack (inside a reply's signal) has unwound.
        QMetaObject::invokeMethod(
            this,
            [this]() {
                if (!isFinished()) {
                    attempt();
                }
            },
            Qt::QueuedConnection);
        return;
    }
    clear();
    finishWith(error);
}

void BlobCopy::clear()
{
    if (m_stream) {
        m_stream->onFinished = nullptr;
        m_stream->deleteLater(); // aborts the GET
        m_stream->cancel();
    }
    if (m_upload) {
        disconnect(m_upload, nullptr, this, nullptr);
        if (!m_upload->isFinished()) {
            m_upload->cancel(); // DELETEs the session
        }
        m_upload->deleteLater();
    }
    if (m_pipe) {
        m_pipe->onDemand = nullptr;
        m_pipe->onDrained = nullptr;
        m_pipe->deleteLater(); // after the upload, which reads it
    }
    m_stream = nullptr;
    m_upload = nullptr;
    m_pipe = nullptr;
}

void BlobCopy::finishCancelled()
{
    finishWith(ClientError::cancelled());
    clear();
}

void BlobCopy::finishWith(const BlobCopyResult &result)
{
    if (markFinished()) {
        emit finished(result);
    }
}

} // namespace Minato::Client
