#include "copyjob.h"

#include "clientlog.h"
#include "manifestput.h"
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

constexpr qint64 SpeedWindowMs = 3000;

// The descriptor a referrers list carries for a referrer (distribution-spec v1.1 "Listing Referrers": mediaType,
// size, digest, artifactType, and the referrer manifest's annotations).
Oci::Descriptor referrerDescriptor(const GraphManifest &m)
{
    Oci::Descriptor d;
    d.mediaType = m.mediaType;
    d.digest = m.digest;
    d.size = m.size();
    d.artifactType = m.artifactType;
    if (const auto *manifest = std::get_if<Oci::Manifest>(&m.manifest)) {
        d.annotations = manifest->annotations;
    } else if (const auto *index = std::get_if<Oci::ImageIndex>(&m.manifest)) {
        d.annotations = index->annotations;
    }
    return d;
}

} // namespace

CopyJob::CopyJob(RegistryClient *source, Image sourceImage, RegistryClient *target, Image targetImage,
                 Options options, QObject *parent)
    : CompositeOperation(parent)
    , m_source(source)
    , m_target(target)
    , m_sourceImage(std::move(sourceImage))
    , m_targetImage(std::move(targetImage))
    , m_options(std::move(options))
{
    m_options.parallel = qBound(1, m_options.parallel, 32);
    m_progressTimer.setInterval(qMax(20, m_options.progressIntervalMs));
    connect(&m_progressTimer, &QTimer::timeout, this, &CopyJob::emitProgress);
}

CopyJob::~CopyJob()
{
    stopAll();
}

void CopyJob::start()
{
    if (m_started || isFinished()) {
        return;
    }
    m_started = true;
    m_clock.start();
    if (!m_source || !m_target) {
        finishWith(ClientError::invalidRequest(QStringLiteral("a copy without its registry clients")));
        return;
    }
    m_info.sourceRepository = m_sourceImage.repository;
    m_info.sourceReference = m_sourceImage.reference;
    m_info.targetRepository = m_targetImage.repository;

    ImageGraphQuery::Options graphOptions;
    graphOptions.platforms = m_options.platforms;
    graphOptions.referrers = m_options.referrers;
    auto *query =
        new ImageGraphQuery(m_source, m_sourceImage.repository, m_sourceImage.reference, graphOptions, this);
    m_current = query;
    connect(query, &ImageGraphQuery::finished, this, [this, query](const ImageGraphResult &r) {
        query->deleteLater();
        m_current = nullptr;
        onGraph(r);
    });
    query->start();
}

void CopyJob::onGraph(const ImageGraphResult &result)
{
    if (!result) {
        finishWith(result.error());
        return;
    }
    m_graph = result.value();
    const GraphManifest &top = m_graph.top();
    m_info.digest = top.digest;
    m_info.mediaType = top.mediaType;
    m_info.originalDigest = m_graph.originalDigest;
    m_info.platforms = m_graph.platforms;
    // The target's name for the top manifest: its tag; else the source's tag; a digest reference (or a
    // rewritten index, whose source digest is not its own) is pushed by digest.
    const bool sourceIsDigest = Oci::Digest::isValidString(m_sourceImage.reference);
    if (!m_targetImage.reference.isEmpty()) {
        m_info.targetReference = m_targetImage.reference;
    } else if (!sourceIsDigest) {
        m_info.targetReference = m_sourceImage.reference;
    } else {
        m_info.targetReference = top.digest.toString();
    }
    if (Oci::Digest::isValidString(m_info.targetReference) && m_info.targetReference != top.digest.toString()) {
        finishWith(ClientError::invalidRequest(
            QStringLiteral("the target names the digest %1, but the image copied is %2; give a tag instead")
                .arg(m_info.targetReference, top.digest.toString())));
        return;
    }

    for (const GraphBlob &blob : std::as_const(m_graph.blobs)) {
        if (blob.foreign && !m_options.foreignLayers) {
            ++m_info.foreignSkipped;
            continue;
        }
        m_blobQueue.append(blob.descriptor);
        m_progress.totalBytes += qMax<qint64>(0, blob.descriptor.size);
    }
    m_progress.blobsTotal = int(m_blobQueue.size());
    m_progress.manifestsTotal = int(m_graph.manifests.size());
    emit planned(m_graph);
    if (isFinished()) {
        return;
    }
    m_progressTimer.start();
    emitProgress();
    pumpBlobs();
}

void CopyJob::pumpBlobs()
{
    if (isFinished()) {
        return;
    }
    while (m_running.size() < m_options.parallel && !m_blobQueue.isEmpty()) {
        const Oci::Descriptor blob = m_blobQueue.takeFirst();
        BlobCopy::Options copyOptions;
        copyOptions.retries = m_options.retries;
        copyOptions.bufferBytes = m_options.bufferBytesPerBlob;
        auto *copy = new BlobCopy(m_source, m_sourceImage.repository, m_target, m_targetImage.repository, blob,
                                  copyOptions, this);
        m_running.append(copy);
        m_inFlight.insert(copy, 0);
        connect(copy, &BlobCopy::progress, this, [this, copy](qint64 sent, qint64) { m_inFlight[copy] = sent; });
        connect(copy, &BlobCopy::finished, this, [this, copy](const BlobCopyResult &r) { onBlobFinished(copy, r); });
        emit blobStarted(blob);
        copy->start();
    }
    if (m_running.isEmpty() && m_blobQueue.isEmpty()) {
        if (!m_failed.isEmpty()) {
            const ClientError &first = m_failed.constFirst().second;
            finishWith(first.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                                         "%1 of %2 blobs could not be copied, so no manifest was "
                                                         "pushed. %3 Run the copy again to send what is missing."),
                                       {QString::number(m_failed.size()), QString::number(m_progress.blobsTotal),
                                        first.message()}));
            return;
        }
        pushNextManifest();
    }
}

void CopyJob::onBlobFinished(BlobCopy *copy, const BlobCopyResult &result)
{
    m_running.removeAll(copy);
    m_inFlight.remove(copy);
    copy->deleteLater();
    if (isFinished()) {
        return;
    }
    const Oci::Descriptor blob = copy->blob();
    if (result) {
        switch (result->outcome) {
        case BlobCopyInfo::Outcome::Copied:
            ++m_info.blobsCopied;
            m_info.bytesSent += result->bytesSent;
            break;
        case BlobCopyInfo::Outcome::Mounted:
            ++m_info.blobsMounted;
            break;
        case BlobCopyInfo::Outcome::AlreadyPresent:
            ++m_info.blobsPresent;
            break;
        }
        m_progress.doneBytes += qMax<qint64>(0, blob.size);
    } else {
        m_failed.append({blob, result.error()});
    }
    ++m_progress.blobsDone;
    emit blobFinished(blob, result);
    if (isFinished()) {
        return;
    }
    pumpBlobs();
}

void CopyJob::pushNextManifest()
{
    if (isFinished()) {
        return;
    }
    if (m_nextManifest >= m_graph.manifests.size()) {
        updateNextFallbackIndex();
        return;
    }
    const GraphManifest manifest = m_graph.manifests.at(m_nextManifest++);
    const bool top = manifest.role == GraphManifest::Role::Top;
    const QString reference = top ? m_info.targetReference : manifest.digest.toString();
    auto *put = new ManifestPut(m_target, m_targetImage.repository, reference, manifest.bytes, manifest.mediaType, this);
    m_current = put;
    connect(put, &ManifestPut::finished, this, [this, put, manifest](const ManifestPutResult &r) {
        put->deleteLater();
        m_current = nullptr;
        onManifestPushed(manifest, r);
    });
    put->start();
}

void CopyJob::onManifestPushed(const GraphManifest &manifest, const Result<ManifestPutInfo> &result)
{
    if (!result) {
        finishWith(result.error());
        return;
    }
    ++m_info.manifestsPushed;
    ++m_progress.manifestsDone;
    if (manifest.role == GraphManifest::Role::Referrer) {
        ++m_info.referrersCopied;
    }
    // "Pushing Manifests with Subject": no OCI-Subject in the answer means the registry did not index the
    // referrer; the client then maintains the referrers tag schema.
    if (manifest.subject.isValid() && !result->subjectIndexed) {
        const QString key = manifest.subject.toString();
        if (!m_fallbackReferrers.contains(key)) {
            m_fallbackSubjects.append(manifest.subject);
        }
        m_fallbackReferrers[key].append(referrerDescriptor(manifest));
    }
    pushNextManifest();
}

void CopyJob::updateNextFallbackIndex()
{
    if (m_fallbackSubjects.isEmpty()) {
        m_info.elapsedMs = m_clock.elapsed();
        emitProgress();
        finishWith(m_info);
        return;
    }
    const Oci::Digest subject = m_fallbackSubjects.constFirst();
    auto *query = new ManifestQuery(m_target, m_targetImage.repository, ReferrersQuery::fallbackTag(subject),
                                    ManifestQuery::Method::Get, this);
    m_current = query;
    connect(query, &ManifestQuery::finished, this, [this, query, subject](const ManifestResult &r) {
        query->deleteLater();
        m_current = nullptr;
        onFallbackRead(subject, r);
    });
    query->start();
}

void CopyJob::onFallbackRead(const Oci::Digest &subject, const Result<ManifestInfo> &result)
{
    // The current list: an index under the fallback tag, or none yet (404).
    QJsonArray entries;
    QSet<QString> listed;
    if (result) {
        const auto *index = result->manifest ? std::get_if<Oci::ImageIndex>(&*result->manifest) : nullptr;
        if (!index) {
            finishWith(ClientError::invalid(ClientError::Invalid::BadContent,
                                            QStringLiteral("%1:%2 should be a referrers index (referrers tag "
                                                           "schema) but is not an image index")
                                                .arg(m_targetImage.repository, ReferrersQuery::fallbackTag(subject))));
            return;
        }
        for (const Oci::Descriptor &d : index->manifests) {
            entries.append(d.toJson());
            listed.insert(d.digest.toString());
        }
    } else if (result.error().kind() != ClientError::Kind::NotFound) {
        finishWith(result.error());
        return;
    }
    const QList<Oci::Descriptor> added = m_fallbackReferrers.value(subject.toString());
    bool changed = false;
    for (const Oci::Descriptor &d : added) {
        if (!listed.contains(d.digest.toString())) {
            entries.append(d.toJson());
            listed.insert(d.digest.toString());
            changed = true;
        }
    }
    m_fallbackSubjects.removeFirst();
    if (!changed) {
        updateNextFallbackIndex();
        return;
    }
    QJsonObject root;
    root.insert(QStringLiteral("schemaVersion"), 2);
    root.insert(QStringLiteral("mediaType"), Oci::MediaType::OciIndex.toString());
    root.insert(QStringLiteral("manifests"), entries);
    const QByteArray bytes = QJsonDocument(root).toJson(QJsonDocument::Compact);
    auto *put = new ManifestPut(m_target, m_targetImage.repository, ReferrersQuery::fallbackTag(subject), bytes,
                                Oci::MediaType::OciIndex.toString(), this);
    m_current = put;
    connect(put, &ManifestPut::finished, this, [this, put](const ManifestPutResult &r) {
        put->deleteLater();
        m_current = nullptr;
        if (!r) {
            finishWith(r.error());
            return;
        }
        ++m_info.fallbackIndexes;
        updateNextFallbackIndex();
    });
    put->start();
}

void CopyJob::emitProgress()
{
    qint64 inFlight = 0;
    CopyProgress p = m_progress;
    for (const QPointer<BlobCopy> &copy : std::as_const(m_running)) {
        if (copy) {
            CopyProgress::Blob blob;
            blob.digest = copy->blob().digest;
            blob.sent = m_inFlight.value(copy.data());
            blob.size = copy->blob().size;
            inFlight += blob.sent;
            p.inFlight.append(blob);
        }
    }
    p.doneBytes = qMin(p.totalBytes, m_progress.doneBytes + inFlight);
    p.sentBytes = m_info.bytesSent + inFlight;
    const qint64 now = m_clock.elapsed();
    m_samples.append({now, p.sentBytes});
    while (m_samples.size() > 2 && now - m_samples.at(1).first >= SpeedWindowMs) {
        m_samples.removeFirst();
    }
    const auto &[then, sentThen] = m_samples.constFirst();
    p.bytesPerSecond = now > then ? double(p.sentBytes - sentThen) * 1000.0 / double(now - then) : 0.0;
    emit progress(p);
}

void CopyJob::stopAll()
{
    m_progressTimer.stop();
    const auto running = m_running;
    m_running.clear();
    m_inFlight.clear();
    for (const QPointer<BlobCopy> &copy : running) {
        if (copy) {
            disconnect(copy, nullptr, this, nullptr);
            copy->cancel(); // DELETEs its upload session
            copy->deleteLater();
        }
    }
}

void CopyJob::finishCancelled()
{
    finishWith(ClientError::cancelled());
}

void CopyJob::finishWith(const CopyResult &result)
{
    if (!markFinished()) {
        return;
    }
    stopAll();
    emit finished(result);
}

} // namespace Minato::Client
