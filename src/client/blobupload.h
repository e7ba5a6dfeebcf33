#pragma once

// BlobUpload: one blob from a QIODevice (a file, or any sequential device whose size is known) into a
// repository, with flat memory whatever its size.
//
//   QFile file(path);  file.open(QIODevice::ReadOnly);
//   auto *up = new BlobUpload(client, QStringLiteral("team/app"), digest, file.size(), &file, {}, this);
//   connect(up, &BlobUpload::progress, bar, [bar](qint64 sent, qint64 total) { … });
//   connect(up, &BlobUpload::finished, this, [up](const BlobUploadResult &r) {
//       if (r) { r->outcome … }          // Uploaded, Mounted or AlreadyPresent
//       up->deleteLater();
//   });
//   up->start();                         // up->cancel(): aborts, and DELETEs the registry's upload session
//
// The device is not owned and must stay open until finished(); it is read from its position at start().
// Without a digest (an invalid Oci::Digest) the sha256 is computed while sending and used to close the upload.
//
// What goes over the wire (distribution-spec v1.1, "Pushing blobs"):
// 1. HEAD /v2/<name>/blobs/<digest> (Options::checkExisting): 200 ends as AlreadyPresent ("Checking if content
//    exists in the registry").
// 2. POST /v2/<name>/blobs/uploads/, or ?mount=<digest>&from=<repository> with Options::mountFrom ("Mounting
//    a blob from another repository": 201 = mounted, 202 = a session to upload into). The Location it returns
//    is used as given, relative or absolute, query kept; each later answer's Location replaces it.
// 3. Small blobs (up to Options::monolithicMaxBytes, digest known): one PUT <location>?digest= with the bytes
//    ("Pushing a blob monolithically", POST then PUT).
//    Others: PATCH <location> with Content-Range/Content-Length, streamed from the device (QNAM's
//    DoNotBufferUploadDataAttribute: otherwise Qt holds the whole body in memory) — one PATCH for the whole
//    blob, or chunks of at least OCI-Chunk-Min-Length when the POST answer carries that header ("Pushing a
//    blob in chunks"). Each PATCH must be answered 202 (201 accepted too: ECR answers it) with a Range that
//    advanced exactly to the bytes sent; a Range short of them (ECR has been seen acknowledging and dropping
//    later chunks) ends as InvalidResponse(UploadIncomplete). Then PUT <location>?digest= with no body and a
//    long timeout (Options::finalizeTimeoutMs: the registry verifies the whole blob before answering).
// 4. A transport failure or timeout during a PATCH or PUT: HEAD the blob first (it may have landed — the answer
//    was lost, not the upload), then start over with a new session, at most Options::retries times; only a
//    device that can seek back can be sent again.
// On any failure and on cancel() an open session is DELETEd ("Cancel a blob upload"), fire-and-forget.
// A digest the registry does not agree with is its error (400 DIGEST_INVALID → Kind::Registry).
// progress(sent, total) counts the blob's bytes handed to the network (it restarts from 0 after a re-send).

#include "operation.h"
#include "result.h"

#include "oci/digest.h"

#include <QIODevice>
#include <QPointer>
#include <QUrl>

#include <memory>

namespace Minato::Oci {
class Hasher;
}

namespace Minato::Client {

class UploadWindow;

struct BlobUploadInfo
{
    enum class Outcome {
        Uploaded,       // the bytes were sent and the registry stored them
        Mounted,        // the registry linked it from Options::mountFrom: nothing was sent
        AlreadyPresent, // the repository had it (HEAD 200): nothing was sent
    };

    QString repository;
    Oci::Digest digest; // given, or computed while sending
    qint64 size = 0;
    Outcome outcome = Outcome::Uploaded;
    bool monolithic = false; // one PUT carried the bytes
    int patches = 0;         // PATCH requests of the successful attempt
    int sessions = 0;        // upload sessions opened (0: AlreadyPresent; more than 1 after a re-send)
    QUrl location;           // the blob's location as the registry gave it (201), resolved
};
using BlobUploadResult = Result<BlobUploadInfo>;

class BlobUpload final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BlobUpload)

public:
    struct Options
    {
        QString mountFrom;                               // try a cross-repository mount from here first
        bool checkExisting = true;                       // HEAD first (needs the digest)
        qint64 monolithicMaxBytes = qint64(1024) * 1024; // up to this (digest known): one PUT
        qint64 chunkBytes = 0;                           // > 0: PATCHes of this size (at least the registry's
                                                         // OCI-Chunk-Min-Length); 0: one PATCH unless it asks
        int finalizeTimeoutMs = 10 * 60 * 1000;          // the closing PUT's transfer timeout
        int retries = 1;                                 // re-sends after a transport failure or timeout
    };

    // The chunk size used when the registry sends OCI-Chunk-Min-Length and Options::chunkBytes is 0: the
    // registry's minimum, raised to this floor (a tiny minimum must not mean thousands of requests).
    static constexpr qint64 MinimumChunkBytes = qint64(4) * 1024 * 1024;

    BlobUpload(RegistryClient *client, QString repository, Oci::Digest digest, qint64 size, QIODevice *source,
               Options options, QObject *parent = nullptr);
    ~BlobUpload() override;

signals:
    void finished(const Minato::Client::BlobUploadResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void handleFailure(const ClientError &error) override;
    void emitFailure(const ClientError &error) override;

private:
    enum class Step { Idle, Exists, Start, Monolithic, Patch, Close, Recheck };

    QStringList scopes() const;
    void sendExistenceCheck(Step step);
    void startSession();
    void onSessionStarted(const HttpResponse &response);
    void putMonolithic();
    void sendNextPatch();
    void onPatched(const HttpResponse &response);
    void closeSession();
    void onClosed(const HttpResponse &response);
    void finishWith(BlobUploadInfo::Outcome outcome, const QUrl &location);
    void abandonSession();
    void retryAfterRecheck();
    bool canResend() const;
    // Body for bytes [offset, offset + length) of the blob; the previous one is released.
    UploadWindow *newWindow(qint64 offset, qint64 length);
    void onBytesRead(qint64 offset, const char *data, qint64 length);
    QUrl updatedLocation(const HttpResponse &response) const;
    // The digest to close with: the given one, or the computed one once every byte went through the hasher;
    // invalid before that.
    Oci::Digest digestNow();
    QString sourceName() const;

    QString m_repository;
    Oci::Digest m_digest; // as given (may be invalid)
    qint64 m_size = 0;
    QPointer<QIODevice> m_source;
    Options m_options;
    qint64 m_sourceStart = 0; // the device's position at start() (random-access devices)

    Step m_step = Step::Idle;
    QUrl m_location;       // the open upload session, empty when none
    qint64 m_chunk = 0;    // PATCH size; 0 until the session is open
    qint64 m_acked = 0;    // bytes the registry confirmed (Range)
    qint64 m_inFlight = 0; // bytes of the PATCH in flight
    int m_patches = 0;
    int m_sessions = 0;
    bool m_monolithic = false;
    std::unique_ptr<Oci::Hasher> m_hasher; // without a given digest
    qint64 m_hashed = 0;                   // bytes fed to m_hasher
    Oci::Digest m_computed;                // m_hasher's result once every byte went through it
    qint64 m_reported = -1;                // last progress() value
    QPointer<UploadWindow> m_window;
};

} // namespace Minato::Client
