#pragma once

// TagMetadataProvider: digest, platforms, size and creation date for the tags a person is looking at —
// without a request per tag of a 100,000-tag repository, and without spending Docker Hub pulls.
//
//   auto *provider = new TagMetadataProvider(client, QStringLiteral("team/app"), &digestCache, this);
//   connect(provider, &TagMetadataProvider::metadataChanged, model, &TagModel::updateRow);
//   provider->request(visibleTags);                 // on scroll: the rows on screen, newest request first
//   provider->fetchNow(QStringLiteral("v1"));       // a user opened the tag: fetch even under HeadOnly
//
// Per tag, lazily and at most maxInFlight at once:
//   1. HEAD the manifest by tag: digest, media type, size (a HEAD is not a pull on Docker Hub).
//   2. The manifest by digest from the DigestCache, else GET it (and cache it) — unless the policy is
//      HeadOnly (Docker Hub: a manifest GET counts as a pull; anonymous users get 10 per hour), then the
//      row stays at State::Digest until fetchNow().
//   3. An index: its runnable platforms (attestation entries left out); for size and date the linux/amd64
//      image, else the first — its manifest from the cache or the registry like step 2.
//   4. The image's config from the cache, else GET the blob: created, platform. Size = config + layers,
//      compressed, as the registry stores them.
// Everything immutable (manifests by digest, configs) goes through the cache, so re-opening a repository
// costs one HEAD per visible tag. Vendor APIs that list sizes and dates with the tags (Docker Hub, GAR,
// ACR, Harbor) feed supply() directly; then no request is made per tag at all.
// Results stay in memory for the provider's life (keyed by tag); invalidate() forgets one (after a retag).

#include "digestcache.h"
#include "operation.h"

#include "oci/digest.h"
#include "oci/platform.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

namespace Minato::Client {

class RegistryClient;

struct TagMetadata
{
    enum class State {
        Queued,  // asked for, not started
        Loading, // requests in flight
        Digest,  // digest and media type only (HeadOnly policy): details need a user action
        Loaded,  // everything below known
        Failed,  // error says why
    };

    QString tag;
    State state = State::Queued;
    Oci::Digest digest;
    QString mediaType;
    QList<Oci::Platform> platforms; // an index: its runnable platforms; an image: its config's platform
    qint64 size = -1;               // compressed bytes of config + layers (an index: of the image shown)
    QDateTime created;              // from the config; invalid when unknown
    QString error;
};

class TagMetadataProvider final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagMetadataProvider)

public:
    enum class Policy { Fetch, HeadOnly };

    TagMetadataProvider(RegistryClient *client, QString repository, DigestCache *cache, QObject *parent = nullptr);
    ~TagMetadataProvider() override;

    void setPolicy(Policy policy) { m_policy = policy; }
    Policy policy() const { return m_policy; }
    void setMaxInFlight(int n) { m_maxInFlight = qMax(1, n); }

    // Queues the tags not known yet (the most recent request first); starts work.
    void request(const QStringList &tags);
    // A person opened this tag: fetch the details now, whatever the policy.
    void fetchNow(const QString &tag);
    // Drops queued tags that have not started (the person scrolled away).
    void cancelQueued();
    // Metadata that came from elsewhere (a vendor API listing tags with sizes and dates).
    void supply(const TagMetadata &metadata);
    void invalidate(const QString &tag);

    // Known metadata (any state), or nullptr.
    const TagMetadata *metadata(const QString &tag) const;
    int inFlight() const { return m_running.size(); }

signals:
    void metadataChanged(const QString &tag, const Minato::Client::TagMetadata &metadata);

private:
    class Job;
    friend class Job;

    void pump();
    void jobFinished(Job *job, const TagMetadata &result);
    void update(const TagMetadata &metadata);

    QPointer<RegistryClient> m_client;
    QString m_repository;
    DigestCache *m_cache = nullptr;
    Policy m_policy = Policy::Fetch;
    int m_maxInFlight = 4;
    QHash<QString, TagMetadata> m_known;
    QStringList m_queue;             // front = next
    QHash<QString, bool> m_fetchNow; // tags whose details a person asked for
    QList<Job *> m_running;
};

} // namespace Minato::Client
