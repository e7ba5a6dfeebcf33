#include "tagmetadataprovider.h"

#include "blobquery.h"
#include "manifestquery.h"
#include "registryclient.h"

#include "oci/imageconfig.h"
#include "oci/imageindex.h"
#include "oci/manifest.h"
#include "oci/mediatype.h"

#include <functional>

namespace Minato::Client {

// The requests of one tag, chained: HEAD → manifest (cache or GET) → [child manifest] → config (cache or GET).
class TagMetadataProvider::Job final : public QObject
{
public:
    Job(TagMetadataProvider *provider, QString tag, bool fetchDetails)
        : QObject(provider)
        , m_provider(provider)
        , m_fetchDetails(fetchDetails)
    {
        m_result.tag = std::move(tag);
        m_result.state = TagMetadata::State::Loading;
    }

    ~Job() override
    {
        // Deleting an operation aborts it silently (operation.h): nothing arrives for a dead job.
        if (m_current) {
            m_current->deleteLater();
        }
    }

    const QString &tag() const { return m_result.tag; }

    void start()
    {
        auto *head = m_provider->m_client->manifest(m_provider->m_repository, m_result.tag, true);
        adopt(head);
        connect(head, &ManifestQuery::finished, this, [this](const ManifestResult &r) {
            if (!r) {
                fail(r.error().message());
                return;
            }
            m_result.digest = r->digest;
            m_result.mediaType = r->mediaType;
            if (!m_fetchDetails) {
                m_result.state = TagMetadata::State::Digest;
                finish();
                return;
            }
            loadManifest(r->digest, r->mediaType, [this](const Oci::AnyManifest &m) { onTopManifest(m); });
        });
        head->start();
    }

private:
    template<typename Q>
    void adopt(Q *query)
    {
        // The client parents queries; this job deletes them when done with them.
        m_current = query;
        connect(query, &Q::finished, query, &QObject::deleteLater);
    }

    void fail(const QString &error)
    {
        m_result.state = TagMetadata::State::Failed;
        m_result.error = error;
        finish();
    }

    void finish() { m_provider->jobFinished(this, m_result); }

    void loadManifest(const Oci::Digest &digest, const QString &mediaType,
                      std::function<void(const Oci::AnyManifest &)> then)
    {
        DigestCache *cache = m_provider->m_cache;
        if (cache) {
            if (const auto bytes = cache->read(digest)) {
                if (const auto parsed = Oci::parseAnyManifest(*bytes, mediaType)) {
                    then(*parsed);
                    return;
                }
            }
        }
        auto *get = m_provider->m_client->manifest(m_provider->m_repository, digest.toString());
        adopt(get);
        connect(get, &ManifestQuery::finished, this, [this, cache, digest, then](const ManifestResult &r) {
            if (!r || !r->manifest) {
                fail(r ? QStringLiteral("no manifest") : r.error().message());
                return;
            }
            if (cache) {
                cache->write(digest, Oci::rawOf(*r->manifest)); // verified by ManifestQuery already
            }
            then(*r->manifest);
        });
        get->start();
    }

    void onTopManifest(const Oci::AnyManifest &manifest)
    {
        if (const auto *index = std::get_if<Oci::ImageIndex>(&manifest)) {
            const QList<Oci::Descriptor> images = index->imageEntries();
            for (const Oci::Descriptor &entry : images) {
                if (entry.platform) {
                    m_result.platforms.append(*entry.platform);
                }
            }
            if (images.isEmpty()) {
                m_result.state = TagMetadata::State::Loaded;
                finish();
                return;
            }
            const Oci::Platform amd64{QStringLiteral("linux"), QStringLiteral("amd64"), {}, {}, {}, {}};
            const Oci::Descriptor chosen = index->findByPlatform(amd64).value_or(images.first());
            loadManifest(chosen.digest, chosen.mediaType,
                         [this](const Oci::AnyManifest &child) { onImage(child, false); });
            return;
        }
        onImage(manifest, true);
    }

    void onImage(const Oci::AnyManifest &manifest, bool platformFromConfig)
    {
        const auto *image = std::get_if<Oci::Manifest>(&manifest);
        if (!image) {
            // Schema 1 (or an index inside an index): what the HEAD said is all there is.
            m_result.state = TagMetadata::State::Loaded;
            finish();
            return;
        }
        qint64 size = image->config.size;
        for (const Oci::Descriptor &layer : image->layers) {
            size += layer.size;
        }
        m_result.size = size;
        if (!Oci::MediaType::isConfig(image->config.mediaType)) {
            // An artifact (an SBOM, a Helm chart, the empty config): its config is no image config, so there is
            // no date or platform to read — not a failure (BlobQuery would refuse to parse it as one).
            m_result.state = TagMetadata::State::Loaded;
            finish();
            return;
        }
        const Oci::Digest configDigest = image->config.digest;
        DigestCache *cache = m_provider->m_cache;
        if (cache) {
            if (const auto bytes = cache->read(configDigest)) {
                onConfig(*bytes, platformFromConfig);
                return;
            }
        }
        auto *blob = m_provider->m_client->configBlob(m_provider->m_repository, configDigest);
        adopt(blob);
        connect(blob, &BlobQuery::finished, this, [this, cache, configDigest, platformFromConfig](const BlobResult &r) {
            if (!r) {
                fail(r.error().message());
                return;
            }
            if (cache) {
                cache->write(configDigest, r->data);
            }
            onConfig(r->data, platformFromConfig);
        });
        blob->start();
    }

    void onConfig(const QByteArray &bytes, bool platformFromConfig)
    {
        // An artifact's config is not an image config: no date, no platform, and that is fine.
        if (const auto config = Oci::ImageConfig::parse(bytes)) {
            if (config->created) {
                m_result.created = *config->created;
            }
            if (platformFromConfig) {
                m_result.platforms = {config->platform()};
            }
        }
        m_result.state = TagMetadata::State::Loaded;
        finish();
    }

    TagMetadataProvider *m_provider;
    bool m_fetchDetails;
    TagMetadata m_result;
    QPointer<Operation> m_current;
};

TagMetadataProvider::TagMetadataProvider(RegistryClient *client, QString repository, DigestCache *cache,
                                         QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_repository(std::move(repository))
    , m_cache(cache)
{}

TagMetadataProvider::~TagMetadataProvider() = default;

void TagMetadataProvider::request(const QStringList &tags)
{
    // The latest request is what is on screen now: it goes first, in its own order.
    QStringList fresh;
    for (const QString &tag : tags) {
        const auto known = m_known.constFind(tag);
        if (known != m_known.cend() && known->state != TagMetadata::State::Queued) {
            continue;
        }
        m_queue.removeAll(tag);
        fresh.append(tag);
        if (known == m_known.cend()) {
            TagMetadata queued;
            queued.tag = tag;
            m_known.insert(tag, queued);
        }
    }
    m_queue = fresh + m_queue;
    pump();
}

void TagMetadataProvider::fetchNow(const QString &tag)
{
    const auto known = m_known.constFind(tag);
    if (known != m_known.cend() &&
        (known->state == TagMetadata::State::Loaded || known->state == TagMetadata::State::Loading)) {
        return;
    }
    m_fetchNow.insert(tag, true);
    TagMetadata queued;
    queued.tag = tag;
    m_known.insert(tag, queued);
    m_queue.removeAll(tag);
    m_queue.prepend(tag);
    pump();
}

void TagMetadataProvider::cancelQueued()
{
    for (const QString &tag : std::as_const(m_queue)) {
        m_known.remove(tag);
    }
    m_queue.clear();
}

void TagMetadataProvider::supply(const TagMetadata &metadata)
{
    m_queue.removeAll(metadata.tag);
    update(metadata);
}

void TagMetadataProvider::invalidate(const QString &tag)
{
    m_known.remove(tag);
    m_queue.removeAll(tag);
}

const TagMetadata *TagMetadataProvider::metadata(const QString &tag) const
{
    const auto it = m_known.constFind(tag);
    return it == m_known.cend() ? nullptr : &*it;
}

void TagMetadataProvider::pump()
{
    while (m_client && m_running.size() < m_maxInFlight && !m_queue.isEmpty()) {
        const QString tag = m_queue.takeFirst();
        const bool details = m_policy == Policy::Fetch || m_fetchNow.value(tag);
        auto *job = new Job(this, tag, details);
        m_running.append(job);
        TagMetadata loading;
        loading.tag = tag;
        loading.state = TagMetadata::State::Loading;
        update(loading);
        job->start();
    }
}

void TagMetadataProvider::jobFinished(Job *job, const TagMetadata &result)
{
    m_running.removeAll(job);
    job->deleteLater();
    m_fetchNow.remove(result.tag);
    update(result);
    pump();
}

void TagMetadataProvider::update(const TagMetadata &metadata)
{
    m_known.insert(metadata.tag, metadata);
    emit metadataChanged(metadata.tag, metadata);
}

} // namespace Minato::Client
