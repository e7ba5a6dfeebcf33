#pragma once

// BlobDownload: one blob streamed into a file, verified against its digest, resumable.
//
//   auto *down = new BlobDownload(client, QStringLiteral("team/app"), layer.digest, path, {}, this);
//   connect(down, &BlobDownload::progress, bar, [bar](qint64 have, qint64 total) { … });   // total -1: unknown
//   connect(down, &BlobDownload::finished, this, [down](const BlobDownloadResult &r) {
//       if (r) open(r->filePath);   // verified: the file exists only now
//       down->deleteLater();
//   });
//   down->start();                  // down->cancel() keeps FILE.part: the next BlobDownload resumes it
//
// The bytes go to FILE.part with an incremental hash (OpenSSL EVP through Oci::Hasher, PLATFORM.md: ~8× faster
// than QCryptographicHash here) and memory stays flat. When the digest verifies, FILE.part is renamed over FILE
// (atomically: FILE is never seen half-written); when it does not, FILE.part is deleted and the download ends as
// InvalidResponse(DigestMismatch) with nothing written. distribution-spec v1.1 "Pulling blobs": the client MUST
// verify the content against the digest it fetched by; Docker-Content-Digest is not trusted over it.
//
// Resume (distribution-spec "Pulling blobs": registries SHOULD support Range requests, RFC 9110 §14): an
// existing FILE.part is hashed again (on a worker thread when large); the blob's size (Options::expectedSize,
// else a HEAD) tells whether the part is complete already (checked, no GET), too long (started over), or to be
// continued: the GET carries Range: bytes=N-. 206 from N continues it; 200 is the whole blob, and the part
// starts over; 416 means the part already holds every byte (checked like a finished download) or is too long.
//
// Registries redirect blob GETs to storage or a CDN (the spec: "This endpoint MAY issue a 307"). Operation follows
// them by hand, without the registry's credentials. A presigned URL that expired in between (its host answers
// 403 or 400) is asked for again once: the GET goes back to the registry for a fresh redirect.
// A failure keeps FILE.part (a resumable transfer); a digest mismatch and a part that cannot be trusted do not.

#include "operation.h"
#include "result.h"

#include "oci/digest.h"

#include <QFile>

#include <memory>

namespace Minato::Oci {
class Hasher;
}

namespace Minato::Client {

struct BlobDownloadInfo
{
    QString repository;
    Oci::Digest digest; // verified
    QString filePath;   // the file written
    qint64 size = 0;
    // Bytes of an earlier FILE.part kept: the GET carried Range: bytes=N- and the registry answered 206 (or 416:
    // the part was already complete). 0 when the download started from the first byte.
    qint64 resumedFrom = 0;
    bool restarted = false;   // a FILE.part existed but could not be continued (200 to the Range, 416, mismatch)
    int redirectRenewals = 0; // expired storage URLs replaced by asking the registry again
    // The answer that carried the body: 200, 206; 416 when the registry said the part was complete; 0 when the
    // part was complete by the blob's size (descriptor or HEAD) and no body was fetched.
    int httpStatus = 0;
};
using BlobDownloadResult = Result<BlobDownloadInfo>;

class BlobDownload final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BlobDownload)

public:
    struct Options
    {
        qint64 expectedSize = -1; // from the descriptor, when known: a body of another size is refused
        bool resume = true;       // continue an existing FILE.part; false: start over
    };

    // A FILE.part above this is hashed again on a worker thread (the GUI thread stays responsive).
    static constexpr qint64 OffThreadRehashBytes = qint64(4) * 1024 * 1024;

    BlobDownload(RegistryClient *client, QString repository, Oci::Digest digest, QString filePath, Options options,
                 QObject *parent = nullptr);
    ~BlobDownload() override;

    static QString partPathFor(const QString &filePath) { return filePath + QStringLiteral(".part"); }

signals:
    void finished(const Minato::Client::BlobDownloadResult &result);

protected:
    void run() override;
    bool beginBody(const HttpResponse &head) override;
    bool bodyChunk(const QByteArray &chunk) override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override;

private:
    void onPartHashed(const std::shared_ptr<Oci::Hasher> &hasher, qint64 partSize);
    // The blob's size known (-1: not known): the part is complete, too long, or continued with a Range GET.
    void resumeWithSize(qint64 size, const HttpResponse &answer);
    void request();
    bool openPart(qint64 keep);
    void startOver();
    void finishPart(const HttpResponse &response);
    void failLocal(const QString &reason, const QString &detail);
    void reportProgress(bool force);

    QString m_repository;
    Oci::Digest m_digest;
    QString m_filePath;
    QString m_partPath;
    Options m_options;

    QFile m_part;
    std::unique_ptr<Oci::Hasher> m_hasher;
    qint64 m_have = 0;        // bytes in the part (and through the hasher)
    qint64 m_askedFrom = 0;   // Range start of the request in flight (0: none)
    qint64 m_resumedFrom = 0; // the answer continued the part from here
    qint64 m_total = -1;
    qint64 m_reported = -1;
    bool m_restarted = false;
    bool m_probing = false;  // the HEAD that learns the blob's size before resuming
    bool m_partOnly = false; // finishing with the part's bytes alone (complete already)
    int m_renewals = 0;
    int m_status = 0;
};

// Renames a finished file (a ".part") to its final name, replacing a file there in one step (rename(2);
// MoveFileEx on Windows), so the final name shows the whole file or nothing. The reason when it failed, else empty.
QString replaceFile(const QString &from, const QString &to);

} // namespace Minato::Client
