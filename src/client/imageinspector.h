#pragma once

// ImageInspector: everything `docker inspect`-like about one image reference, in one operation — the
// manifest by tag or digest; for an index its platforms (attestation entries apart) and, when one platform
// is asked for (or the index has exactly one runnable entry), that platform's image manifest; then the
// image's config blob. Built from ManifestQuery and BlobQuery, which verify every byte received: manifests
// against Docker-Content-Digest and the digest asked for, the config against its descriptor's digest. The
// inspector also checks each fetched child's size against the descriptor that named it.
//
//   ImageInspector::Options options;
//   options.platform = Oci::Platform::parse(u"linux/arm64").toOptional();   // optional
//   auto *inspector = new ImageInspector(client, u"team/app"_s, u"v1"_s, options, this);
//   connect(inspector, &ImageInspector::finished, this, [inspector](const InspectionResult &r) {
//       if (r && r->image) { r->image->manifestDigest; r->image->layersSize(); r->image->config->container.cmd; }
//       else if (r) { r->platforms; }             // an index of several platforms, none asked for
//       inspector->deleteLater();
//   });
//   inspector->start();
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before
// start() returns; cancel() ends it with Cancelled at once; deleting it aborts what is in flight.
//
// Outcomes:
// - A single image manifest: `image` is set (when a platform was asked for, the config's platform must
//   match it, else NotFound).
// - An index with one runnable entry, or with a platform asked for: `image` is the resolved entry; a
//   platform the index does not offer ends with NotFound whose technical detail lists what it offers.
// - An index with several runnable entries and no platform asked for: `image` is empty; `platforms`
//   lists them (the caller chooses).
// - Schema 1: `image` with layers (sizes unknown, -1) and no config. Artifacts (a config that is not an
//   image config): the config's raw bytes, `config` empty.
// Nested indexes are not followed (an index entry that is itself an index ends with InvalidResponse).

#include "compositeoperation.h"
#include "clienterror.h"
#include "result.h"

#include "oci/digest.h"
#include "oci/imageconfig.h"
#include "oci/platform.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

namespace Minato::Client {

class RegistryClient;
struct BlobData;
struct ManifestInfo;

// One entry of an index.
struct IndexEntry
{
    Oci::Digest digest;
    QString mediaType;
    qint64 size = 0;
    std::optional<Oci::Platform> platform; // as written in the index; absent when the entry has none
    bool attestation = false;              // buildx attestation (vnd.docker.reference.type / unknown/unknown)
    Oci::Digest attests;                   // for an attestation: the image it describes (when annotated)
};

struct InspectedLayer
{
    Oci::Digest digest;
    QString mediaType;
    qint64 size = -1; // compressed bytes; -1 when unknown (schema 1)
};

// The image manifest the inspection ended on, and its config.
struct InspectedImage
{
    Oci::Digest manifestDigest; // verified
    QString manifestMediaType;
    qint64 manifestSize = 0;
    QByteArray manifestRaw;                // exactly the bytes received
    std::optional<Oci::Platform> platform; // the index entry's platform, else the config's
    QString artifactType;                  // non-empty for an artifact (manifest artifactType or config type)
    QList<InspectedLayer> layers;
    Oci::Digest configDigest;
    QString configMediaType;
    qint64 configSize = 0;
    QByteArray configRaw;                   // verified bytes; empty for schema 1
    std::optional<Oci::ImageConfig> config; // when the config is an OCI or Docker image config

    // Sum of the layers' compressed sizes (unknown sizes count as 0).
    qint64 layersSize() const;
    // config + layers: what a pull of this image transfers (manifest excluded).
    qint64 totalSize() const { return layersSize() + configSize; }
};

struct ImageInspection
{
    QString repository;
    QString reference;  // as asked: tag or digest
    Oci::Digest digest; // of the manifest or index the reference names (verified)
    QString mediaType;
    qint64 size = 0;
    QByteArray raw; // the bytes the reference names, exactly as received
    bool isIndex = false;
    QList<IndexEntry> platforms;    // index only: runnable entries, in document order
    QList<IndexEntry> attestations; // index only
    std::optional<InspectedImage> image;
};
using InspectionResult = Result<ImageInspection>;

class ImageInspector final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageInspector)

public:
    struct Options
    {
        std::optional<Oci::Platform> platform; // pick this platform from an index (Platform::matches)
        bool fetchConfig = true;               // false: stop after the image manifest
    };

    // reference: a tag or a digest ("v1", "sha256:…").
    ImageInspector(RegistryClient *client, QString repository, QString reference, Options options,
                   QObject *parent = nullptr);
    ~ImageInspector() override;

    void start();

signals:
    void finished(const Minato::Client::InspectionResult &result);

private:
    void onTopManifest(const Result<ManifestInfo> &result);
    void fetchChild(const IndexEntry &entry);
    void onChildManifest(const IndexEntry &entry, const Result<ManifestInfo> &result);
    void useImageManifest(const ManifestInfo &info, const std::optional<Oci::Platform> &indexPlatform);
    void onConfig(const Result<BlobData> &result);
    void finishWith(const InspectionResult &result);
    void finishCancelled() override { finishWith(ClientError::cancelled()); }
    void fail(const ClientError &error) { finishWith(error); }

    QPointer<RegistryClient> m_client;
    QString m_repository;
    QString m_reference;
    Options m_options;
    bool m_started = false;
    ImageInspection m_inspection;
};

} // namespace Minato::Client
