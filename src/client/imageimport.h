#pragma once

// ImageImport: an image from an OCI image layout directory or a docker-archive tar (what `docker save` and
// `skopeo copy … docker-archive:FILE` write) pushed into a registry under a tag.
//
//   ImageImport::Options options;
//   options.name = u"v1"_s;                        // which image of the layout/archive; default: the only one,
//                                                  // else the target tag
//   auto *job = new ImageImport(client, u"/tmp/app.tar"_s, u"team/app"_s, u"v1"_s, options, this);
//   connect(job, &ImageImport::progress, bar, [](qint64 done, qint64 total) { … });   // bytes of blobs
//   connect(job, &ImageImport::finished, this, [job](const ImageImportResult &r) {
//       if (r) r->digest;                          // what team/app:v1 now names
//       job->deleteLater();
//   });
//   job->start();                                  // job->cancel(): uploads stop, their sessions are DELETEd
//
// OCI layout (image-spec image-layout.md): index.json's entry is chosen by its org.opencontainers.image.ref.name
// (Options::name; else the only entry; else the target tag), then OciLayout::readImage verifies every manifest and
// checks every blob is there. Blobs are pushed from their files, manifests with their exact bytes — children by
// digest before the index that names them, the top under the tag — so every digest stays what it was in the
// layout (image-index.md: an index names its manifests by digest).
//
// docker-archive: manifest.json is read from the tar ([{"Config": "<file>", "RepoTags": [...], "Layers":
// ["<file>", ...]}], docker's image/spec "Combined Image JSON + Filesystem Changeset Format" v1.2); the entry is
// chosen by Options::name against RepoTags ("repo:tag" or just the tag), else the only entry, else the target tag.
// The config is pushed as it is (so its digest — the image ID — is kept), each layer as stored, read through a
// FileRangeDevice over its member of the tar (never extracted, never whole in memory). A layer's media type comes
// from its first bytes: gzip (1f 8b) → application/vnd.docker.image.rootfs.diff.tar.gzip, zstd (28 b5 2f fd) →
// ….diff.tar.zstd, else ….diff.tar. An uncompressed layer's digest is its diff_id from the config (image-spec
// config.md: diff_ids are the digests of the uncompressed layers), so the registry is asked first whether it has
// it; a compressed layer's digest is computed while it is sent. Then a Docker schema 2 manifest
// (application/vnd.docker.distribution.manifest.v2+json) naming them is pushed under the tag: a new document, so
// its digest is new, while config and layer digests are those of the archive.
//
// Blobs go Options::parallel at a time through BlobUpload (a HEAD first: blobs the repository has are skipped). The
// first failure stops the others and ends the import; no manifest is pushed until every blob is in, so a failed
// import never leaves the tag pointing at an incomplete image.
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before start()
// returns; cancel() ends it with Cancelled at once; deleting it aborts what is in flight.

#include "compositeoperation.h"
#include "clienterror.h"
#include "result.h"

#include "oci/descriptor.h"
#include "oci/digest.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

class QIODevice;

namespace Minato::Client {

class BlobUpload;
class RegistryClient;
struct BlobUploadInfo;

struct ImageImportInfo
{
    enum class Source { OciLayout, DockerArchive };

    Source source = Source::OciLayout;
    QString sourcePath;
    QString sourceName; // the ref.name or RepoTags entry taken (may be empty)
    QString repository;
    QString tag;
    Oci::Digest digest; // of the manifest now tagged
    QString mediaType;
    qint64 size = 0;
    Oci::Digest configDigest; // docker-archive: the config pushed (the image ID)
    int blobs = 0;            // config and layer blobs of the image
    int uploaded = 0;         // sent (or mounted) by this import
    int skipped = 0;          // already in the repository
    qint64 totalBytes = 0;    // of all its blobs
    qint64 uploadedBytes = 0; // sent by this import
    int manifests = 0;        // manifests pushed (children and the top)
};
using ImageImportResult = Result<ImageImportInfo>;

class ImageImport final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageImport)

public:
    struct Options
    {
        QString name;     // ref.name (layout) or RepoTags entry (archive); empty: the only one, else the tag
        int parallel = 4; // blob uploads at a time
    };

    ImageImport(RegistryClient *client, QString sourcePath, QString repository, QString tag, Options options,
                QObject *parent = nullptr);
    ~ImageImport() override;

    void start();

signals:
    // Bytes of blobs sent (or found present) so far, of total; emitted as uploads advance.
    void progress(qint64 done, qint64 total);
    void finished(const Minato::Client::ImageImportResult &result);

private:
    struct Upload
    {
        QString label;      // for errors: the layout path or the tar member
        QString filePath;   // the file holding the blob
        qint64 offset = -1; // a tar member: its byte range; -1: the whole file
        qint64 size = 0;
        Oci::Digest digest; // invalid: computed while sending
        QList<int> layers;  // docker-archive: the entries of m_layers stored in this member
    };
    struct Active
    {
        int upload = 0;
        QIODevice *device = nullptr;
        qint64 sent = 0;
    };
    struct PushStep
    {
        QString reference;
        QByteArray bytes;
        QString mediaType;
    };

    Result<bool> planLayout();
    Result<bool> planArchive();
    void pump();
    void onUploaded(BlobUpload *upload, const Result<BlobUploadInfo> &result);
    void reportProgress();
    bool buildArchiveManifest();
    void pushNext();
    void finishWith(const ImageImportResult &result);
    void finishCancelled() override { finishWith(ClientError::cancelled()); }
    void stopUploads();

    QPointer<RegistryClient> m_client;
    QString m_sourcePath;
    Options m_options;
    ImageImportInfo m_info;
    bool m_started = false;

    QList<Upload> m_uploads;
    int m_next = 0;
    int m_done = 0;
    qint64 m_doneBytes = 0;
    QHash<BlobUpload *, Active> m_active;
    QList<PushStep> m_pushes; // in order; the last is the top under the tag

    // docker-archive: what the manifest is built from once every blob is in.
    QByteArray m_config;
    QList<Oci::Descriptor> m_layers;
};

} // namespace Minato::Client
