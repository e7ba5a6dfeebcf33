#include "imagegraph.h"

#include "manifestquery.h"
#include "referrersquery.h"
#include "registryclient.h"

#include "oci/imageindex.h"
#include "oci/mediatype.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Client {

namespace {

QString platformNames(const QList<Oci::Platform> &platforms)
{
    QStringList names;
    for (const Oci::Platform &p : platforms) {
        names.append(p.toString());
    }
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

const Oci::ImageIndex *asIndex(const Oci::AnyManifest &manifest)
{
    return std::get_if<Oci::ImageIndex>(&manifest);
}

} // namespace

bool GraphManifest::isIndex() const
{
    return std::holds_alternative<Oci::ImageIndex>(manifest);
}

const GraphManifest &ImageGraph::top() const
{
    for (const GraphManifest &m : manifests) {
        if (m.role == GraphManifest::Role::Top) {
            return m;
        }
    }
    Q_ASSERT_X(false, "ImageGraph::top", "a graph without its top manifest");
    return manifests.constFirst();
}

qint64 ImageGraph::blobBytes(bool includeForeign) const
{
    qint64 sum = 0;
    for (const GraphBlob &b : blobs) {
        if (!b.foreign || includeForeign) {
            sum += qMax<qint64>(0, b.descriptor.size);
        }
    }
    return sum;
}

int ImageGraph::referrerCount() const
{
    int n = 0;
    for (const GraphManifest &m : manifests) {
        n += m.role == GraphManifest::Role::Referrer ? 1 : 0;
    }
    return n;
}

ImageGraphQuery::ImageGraphQuery(RegistryClient *client, QString repository, QString reference, Options options,
                                 QObject *parent)
    : CompositeOperation(parent)
    , m_client(client)
    , m_options(std::move(options))
{
    m_graph.repository = std::move(repository);
    m_graph.reference = std::move(reference);
}

ImageGraphQuery::~ImageGraphQuery() = default;

void ImageGraphQuery::start()
{
    if (m_started || isFinished()) {
        return;
    }
    m_started = true;
    if (!m_client) {
        finishWith(ClientError::invalidRequest(QStringLiteral("reading an image without a registry client")));
        return;
    }
    Pending top;
    top.reference = m_graph.reference;
    top.role = GraphManifest::Role::Top;
    m_queue.append(top);
    readNext();
}

void ImageGraphQuery::readNext()
{
    if (isFinished()) {
        return;
    }
    if (m_queue.isEmpty()) {
        if (!m_askReferrers.isEmpty()) {
            askReferrers();
        } else {
            finishGraph();
        }
        return;
    }
    const Pending pending = m_queue.takeFirst();
    auto *query = new ManifestQuery(m_client, m_graph.repository, pending.reference, ManifestQuery::Method::Get, this);
    m_current = query;
    connect(query, &ManifestQuery::finished, this, [this, query, pending](const ManifestResult &r) {
        query->deleteLater();
        m_current = nullptr;
        onRead(pending, r);
    });
    query->start();
}

void ImageGraphQuery::onRead(const Pending &pending, const Result<ManifestInfo> &result)
{
    if (!result) {
        ClientError error = result.error();
        finishWith(error);
        return;
    }
    const ManifestInfo &info = result.value();
    if (!info.manifest) {
        finishWith(ClientError::invalid(ClientError::Invalid::BadContent,
                                        QStringLiteral("%1@%2: no manifest in the answer")
                                            .arg(m_graph.repository, pending.reference)));
        return;
    }
    if (std::holds_alternative<Oci::Schema1Manifest>(*info.manifest)) {
        // A schema 1 manifest's signed payload names its repository and tag: it cannot be moved unchanged.
        finishWith(ClientError::invalidRequest(
            QStringLiteral("%1:%2 is a Docker schema 1 manifest, which names its repository inside its signature "
                           "and cannot be copied; push it again with a current Docker or convert it first")
                .arg(m_graph.repository, pending.reference)));
        return;
    }

    GraphManifest manifest{};
    manifest.digest = info.digest;
    manifest.mediaType = info.mediaType;
    manifest.bytes = Oci::rawOf(*info.manifest);
    manifest.manifest = *info.manifest;
    manifest.role = pending.role;
    manifest.subject = pending.subject;
    if (pending.descriptor) {
        manifest.platform = pending.descriptor->platform;
        manifest.artifactType = pending.descriptor->artifactType;
    }
    if (!admit(manifest, pending)) {
        return;
    }
    emit progress(int(m_read.size()));
    readNext();
}

bool ImageGraphQuery::admit(GraphManifest &manifest, const Pending &pending)
{
    const QString where = QStringLiteral("%1@%2").arg(m_graph.repository, pending.reference);
    if (pending.descriptor) {
        // image-spec descriptor.md: the size "MUST" be the exact byte count; a registry serving other bytes
        // under the digest would have failed ManifestQuery's digest check already.
        if (pending.descriptor->size != manifest.size()) {
            finishWith(ClientError::invalid(ClientError::Invalid::BadContent,
                                            QStringLiteral("%1: %2 bytes, but the descriptor that names it says %3")
                                                .arg(where)
                                                .arg(manifest.size())
                                                .arg(pending.descriptor->size)));
            return false;
        }
    }
    if (manifest.role == GraphManifest::Role::Top && !m_options.platforms.isEmpty() && manifest.isIndex() &&
        !rewriteTop(manifest)) {
        return false;
    }
    if (manifest.role == GraphManifest::Role::Referrer && manifest.artifactType.isEmpty()) {
        if (const auto *m = std::get_if<Oci::Manifest>(&manifest.manifest)) {
            manifest.artifactType = m->effectiveArtifactType();
        } else if (const auto *i = asIndex(manifest.manifest)) {
            manifest.artifactType = i->artifactType;
        }
    }

    const QString key = manifest.digest.toString();
    QStringList children;
    if (const auto *index = asIndex(manifest.manifest)) {
        // Depth first: the children are read next, in document order.
        QList<Pending> next;
        for (const Oci::Descriptor &entry : index->manifests) {
            children.append(entry.digest.toString());
            if (m_read.contains(entry.digest.toString()) || m_queued.contains(entry.digest.toString())) {
                continue;
            }
            m_queued.insert(entry.digest.toString());
            Pending child;
            child.reference = entry.digest.toString();
            child.role = GraphManifest::Role::Child;
            child.descriptor = entry;
            child.depth = pending.depth;
            next.append(child);
        }
        m_queue = next + m_queue;
        if (manifest.role == GraphManifest::Role::Top) {
            m_graph.platforms = index->platforms();
        }
    } else if (const auto *image = std::get_if<Oci::Manifest>(&manifest.manifest)) {
        addBlob(image->config);
        for (const Oci::Descriptor &layer : image->layers) {
            addBlob(layer);
        }
    }
    m_children.insert(key, children);
    if (manifest.role == GraphManifest::Role::Referrer) {
        m_referrerRoots.append(key);
    }
    // Referrers name their subject by digest: a rewritten index has none in the source (its original's do not
    // apply to it), every other manifest keeps its digest and so its referrers.
    if (m_options.referrers && pending.depth < m_options.maxReferrerDepth &&
        !(manifest.role == GraphManifest::Role::Top && m_graph.rewritten())) {
        m_askReferrers.append({manifest.digest, pending.depth});
    }
    m_read.insert(key, std::move(manifest));
    if (m_read.size() > m_options.maxManifests) {
        finishWith(ClientError::invalid(ClientError::Invalid::TooLarge,
                                        QStringLiteral("%1:%2: more than %3 manifests")
                                            .arg(m_graph.repository, m_graph.reference)
                                            .arg(m_options.maxManifests)));
        return false;
    }
    return true;
}

bool ImageGraphQuery::rewriteTop(GraphManifest &top)
{
    const Oci::ImageIndex &index = std::get<Oci::ImageIndex>(top.manifest);
    QSet<QString> keep;
    for (const Oci::Platform &wanted : m_options.platforms) {
        const auto chosen = index.findByPlatform(wanted);
        if (!chosen) {
            finishWith(ClientError::fromHttp(404, {}, {},
                                             QStringLiteral("%1:%2 has no image for %3; it offers %4")
                                                 .arg(m_graph.repository, m_graph.reference, wanted.toString(),
                                                      platformNames(index.platforms()))));
            return false;
        }
        keep.insert(chosen->digest.toString());
        if (const auto attestation = index.attestationFor(chosen->digest)) {
            keep.insert(attestation->digest.toString());
        }
    }
    if (keep.size() == index.manifests.size()) {
        return true; // every entry asked for: the index stays as it is, digest and signatures included
    }

    // Only the manifests array changes; every other member (annotations, mediaType, subject, unknown
    // extensions) is kept as the source wrote it.
    QJsonObject root = QJsonDocument::fromJson(top.bytes).object();
    const QJsonArray entries = root.value(QStringLiteral("manifests")).toArray();
    QJsonArray kept;
    for (qsizetype i = 0; i < index.manifests.size() && i < entries.size(); ++i) {
        if (keep.contains(index.manifests.at(i).digest.toString())) {
            kept.append(entries.at(i));
        }
    }
    root.insert(QStringLiteral("manifests"), kept);
    const QByteArray bytes = QJsonDocument(root).toJson(QJsonDocument::Compact);
    auto parsed = Oci::ImageIndex::parse(bytes, top.mediaType);
    if (!parsed) {
        finishWith(ClientError::invalid(ClientError::Invalid::BadContent,
                                        QStringLiteral("%1:%2: the index for the chosen platforms is invalid: %3")
                                            .arg(m_graph.repository, m_graph.reference, parsed.error().message())));
        return false;
    }
    m_graph.originalDigest = top.digest;
    top.digest = parsed->digest;
    top.bytes = bytes;
    top.manifest = *std::move(parsed);
    return true;
}

void ImageGraphQuery::askReferrers()
{
    const auto [subject, depth] = m_askReferrers.takeFirst();
    auto *query = new ReferrersQuery(m_client, m_graph.repository, subject, {}, this);
    m_current = query;
    connect(query, &ReferrersQuery::finished, this, [this, query, subject = subject, depth = depth](const ReferrersResult &r) {
        query->deleteLater();
        m_current = nullptr;
        onReferrers(subject, depth, r);
    });
    query->start();
}

void ImageGraphQuery::onReferrers(const Oci::Digest &subject, int depth, const Result<ReferrersInfo> &result)
{
    if (!result) {
        finishWith(result.error());
        return;
    }
    for (const Referrer &referrer : result->referrers) {
        const QString key = referrer.descriptor.digest.toString();
        if (!referrer.descriptor.digest.isValid() || m_read.contains(key) || m_queued.contains(key)) {
            continue; // a cosign tag not resolved to a digest, or met already
        }
        m_queued.insert(key);
        Pending pending;
        pending.reference = key;
        pending.role = GraphManifest::Role::Referrer;
        pending.descriptor = referrer.descriptor;
        pending.subject = subject;
        pending.depth = depth + 1;
        m_queue.append(pending);
    }
    readNext();
}

void ImageGraphQuery::addBlob(const Oci::Descriptor &descriptor)
{
    const QString key = descriptor.digest.toString();
    if (m_blobSeen.contains(key)) {
        return;
    }
    m_blobSeen.insert(key);
    GraphBlob blob;
    blob.descriptor = descriptor;
    // image-spec layer.md "Non-distributable layers": fetched from their urls, not from the registry.
    blob.foreign = descriptor.isNonDistributable() && !descriptor.urls.isEmpty();
    m_graph.blobs.append(blob);
}

void ImageGraphQuery::appendInOrder(const QString &digest, QSet<QString> &done)
{
    if (done.contains(digest) || !m_read.contains(digest)) {
        return;
    }
    done.insert(digest); // before the children: content addressing forbids cycles, this keeps it so anyway
    for (const QString &child : m_children.value(digest)) {
        appendInOrder(child, done);
    }
    m_graph.manifests.append(m_read.value(digest));
}

void ImageGraphQuery::finishGraph()
{
    QSet<QString> done;
    QString topKey;
    for (auto it = m_read.cbegin(); it != m_read.cend(); ++it) {
        if (it->role == GraphManifest::Role::Top) {
            topKey = it.key();
        }
    }
    appendInOrder(topKey, done);
    for (const QString &referrer : std::as_const(m_referrerRoots)) {
        appendInOrder(referrer, done);
    }
    finishWith(m_graph);
}

void ImageGraphQuery::finishWith(const ImageGraphResult &result)
{
    if (markFinished()) {
        emit finished(result);
    }
}

} // namespace Minato::Client
