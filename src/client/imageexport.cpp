#include "imageexport.h"

#include "blobdownload.h"
#include "imagegraph.h"
#include "ocilayout.h"
#include "registryclient.h"
#include "tararchive.h"

#include "oci/imageindex.h"
#include "oci/mediatype.h"
#include "oci/reference.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMutex>
#include <QMutexLocker>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <variant>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace Minato::Client {

// The docker-archive being made: shared by the operation and the worker thread that writes the tar, so that the
// worker's files (FILE.tar.part, the staging directory) outlive a cancelled or deleted operation until it stops.
struct ImageExport::Archive
{
    struct Layer
    {
        QString member; // "<hex>/layer.tar"
        QString file;   // in the staging directory
        qint64 size = 0;
    };

    QString finalPath;
    QString partPath;
    std::unique_ptr<QTemporaryDir> staging;
    QString configMember;
    QString configFile;
    qint64 configSize = 0;
    QList<Layer> layers; // each blob once
    QByteArray manifestJson;
    qint64 total = 0; // bytes the tar will have

    std::atomic<bool> cancelled{false};
    std::atomic<qint64> written{0};
    QMutex renameLock; // cancel vs. the final rename
};

namespace {

qint64 tarMemberBytes(qint64 size)
{
    return TarWriter::BlockBytes + (size + TarWriter::BlockBytes - 1) / TarWriter::BlockBytes * TarWriter::BlockBytes;
}

QByteArray jsonString(const QString &text)
{
    QByteArray out = "\"";
    for (const QChar c : text) {
        if (c == u'"' || c == u'\\') {
            out += '\\';
            out += char(c.unicode());
        } else if (c.unicode() < 0x20) {
            out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QChar(u'0')).toLatin1();
        } else {
            out += QString(c).toUtf8();
        }
    }
    return out + '"';
}

} // namespace

ImageExport::ImageExport(RegistryClient *client, QString repository, QString reference, QString path,
                         Options options, QObject *parent)
    : CompositeOperation(parent)
    , m_client(client)
    , m_options(std::move(options))
{
    m_info.format = m_options.format;
    m_info.path = QDir::cleanPath(path);
    m_info.repository = std::move(repository);
    m_info.reference = std::move(reference);
}

ImageExport::~ImageExport()
{
    if (m_archive) {
        QMutexLocker lock(&m_archive->renameLock);
        m_archive->cancelled = true; // the writer stops and removes FILE.tar.part
    }
}

ImageExport::Format ImageExport::formatFor(const QString &path)
{
    return path.endsWith(QStringLiteral(".tar"), Qt::CaseInsensitive) ? Format::DockerArchive : Format::OciLayout;
}

void ImageExport::setStage(Stage stage)
{
    emit stageChanged(stage);
}

void ImageExport::finishWith(const ImageExportResult &result)
{
    if (!markFinished()) {
        return;
    }
    stopTransfers();
    emit finished(result);
}

void ImageExport::stopTransfers()
{
    const auto active = m_active;
    m_active.clear();
    for (auto it = active.begin(); it != active.end(); ++it) {
        it.key()->cancel(); // keeps its FILE.part: a layout export resumes it next time
        it.key()->deleteLater();
    }
    if (m_writeTicker) {
        m_writeTicker->stop();
    }
    if (m_archive) {
        {
            QMutexLocker lock(&m_archive->renameLock);
            m_archive->cancelled = true;
        }
        m_archive.reset(); // the staging directory goes with the last owner (the writer, when it runs)
    }
}

void ImageExport::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    if (!m_client) {
        finishWith(ClientError::invalidRequest(QStringLiteral("export without a registry client")));
        return;
    }
    if (const auto name = Oci::Reference::parseRepositoryPath(m_info.repository); !name) {
        finishWith(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_info.repository, name.error().message())));
        return;
    }
    const bool byDigest = Oci::Digest::isValidString(m_info.reference);
    if (m_info.format == Format::OciLayout) {
        m_info.refName = !m_options.refName.isEmpty() ? m_options.refName : byDigest ? QString() : m_info.reference;
        if (const auto prepared = OciLayout(m_info.path).prepare(); !prepared) {
            finishWith(prepared.error());
            return;
        }
    } else {
        m_info.refName = !m_options.refName.isEmpty() ? m_options.refName
                         : byDigest                   ? QString()
                                                      : m_info.repository + u':' + m_info.reference;
        const QFileInfo target(m_info.path);
        if (target.isDir()) {
            finishWith(ClientError::localFile(QDir::toNativeSeparators(m_info.path),
                                              ClientError::tr("it is a directory"),
                                              QStringLiteral("archive target %1 is a directory").arg(m_info.path)));
            return;
        }
        if (!target.absoluteDir().exists()) {
            finishWith(ClientError::localFile(QDir::toNativeSeparators(m_info.path),
                                              ClientError::tr("its folder does not exist"),
                                              QStringLiteral("no folder for %1").arg(m_info.path)));
            return;
        }
    }
    setStage(Stage::Reading);
    auto *query = new ImageGraphQuery(m_client, m_info.repository, m_info.reference, {}, this);
    m_current = query;
    connect(query, &ImageGraphQuery::finished, this, [this, query](const ImageGraphResult &r) {
        query->deleteLater();
        m_current = nullptr;
        if (!r) {
            finishWith(r.error());
            return;
        }
        onGraph(r.value());
    });
    query->start();
}

void ImageExport::onGraph(const ImageGraph &graph)
{
    const GraphManifest &top = graph.top();
    if (const auto *index = std::get_if<Oci::ImageIndex>(&top.manifest)) {
        m_info.platforms = index->platforms();
    }
    const Result<bool> planned = m_info.format == Format::OciLayout ? planLayout(graph) : planArchive(graph);
    if (!planned) {
        finishWith(planned.error());
        return;
    }
    for (const Download &d : std::as_const(m_downloads)) {
        m_info.totalBytes += d.size;
    }
    m_info.totalBytes += m_doneBytes; // blobs already present count as done
    m_info.blobs = int(m_downloads.size()) + m_info.present;
    setStage(Stage::Downloading);
    if (isFinished()) {
        return;
    }
    reportProgress();
    pump();
}

Result<bool> ImageExport::planLayout(const ImageGraph &graph)
{
    const OciLayout layout(m_info.path);
    const GraphManifest &top = graph.top();
    m_info.digest = top.digest;
    m_info.mediaType = top.mediaType;
    m_info.size = top.size();
    m_top.mediaType = top.mediaType;
    m_top.digest = top.digest;
    m_top.size = top.size();
    for (const GraphManifest &m : graph.manifests) {
        m_manifestBlobs.append({m.digest, m.bytes});
    }
    if (const auto *manifest = std::get_if<Oci::Manifest>(&top.manifest)) {
        m_info.configDigest = manifest->config.digest;
    }
    for (const GraphBlob &blob : graph.blobs) {
        if (blob.foreign) {
            ++m_info.foreignSkipped; // image-layout.md: "MAY be missing referenced blobs"
            continue;
        }
        const Oci::Descriptor &d = blob.descriptor;
        if (layout.hasBlob(d)) {
            ++m_info.present;
            m_doneBytes += d.size;
            continue;
        }
        const QString path = layout.blobPath(d.digest);
        if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
            return ClientError::localFile(QDir::toNativeSeparators(path), ClientError::tr("cannot create the directory"),
                                          QStringLiteral("mkpath %1").arg(QFileInfo(path).absolutePath()));
        }
        Download download;
        download.digest = d.digest;
        download.size = d.size;
        download.filePath = path;
        m_downloads.append(download);
    }
    return true;
}

Result<bool> ImageExport::planArchive(const ImageGraph &graph)
{
    const GraphManifest &top = graph.top();
    const GraphManifest *image = &top;
    if (const auto *index = std::get_if<Oci::ImageIndex>(&top.manifest)) {
        const Oci::Platform wanted =
            m_options.platform.value_or(Oci::Platform::parse(QStringLiteral("linux/amd64")).value());
        const auto entry = index->findByPlatform(wanted);
        if (!entry) {
            QStringList offered;
            for (const Oci::Platform &p : index->platforms()) {
                offered.append(p.toString());
            }
            const QString list = offered.isEmpty() ? ClientError::tr("none") : offered.join(QStringLiteral(", "));
            return ClientError::fromHttp(404, {}, {},
                                         QStringLiteral("%1:%2 has no image for %3; it offers %4")
                                             .arg(m_info.repository, m_info.reference, wanted.toString(), list))
                .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                             "This image has no %1 version; it offers: %2. A docker-archive holds one "
                                             "platform: choose one of those."),
                           {wanted.toString(), list});
        }
        image = nullptr;
        for (const GraphManifest &m : graph.manifests) {
            if (m.digest == entry->digest) {
                image = &m;
            }
        }
        if (!image) {
            return ClientError::invalid(ClientError::Invalid::BadContent,
                                        QStringLiteral("the index entry %1 was not read").arg(entry->digest.toString()));
        }
        m_info.platform = entry->platform;
    }
    const auto *manifest = std::get_if<Oci::Manifest>(&image->manifest);
    if (!manifest || !Oci::MediaType::isConfig(manifest->config.mediaType)) {
        return ClientError::invalidRequest(QStringLiteral("%1 is not a container image (config %2)")
                                               .arg(image->digest.toString(),
                                                    manifest ? manifest->config.mediaType : image->mediaType))
            .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                         "This is not a container image (it is an artifact or an index of indexes), "
                                         "so it cannot be written as a docker-archive. Export it as an OCI image "
                                         "layout instead."));
    }
    m_info.digest = image->digest;
    m_info.mediaType = image->mediaType;
    m_info.size = image->size();
    m_info.configDigest = manifest->config.digest;

    auto archive = std::make_shared<Archive>();
    archive->finalPath = m_info.path;
    archive->partPath = m_info.path + QStringLiteral(".part");
    const QFileInfo target(m_info.path);
    archive->staging = std::make_unique<QTemporaryDir>(target.absolutePath() + QStringLiteral("/.") +
                                                       target.fileName() + QStringLiteral("-XXXXXX"));
    if (!archive->staging->isValid()) {
        return ClientError::localFile(QDir::toNativeSeparators(target.absolutePath()),
                                      archive->staging->errorString(),
                                      QStringLiteral("temporary directory in %1: %2")
                                          .arg(target.absolutePath(), archive->staging->errorString()));
    }
    auto stagingFile = [&archive](const Oci::Digest &digest) {
        return archive->staging->filePath(digest.algorithmName() + u'-' + digest.hex());
    };
    // Docker's image/spec v1.2: the config as <hex>.json, each layer as <hex>/layer.tar, manifest.json naming them.
    archive->configMember = manifest->config.digest.hex() + QStringLiteral(".json");
    archive->configFile = stagingFile(manifest->config.digest);
    archive->configSize = manifest->config.size;
    QList<Download> downloads;
    Download config;
    config.digest = manifest->config.digest;
    config.size = manifest->config.size;
    config.filePath = archive->configFile;
    downloads.append(config);
    QByteArray layersJson;
    QSet<QString> seen;
    for (const Oci::Descriptor &layer : manifest->layers) {
        const QString member = layer.digest.hex() + QStringLiteral("/layer.tar");
        layersJson += (layersJson.isEmpty() ? QByteArray() : QByteArrayLiteral(",")) + jsonString(member);
        if (seen.contains(member)) {
            continue;
        }
        seen.insert(member);
        Archive::Layer l;
        l.member = member;
        l.file = stagingFile(layer.digest);
        l.size = layer.size;
        archive->layers.append(l);
        Download d;
        d.digest = layer.digest;
        d.size = layer.size;
        d.filePath = l.file;
        downloads.append(d);
    }
    const QByteArray repoTags = m_info.refName.isEmpty() ? QByteArray() : jsonString(m_info.refName);
    archive->manifestJson = QByteArrayLiteral("[{\"Config\":") + jsonString(archive->configMember) +
                            QByteArrayLiteral(",\"RepoTags\":[") + repoTags + QByteArrayLiteral("],\"Layers\":[") +
                            layersJson + QByteArrayLiteral("]}]\n");
    archive->total = tarMemberBytes(archive->manifestJson.size()) + tarMemberBytes(archive->configSize) +
                     2 * TarWriter::BlockBytes;
    for (const Archive::Layer &l : std::as_const(archive->layers)) {
        archive->total += TarWriter::BlockBytes /* its directory */ + tarMemberBytes(l.size);
    }
    m_archive = archive;
    m_downloads = downloads;
    return true;
}

void ImageExport::pump()
{
    if (isFinished()) {
        return;
    }
    const int parallel = qMax(1, m_options.parallel);
    while (m_active.size() < parallel && m_next < m_downloads.size()) {
        const int number = m_next++;
        const Download &d = m_downloads.at(number);
        BlobDownload::Options options;
        options.expectedSize = d.size;
        auto *download = new BlobDownload(m_client, m_info.repository, d.digest, d.filePath, options, this);
        Active active;
        active.download = number;
        m_active.insert(download, active);
        connect(download, &BlobDownload::progress, this, [this, download](qint64 have, qint64) {
            if (const auto it = m_active.find(download); it != m_active.end()) {
                it->have = have;
                reportProgress();
            }
        });
        connect(download, &BlobDownload::finished, this,
                [this, download](const BlobDownloadResult &r) { onDownloaded(download, r); });
        download->start();
        if (isFinished()) {
            return;
        }
    }
    if (m_active.isEmpty() && m_next >= m_downloads.size()) {
        if (m_info.format == Format::OciLayout) {
            finishLayout();
        } else {
            writeArchive();
        }
    }
}

void ImageExport::onDownloaded(BlobDownload *download, const BlobDownloadResult &result)
{
    if (isFinished()) {
        return;
    }
    const auto it = m_active.find(download);
    if (it == m_active.end()) {
        return;
    }
    const Active active = *it;
    m_active.erase(it);
    download->deleteLater();
    if (!result) {
        finishWith(result.error());
        return;
    }
    const Download &d = m_downloads.at(active.download);
    m_doneBytes += d.size;
    ++m_info.downloaded;
    m_info.downloadedBytes += d.size - result->resumedFrom;
    reportProgress();
    pump();
}

void ImageExport::reportProgress()
{
    qint64 done = m_doneBytes;
    for (const Active &a : std::as_const(m_active)) {
        done += a.have;
    }
    emit progress(done, m_info.totalBytes);
}

void ImageExport::finishLayout()
{
    const OciLayout layout(m_info.path);
    // Manifests after the blobs they name, index.json last: nothing names the image until all of it is there.
    for (const auto &[digest, bytes] : std::as_const(m_manifestBlobs)) {
        if (const auto written = layout.writeBlob(bytes, digest); !written) {
            finishWith(written.error());
            return;
        }
        ++m_info.manifests;
    }
    if (const auto added = layout.addReference(m_top, m_info.refName); !added) {
        finishWith(added.error());
        return;
    }
    finishWith(m_info);
}

void ImageExport::writeArchive()
{
    const std::shared_ptr<Archive> archive = m_archive;
    setStage(Stage::Writing);
    if (isFinished()) {
        return; // cancelled from a stageChanged() slot
    }
    m_writeTicker = new QTimer(this);
    m_writeTicker->setInterval(100);
    connect(m_writeTicker, &QTimer::timeout, this, [this] {
        if (m_archive) {
            emit progress(m_archive->written.load(), m_archive->total);
        }
    });
    m_writeTicker->start();
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, archive] {
        const QString error = watcher->result();
        watcher->deleteLater();
        if (isFinished()) {
            return;
        }
        if (!error.isEmpty()) {
            finishWith(ClientError::localFile(QDir::toNativeSeparators(archive->partPath), error,
                                              QStringLiteral("writing %1: %2").arg(archive->partPath, error)));
            return;
        }
        m_info.archiveBytes = archive->written.load();
        emit progress(archive->total, archive->total);
        finishWith(m_info);
    });
    watcher->setFuture(QtConcurrent::run([archive] { return writeArchiveFile(archive); }));
    emit progress(0, archive->total);
}

QString ImageExport::writeArchiveFile(const std::shared_ptr<Archive> &archive)
{
    // The writer is the last user of the staging directory: it goes when the writer returns, whatever the outcome.
    const auto removeStaging = qScopeGuard([&archive] { archive->staging->remove(); });
    QFile out(archive->partPath);
    auto abandon = [&out, &archive](const QString &why) {
        out.close();
        QFile::remove(archive->partPath);
        return why;
    };
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return out.errorString();
    }
    TarWriter tar(&out);
    qint64 before = 0; // bytes of finished members
    auto progress = [&archive, &before](qint64 member) {
        archive->written = before + member;
        return !archive->cancelled.load();
    };
    auto addFile = [&](const QString &member, const QString &file, qint64 size) {
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly)) {
            return false;
        }
        if (in.size() != size) {
            return false;
        }
        before = tar.bytesWritten() + TarWriter::BlockBytes;
        return tar.addFile(member, &in, size, progress);
    };
    // manifest.json and the config first: a reader that streams the archive learns what it holds before the layers.
    if (!tar.addBytes(QStringLiteral("manifest.json"), archive->manifestJson) ||
        !addFile(archive->configMember, archive->configFile, archive->configSize)) {
        return abandon(tar.errorString().isEmpty() ? QStringLiteral("cannot read the downloaded config")
                                                   : tar.errorString());
    }
    for (const Archive::Layer &layer : std::as_const(archive->layers)) {
        if (archive->cancelled.load()) {
            return abandon(QStringLiteral("cancelled"));
        }
        if (!tar.addDirectory(layer.member.section(u'/', 0, 0)) || !addFile(layer.member, layer.file, layer.size)) {
            return abandon(tar.errorString().isEmpty() ? QStringLiteral("cannot read the downloaded layer %1")
                                                             .arg(layer.member)
                                                       : tar.errorString());
        }
        QFile::remove(layer.file); // the staging copy is no longer needed: disk use stays near one copy
    }
    if (!tar.finish() || !out.flush()) {
        return abandon(tar.errorString().isEmpty() ? out.errorString() : tar.errorString());
    }
#ifdef Q_OS_UNIX
    if (::fsync(out.handle()) != 0) {
        return abandon(QStringLiteral("fsync failed"));
    }
#endif
    out.close();
    archive->written = tar.bytesWritten();
    QMutexLocker lock(&archive->renameLock);
    if (archive->cancelled.load()) {
        return abandon(QStringLiteral("cancelled"));
    }
    if (const QString problem = replaceFile(archive->partPath, archive->finalPath); !problem.isEmpty()) {
        return abandon(problem);
    }
    return {};
}

} // namespace Minato::Client
