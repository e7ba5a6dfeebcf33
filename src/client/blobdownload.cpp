#include "blobdownload.h"

#include "clientlog.h"
#include "registryclient.h"

#include "oci/range.h"
#include "oci/reference.h"
#include "oci/routes.h"
#include "oci/sha256.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <filesystem>
#include <system_error>

namespace Minato::Client {

namespace {

constexpr qint64 ProgressStepBytes = qint64(256) * 1024;
constexpr qint64 RehashBufferBytes = qint64(1024) * 1024;

// The first `size` bytes of a file through a new hasher; bytesHashed() says how many could be read.
std::shared_ptr<Oci::Hasher> hashFilePrefix(const QString &path, qint64 size, Oci::Digest::Algorithm algorithm)
{
    auto hasher = std::make_shared<Oci::Hasher>(algorithm);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return hasher;
    }
    QByteArray buffer(RehashBufferBytes, Qt::Uninitialized);
    qint64 left = size;
    while (left > 0) {
        const qint64 n = file.read(buffer.data(), qMin<qint64>(left, buffer.size()));
        if (n <= 0) {
            break;
        }
        hasher->addData(buffer.constData(), n);
        left -= n;
    }
    return hasher;
}

std::filesystem::path fsPath(const QString &path)
{
#ifdef Q_OS_WIN
    return std::filesystem::path(path.toStdWString());
#else
    return std::filesystem::path(QFile::encodeName(path).toStdString());
#endif
}

} // namespace

QString replaceFile(const QString &from, const QString &to)
{
    std::error_code ec;
    std::filesystem::rename(fsPath(from), fsPath(to), ec);
    return ec ? QString::fromStdString(ec.message()) : QString();
}

BlobDownload::BlobDownload(RegistryClient *client, QString repository, Oci::Digest digest, QString filePath,
                           Options options, QObject *parent)
    : Operation(client, parent)
    , m_repository(std::move(repository))
    , m_digest(std::move(digest))
    , m_filePath(std::move(filePath))
    , m_partPath(partPathFor(m_filePath))
    , m_options(options)
{}

BlobDownload::~BlobDownload() = default;

void BlobDownload::failLocal(const QString &reason, const QString &detail)
{
    fail(ClientError::localFile(QDir::toNativeSeparators(m_partPath), reason, detail));
}

void BlobDownload::run()
{
    if (const auto name = Oci::Reference::parseRepositoryPath(m_repository); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_repository, name.error().message())));
        return;
    }
    if (!m_digest.isValid()) {
        fail(ClientError::invalidRequest(QStringLiteral("blob download without a digest")));
        return;
    }
    if (m_filePath.isEmpty()) {
        fail(ClientError::invalidRequest(QStringLiteral("blob download without a file name")));
        return;
    }
    if (!QFileInfo(m_filePath).absoluteDir().exists()) {
        failLocal(tr("its folder does not exist"), QStringLiteral("no folder for %1").arg(m_partPath));
        return;
    }
    const QFileInfo part(m_partPath);
    const qint64 partSize = part.exists() ? part.size() : 0;
    const bool tooLong = m_options.expectedSize >= 0 && partSize > m_options.expectedSize;
    if (!m_options.resume || partSize <= 0 || tooLong) {
        m_restarted = partSize > 0;
        if (openPart(0)) {
            m_hasher = std::make_unique<Oci::Hasher>(m_digest.algorithm());
            request();
        }
        return;
    }
    // Resume: the part's bytes go through the hasher again (they are not trusted blindly: a part from another
    // blob is caught by the final check, and its bytes then dropped).
    const Oci::Digest::Algorithm algorithm = m_digest.algorithm();
    const QString path = m_partPath;
    if (partSize <= OffThreadRehashBytes) {
        onPartHashed(hashFilePrefix(path, partSize, algorithm), partSize);
        return;
    }
    auto *watcher = new QFutureWatcher<std::shared_ptr<Oci::Hasher>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, partSize]() {
        std::shared_ptr<Oci::Hasher> hasher = watcher->result();
        watcher->deleteLater();
        if (!isFinished()) {
            onPartHashed(std::move(hasher), partSize);
        }
    });
    watcher->setFuture(
        QtConcurrent::run([path, partSize, algorithm]() { return hashFilePrefix(path, partSize, algorithm); }));
}

void BlobDownload::onPartHashed(const std::shared_ptr<Oci::Hasher> &hasher, qint64 partSize)
{
    qint64 keep = hasher->ok() ? hasher->bytesHashed() : 0;
    if (keep != partSize) {
        qCInfo(lcClient).noquote() << "BlobDownload: kept" << keep << "of" << partSize << "bytes of" << m_partPath;
    }
    if (keep > 0) {
        m_hasher = std::make_unique<Oci::Hasher>(std::move(*hasher));
    } else {
        m_restarted = true;
        m_hasher = std::make_unique<Oci::Hasher>(m_digest.algorithm());
    }
    if (!openPart(keep)) {
        return;
    }
    if (keep <= 0) {
        request();
        return;
    }
    if (m_options.expectedSize >= 0) {
        resumeWithSize(m_options.expectedSize, HttpResponse());
        return;
    }
    // The blob's size decides between a Range GET, a local check and starting over. Asking with Range
    // bytes=<size>- instead (416) would do on minato-registry, but distribution 2.8 answers that 416 with the
    // blob's Content-Length and a short body, which Qt reports as a closed connection.
    const ConnectionProfile &profile = client()->profile();
    HttpRequest head;
    head.method = QByteArrayLiteral("HEAD");
    head.url = profile.urlFor(profile.routes().path(Oci::Endpoint::GetBlob, m_repository, m_digest.toString()));
    head.scopes = {QStringLiteral("repository:%1:pull").arg(m_repository)};
    head.rawContent = true;
    head.blobTransfer = true;
    head.ownProgress = true;
    m_probing = true;
    send(head);
}

void BlobDownload::resumeWithSize(qint64 size, const HttpResponse &answer)
{
    if (size >= 0 && m_have == size) {
        // Every byte is in the part already: checked here, no body fetched.
        m_partOnly = true;
        m_resumedFrom = m_have;
        m_total = size;
        m_status = 0;
        finishPart(answer);
        return;
    }
    if (size >= 0 && m_have > size) {
        startOver();
        if (isFinished()) {
            return;
        }
    }
    request();
}

bool BlobDownload::openPart(qint64 keep)
{
    if (!m_part.isOpen()) {
        m_part.setFileName(m_partPath);
        if (!m_part.open(QIODevice::ReadWrite)) {
            failLocal(m_part.errorString(), QStringLiteral("cannot open %1: %2").arg(m_partPath, m_part.errorString()));
            return false;
        }
    }
    if (!m_part.resize(keep) || !m_part.seek(keep)) {
        failLocal(m_part.errorString(),
                  QStringLiteral("cannot cut %1 to %2 bytes: %3").arg(m_partPath).arg(keep).arg(m_part.errorString()));
        return false;
    }
    m_have = keep;
    return true;
}

void BlobDownload::startOver()
{
    m_restarted = true;
    m_hasher = std::make_unique<Oci::Hasher>(m_digest.algorithm());
    m_resumedFrom = 0;
    openPart(0);
}

void BlobDownload::request()
{
    const ConnectionProfile &profile = client()->profile();
    HttpRequest request;
    request.url = profile.urlFor(profile.routes().path(Oci::Endpoint::GetBlob, m_repository, m_digest.toString()));
    request.scopes = {QStringLiteral("repository:%1:pull").arg(m_repository)};
    request.rawContent = true; // the digest is over the bytes as stored, never a decoded body (PLATFORM.md)
    request.blobTransfer = true;
    request.streamBody = true;
    request.ownProgress = true;
    m_askedFrom = m_have;
    if (m_have > 0) {
        request.headers = {{QByteArrayLiteral("Range"), Oci::RangeRequest::format(m_have)}};
    }
    m_status = 0;
    send(request);
}

bool BlobDownload::beginBody(const HttpResponse &head)
{
    m_status = head.status;
    if (head.status == 206) {
        // RFC 9110 §15.3.7: the bytes are placed by Content-Range; only "from where we stopped" fits the part.
        const auto range = Oci::ContentRange::parse(head.header("Content-Range"));
        if (m_askedFrom <= 0 || !range || !range->range || range->range->first != m_askedFrom) {
            fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                      head.describe() +
                                          QStringLiteral(": 206 with Content-Range \"%1\" for Range bytes=%2-")
                                              .arg(QString::fromLatin1(head.header("Content-Range")))
                                              .arg(m_askedFrom)));
            return false;
        }
        m_resumedFrom = m_askedFrom;
        m_total = range->completeLength >= 0 ? range->completeLength : m_options.expectedSize;
    } else {
        // 200: the whole blob from its first byte, whether or not a Range was sent (RFC 9110 §14.2 lets a server
        // ignore it). What the part held is dropped.
        if (m_have > 0) {
            startOver();
            if (isFinished()) {
                return false;
            }
        }
        m_resumedFrom = 0;
        bool ok = false;
        const qint64 length = head.header("Content-Length").trimmed().toLongLong(&ok);
        m_total = ok && length >= 0 ? length : m_options.expectedSize;
    }
    if (m_options.expectedSize >= 0 && m_total >= 0 && m_total != m_options.expectedSize) {
        m_part.remove();
        fail(ClientError::invalid(
            ClientError::Invalid::DigestMismatch,
            head.describe() +
                QStringLiteral(": the blob has %1 bytes, %2 expected").arg(m_total).arg(m_options.expectedSize)));
        return false;
    }
    m_reported = -1;
    reportProgress(true);
    return true;
}

bool BlobDownload::bodyChunk(const QByteArray &chunk)
{
    if (m_options.expectedSize >= 0 && m_have + chunk.size() > m_options.expectedSize) {
        m_part.remove();
        fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                  QStringLiteral("GET blob %1: more than the %2 bytes expected")
                                      .arg(m_digest.toString())
                                      .arg(m_options.expectedSize)));
        return false;
    }
    if (m_part.write(chunk) != chunk.size()) {
        failLocal(m_part.errorString(),
                  QStringLiteral("writing %1 at %2: %3").arg(m_partPath).arg(m_have).arg(m_part.errorString()));
        return false;
    }
    m_hasher->addData(chunk);
    m_have += chunk.size();
    reportProgress(false);
    return true;
}

void BlobDownload::reportProgress(bool force)
{
    if (force || m_have - m_reported >= ProgressStepBytes || (m_total >= 0 && m_have >= m_total)) {
        if (m_have != m_reported || force) {
            m_reported = m_have;
            emit progress(m_have, m_total);
        }
    }
}

void BlobDownload::handleResponse(const HttpResponse &response)
{
    if (m_probing) {
        m_probing = false;
        bool ok = false;
        const qint64 length = response.header("Content-Length").trimmed().toLongLong(&ok);
        // Anything but a 200 with a length: the Range GET finds out (and reports a real error itself).
        resumeWithSize(response.status == 200 && ok ? length : -1, response);
        return;
    }
    if (response.status >= 200 && response.status < 300) {
        finishPart(response);
        return;
    }
    if (response.status == 416 && m_askedFrom > 0) {
        // Range not satisfiable: the part holds every byte already (Content-Range "bytes */SIZE" with SIZE the
        // part's size), or more than the blob has. Checked like a finished download; a mismatch starts over once.
        const auto range = Oci::ContentRange::parse(response.header("Content-Range"));
        if (!range || range->completeLength == m_have) {
            m_status = 416;
            m_resumedFrom = m_have;
            m_partOnly = true;
            finishPart(response);
            return;
        }
        if (!m_restarted) {
            startOver();
            if (!isFinished()) {
                request();
            }
            return;
        }
    }
    if (isExpiredStorageUrl(response) && m_renewals == 0) {
        // A presigned storage URL that expired between the registry's redirect and our request (S3 answers 403
        // "Request has expired", GCS 400): the registry signs a fresh one. Once: a second refusal is real.
        ++m_renewals;
        qCInfo(lcClient).noquote() << "BlobDownload:" << response.describe() << "— asking the registry again";
        request();
        return;
    }
    fail(errorFromResponse(response));
}

void BlobDownload::finishPart(const HttpResponse &response)
{
    if (!m_part.flush()) {
        failLocal(m_part.errorString(), QStringLiteral("flushing %1: %2").arg(m_partPath, m_part.errorString()));
        return;
    }
    m_part.close();
    if (!m_partOnly && m_total >= 0 && m_have < m_total) {
        // A body shorter than announced without a transport error: keep the part, a later download resumes it.
        fail(ClientError::transport(response.describe() +
                                    QStringLiteral(": the body ended after %1 of %2 bytes").arg(m_have).arg(m_total)));
        return;
    }
    const Oci::Digest received = m_hasher->digest();
    if (!received.isValid()) {
        failLocal(tr("its digest could not be computed"), QStringLiteral("hashing %1 failed").arg(m_partPath));
        return;
    }
    const bool sizeOk = m_options.expectedSize < 0 || m_have == m_options.expectedSize;
    if (received != m_digest || !sizeOk) {
        if (m_partOnly && !m_restarted) {
            // The part was complete in length but not in content: fetch the blob again, from its first byte.
            m_partOnly = false;
            startOver();
            if (!isFinished()) {
                request();
            }
            return;
        }
        QFile::remove(m_partPath); // nothing of it is kept: the next attempt starts clean
        fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                  response.describe() + QStringLiteral(": %1 bytes hashing to %2, asked for %3")
                                                            .arg(m_have)
                                                            .arg(received.toString(), m_digest.toString())));
        return;
    }
    // Verified: FILE appears whole or not at all (rename(2) replaces atomically; MoveFileEx on Windows).
    if (const QString problem = replaceFile(m_partPath, m_filePath); !problem.isEmpty()) {
        fail(ClientError::localFile(QDir::toNativeSeparators(m_filePath), problem,
                                    QStringLiteral("renaming %1 to %2: %3").arg(m_partPath, m_filePath, problem)));
        return;
    }
    if (!beginFinish()) {
        return;
    }
    BlobDownloadInfo info;
    info.repository = m_repository;
    info.digest = m_digest;
    info.filePath = m_filePath;
    info.size = m_have;
    info.resumedFrom = m_resumedFrom;
    info.restarted = m_restarted;
    info.redirectRenewals = m_renewals;
    info.httpStatus = m_status;
    if (m_reported != m_have) {
        emit progress(m_have, m_have);
    }
    emit finished(info);
}

void BlobDownload::emitFailure(const ClientError &error)
{
    if (m_part.isOpen()) {
        m_part.close(); // kept: the next download resumes it (a mismatch removed it already)
    }
    emit finished(error);
}

} // namespace Minato::Client
