#pragma once

// BlobCopy: one blob from a repository of one registry into a repository of another (or the same), streamed —
// the bytes go from the source's GET straight into the target's upload through a bounded buffer, never a whole
// blob in memory and never a temporary file.
//
//   auto *copy = new BlobCopy(source, u"team/app"_s, target, u"mirror/app"_s, layer, {}, this);
//   connect(copy, &BlobCopy::progress, bar, [bar](qint64 sent, qint64 total) { … });
//   connect(copy, &BlobCopy::finished, this, [copy](const BlobCopyResult &r) {
//       if (r) r->outcome;        // Copied, Mounted or AlreadyPresent
//       copy->deleteLater();
//   });
//   copy->start();
//
// What happens (distribution-spec v1.1 "Pulling blobs", "Pushing blobs"):
// 1. BlobUpload into the target with the descriptor's digest and size: HEAD first ("Checking if content exists":
//    present → AlreadyPresent, nothing read from the source); on the same registry (same origin) a
//    cross-repository mount first ("Mounting a blob from another repository": 201 → Mounted); else an upload
//    session whose body is the source's bytes.
// 2. Only when the upload asks for its first byte: GET /v2/<source>/blobs/<digest> (redirects to storage
//    followed by Operation, without credentials; an expired presigned URL asked for again once). The bytes are
//    hashed on the way. The answer must be a 200 of exactly the descriptor's size; the buffer holds at most
//    Options::bufferBytes (the GET is paused beyond it: TCP slows the source to the target's pace).
// 3. The last byte is held back until the whole blob has been received and its digest verified (the spec: the
//    client MUST verify what it pulled against the digest). A mismatch never reaches the target complete: the
//    upload fails, its session is DELETEd, and the copy ends with InvalidResponse(DigestMismatch). The target
//    verifies the digest again when the upload is closed (PUT ?digest=).
// 4. A transient failure (transport, timeout, 5xx, an upload the registry acknowledged short) is retried from
//    the start, at most Options::retries times; BlobUpload's HEAD then notices a blob that landed although its
//    answer was lost. A source error (404, denied, a digest mismatch) is not retried.
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before start()
// returns; cancel() ends it with Cancelled at once and DELETEs the target's upload session.

#include "compositeoperation.h"
#include "clienterror.h"
#include "result.h"

#include "oci/descriptor.h"

#include <QObject>
#include <QPointer>
#include <QString>

namespace Minato::Client {

class BlobPipe;
class BlobStream;
class BlobUpload;
class RegistryClient;
struct BlobUploadInfo;

struct BlobCopyInfo
{
    enum class Outcome {
        Copied,         // the bytes went from the source to the target
        Mounted,        // same registry: linked into the target repository, nothing sent
        AlreadyPresent, // the target repository had it
    };

    Oci::Descriptor blob;
    Outcome outcome = Outcome::Copied;
    int attempts = 0;     // 1 unless a transient failure made it start again
    qint64 bytesSent = 0; // bytes handed to the target (the blob's size when Copied)
};
using BlobCopyResult = Result<BlobCopyInfo>;

class BlobCopy final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BlobCopy)

public:
    struct Options
    {
        bool mount = true;                            // same origin: try a cross-repository mount first
        int retries = 2;                              // starts again after a transient failure
        qint64 bufferBytes = qint64(8) * 1024 * 1024; // received but not yet sent; the GET pauses beyond
    };

    BlobCopy(RegistryClient *source, QString sourceRepository, RegistryClient *target, QString targetRepository,
             Oci::Descriptor blob, Options options, QObject *parent = nullptr);
    ~BlobCopy() override;

    void start();
    const Oci::Descriptor &blob() const { return m_blob; }
    // Transient: worth starting again (by this class, or by a caller retrying a failed job).
    static bool isTransient(const ClientError &error);

signals:
    // Bytes of this blob handed to the target; restarts from 0 on a new attempt.
    void progress(qint64 sent, qint64 total);
    void finished(const Minato::Client::BlobCopyResult &result);

private:
    void attempt();
    void startStream();
    void onUploaded(const Result<BlobUploadInfo> &result);
    void onStreamFailed(const ClientError &error);
    void retryOrFail(const ClientError &error);
    void clear();
    void finishWith(const BlobCopyResult &result);
    void finishCancelled() override;

    QPointer<RegistryClient> m_source;
    QPointer<RegistryClient> m_target;
    QString m_sourceRepository;
    QString m_targetRepository;
    Oci::Descriptor m_blob;
    Options m_options;
    bool m_started = false;
    int m_attempts = 0;
    QPointer<BlobPipe> m_pipe;
    QPointer<BlobStream> m_stream;
    QPointer<BlobUpload> m_upload;
    bool m_streamFailed = false;
    ClientError m_streamError;
};

} // namespace Minato::Client
