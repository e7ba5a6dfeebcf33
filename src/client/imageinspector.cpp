#include "imageinspector.h"

#include "blobquery.h"
#include "manifestquery.h"
#include "registryclient.h"

#include "oci/imageindex.h"
#include "oci/manifest.h"
#include "oci/mediatype.h"

#include <QStringList>

#include <variant>

namespace Minato::Client {

namespace {

IndexEntry entryFrom(const Oci::Descriptor &d)
{
    IndexEntry e;
    e.digest = d.digest;
    e.mediaType = d.mediaType;
    e.size = d.size;
    e.platform = d.platform;
    e.attestation = Oci::ImageIndex::isAttestationEntry(d);
    if (e.attestation) {
        const QString attests = d.annotations.value(QString::fromUtf16(Oci::Annotation::DockerReferenceDigest));
        if (const auto digest = Oci::Digest::parse(attests)) {
            e.attests = *digest;
        }
    }
    return e;
}

QString platformList(const QList<IndexEntry> &entries)
{
    QStringList names;
    for (const IndexEntry &e : entries) {
        names.append(e.platform ? e.platform->toString() : QStringLiteral("(no platform) ") + e.digest.toString());
    }
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

ClientError platformNotFound(const QString &what)
{
    // A 404-like answer: the reference exists, but not for this platform.
    return ClientError::fromHttp(404, {}, {}, what);
}

} // namespace

qint64 InspectedImage::layersSize() const
{
    qint64 sum = 0;
    for (const InspectedLayer &layer : layers) {
        if (layer.size > 0) {
            sum += layer.size;
        }
    }
    return sum;
}

ImageInspector::ImageInspector(RegistryClient *client, QString repository, QString reference, Options options,
                               QObject *parent)
    : CompositeOperation(parent)
    , m_client(client)
    , m_repository(std::move(repository))
    , m_reference(std::move(reference))
    , m_options(std::move(options))
{}

ImageInspector::~ImageInspector() = default; // sub-operations are children: deleting them aborts them

void ImageInspector::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    if (!m_client) {
        fail(ClientError::invalidRequest(QStringLiteral("image inspection without a registry client")));
        return;
    }
    m_inspection.repository = m_repository;
    m_inspection.reference = m_reference;
    auto *query = new ManifestQuery(m_client, m_repository, m_reference, ManifestQuery::Method::Get, this);
    m_current = query;
    connect(query, &ManifestQuery::finished, this, [this, query](const ManifestResult &r) {
        query->deleteLater();
        onTopManifest(r);
    });
    query->start();
}

void ImageInspector::finishWith(const InspectionResult &result)
{
    if (markFinished()) {
        emit finished(result);
    }
}

void ImageInspector::onTopManifest(const ManifestResult &result)
{
    m_current = nullptr;
    if (!result) {
        fail(result.error());
        return;
    }
    const ManifestInfo &info = result.value();
    m_inspection.digest = info.digest;
    m_inspection.mediaType = info.mediaType;
    m_inspection.size = info.size;
    m_inspection.raw = Oci::rawOf(*info.manifest);

    const auto *index = std::get_if<Oci::ImageIndex>(&*info.manifest);
    if (index == nullptr) {
        useImageManifest(info, std::nullopt);
        return;
    }
    m_inspection.isIndex = true;
    for (const Oci::Descriptor &d : index->manifests) {
        const IndexEntry e = entryFrom(d);
        (e.attestation ? m_inspection.attestations : m_inspection.platforms).append(e);
    }
    if (m_options.platform) {
        const auto chosen = index->findByPlatform(*m_options.platform);
        if (!chosen) {
            fail(platformNotFound(QStringLiteral("%1:%2 has no image for %3; it offers %4")
                                      .arg(m_repository, m_reference, m_options.platform->toString(),
                                           platformList(m_inspection.platforms))));
            return;
        }
        fetchChild(entryFrom(*chosen));
        return;
    }
    if (m_inspection.platforms.size() == 1) {
        fetchChild(m_inspection.platforms.first());
        return;
    }
    finishWith(m_inspection); // several platforms: the caller chooses
}

void ImageInspector::fetchChild(const IndexEntry &entry)
{
    if (Oci::MediaType::isIndex(entry.mediaType)) {
        fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                  QStringLiteral("%1:%2: the entry %3 is itself an index; nested indexes are not "
                                                 "followed")
                                      .arg(m_repository, m_reference, entry.digest.toString())));
        return;
    }
    auto *query = new ManifestQuery(m_client, m_repository, entry.digest.toString(), ManifestQuery::Method::Get, this);
    m_current = query;
    connect(query, &ManifestQuery::finished, this, [this, query, entry](const ManifestResult &r) {
        query->deleteLater();
        onChildManifest(entry, r);
    });
    query->start();
}

void ImageInspector::onChildManifest(const IndexEntry &entry, const ManifestResult &result)
{
    m_current = nullptr;
    if (!result) {
        fail(result.error());
        return;
    }
    // ManifestQuery verified the digest; the size must be the one the index states as well.
    if (result->size != entry.size) {
        fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                  QStringLiteral("manifest %1 has %2 bytes, the index says %3")
                                      .arg(entry.digest.toString())
                                      .arg(result->size)
                                      .arg(entry.size)));
        return;
    }
    if (std::holds_alternative<Oci::ImageIndex>(*result->manifest)) {
        fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                  QStringLiteral("the index entry %1 is itself an index; nested indexes are not "
                                                 "followed")
                                      .arg(entry.digest.toString())));
        return;
    }
    useImageManifest(result.value(), entry.platform);
}

void ImageInspector::useImageManifest(const ManifestInfo &info, const std::optional<Oci::Platform> &indexPlatform)
{
    InspectedImage image;
    image.manifestDigest = info.digest;
    image.manifestMediaType = info.mediaType;
    image.manifestSize = info.size;
    image.manifestRaw = Oci::rawOf(*info.manifest);
    image.platform = indexPlatform;

    if (const auto *schema1 = std::get_if<Oci::Schema1Manifest>(&*info.manifest)) {
        // fsLayers are top-most first; list them base first like schema 2.
        for (auto it = schema1->fsLayers.crbegin(); it != schema1->fsLayers.crend(); ++it) {
            image.layers.append({*it, QString(), -1});
        }
        if (!image.platform && !schema1->architecture.isEmpty()) {
            image.platform = Oci::Platform{QStringLiteral("linux"), schema1->architecture, {}, {}, {}, {}};
        }
        m_inspection.image = image;
        finishWith(m_inspection);
        return;
    }
    const auto &manifest = std::get<Oci::Manifest>(*info.manifest);
    for (const Oci::Descriptor &layer : manifest.layers) {
        image.layers.append({layer.digest, layer.mediaType, layer.size});
    }
    image.configDigest = manifest.config.digest;
    image.configMediaType = manifest.config.mediaType;
    image.configSize = manifest.config.size;
    const bool imageConfig = Oci::MediaType::isConfig(manifest.config.mediaType);
    if (manifest.isArtifact()) {
        image.artifactType = manifest.effectiveArtifactType();
    }
    m_inspection.image = image;

    if (!m_options.fetchConfig) {
        finishWith(m_inspection);
        return;
    }
    BlobQuery::Options options;
    options.parseImageConfig = imageConfig;
    auto *query = new BlobQuery(m_client, m_repository, image.configDigest, options, this);
    m_current = query;
    connect(query, &BlobQuery::finished, this, [this, query](const BlobResult &r) {
        query->deleteLater();
        onConfig(r);
    });
    query->start();
}

void ImageInspector::onConfig(const BlobResult &result)
{
    m_current = nullptr;
    if (!result) {
        fail(result.error());
        return;
    }
    InspectedImage &image = *m_inspection.image;
    if (result->data.size() != image.configSize) {
        fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                  QStringLiteral("config %1 has %2 bytes, the manifest says %3")
                                      .arg(image.configDigest.toString())
                                      .arg(result->data.size())
                                      .arg(image.configSize)));
        return;
    }
    image.configRaw = result->data;
    image.config = result->config;
    if (image.config && !image.platform) {
        image.platform = image.config->platform();
    }
    // A single image asked for with a platform: it must be that platform.
    if (m_options.platform && !m_inspection.isIndex && image.config &&
        !image.config->platform().matches(*m_options.platform)) {
        fail(platformNotFound(
            QStringLiteral("%1:%2 is a single %3 image, not %4")
                .arg(m_repository, m_reference, image.config->platformString(), m_options.platform->toString())));
        return;
    }
    finishWith(m_inspection);
}

} // namespace Minato::Client
