// BlobUpload and BlobDownload against real peers — minato-registry AND the CNCF reference registry (each case runs
// on both, GENERATE) — and against stand-ins for what no peer here does on cue:
// - an ECR-like registry answering a PATCH with 201 and a Range that did not advance (ECR is not reachable
//   from here; the shape is ECR's: OCI-Chunk-Min-Length 5 MiB, 201 to PATCH);
// - an expired presigned storage URL (S3's 403 "Request has expired"; no object storage here);
// - a closing PUT whose answer never comes although the blob landed.
// Memory: the 64 MiB cases sample this process's VmRSS on every progress signal; the registries are other
// processes, so the growth measured is the client's alone.
#include "embeddedregistryprocess.h"
#include "referenceregistry.h"
#include "registrycontent.h"
#include "standinserver.h"

#include "client/blobdownload.h"
#include "client/blobupload.h"
#include "client/registryclient.h"
#include "oci/errorcode.h"
#include "oci/sha256.h"

#include <catch2/catch.hpp>

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Minato::Client;
using namespace Minato::Test;
using Minato::Oci::Digest;
using Minato::Oci::ErrorCode;
using Minato::Oci::Sha256Hasher;

namespace {

constexpr qint64 MiB = qint64(1024) * 1024;

enum class Peer { Minato, Reference };

// One registry process of either kind.
struct RunningPeer
{
    std::unique_ptr<EmbeddedRegistryProcess> minato;
    std::unique_ptr<ReferenceRegistry> reference;
    QUrl base;
    QString error;

    bool start(Peer peer)
    {
        if (peer == Peer::Minato) {
            minato = std::make_unique<EmbeddedRegistryProcess>();
            if (!minato->start()) {
                error = minato->errorString();
                return false;
            }
            base = minato->baseUrl();
            return true;
        }
        reference = std::make_unique<ReferenceRegistry>();
        if (!reference->start()) {
            error = reference->errorString();
            return false;
        }
        base = reference->baseUrl();
        return true;
    }
};

const char *peerName(Peer peer)
{
    return peer == Peer::Minato ? "minato-registry" : "reference registry (distribution)";
}

QByteArray randomBytes(qint64 size, quint32 seed)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator generator(seed);
    generator.fillRange(reinterpret_cast<quint32 *>(data.data()), size / 4);
    for (qint64 i = size / 4 * 4; i < size; ++i) {
        data[i] = char(generator.generate());
    }
    return data;
}

struct BlobFile
{
    QString path;
    Digest digest;
    qint64 size = 0;
};

// A file of random bytes written 1 MiB at a time (never the whole blob in memory), with its digest.
BlobFile writeRandomFile(const QString &path, qint64 size, quint32 seed)
{
    BlobFile blob;
    blob.path = path;
    blob.size = size;
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    Sha256Hasher hasher;
    for (qint64 done = 0; done < size;) {
        const QByteArray chunk = randomBytes(qMin(MiB, size - done), seed + quint32(done / MiB));
        REQUIRE(file.write(chunk) == chunk.size());
        hasher.addData(chunk);
        done += chunk.size();
    }
    blob.digest = hasher.digest();
    return blob;
}

Digest digestOfFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    Sha256Hasher hasher;
    while (!file.atEnd()) {
        hasher.addData(file.read(MiB));
    }
    return hasher.digest();
}

// VmRSS / VmHWM of this process, in KiB.
qint64 procStatusKiB(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field)) {
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toLongLong();
        }
    }
    return -1;
}

qint64 rssKiB()
{
    return procStatusKiB("VmRSS:");
}

// A device that can only be read forward (a pipe, a decompressor): exercises the sequential path.
class SequentialSource final : public QIODevice
{
public:
    explicit SequentialSource(QByteArray data)
        : m_data(std::move(data))
    {
        open(QIODevice::ReadOnly);
    }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_data.size() - m_at + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = qMin(maxSize, qint64(m_data.size()) - m_at);
        if (n <= 0) {
            return -1;
        }
        memcpy(data, m_data.constData() + m_at, size_t(n));
        m_at += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_at = 0;
};

constexpr int kTimeoutMs = 120000; // an upload or download run to its end

std::optional<BlobUploadResult> upload(RegistryClient &client, const QString &repository, const Digest &digest,
                                       QIODevice *source, qint64 size, const BlobUpload::Options &options = {})
{
    BlobUpload op(&client, repository, digest, size, source, options);
    return runToEnd<BlobUpload, BlobUploadResult>(&op, kTimeoutMs);
}

std::optional<BlobDownloadResult> download(RegistryClient &client, const QString &repository, const Digest &digest,
                                           const QString &path, const BlobDownload::Options &options = {})
{
    BlobDownload op(&client, repository, digest, path, options);
    return runToEnd<BlobDownload, BlobDownloadResult>(&op, kTimeoutMs);
}

std::string describe(const std::optional<BlobUploadResult> &r)
{
    if (!r) {
        return "no result";
    }
    return r->hasValue() ? "ok" : (r->error().kindName() + u' ' + r->error().technicalDetail()).toStdString();
}

std::string describe(const std::optional<BlobDownloadResult> &r)
{
    if (!r) {
        return "no result";
    }
    return r->hasValue() ? "ok" : (r->error().kindName() + u' ' + r->error().technicalDetail()).toStdString();
}

} // namespace

TEST_CASE("Blob transfer: a small blob goes up in one PUT, is found by HEAD, and comes back verified",
          "[e2e][client][transfer]")
{
    const Peer peer = GENERATE(Peer::Minato, Peer::Reference);
    INFO(peerName(peer));
    RunningPeer registry;
    if (!registry.start(peer)) {
        FAIL(registry.error.toStdString());
    }
    RegistryClient client(profileFor(registry.base));
    QByteArray data = randomBytes(qint64(300) * 1024, 7);
    const Digest digest = Sha256Hasher::digestOf(data);
    QBuffer buffer(&data);
    REQUIRE(buffer.open(QIODevice::ReadOnly));

    const auto up = upload(client, QStringLiteral("xfer/small"), digest, &buffer, data.size());
    INFO(describe(up));
    REQUIRE(up);
    REQUIRE(up->hasValue());
    CHECK(up->value().outcome == BlobUploadInfo::Outcome::Uploaded);
    CHECK(up->value().monolithic);
    CHECK(up->value().patches == 0);
    CHECK(up->value().sessions == 1);
    CHECK(up->value().digest == digest);

    buffer.seek(0);
    const auto again = upload(client, QStringLiteral("xfer/small"), digest, &buffer, data.size());
    REQUIRE(again);
    REQUIRE(again->hasValue());
    CHECK(again->value().outcome == BlobUploadInfo::Outcome::AlreadyPresent);
    CHECK(again->value().sessions == 0);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("small.blob"));
    const auto down = download(client, QStringLiteral("xfer/small"), digest, path);
    INFO(describe(down));
    REQUIRE(down);
    REQUIRE(down->hasValue());
    CHECK(down->value().size == data.size());
    CHECK(down->value().resumedFrom == 0);
    CHECK(down->value().httpStatus == 200);
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == data);
    CHECK_FALSE(QFileInfo::exists(BlobDownload::partPathFor(path)));
}

TEST_CASE("Blob transfer: 64 MiB go up in one streamed PATCH and come down with flat memory",
          "[e2e][client][transfer][memory]")
{
    const Peer peer = GENERATE(Peer::Minato, Peer::Reference);
    INFO(peerName(peer));
    RunningPeer registry;
    if (!registry.start(peer)) {
        FAIL(registry.error.toStdString());
    }
    RegistryClient client(profileFor(registry.base));
    QTemporaryDir dir;
    const BlobFile blob = writeRandomFile(dir.filePath(QStringLiteral("big.src")), 64 * MiB, 11);
    QFile source(blob.path);
    REQUIRE(source.open(QIODevice::ReadOnly));

    const qint64 rssBefore = rssKiB();
    qint64 rssMax = rssBefore;
    qint64 lastSent = 0;
    int progressSignals = 0;
    BlobUpload op(&client, QStringLiteral("xfer/big"), blob.digest, blob.size, &source, {});
    QObject::connect(&op, &BlobUpload::progress, &op, [&](qint64 sent, qint64 total) {
        CHECK(total == blob.size);
        lastSent = sent;
        ++progressSignals;
        rssMax = qMax(rssMax, rssKiB());
    });
    QElapsedTimer clock;
    clock.start();
    const auto up = runToEnd<BlobUpload, BlobUploadResult>(&op, kTimeoutMs);
    const qint64 uploadMs = clock.restart();
    INFO(describe(up));
    REQUIRE(up);
    REQUIRE(up->hasValue());
    CHECK(up->value().outcome == BlobUploadInfo::Outcome::Uploaded);
    CHECK_FALSE(up->value().monolithic);
    CHECK(up->value().patches == 1);
    CHECK(lastSent == blob.size);
    CHECK(progressSignals > 10);
    const qint64 uploadGrowth = rssMax - rssBefore;
    qInfo("%s: 64 MiB upload in %lld ms: RSS %lld KiB before, %lld KiB at most during (+%lld KiB), %d progress "
          "signals",
          peerName(peer), uploadMs, rssBefore, rssMax, uploadGrowth, progressSignals);
    CHECK(uploadGrowth < qint64(16) * 1024); // the blob is 65536 KiB

    const QString target = dir.filePath(QStringLiteral("big.out"));
    const qint64 rssBeforeDown = rssKiB();
    qint64 rssMaxDown = rssBeforeDown;
    BlobDownload get(&client, QStringLiteral("xfer/big"), blob.digest, target, {});
    QObject::connect(&get, &BlobDownload::progress, &get,
                     [&](qint64, qint64) { rssMaxDown = qMax(rssMaxDown, rssKiB()); });
    clock.restart();
    const auto down = runToEnd<BlobDownload, BlobDownloadResult>(&get, kTimeoutMs);
    const qint64 downloadMs = clock.elapsed();
    INFO(describe(down));
    REQUIRE(down);
    REQUIRE(down->hasValue());
    CHECK(down->value().size == blob.size);
    CHECK(digestOfFile(target) == blob.digest);
    const qint64 downloadGrowth = rssMaxDown - rssBeforeDown;
    qInfo("%s: 64 MiB download in %lld ms: RSS %lld KiB before, %lld KiB at most during (+%lld KiB)", peerName(peer),
          downloadMs, rssBeforeDown, rssMaxDown, downloadGrowth);
    CHECK(downloadGrowth < qint64(16) * 1024);
}

TEST_CASE("Blob transfer: chunked PATCHes from a sequential device, the digest computed while sending",
          "[e2e][client][transfer]")
{
    const Peer peer = GENERATE(Peer::Minato, Peer::Reference);
    INFO(peerName(peer));
    RunningPeer registry;
    if (!registry.start(peer)) {
        FAIL(registry.error.toStdString());
    }
    RegistryClient client(profileFor(registry.base));
    const QByteArray data = randomBytes(3 * MiB + 12345, 21);
    const Digest digest = Sha256Hasher::digestOf(data);
    SequentialSource source(data);
    BlobUpload::Options options;
    options.chunkBytes = MiB; // four PATCHes: 1 + 1 + 1 MiB and the rest; each Range checked, each Location followed
    const auto up = upload(client, QStringLiteral("xfer/chunks"), Digest(), &source, data.size(), options);
    INFO(describe(up));
    REQUIRE(up);
    REQUIRE(up->hasValue());
    CHECK(up->value().patches == 4);
    CHECK(up->value().digest == digest);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("chunks.blob"));
    const auto down = download(client, QStringLiteral("xfer/chunks"), digest, path);
    INFO(describe(down));
    REQUIRE(down);
    REQUIRE(down->hasValue());
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == data);
}

TEST_CASE("Blob transfer: a blob is mounted from another repository, and a failed mount uploads",
          "[e2e][client][transfer]")
{
    const Peer peer = GENERATE(Peer::Minato, Peer::Reference);
    INFO(peerName(peer));
    RunningPeer registry;
    if (!registry.start(peer)) {
        FAIL(registry.error.toStdString());
    }
    RegistryClient client(profileFor(registry.base));
    QByteArray data = randomBytes(qint64(200) * 1024, 31);
    const Digest digest = Sha256Hasher::digestOf(data);
    QBuffer buffer(&data);
    REQUIRE(buffer.open(QIODevice::ReadOnly));
    const auto seed = upload(client, QStringLiteral("xfer/mount-src"), digest, &buffer, data.size());
    INFO(describe(seed));
    REQUIRE(seed);
    REQUIRE(seed->hasValue());

    BlobUpload::Options options;
    options.mountFrom = QStringLiteral("xfer/mount-src");
    options.checkExisting = false;
    buffer.seek(0);
    const auto mounted = upload(client, QStringLiteral("xfer/mount-dst"), digest, &buffer, data.size(), options);
    INFO(describe(mounted));
    REQUIRE(mounted);
    REQUIRE(mounted->hasValue());
    CHECK(mounted->value().outcome == BlobUploadInfo::Outcome::Mounted);
    CHECK(mounted->value().sessions == 1);
    CHECK(buffer.pos() == 0); // nothing was read

    buffer.seek(0);
    const auto present = upload(client, QStringLiteral("xfer/mount-dst"), digest, &buffer, data.size());
    REQUIRE(present);
    REQUIRE(present->hasValue());
    CHECK(present->value().outcome == BlobUploadInfo::Outcome::AlreadyPresent);

    // From a repository that does not have it: the registry opens a session instead (202), and the bytes go up.
    options.mountFrom = QStringLiteral("xfer/nowhere");
    buffer.seek(0);
    const auto fallback = upload(client, QStringLiteral("xfer/mount-other"), digest, &buffer, data.size(), options);
    INFO(describe(fallback));
    REQUIRE(fallback);
    REQUIRE(fallback->hasValue());
    CHECK(fallback->value().outcome == BlobUploadInfo::Outcome::Uploaded);
}

TEST_CASE("Blob transfer: a digest that does not match the bytes is refused by the registry and reported",
          "[e2e][client][transfer]")
{
    const Peer peer = GENERATE(Peer::Minato, Peer::Reference);
    INFO(peerName(peer));
    RunningPeer registry;
    if (!registry.start(peer)) {
        FAIL(registry.error.toStdString());
    }
    RegistryClient client(profileFor(registry.base));
    QByteArray data = randomBytes(2 * MiB, 41);
    const Digest wrong = Sha256Hasher::digestOf(QByteArrayLiteral("something else"));
    QBuffer buffer(&data);
    REQUIRE(buffer.open(QIODevice::ReadOnly));

    for (const qint64 monolithicMax : {qint64(4) * MiB, qint64(0)}) {
        INFO((monolithicMax > 0 ? "monolithic PUT" : "PATCH then PUT"));
        BlobUpload::Options options;
        options.monolithicMaxBytes = monolithicMax;
        buffer.seek(0);
        const auto up = upload(client, QStringLiteral("xfer/wrong"), wrong, &buffer, data.size(), options);
        INFO(describe(up));
        REQUIRE(up);
        REQUIRE_FALSE(up->hasValue());
        CHECK(up->error().kind() == ClientError::Kind::Registry);
        CHECK(up->error().hasRegistryCode(ErrorCode::DigestInvalid));
        CHECK(up->error().httpStatus() == 400);
        CHECK_FALSE(up->error().message().isEmpty());
    }
}

TEST_CASE("Blob transfer: an interrupted download resumes with Range from its .part", "[e2e][client][transfer]")
{
    const Peer peer = GENERATE(Peer::Minato, Peer::Reference);
    INFO(peerName(peer));
    RunningPeer registry;
    if (!registry.start(peer)) {
        FAIL(registry.error.toStdString());
    }
    RegistryClient client(profileFor(registry.base));
    QTemporaryDir dir;
    const BlobFile blob = writeRandomFile(dir.filePath(QStringLiteral("resume.src")), 32 * MiB, 51);
    QFile source(blob.path);
    REQUIRE(source.open(QIODevice::ReadOnly));
    const auto up = upload(client, QStringLiteral("xfer/resume"), blob.digest, &source, blob.size);
    INFO(describe(up));
    REQUIRE(up);
    REQUIRE(up->hasValue());

    const QString target = dir.filePath(QStringLiteral("resume.out"));
    const QString part = BlobDownload::partPathFor(target);
    {
        BlobDownload first(&client, QStringLiteral("xfer/resume"), blob.digest, target, {});
        QObject::connect(&first, &BlobDownload::progress, &first, [&first](qint64 have, qint64) {
            if (have >= 2 * MiB) {
                first.cancel();
            }
        });
        const auto cancelled = runToEnd<BlobDownload, BlobDownloadResult>(&first, kTimeoutMs);
        REQUIRE(cancelled);
        CHECK(cancelled->isCancelled());
    }
    CHECK_FALSE(QFileInfo::exists(target));
    REQUIRE(QFileInfo::exists(part));
    const qint64 kept = QFileInfo(part).size();
    INFO("kept " << kept << " bytes");
    CHECK(kept >= 2 * MiB);
    CHECK(kept < blob.size);

    const qsizetype logMark = registry.minato ? registry.minato->readOutput().size() : 0;
    const auto resumed = download(client, QStringLiteral("xfer/resume"), blob.digest, target);
    INFO(describe(resumed));
    REQUIRE(resumed);
    REQUIRE(resumed->hasValue());
    CHECK(resumed->value().resumedFrom == kept); // the request carried Range: bytes=<kept>-
    CHECK(resumed->value().httpStatus == 206);   // and the registry answered it as a range
    CHECK_FALSE(resumed->value().restarted);
    CHECK(resumed->value().size == blob.size);
    CHECK(digestOfFile(target) == blob.digest);
    CHECK_FALSE(QFileInfo::exists(part));

    // A .part that already holds every byte: the HEAD's size says so, and the part is checked and renamed
    // without a GET.
    REQUIRE(QFile::rename(target, part));
    const auto complete = download(client, QStringLiteral("xfer/resume"), blob.digest, target);
    INFO(describe(complete));
    REQUIRE(complete);
    REQUIRE(complete->hasValue());
    CHECK(complete->value().httpStatus == 0);
    CHECK(complete->value().resumedFrom == blob.size);
    CHECK(digestOfFile(target) == blob.digest);
    CHECK_FALSE(QFileInfo::exists(part));
    if (registry.minato) {
        // The server's own record of it: the GET was answered 206.
        REQUIRE(QTest::qWaitFor(
            [&] {
                return registry.minato->readOutput().mid(logMark).contains(
                    QRegularExpression(QStringLiteral("GET /v2/xfer/resume/blobs/sha256:[0-9a-f]+ 206 ")));
            },
            5000));
    }
}

TEST_CASE("Blob transfer: a .part of other bytes fails the digest and is deleted, nothing written",
          "[e2e][client][transfer]")
{
    const Peer peer = GENERATE(Peer::Minato, Peer::Reference);
    INFO(peerName(peer));
    RunningPeer registry;
    if (!registry.start(peer)) {
        FAIL(registry.error.toStdString());
    }
    RegistryClient client(profileFor(registry.base));
    QByteArray data = randomBytes(2 * MiB, 61);
    const Digest digest = Sha256Hasher::digestOf(data);
    QBuffer buffer(&data);
    REQUIRE(buffer.open(QIODevice::ReadOnly));
    const auto up = upload(client, QStringLiteral("xfer/mismatch"), digest, &buffer, data.size());
    REQUIRE(up);
    REQUIRE(up->hasValue());

    QTemporaryDir dir;
    const QString target = dir.filePath(QStringLiteral("mismatch.out"));
    const QString part = BlobDownload::partPathFor(target);
    {
        QFile stale(part);
        REQUIRE(stale.open(QIODevice::WriteOnly));
        stale.write(randomBytes(qint64(512) * 1024, 99)); // not the blob's first bytes
    }
    const auto down = download(client, QStringLiteral("xfer/mismatch"), digest, target);
    REQUIRE(down);
    REQUIRE_FALSE(down->hasValue());
    CHECK(down->error().kind() == ClientError::Kind::InvalidResponse);
    CHECK(down->error().invalidReason() == ClientError::Invalid::DigestMismatch);
    CHECK_FALSE(QFileInfo::exists(part));
    CHECK_FALSE(QFileInfo::exists(target));

    const auto again = download(client, QStringLiteral("xfer/mismatch"), digest, target);
    INFO(describe(again));
    REQUIRE(again);
    REQUIRE(again->hasValue());
    CHECK(again->value().resumedFrom == 0);
    QFile file(target);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == data);
}

TEST_CASE("Blob transfer: cancelling an upload aborts it and DELETEs the session", "[e2e][client][transfer]")
{
    // minato-registry: its request log shows the DELETE (the reference registry's log is not captured).
    EmbeddedRegistryProcess registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    RegistryClient client(profileFor(registry.baseUrl()));
    QTemporaryDir dir;
    const BlobFile blob = writeRandomFile(dir.filePath(QStringLiteral("cancel.src")), 48 * MiB, 71);
    QFile source(blob.path);
    REQUIRE(source.open(QIODevice::ReadOnly));
    const qsizetype logMark = registry.readOutput().size();
    BlobUpload op(&client, QStringLiteral("xfer/cancel"), blob.digest, blob.size, &source, {});
    QObject::connect(&op, &BlobUpload::progress, &op, [&op](qint64 sent, qint64) {
        if (sent >= 4 * MiB) {
            op.cancel();
        }
    });
    const auto r = runToEnd<BlobUpload, BlobUploadResult>(&op, kTimeoutMs);
    REQUIRE(r);
    CHECK(r->isCancelled());
    REQUIRE(QTest::qWaitFor(
        [&] {
            return registry.readOutput().mid(logMark).contains(
                QRegularExpression(QStringLiteral("DELETE /v2/xfer/cancel/blobs/uploads/\\S+ 204 ")));
        },
        10000));
    CHECK_FALSE(registry.readOutput().mid(logMark).contains(QStringLiteral("PUT /v2/xfer/cancel/blobs/uploads/")));
}

TEST_CASE("Blob transfer stand-in: an ECR-like PATCH answered 201 with a Range that did not advance is caught",
          "[client][transfer][standin]")
{
    StandInServer ecr;
    REQUIRE(ecr.listen());
    constexpr qint64 minChunk = 5 * MiB; // ECR's: S3 multipart parts
    int patches = 0;
    ecr.setHandler([&patches](const StandInRequest &r) {
        const QByteArray session = "/v2/team/app/blobs/uploads/e1";
        if (r.method == "HEAD") {
            return StandInResponse::json(404, "{}");
        }
        if (r.method == "POST" && r.path == "/v2/team/app/blobs/uploads/") {
            StandInResponse response;
            response.status = 202;
            response.withHeader("Location", session)
                .withHeader("OCI-Chunk-Min-Length", QByteArray::number(minChunk))
                .withHeader("Docker-Upload-UUID", "e1");
            return response;
        }
        if (r.method == "PATCH" && r.path == session) {
            ++patches;
            // The first chunk is acknowledged; the second is "accepted" and dropped: Range stays at the first.
            StandInResponse response;
            response.status = 201;
            response.withHeader("Location", session).withHeader("Range", "0-" + QByteArray::number(minChunk - 1));
            return response;
        }
        if (r.method == "DELETE" && r.path == session) {
            StandInResponse response;
            response.status = 202;
            return response;
        }
        return StandInResponse::json(405, "{}");
    });
    RegistryClient client(profileFor(ecr.baseUrl()));
    QByteArray data = randomBytes(12 * MiB, 81);
    QBuffer buffer(&data);
    REQUIRE(buffer.open(QIODevice::ReadOnly));
    const auto up = upload(client, QStringLiteral("team/app"), Sha256Hasher::digestOf(data), &buffer, data.size());
    REQUIRE(up);
    REQUIRE_FALSE(up->hasValue());
    const ClientError &error = up->error();
    INFO(error.technicalDetail().toStdString());
    CHECK(error.kind() == ClientError::Kind::InvalidResponse);
    CHECK(error.invalidReason() == ClientError::Invalid::UploadIncomplete);
    CHECK(error.technicalDetail().contains(QStringLiteral("holds 5242880 bytes after 10485760 were sent")));
    CHECK(error.message().contains(QStringLiteral("without keeping all the data sent")));
    CHECK(patches == 2);

    REQUIRE(QTest::qWaitFor(
        [&] {
            for (const StandInRequest &r : ecr.requests()) {
                if (r.method == "DELETE") {
                    return true;
                }
            }
            return false;
        },
        5000));
    bool put = false;
    for (const StandInRequest &r : ecr.requests()) {
        put = put || r.method == "PUT";
        if (r.method == "POST") {
            CHECK(r.header("Content-Length") == "0");
        }
        if (r.method == "PATCH") {
            // Chunks of the registry's minimum, streamed with a Content-Length and their Content-Range.
            CHECK(r.header("Content-Length") == QByteArray::number(minChunk));
            CHECK(r.body.size() == minChunk);
            CHECK(r.header("Content-Type") == "application/octet-stream");
        }
    }
    CHECK_FALSE(put); // never closed with a digest over bytes the registry does not hold
    CHECK(ecr.requests().at(2).header("Content-Range") == "0-5242879");
    CHECK(ecr.requests().at(3).header("Content-Range") == "5242880-10485759");
}

TEST_CASE("Blob transfer stand-in: an expired presigned redirect is renewed once at the registry",
          "[client][transfer][standin]")
{
    StandInServer registry;
    StandInServer storage(QHostAddress(QStringLiteral("127.0.0.2")));
    REQUIRE(registry.listen());
    REQUIRE(storage.listen());
    const QByteArray blob = randomBytes(qint64(700) * 1024, 91);
    const Digest digest = Sha256Hasher::digestOf(blob);
    const QByteArray blobPath = "/v2/team/app/blobs/" + digest.toString().toLatin1();
    int signatures = 0;
    registry.setHandler([&](const StandInRequest &r) {
        if (!r.hasHeader("Authorization")) {
            return StandInResponse::json(401, "{}").withHeader("WWW-Authenticate", "Basic realm=\"registry\"");
        }
        if (r.method == "GET" && r.path == blobPath) {
            ++signatures;
            StandInResponse response;
            response.status = 307;
            response.withHeader("Location", storage.baseUrl().toEncoded() +
                                                "/bucket/blob?X-Amz-Expires=1&X-Amz-Signature=s" +
                                                QByteArray::number(signatures));
            return response;
        }
        return StandInResponse::json(404, "{}");
    });
    bool alwaysExpired = false;
    storage.setHandler([&](const StandInRequest &r) {
        if (alwaysExpired || r.queryValue("X-Amz-Signature") == "s1") {
            StandInResponse response;
            response.status = 403;
            response.body = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code>"
                            "<Message>Request has expired</Message></Error>";
            response.withHeader("Content-Type", "application/xml");
            return response;
        }
        StandInResponse response;
        response.status = 200;
        response.body = blob;
        response.withHeader("Content-Type", "application/octet-stream");
        return response;
    });
    ConnectionProfile profile = profileFor(registry.baseUrl());
    RegistryClient client(profile);
    Credentials credentials;
    credentials.username = QStringLiteral("user");
    credentials.secret = QStringLiteral("secret");
    client.setCredentials(credentials);
    QTemporaryDir dir;

    SECTION("the second signature works")
    {
        const QString target = dir.filePath(QStringLiteral("renewed.blob"));
        const auto down = download(client, QStringLiteral("team/app"), digest, target);
        INFO(describe(down));
        REQUIRE(down);
        REQUIRE(down->hasValue());
        CHECK(down->value().redirectRenewals == 1);
        CHECK(signatures == 2);
        CHECK(storage.requests().size() == 2);
        for (const StandInRequest &r : storage.requests()) {
            CHECK_FALSE(r.hasHeader("Authorization")); // never the registry's credentials at the storage host
        }
        QFile file(target);
        REQUIRE(file.open(QIODevice::ReadOnly));
        CHECK(file.readAll() == blob);
    }

    SECTION("a second refusal is the answer: no loop")
    {
        alwaysExpired = true;
        const QString target = dir.filePath(QStringLiteral("expired.blob"));
        const auto down = download(client, QStringLiteral("team/app"), digest, target);
        REQUIRE(down);
        REQUIRE_FALSE(down->hasValue());
        CHECK(down->error().kind() == ClientError::Kind::Http);
        CHECK(down->error().httpStatus() == 403);
        CHECK(signatures == 2);
        CHECK_FALSE(QFileInfo::exists(target));
    }
}

TEST_CASE("Blob transfer stand-in: a closing PUT whose answer is lost is checked with HEAD before re-sending",
          "[client][transfer][standin]")
{
    StandInServer server;
    REQUIRE(server.listen());
    const QByteArray data = randomBytes(3 * MiB, 101);
    const Digest digest = Sha256Hasher::digestOf(data);
    bool landed = false;
    server.setHandler([&](const StandInRequest &r) {
        const QByteArray session = "/v2/team/app/blobs/uploads/s1";
        if (r.method == "HEAD") {
            return StandInResponse::json(landed ? 200 : 404, "{}");
        }
        if (r.method == "POST") {
            StandInResponse response;
            response.status = 202;
            response.withHeader("Location", session).withHeader("Range", "0-0");
            return response;
        }
        if (r.method == "PATCH") {
            StandInResponse response;
            response.status = 202;
            response.withHeader("Location", session).withHeader("Range", "0-" + QByteArray::number(r.body.size() - 1));
            return response;
        }
        if (r.method == "PUT") {
            landed = true; // stored, but the answer never comes back
            return StandInResponse::noAnswer();
        }
        StandInResponse response;
        response.status = 204;
        return response;
    });
    RegistryClient client(profileFor(server.baseUrl()));
    QByteArray copy = data;
    QBuffer buffer(&copy);
    REQUIRE(buffer.open(QIODevice::ReadOnly));
    BlobUpload::Options options;
    options.finalizeTimeoutMs = 1500;
    const auto up = upload(client, QStringLiteral("team/app"), digest, &buffer, data.size(), options);
    INFO(describe(up));
    REQUIRE(up);
    REQUIRE(up->hasValue());
    CHECK(up->value().outcome == BlobUploadInfo::Outcome::Uploaded);
    CHECK(up->value().sessions == 1); // not sent again
    QList<QByteArray> methods;
    for (const StandInRequest &r : server.requests()) {
        methods.append(r.method);
    }
    INFO(methods.join(' ').toStdString());
    CHECK(methods.mid(0, 4) == QList<QByteArray>{"HEAD", "POST", "PATCH", "PUT"});
    // Then the HEAD that found the blob, and the abandoned session's DELETE (fire-and-forget, either order).
    CHECK(methods.mid(4).contains("HEAD"));
    CHECK(methods.count("POST") == 1);
    CHECK(methods.count("PATCH") == 1);
}

TEST_CASE("Blob transfer stand-in: a registry that ignores Range (200) makes the download start over",
          "[client][transfer][standin]")
{
    // Both real peers here honour Range; RFC 9110 §14.2 lets a server ignore it, and some CDNs do.
    StandInServer server;
    REQUIRE(server.listen());
    const QByteArray blob = randomBytes(qint64(900) * 1024, 111);
    const Digest digest = Sha256Hasher::digestOf(blob);
    server.setHandler([&](const StandInRequest &r) {
        if (r.method == "GET" && r.path == "/v2/team/app/blobs/" + digest.toString().toLatin1()) {
            StandInResponse response;
            response.status = 200;
            response.body = blob;
            return response;
        }
        return StandInResponse::json(404, "{}");
    });
    RegistryClient client(profileFor(server.baseUrl()));
    QTemporaryDir dir;
    const QString target = dir.filePath(QStringLiteral("ignored.blob"));
    {
        QFile part(BlobDownload::partPathFor(target));
        REQUIRE(part.open(QIODevice::WriteOnly));
        part.write(blob.left(qsizetype(300) * 1024));
    }
    const auto down = download(client, QStringLiteral("team/app"), digest, target);
    INFO(describe(down));
    REQUIRE(down);
    REQUIRE(down->hasValue());
    REQUIRE(server.requests().size() == 2);
    CHECK(server.requests().first().method == "HEAD");                  // the blob's size, before resuming
    CHECK(server.requests().last().header("Range") == "bytes=307200-"); // the part was offered for resuming
    CHECK(down->value().restarted);
    CHECK(down->value().resumedFrom == 0);
    CHECK(down->value().httpStatus == 200);
    QFile file(target);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == blob);
}
