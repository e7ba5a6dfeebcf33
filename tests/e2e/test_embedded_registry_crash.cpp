// Crash safety of minato-registry (layout.h: "a kill -9 at any instant leaves nothing partial visible"): many
// parallel pushes — skopeo copies of distinct generated images and multi-arch indexes with MiB-sized layers, and
// raw uploads over QNetworkAccessManager (monolithic POST ?digest=, and chunked PATCH sessions) — then SIGKILL
// mid-way, a restart on the same root (the dead process's lock must not stand in the way), and checks:
//  - every repository in _catalog and every tag in tags/list resolves; every manifest served hashes to its digest;
//    every blob any served manifest references is served and hashes to its digest and size;
//  - whatever a client was told was stored (skopeo exited 0, a 201 for a blob, a 202 for a chunk) is there;
//  - a walk of the root: every file under blobs/ hashes to its name, every link under repositories/ points at
//    something present, tmp/ is empty, and no upload's partial data appears as a blob;
//  - an interrupted upload session resumes from the Range the server reports and completes; every push that was
//    cut off succeeds when retried, and a fresh push works.
// The kill comes at a different moment in each round (early, while blobs stream; after some tags; near the end),
// chosen by a seeded random generator whose seed is printed (MINATO_CRASH_SEED=… repeats a run).
#include "embeddedregistryprocess.h"
#include "httpfetch.h"
#include "ocilayout.h"

#include "oci/sha256.h"

#include "testsupport.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

using namespace Minato::Test;
using Minato::Oci::Sha256Hasher;

namespace {

void log(const QString &line)
{
    QTextStream(stdout) << "crash-test: " << line << Qt::endl;
}

QRandomGenerator seededGenerator(quint64 seed)
{
    const quint32 words[2] = {static_cast<quint32>(seed), static_cast<quint32>(seed >> 32)};
    return QRandomGenerator(words, 2);
}

QByteArray randomBytes(QRandomGenerator &rng, qsizetype size)
{
    QByteArray out(size, Qt::Uninitialized);
    for (qsizetype i = 0; i + 4 <= size; i += 4) {
        const quint32 word = rng.generate();
        std::memcpy(out.data() + i, &word, 4);
    }
    for (qsizetype i = size & ~qsizetype(3); i < size; ++i) {
        out[i] = char(rng.bounded(256));
    }
    return out;
}

QString digestOf(const QByteArray &bytes)
{
    return Sha256Hasher::digestOf(bytes).toString();
}

// sha256 of a file, streamed; empty when it cannot be read.
QString fileDigest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    Sha256Hasher hasher;
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    while (true) {
        const qint64 n = file.read(buffer.data(), buffer.size());
        if (n < 0) {
            return {};
        }
        if (n == 0) {
            break;
        }
        hasher.addData(buffer.constData(), n);
    }
    return hasher.digest().toString();
}

// ---- skopeo, in parallel ----------------------------------------------------------------------------------------

// One skopeo run in the background, with runSkopeo()'s setup: a permissive policy and a private blob-info cache.
struct SkopeoJob
{
    QString repository;
    QString tag;
    QString expectedDigest;
    QStringList arguments;
    std::unique_ptr<QTemporaryDir> scratch;
    std::unique_ptr<QProcess> process;
    int exitCode = -1;
    bool finished = false;
    QString output;

    void start()
    {
        scratch = std::make_unique<QTemporaryDir>();
        const QString policy = scratch->filePath(QStringLiteral("policy.json"));
        QFile file(policy);
        if (file.open(QIODevice::WriteOnly)) {
            file.write("{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        }
        file.close();
        QDir().mkpath(scratch->filePath(QStringLiteral("run")));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("_CONTAINERS_ROOTLESS_UID"), QStringLiteral("65534"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), scratch->filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), scratch->filePath(QStringLiteral("run")));
        process = std::make_unique<QProcess>();
        process->setProcessEnvironment(env);
        process->setProcessChannelMode(QProcess::MergedChannels);
        finished = false;
        exitCode = -1;
        output.clear();
        QProcess *p = process.get();
        QObject::connect(p, &QProcess::finished, p, [this, p](int code, QProcess::ExitStatus status) {
            exitCode = status == QProcess::NormalExit ? code : -1;
            output = QString::fromLocal8Bit(p->readAll());
            finished = true;
        });
        QObject::connect(p, &QProcess::errorOccurred, p, [this, p](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart) {
                output = QStringLiteral("skopeo did not start: ") + p->errorString();
                finished = true;
            }
        });
        process->start(QStringLiteral("skopeo"), QStringList{QStringLiteral("--policy"), policy} + arguments);
    }
};

// ---- raw uploads over QNetworkAccessManager ----------------------------------------------------------------------

// Uploads generated blobs to one repository, one after the other, until a request fails (the server died):
// monolithic (POST ?digest= with the whole body) or as sessions (POST, PATCH chunks with Content-Range paced by a
// timer, PUT ?digest=). Records what the server acknowledged.
class RawUploader
{
public:
    enum class Mode { Monolithic, Chunked };
    struct Blob
    {
        QByteArray bytes;
        QString digest;
        QString location;        // the session's path (Chunked)
        qint64 acknowledged = 0; // bytes a 202 confirmed
        bool committed = false;  // a 201 confirmed the blob
    };

    RawUploader(QUrl base, QString repository, Mode mode, quint64 seed, int blobBytes, int chunkBytes, int pauseMs)
        : m_base(std::move(base))
        , m_repository(std::move(repository))
        , m_mode(mode)
        , m_rng(seededGenerator(seed))
        , m_blobBytes(blobBytes)
        , m_chunkBytes(chunkBytes)
        , m_pauseMs(pauseMs)
    {}

    void start() { nextBlob(); }
    bool finished() const { return m_finished; }
    const QString &repository() const { return m_repository; }
    const QList<Blob> &blobs() const { return m_blobs; }
    const QString &error() const { return m_error; }

private:
    QNetworkRequest request(const QString &pathAndQuery) const
    {
        QNetworkRequest r(QUrl(m_base.toString() + pathAndQuery));
        r.setTransferTimeout(30000);
        r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
        r.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        r.setRawHeader("Accept-Encoding", "identity");
        return r;
    }

    // Calls then(reply) on completion; a transport error or an unexpected status ends the uploader.
    template<typename Then>
    void onDone(QNetworkReply *reply, int expected, Then then)
    {
        QObject::connect(reply, &QNetworkReply::finished, &m_nam, [this, reply, expected, then] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != expected) {
                m_error =
                    QStringLiteral("%1 %2: status %3, %4")
                        .arg(QString::fromLatin1(
                                 reply->operation() == QNetworkAccessManager::PostOperation ? "POST" : "PATCH/PUT"),
                             reply->url().path())
                        .arg(status)
                        .arg(reply->errorString());
                m_finished = true;
                return;
            }
            then(reply);
        });
    }

    void later(void (RawUploader::*step)())
    {
        QTimer::singleShot(m_pauseMs, &m_nam, [this, step] { (this->*step)(); });
    }

    void nextBlob()
    {
        Blob blob;
        // Distinct sizes (not a multiple of the chunk size) so the last chunk is a short one.
        blob.bytes = randomBytes(m_rng, m_blobBytes + int(m_rng.bounded(64 * 1024)));
        blob.digest = digestOf(blob.bytes);
        m_blobs.append(blob);
        const QString uploads = QStringLiteral("/v2/%1/blobs/uploads/").arg(m_repository);
        if (m_mode == Mode::Monolithic) {
            QNetworkReply *reply = m_nam.post(request(uploads + QStringLiteral("?digest=") + blob.digest), blob.bytes);
            onDone(reply, 201, [this](QNetworkReply *) {
                m_blobs.last().committed = true;
                later(&RawUploader::nextBlob);
            });
            return;
        }
        QNetworkReply *reply = m_nam.post(request(uploads), QByteArray());
        onDone(reply, 202, [this](QNetworkReply *r) {
            m_blobs.last().location = QUrl(QString::fromLatin1(r->rawHeader("Location"))).path();
            sendChunk();
        });
    }

    void sendChunk()
    {
        Blob &blob = m_blobs.last();
        if (blob.acknowledged == blob.bytes.size()) {
            QNetworkReply *reply =
                m_nam.put(request(blob.location + QStringLiteral("?digest=") + blob.digest), QByteArray());
            onDone(reply, 201, [this](QNetworkReply *) {
                m_blobs.last().committed = true;
                later(&RawUploader::nextBlob);
            });
            return;
        }
        const qint64 from = blob.acknowledged;
        const qint64 n = std::min<qint64>(m_chunkBytes, blob.bytes.size() - from);
        QNetworkRequest r = request(blob.location);
        r.setRawHeader("Content-Range", QByteArray::number(from) + '-' + QByteArray::number(from + n - 1));
        QNetworkReply *reply = m_nam.sendCustomRequest(r, "PATCH", blob.bytes.mid(from, n));
        onDone(reply, 202, [this, from, n](QNetworkReply *) {
            m_blobs.last().acknowledged = from + n;
            later(&RawUploader::sendChunk);
        });
    }

    QNetworkAccessManager m_nam;
    QUrl m_base;
    QString m_repository;
    Mode m_mode;
    QRandomGenerator m_rng;
    int m_blobBytes;
    int m_chunkBytes;
    int m_pauseMs;
    QList<Blob> m_blobs;
    bool m_finished = false;
    QString m_error;
};

// ---- checks after the restart ----------------------------------------------------------------------------------

struct Served
{
    int repositories = 0;
    int tags = 0;
    int manifests = 0;
    int blobs = 0;
    QHash<QString, QString> tagDigests; // "repo:tag" → digest
};

// GET a manifest or blob; CHECKs that it is served and hashes to digest (when given). Returns the body.
QByteArray fetchVerified(const QUrl &base, const QString &path, const QString &digest, bool manifest)
{
    const HttpResult r = httpFetch("GET", urlOn(base, path),
                                   manifest ? QList<QPair<QByteArray, QByteArray>>{{"Accept", manifestAccept()}}
                                            : QList<QPair<QByteArray, QByteArray>>{});
    INFO("GET " << path.toStdString() << " " << r.error.toStdString());
    CHECK(r.status == 200);
    if (r.status != 200) {
        return {};
    }
    const QString actual = digestOf(r.body);
    if (!digest.isEmpty()) {
        CHECK(actual == digest);
    }
    if (manifest) {
        CHECK(r.header("Docker-Content-Digest") == actual.toLatin1());
    }
    return r.body;
}

// Everything _catalog and tags/list announce resolves, and every manifest and blob hashes to its digest.
Served checkServed(const QUrl &base)
{
    Served served;
    const HttpResult catalog = httpFetch("GET", urlOn(base, QStringLiteral("/v2/_catalog?n=10000")));
    REQUIRE(catalog.status == 200);
    const QJsonArray repositories =
        QJsonDocument::fromJson(catalog.body).object().value(QStringLiteral("repositories")).toArray();
    QSet<QString> seenBlobs;
    QSet<QString> seenManifests;
    for (const auto &value : repositories) {
        const QString repository = value.toString();
        INFO("repository " << repository.toStdString());
        ++served.repositories;
        const HttpResult tags = httpFetch("GET", urlOn(base, QStringLiteral("/v2/%1/tags/list").arg(repository)));
        CHECK(tags.status == 200);
        // Manifests to visit: (reference, expected digest or empty for a tag).
        QList<QPair<QString, QString>> pending;
        for (const auto &tag : QJsonDocument::fromJson(tags.body).object().value(QStringLiteral("tags")).toArray()) {
            pending.append({tag.toString(), QString()});
            ++served.tags;
        }
        while (!pending.isEmpty()) {
            const auto [reference, digest] = pending.takeFirst();
            const QString key = repository + u'@' + (digest.isEmpty() ? reference : digest);
            if (seenManifests.contains(key)) {
                continue;
            }
            seenManifests.insert(key);
            const QByteArray body =
                fetchVerified(base, QStringLiteral("/v2/%1/manifests/%2").arg(repository, reference), digest, true);
            if (body.isEmpty()) {
                continue;
            }
            ++served.manifests;
            if (digest.isEmpty()) {
                served.tagDigests.insert(repository + u':' + reference, digestOf(body));
            }
            const QJsonObject manifest = QJsonDocument::fromJson(body).object();
            CHECK_FALSE(manifest.isEmpty());
            for (const auto &child : manifest.value(QStringLiteral("manifests")).toArray()) {
                const QString childDigest = child.toObject().value(QStringLiteral("digest")).toString();
                pending.append({childDigest, childDigest});
            }
            QJsonArray blobs = manifest.value(QStringLiteral("layers")).toArray();
            if (manifest.contains(QStringLiteral("config"))) {
                blobs.prepend(manifest.value(QStringLiteral("config")));
            }
            for (const auto &blob : blobs) {
                const QString blobDigest = blob.toObject().value(QStringLiteral("digest")).toString();
                if (seenBlobs.contains(repository + u'@' + blobDigest)) {
                    continue;
                }
                seenBlobs.insert(repository + u'@' + blobDigest);
                const QByteArray bytes = fetchVerified(
                    base, QStringLiteral("/v2/%1/blobs/%2").arg(repository, blobDigest), blobDigest, false);
                CHECK(bytes.size() == qint64(blob.toObject().value(QStringLiteral("size")).toDouble()));
                ++served.blobs;
            }
        }
    }
    return served;
}

struct OnDisk
{
    int blobs = 0;
    int links = 0;
    int uploadSessions = 0;
};

// Walks the root (layout.h): nothing visible that does not match its digest, nothing dangling, nothing stray.
// knownDigests: every blob a client meant to push; an upload's data that hashes to anything else and is
// also a blob would be a partial upload made visible.
OnDisk checkRoot(const QString &root, const QSet<QString> &knownDigests)
{
    OnDisk disk;
    const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
    QSet<QString> blobHexes;
    QDirIterator blobs(root + QStringLiteral("/blobs"), QDir::Files | QDir::Hidden | QDir::System,
                       QDirIterator::Subdirectories);
    while (blobs.hasNext()) {
        const QString path = blobs.next();
        const QFileInfo info(path);
        const QString name = info.fileName();
        INFO("blob file " << path.toStdString());
        CHECK(hex64.match(name).hasMatch());
        CHECK(info.dir().dirName() == name.left(2));
        CHECK(info.dir().absolutePath() == root + QStringLiteral("/blobs/sha256/") + name.left(2));
        CHECK(fileDigest(path) == QStringLiteral("sha256:") + name);
        blobHexes.insert(name);
        ++disk.blobs;
    }

    // Links point at what they name: blob links at blobs, manifest links at manifest bytes, tags at manifest links.
    QDirIterator links(root + QStringLiteral("/repositories"), QDir::Files | QDir::Hidden | QDir::System,
                       QDirIterator::Subdirectories);
    while (links.hasNext()) {
        const QString path = links.next();
        const QString relative = path.mid(root.size() + 1);
        INFO("link " << relative.toStdString());
        QFile file(path);
        REQUIRE(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        const QString name = QFileInfo(path).fileName();
        const QString parent = QFileInfo(path).dir().dirName();
        const QString grandparent = QFileInfo(QFileInfo(path).absolutePath()).dir().dirName();
        ++disk.links;
        if (parent == u"sha256" && grandparent == u"_blobs") {
            CHECK(hex64.match(name).hasMatch());
            CHECK(content == "sha256:" + name.toLatin1());
            CHECK(blobHexes.contains(name));
        } else if (parent == u"sha256" && grandparent == u"_manifests") {
            CHECK(hex64.match(name).hasMatch());
            CHECK(QJsonDocument::fromJson(content).object().contains(QStringLiteral("mediaType")));
            CHECK(blobHexes.contains(name));
        } else if (relative.contains(QStringLiteral("/_referrers/"))) {
            CHECK(QJsonDocument::fromJson(content).isObject());
        } else if (parent == u"_tags") {
            const QString target = QString::fromLatin1(content.trimmed());
            CHECK(target.startsWith(QStringLiteral("sha256:")));
            const QString repositoryDir = QFileInfo(QFileInfo(path).absolutePath()).absolutePath();
            CHECK(QFileInfo::exists(repositoryDir + QStringLiteral("/_manifests/sha256/") + target.mid(7)));
        } else {
            FAIL_CHECK("a file that is not a link of the layout: " << relative.toStdString());
        }
    }

    // tmp/ was emptied when the server opened the root.
    CHECK(QDir(root + QStringLiteral("/tmp")).entryList(QDir::Files | QDir::Hidden | QDir::System).isEmpty());

    // Upload sessions hold state + data only, and an interrupted upload's bytes never became a blob.
    const QDir uploads(root + QStringLiteral("/uploads"));
    for (const QString &id : uploads.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        INFO("upload " << id.toStdString());
        const QDir session(uploads.filePath(id));
        const QStringList files = session.entryList(QDir::Files | QDir::Hidden | QDir::System);
        CHECK(files == QStringList{QStringLiteral("data"), QStringLiteral("state")});
        const QString data = session.filePath(QStringLiteral("data"));
        const QString dataDigest = fileDigest(data);
        if (!knownDigests.contains(dataDigest)) {
            CHECK_FALSE(blobHexes.contains(dataDigest.mid(7)));
        }
        ++disk.uploadSessions;
    }
    return disk;
}

// How many tags the round's repositories have on disk (the last step of every push).
int tagsOnDisk(const QString &root, const QString &prefix)
{
    int count = 0;
    QDirIterator it(root + QStringLiteral("/repositories/") + prefix, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        if (QFileInfo(it.next()).dir().dirName() == u"_tags") {
            ++count;
        }
    }
    return count;
}

// ---- one round: push, kill, restart, check ---------------------------------------------------------------------

enum class KillAt {
    Time, // after a random delay from the start: blobs still streaming
    Tags, // when a random number of the round's tags exist (plus a few ms)
};

struct RoundPlan
{
    int round = 0;
    KillAt trigger = KillAt::Time;
    int delayMs = 0;   // Time: from the start; Tags: after the threshold
    int tagTarget = 0; // Tags
};

// knownDigests: every blob a client meant to push in this round and the earlier ones (filled here).
void runRound(EmbeddedRegistryProcess &registry, const RoundPlan &plan, quint64 seed, const QString &label,
              QSet<QString> &knownDigests)
{
    const QStringList serverArguments{QStringLiteral("--log-level"), QStringLiteral("warn")};
    QTemporaryDir work;
    REQUIRE(work.isValid());
    QRandomGenerator rng = seededGenerator(seed);
    const QString prefix = QStringLiteral("crash-%1/r%2").arg(label).arg(plan.round);

    // Distinct images: a single-arch image with one ~3 MiB layer, or (every fifth) a two-platform index.
    constexpr int jobCount = 10;
    std::vector<std::unique_ptr<SkopeoJob>> jobs;
    for (int i = 0; i < jobCount; ++i) {
        auto job = std::make_unique<SkopeoJob>();
        job->repository = QStringLiteral("%1/img%2").arg(prefix).arg(i);
        job->tag = QStringLiteral("v%1").arg(i);
        const QString layoutDir = work.filePath(QStringLiteral("layout%1").arg(i));
        const QString destination =
            QStringLiteral("docker://%1/%2:%3").arg(registry.hostPort(), job->repository, job->tag);
        if (i % 5 == 4) {
            const OciLayoutIndex multi =
                OciLayoutIndex::build(layoutDir, job->tag,
                                      {{QStringLiteral("opt/data.bin"), randomBytes(rng, 1 << 20)},
                                       {QStringLiteral("etc/motd"), prefix.toUtf8() + QByteArray::number(i)}});
            INFO(multi.error.toStdString());
            REQUIRE(multi.ok);
            job->expectedDigest = multi.indexDigest;
            job->arguments = {QStringLiteral("copy"), QStringLiteral("--all"),
                              QStringLiteral("--dest-tls-verify=false"), multi.skopeoReference(), destination};
        } else {
            const OciLayoutImage image = OciLayoutImage::build(
                layoutDir, job->tag,
                {{QStringLiteral("opt/data.bin"), randomBytes(rng, (3 << 20) + int(rng.bounded(1 << 19)))},
                 {QStringLiteral("etc/motd"), prefix.toUtf8() + QByteArray::number(i)}});
            INFO(image.error.toStdString());
            REQUIRE(image.ok);
            job->expectedDigest = image.manifestDigest;
            job->arguments = {QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"),
                              image.skopeoReference(), destination};
        }
        jobs.push_back(std::move(job));
    }

    // Raw uploaders: two monolithic, three chunked (256 KiB chunks, paced), all until the server dies.
    std::vector<std::unique_ptr<RawUploader>> uploaders;
    for (int i = 0; i < 5; ++i) {
        const bool monolithic = i < 2;
        uploaders.push_back(std::make_unique<RawUploader>(
            registry.baseUrl(), QStringLiteral("%1/raw%2").arg(prefix).arg(i),
            monolithic ? RawUploader::Mode::Monolithic : RawUploader::Mode::Chunked, rng.generate64(),
            monolithic ? (2 << 20) : (3 << 19), 256 * 1024, monolithic ? 60 : 15));
    }

    const QString plannedAt = plan.trigger == KillAt::Time
                                  ? QStringLiteral("%1 ms after the start").arg(plan.delayMs)
                                  : QStringLiteral("%1 ms after %2 tags exist").arg(plan.delayMs).arg(plan.tagTarget);
    log(QStringLiteral("%1 round %2: kill planned %3").arg(label).arg(plan.round).arg(plannedAt));
    INFO(label.toStdString() << " round " << plan.round << ": kill planned " << plannedAt.toStdString());

    QElapsedTimer clock;
    clock.start();
    for (auto &job : jobs) {
        job->start();
    }
    for (auto &uploader : uploaders) {
        uploader->start();
    }
    const auto allPushesDone = [&jobs] {
        return std::all_of(jobs.begin(), jobs.end(), [](const auto &job) { return job->finished; });
    };
    qint64 triggeredAt = -1;
    const bool fired = QTest::qWaitFor(
        [&] {
            if (plan.trigger == KillAt::Time) {
                return clock.elapsed() >= plan.delayMs;
            }
            if (triggeredAt < 0 && (tagsOnDisk(registry.root(), prefix) >= plan.tagTarget || allPushesDone())) {
                triggeredAt = clock.elapsed();
            }
            return triggeredAt >= 0 && clock.elapsed() >= triggeredAt + plan.delayMs;
        },
        60000);
    const int tagsAtKill = tagsOnDisk(registry.root(), prefix);
    const auto doneAtKill = std::count_if(jobs.begin(), jobs.end(), [](const auto &job) { return job->finished; });
    registry.kill();
    const QString state = QStringLiteral("killed at %1 ms (%2): %3/%4 skopeo copies done, %5 tags on disk")
                              .arg(clock.elapsed())
                              .arg(fired ? QStringLiteral("as planned") : QStringLiteral("at the deadline"))
                              .arg(doneAtKill)
                              .arg(jobCount)
                              .arg(tagsAtKill);
    log(QStringLiteral("%1 round %2: %3").arg(label).arg(plan.round).arg(state));
    INFO(state.toStdString());

    // Every client notices the dead server and stops.
    REQUIRE(QTest::qWaitFor(
        [&] {
            return allPushesDone() && std::all_of(uploaders.begin(), uploaders.end(),
                                                  [](const auto &uploader) { return uploader->finished(); });
        },
        60000));
    int inFlightUploads = 0;
    for (const auto &uploader : uploaders) {
        inFlightUploads += !uploader->blobs().isEmpty() && !uploader->blobs().last().committed;
    }
    CHECK(inFlightUploads > 0); // the kill did land mid-way

    // The dead server's lock file is still there; the restart on the same root must not mind it.
    CHECK(QFileInfo::exists(registry.root() + QStringLiteral("/.lock")));
    if (!registry.start(serverArguments)) {
        FAIL(registry.errorString().toStdString());
    }
    const QUrl base = registry.baseUrl();

    const Served served = checkServed(base);
    // Every blob the clients meant to push: the layouts' blobs and the raw uploads'. A session cut off in an
    // earlier round may hold all the bytes of a blob that a retry pushed since: that is no partial blob.
    QDirIterator layouts(work.path(), {QStringLiteral("*")}, QDir::Files, QDirIterator::Subdirectories);
    while (layouts.hasNext()) {
        const QFileInfo info(layouts.next());
        if (info.dir().dirName() == u"sha256") {
            knownDigests.insert(QStringLiteral("sha256:") + info.fileName());
        }
    }
    for (const auto &uploader : uploaders) {
        for (const RawUploader::Blob &blob : uploader->blobs()) {
            knownDigests.insert(blob.digest);
        }
    }
    const OnDisk disk = checkRoot(registry.root(), knownDigests);
    log(QStringLiteral("%1 round %2: after restart %3 repositories, %4 tags, %5 manifests, %6 blob links served; "
                       "%7 blobs, %8 links, %9 upload sessions on disk")
            .arg(label)
            .arg(plan.round)
            .arg(served.repositories)
            .arg(served.tags)
            .arg(served.manifests)
            .arg(served.blobs)
            .arg(disk.blobs)
            .arg(disk.links)
            .arg(disk.uploadSessions));

    // What skopeo was told was stored is there; a cut-off push left its tag absent or complete.
    int succeeded = 0;
    for (const auto &job : jobs) {
        const QString key = job->repository + u':' + job->tag;
        INFO(key.toStdString() << " exit " << job->exitCode << "\n" << job->output.toStdString());
        if (job->exitCode == 0) {
            ++succeeded;
            CHECK(served.tagDigests.value(key) == job->expectedDigest);
        } else if (served.tagDigests.contains(key)) {
            CHECK(served.tagDigests.value(key) == job->expectedDigest);
        }
    }

    // What the raw uploads were told is there; an interrupted session resumes where the server says and completes.
    int resumed = 0;
    for (const auto &uploader : uploaders) {
        for (const RawUploader::Blob &blob : uploader->blobs()) {
            const QString blobPath = QStringLiteral("/v2/%1/blobs/%2").arg(uploader->repository(), blob.digest);
            INFO(blobPath.toStdString() << " acknowledged " << blob.acknowledged << " committed " << blob.committed);
            if (blob.committed) {
                fetchVerified(base, blobPath, blob.digest, false);
                continue;
            }
            const HttpResult head = httpFetch("HEAD", urlOn(base, blobPath));
            CHECK((head.status == 404 || head.status == 200));
            if (head.status == 200) {
                fetchVerified(base, blobPath, blob.digest, false); // completed just before the kill
                continue;
            }
            if (blob.location.isEmpty()) {
                continue; // a monolithic upload, or a POST that never got its 202
            }
            const HttpResult status = httpFetch("GET", urlOn(base, blob.location));
            INFO(status.body.toStdString());
            if (status.status == 404) {
                // Killed while completing: the bytes were renamed into blobs/ but not yet linked to the repository
                // (the session is gone with its data). The client never got its 201 and pushes again.
                const QString hex = blob.digest.mid(7);
                CHECK(QFileInfo::exists(registry.root() + QStringLiteral("/blobs/sha256/%1/%2").arg(hex.left(2), hex)));
                const HttpResult again = httpFetch(
                    "POST",
                    urlOn(base,
                          QStringLiteral("/v2/%1/blobs/uploads/?digest=%2").arg(uploader->repository(), blob.digest)),
                    {{"Content-Type", "application/octet-stream"}}, blob.bytes);
                CHECK(again.status == 201);
                fetchVerified(base, blobPath, blob.digest, false);
                continue;
            }
            REQUIRE(status.status == 204);
            const QByteArray range = status.header("Range");
            REQUIRE(range.startsWith("0-"));
            // "0-0" means no byte or one byte (distribution's convention, and the spec's): try 0, then 1.
            QList<qint64> offsets{range.mid(2).toLongLong() + 1};
            if (range == "0-0") {
                offsets = {0, 1};
            }
            CHECK(offsets.last() >= blob.acknowledged);
            CHECK(offsets.last() <= blob.bytes.size());
            for (const qint64 offset : offsets) {
                if (offset >= blob.bytes.size()) {
                    break;
                }
                const HttpResult patch = httpFetch(
                    "PATCH", urlOn(base, blob.location),
                    {{"Content-Type", "application/octet-stream"},
                     {"Content-Range", QByteArray::number(offset) + '-' + QByteArray::number(blob.bytes.size() - 1)}},
                    blob.bytes.mid(offset));
                INFO("PATCH from " << offset << ": " << patch.body.toStdString());
                if (offset == 0 && offsets.size() == 2 && patch.status == 416) {
                    continue; // the one byte was there
                }
                CHECK(patch.status == 202);
                CHECK(patch.header("Range") == "0-" + QByteArray::number(blob.bytes.size() - 1));
                break;
            }
            const HttpResult put =
                httpFetch("PUT", urlOn(base, blob.location + QStringLiteral("?digest=") + blob.digest));
            INFO(put.body.toStdString());
            CHECK(put.status == 201);
            fetchVerified(base, blobPath, blob.digest, false);
            ++resumed;
        }
    }

    // Every cut-off push succeeds when retried (leftovers do not get in the way), and a fresh one works too.
    std::vector<SkopeoJob *> retries;
    for (auto &job : jobs) {
        if (job->exitCode != 0) {
            job->arguments.last() =
                QStringLiteral("docker://%1/%2:%3").arg(registry.hostPort(), job->repository, job->tag);
            job->start();
            retries.push_back(job.get());
        }
    }
    REQUIRE(QTest::qWaitFor(
        [&] { return std::all_of(retries.begin(), retries.end(), [](SkopeoJob *job) { return job->finished; }); },
        120000));
    for (SkopeoJob *job : retries) {
        INFO(job->repository.toStdString() << " retry\n" << job->output.toStdString());
        CHECK(job->exitCode == 0);
    }
    const OciLayoutImage fresh =
        OciLayoutImage::build(work.filePath(QStringLiteral("fresh")), QStringLiteral("fresh"),
                              {{QStringLiteral("etc/motd"), QByteArrayLiteral("after the crash ") + prefix.toUtf8()}});
    REQUIRE(fresh.ok);
    const ProcessResult freshPush =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"), fresh.skopeoReference(),
                   QStringLiteral("docker://%1/%2/fresh:v1").arg(registry.hostPort(), prefix)});
    INFO(freshPush.output.toStdString());
    CHECK(freshPush.exitCode == 0);

    // And the whole store is consistent again, now with everything in it.
    const Served after = checkServed(base);
    for (const auto &job : jobs) {
        CHECK(after.tagDigests.value(job->repository + u':' + job->tag) == job->expectedDigest);
    }
    CHECK(after.tagDigests.value(prefix + QStringLiteral("/fresh:v1")) == fresh.manifestDigest);
    checkRoot(registry.root(), knownDigests);
    log(QStringLiteral("%1 round %2: %3 copies had succeeded, %4 retried, %5 upload sessions resumed; %6 ms")
            .arg(label)
            .arg(plan.round)
            .arg(succeeded)
            .arg(retries.size())
            .arg(resumed)
            .arg(clock.elapsed()));
}

quint64 crashSeed()
{
    bool ok = false;
    const quint64 fromEnv = qEnvironmentVariable("MINATO_CRASH_SEED").toULongLong(&ok);
    return ok ? fromEnv : QRandomGenerator::global()->generate64();
}

void runCrashTest(bool fsync, int rounds)
{
    const quint64 seed = crashSeed();
    const QString label = fsync ? QStringLiteral("fsync") : QStringLiteral("nofsync");
    log(QStringLiteral("%1: seed %2 (MINATO_CRASH_SEED=%2 repeats it)").arg(label).arg(seed));
    INFO("seed " << seed << " (MINATO_CRASH_SEED repeats it)");

    EmbeddedRegistryProcess registry;
    registry.setFsync(fsync);
    if (!registry.start({QStringLiteral("--log-level"), QStringLiteral("warn")})) {
        FAIL(registry.errorString().toStdString());
    }

    // Two servers never share a root: a second one on the live root refuses to start and names the owner.
    {
        QProcess second;
        second.setProcessChannelMode(QProcess::MergedChannels);
        second.start(binaryPath(u"minato-registry"),
                     {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                      QStringLiteral("--root"), registry.root()});
        REQUIRE(second.waitForFinished(15000));
        const QString output = QString::fromLocal8Bit(second.readAll());
        INFO(output.toStdString());
        CHECK(second.exitCode() != 0);
        CHECK(output.contains(QString::number(registry.pid())));
    }

    QRandomGenerator rng = seededGenerator(seed);
    QSet<QString> knownDigests;
    constexpr int jobCount = 10;
    for (int round = 0; round < rounds; ++round) {
        RoundPlan plan;
        plan.round = round;
        switch (round % 3) {
        case 0: // early: sessions opening, layers streaming
            plan.trigger = KillAt::Time;
            plan.delayMs = 40 + int(rng.bounded(260));
            break;
        case 1: // some pushes done, others putting manifests
            plan.trigger = KillAt::Tags;
            plan.tagTarget = 1 + int(rng.bounded(jobCount / 2));
            plan.delayMs = int(rng.bounded(20));
            break;
        default: // near the end
            plan.trigger = KillAt::Tags;
            plan.tagTarget = jobCount / 2 + int(rng.bounded(jobCount / 2));
            plan.delayMs = int(rng.bounded(20));
            break;
        }
        runRound(registry, plan, seed + quint64(round), label, knownDigests);
    }
    CHECK(registry.stop() == 0);
    // A clean stop leaves no temp files either.
    CHECK(QDir(registry.root() + QStringLiteral("/tmp")).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

} // namespace

TEST_CASE("minato-registry survives kill -9 during parallel pushes (fsync on): nothing partial, all acknowledged "
          "data served",
          "[e2e][crash]")
{
    runCrashTest(/*fsync*/ true, 3);
}

TEST_CASE("minato-registry --no-fsync survives kill -9 during parallel pushes: renames stay atomic", "[e2e][crash]")
{
    runCrashTest(/*fsync*/ false, 2);
}
