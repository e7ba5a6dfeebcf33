#pragma once

// ImageExport: an image in a registry written to disk — as an OCI image layout directory (every platform of an
// index, every digest as in the registry) or as a docker-archive tar for `docker load` (one platform).
//
//   ImageExport::Options options;
//   options.format = ImageExport::formatFor(path);              // "….tar": docker-archive, else an OCI layout
//   options.platform = Oci::Platform::parse(u"linux/arm64").toOptional();   // docker-archive of an index
//   auto *job = new ImageExport(client, u"team/app"_s, u"v1"_s, path, options, this);
//   connect(job, &ImageExport::stageChanged, this, [](ImageExport::Stage s) { … });
//   connect(job, &ImageExport::progress, bar, [](qint64 done, qint64 total) { … });   // bytes, per stage
//   connect(job, &ImageExport::finished, this, [job](const ImageExportResult &r) { …; job->deleteLater(); });
//   job->start();                                  // job->cancel(): transfers stop, FILE.tar.part is removed
//
// Stage Reading: ImageGraphQuery (imagegraph.h) reads the top manifest and, for an index, every child — each
// verified against its digest and kept as the exact bytes received.
// Stage Downloading: blobs Options::parallel at a time with BlobDownload, which writes FILE.part and renames it to
// FILE only when the digest verifies; progress counts their bytes.
//
// OCI image layout (image-spec image-layout.md): blobs go straight to blobs/<alg>/<hex> (a blob already there with
// the right size is not fetched again: the layout is content addressed; a .part left by an interrupted export is
// resumed); then every manifest's bytes are written as blobs unchanged, so each digest is the registry's; index.json
// is written last, its entry for the top manifest carrying org.opencontainers.image.ref.name = Options::refName
// (default: the tag), replacing an entry of that name and keeping the others — exporting several tags into one
// directory adds to it. Until index.json is written nothing in the layout names the image, so a failure leaves no
// half image under a name (blobs that did arrive stay, verified, for the next attempt). Non-distributable layers
// with urls are not fetched ("the blobs directory MAY be missing referenced blobs … fulfilled by an external blob
// store").
//
// docker-archive (docker's image/spec v1.2 "Combined Image JSON + Filesystem Changeset Format", what `docker load`
// reads): for an index, the image for Options::platform, default linux/amd64 (an index without it fails, naming the
// platforms it offers). Blobs are fetched into a temporary directory beside the target, then stage Writing streams
// the tar on a worker thread (TarWriter, 1 MiB at a time) into FILE.tar.part, which is renamed over FILE.tar when
// complete: manifest.json [{"Config": "<hex>.json", "RepoTags": [Options::refName], "Layers": ["<hex>/layer.tar",
// …]}], the config as it is (so its digest is the image ID), each layer as stored in the registry (compressed:
// docker load and skopeo both accept gzip layers; no `repositories` file, which loaders only use without
// manifest.json). A failure or cancel removes FILE.tar.part and the temporary directory; FILE.tar is untouched.
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before start()
// returns; cancel() ends it with Cancelled at once; deleting it aborts what is in flight. A cancel in the instant
// the archive's rename happens may find the file already complete.

#include "compositeoperation.h"
#include "clienterror.h"
#include "result.h"

#include "oci/descriptor.h"
#include "oci/digest.h"
#include "oci/platform.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <optional>

class QTimer;

namespace Minato::Client {

class BlobDownload;
class RegistryClient;
struct BlobDownloadInfo;
struct ImageGraph;

struct ImageExportInfo
{
    enum class Format { OciLayout, DockerArchive };

    Format format = Format::OciLayout;
    QString path; // the layout directory or the .tar written
    QString repository;
    QString reference; // as asked: a tag or a digest
    QString refName;   // layout: the entry's ref.name (may be empty); archive: the RepoTags entry (may be empty)
    // Layout: the top manifest (an index for a multi-platform image), exactly as in the registry. Archive: the image
    // manifest of the platform written.
    Oci::Digest digest;
    QString mediaType;
    qint64 size = 0;
    Oci::Digest configDigest;              // archive: the config (the image ID docker shows)
    std::optional<Oci::Platform> platform; // archive: the platform taken from an index
    QList<Oci::Platform> platforms;        // an index's platforms (a layout holds them all)
    int manifests = 0;                     // manifests written (layout)
    int blobs = 0;                         // config and layer blobs exported
    int downloaded = 0;                    // fetched by this export
    int present = 0;                       // layout: already in blobs/, not fetched again
    int foreignSkipped = 0;                // non-distributable layers left to their urls (layout)
    qint64 totalBytes = 0;                 // of the blobs exported
    qint64 downloadedBytes = 0;
    qint64 archiveBytes = 0; // size of the .tar written
};
using ImageExportResult = Result<ImageExportInfo>;

class ImageExport final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageExport)

public:
    using Format = ImageExportInfo::Format;
    enum class Stage { Reading, Downloading, Writing };

    struct Options
    {
        Format format = Format::OciLayout;
        // Layout: the ref.name (empty: the tag, or no name when exported by digest). Archive: the RepoTags entry
        // ("registry/repo:tag"; empty: repository:tag, or none when exported by digest).
        QString refName;
        std::optional<Oci::Platform> platform; // archive: which image of an index (default linux/amd64)
        int parallel = 4;                      // blob downloads at a time
    };

    ImageExport(RegistryClient *client, QString repository, QString reference, QString path, Options options,
                QObject *parent = nullptr);
    ~ImageExport() override;

    // DockerArchive for a path ending in ".tar" (any case), else OciLayout.
    static Format formatFor(const QString &path);

    void start();

signals:
    void stageChanged(Minato::Client::ImageExport::Stage stage);
    // Downloading: blob bytes fetched (or found in the layout) of all; Writing: archive bytes written of all.
    void progress(qint64 done, qint64 total);
    void finished(const Minato::Client::ImageExportResult &result);

private:
    struct Download
    {
        Oci::Digest digest;
        qint64 size = 0;
        QString filePath;
    };
    struct Active
    {
        int download = 0;
        qint64 have = 0;
    };
    struct Archive;
    // Runs on a worker thread: the tar into FILE.tar.part, renamed to FILE.tar; empty, or why not (part removed).
    static QString writeArchiveFile(const std::shared_ptr<Archive> &archive);

    void onGraph(const ImageGraph &graph);
    Result<bool> planLayout(const ImageGraph &graph);
    Result<bool> planArchive(const ImageGraph &graph);
    void pump();
    void onDownloaded(BlobDownload *download, const Result<BlobDownloadInfo> &result);
    void reportProgress();
    void finishLayout();
    void writeArchive();
    void setStage(Stage stage);
    void finishWith(const ImageExportResult &result);
    void finishCancelled() override { finishWith(ClientError::cancelled()); }
    void stopTransfers();

    QPointer<RegistryClient> m_client;
    Options m_options;
    ImageExportInfo m_info;
    bool m_started = false;

    QList<Download> m_downloads;
    int m_next = 0;
    qint64 m_doneBytes = 0;
    QHash<BlobDownload *, Active> m_active;

    QList<QPair<Oci::Digest, QByteArray>> m_manifestBlobs; // layout: written after the blobs
    Oci::Descriptor m_top;                                // layout: index.json's new entry
    std::shared_ptr<Archive> m_archive;                   // docker-archive: staging and the writer's state
    QTimer *m_writeTicker = nullptr;
};

} // namespace Minato::Client
