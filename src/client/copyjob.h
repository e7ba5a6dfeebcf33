#pragma once

// CopyJob: an image — one manifest or a whole index, optionally with its signatures, SBOMs and attestations —
// from any connection to any other (or another repository of the same one), digests preserved exactly.
//
//   CopyJob::Options options;                       // all platforms, no referrers, 4 blobs at a time
//   options.referrers = true;
//   auto *job = new CopyJob(hub, {u"library/nginx"_s, u"1.27"_s}, local, {u"mirror/nginx"_s, u"1.27"_s}, options);
//   connect(job, &CopyJob::planned, this, [](const ImageGraph &g) { if (g.rewritten()) warn(); });
//   connect(job, &CopyJob::progress, bar, [](const CopyProgress &p) { p.doneBytes; p.totalBytes; p.bytesPerSecond; });
//   connect(job, &CopyJob::finished, this, [job](const CopyResult &r) {
//       if (r) r->digest;                      // what the target tag now names
//       else job->failedBlobs();               // what a retry (a new CopyJob) still has to send
//       job->deleteLater();
//   });
//   job->start();                              // job->cancel(): stops every transfer, DELETEs upload sessions
//
// Steps:
// 1. ImageGraphQuery on the source (imagegraph.h): every manifest verified, the blobs they name, referrers when
//    asked, a platform subset as a rewritten index (a new digest: planned() shows it, and signatures made on
//    the original do not apply — the original's referrers are not copied).
// 2. Blobs, Options::parallel at a time, each a BlobCopy (blobcopy.h): skipped when the target has it (HEAD),
//    mounted within one registry, else streamed from the source into the target with flat memory. Foreign
//    (non-distributable) layers are left out unless Options::foreignLayers (registries accept manifests
//    naming them). A blob that fails does not stop the others; the job then fails without pushing any
//    manifest (a manifest whose blobs are missing would be refused anyway), and failedBlobs() lists them.
//    Resuming is running the job again: finished blobs answer the HEAD and are not sent twice.
// 3. Manifests, children before the manifests naming them, with their exact bytes (ManifestPut): children
//    and referrers by digest, the top under the target's tag (or by digest when the target names none and the
//    source was asked by digest).
// 4. Referrers pushed to a registry without the referrers API (no OCI-Subject in the answer): the client keeps
//    the referrers tag schema itself (distribution-spec v1.1 "Pushing Manifests with Subject": pull the
//    index tagged sha256-<subject hex>, add the referrer's descriptor, push it back) — once per subject, with
//    every referrer of that subject added.
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before start()
// returns; cancel() ends it with Cancelled at once; deleting it aborts what is in flight.

#include "blobcopy.h"
#include "compositeoperation.h"
#include "clienterror.h"
#include "imagegraph.h"
#include "result.h"

#include "oci/digest.h"
#include "oci/platform.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTimer>

namespace Minato::Client {

class RegistryClient;
struct ManifestInfo;
struct ManifestPutInfo;

struct CopyProgress
{
    struct Blob
    {
        Oci::Digest digest;
        qint64 sent = 0; // handed to the target so far (restarts at 0 on a retry)
        qint64 size = 0;
    };

    qint64 doneBytes = 0;      // blob bytes finished (sent, mounted or present) plus those in flight
    qint64 totalBytes = 0;     // of every blob to copy
    qint64 sentBytes = 0;      // actually sent to the target
    double bytesPerSecond = 0; // sending speed over the last few seconds
    int blobsDone = 0;
    int blobsTotal = 0;
    int manifestsDone = 0;
    int manifestsTotal = 0;
    QList<Blob> inFlight; // the blobs being copied now, in the order they started
};

struct CopyInfo
{
    QString sourceRepository;
    QString sourceReference;
    QString targetRepository;
    QString targetReference; // the tag pushed, or the digest
    Oci::Digest digest;      // of the top manifest in the target
    QString mediaType;
    Oci::Digest originalDigest; // a platform subset: the source's index digest (else invalid)
    QList<Oci::Platform> platforms;
    int blobsCopied = 0;
    int blobsMounted = 0;
    int blobsPresent = 0;
    int foreignSkipped = 0;
    int manifestsPushed = 0;
    int referrersCopied = 0;
    int fallbackIndexes = 0; // referrers tag schema indexes written (target without the referrers API)
    qint64 bytesSent = 0;
    qint64 elapsedMs = 0;
};
using CopyResult = Result<CopyInfo>;

class CopyJob final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CopyJob)

public:
    struct Image
    {
        QString repository;
        QString reference; // source: a tag or digest; target: a tag, or empty (the source's tag, else by digest)
    };
    struct Options
    {
        QList<Oci::Platform> platforms; // empty: all (digests unchanged)
        bool referrers = false;         // signatures, SBOMs, attestations too
        bool foreignLayers = false;     // copy non-distributable layers' bytes as well
        int parallel = 4;               // blobs in flight
        int retries = 2;                // per blob, after a transient failure
        qint64 bufferBytesPerBlob = qint64(8) * 1024 * 1024;
        int progressIntervalMs = 250;
    };

    CopyJob(RegistryClient *source, Image sourceImage, RegistryClient *target, Image targetImage, Options options,
            QObject *parent = nullptr);
    ~CopyJob() override;

    void start();
    // The blobs that failed, with their errors (after finished()).
    const QList<QPair<Oci::Descriptor, ClientError>> &failedBlobs() const { return m_failed; }

signals:
    // The source has been read: what will be copied.
    void planned(const Minato::Client::ImageGraph &graph);
    void blobStarted(const Oci::Descriptor &blob);
    void blobFinished(const Oci::Descriptor &blob, const Minato::Client::BlobCopyResult &result);
    void progress(const Minato::Client::CopyProgress &progress);
    void finished(const Minato::Client::CopyResult &result);

private:
    void onGraph(const ImageGraphResult &result);
    void pumpBlobs();
    void onBlobFinished(BlobCopy *copy, const BlobCopyResult &result);
    void pushNextManifest();
    void onManifestPushed(const GraphManifest &manifest, const Result<ManifestPutInfo> &result);
    void updateNextFallbackIndex();
    void onFallbackRead(const Oci::Digest &subject, const Result<ManifestInfo> &result);
    void emitProgress();
    void finishWith(const CopyResult &result);
    void finishCancelled() override;
    void stopAll();

    QPointer<RegistryClient> m_source;
    QPointer<RegistryClient> m_target;
    Image m_sourceImage;
    Image m_targetImage;
    Options m_options;
    bool m_started = false;

    ImageGraph m_graph;
    QList<Oci::Descriptor> m_blobQueue;
    QList<QPointer<BlobCopy>> m_running;
    QHash<BlobCopy *, qint64> m_inFlight; // bytes sent so far by each running copy
    QList<QPair<Oci::Descriptor, ClientError>> m_failed;
    int m_nextManifest = 0;
    QList<Oci::Digest> m_fallbackSubjects;           // subjects whose referrers went to a registry without the API
    QHash<QString, QList<Oci::Descriptor>> m_fallbackReferrers; // by subject digest
    CopyInfo m_info;
    CopyProgress m_progress;
    QElapsedTimer m_clock;
    QTimer m_progressTimer;
    QList<QPair<qint64, qint64>> m_samples; // (ms, sentBytes) for the speed
};

} // namespace Minato::Client
