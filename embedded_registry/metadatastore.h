#pragma once

// MetadataStore: what each repository holds — blob links, manifests (bytes in BlobStore, media type here),
// tags, and the referrers index by subject digest. Paths and crash ordering: layout.h.
//
//   MetadataStore meta(layout, blobs);
//   meta.linkBlob(u"team/app", digest);                       // after an upload or a mount
//   meta.putManifest(u"team/app", bytes, record, u"v1");      // bytes → blobs/, link, referrer entry, tag
//   auto m = meta.manifest(u"team/app", *meta.resolveTag(u"team/app", u"v1"));
//   meta.deleteManifest(u"team/app", digest);                 // and every tag naming it
//
// Thread-safe. Mutations of one repository's manifests and tags are serialised by a striped mutex (so a
// delete by digest cannot miss a tag written meanwhile); single-file updates rely on atomic rename.
// Lists are sorted by code unit, i.e. ASCII byte order for these ASCII names (Go's sort.Strings, which
// distribution-spec "Listing Tags" names).

#include "blobstore.h"
#include "layout.h"

#include "oci/digest.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <array>
#include <functional>
#include <optional>

namespace Minato::Registry {

// A manifest as this repository holds it.
struct StoredManifest
{
    Oci::Digest digest;
    QString mediaType; // the Content-Type it is served with
    qint64 size = 0;
    Oci::Digest subject; // invalid when the manifest has none
};

// What putManifest records beside the bytes.
struct ManifestRecord
{
    Oci::Digest digest; // sha256 of the bytes
    QString mediaType;
    std::optional<Oci::Digest> subject;
    // The referrers API descriptor of this manifest (mediaType, digest, size, artifactType, annotations);
    // written only when subject is set.
    QJsonObject referrerDescriptor;
};

class MetadataStore
{
public:
    MetadataStore(const Layout &layout, const BlobStore &blobs)
        : m_layout(layout)
        , m_blobs(blobs)
    {}

    // A repository exists once a blob or a manifest has been pushed or mounted into it.
    bool repositoryExists(QStringView name) const;
    // Every repository, sorted bytewise. Walking the tree is done once and then kept up to date by
    // linkBlob()/putManifest() (repositories are never removed while serving): _catalog is asked often.
    QStringList repositories() const;
    // Forgets the cached list (for housekeeping that removes repositories); the next call walks again.
    void invalidateRepositoryCache();

    bool linkBlob(QStringView name, const Oci::Digest &digest, QString *error = nullptr);
    bool isBlobLinked(QStringView name, const Oci::Digest &digest) const;
    // False when the blob was not linked here.
    bool unlinkBlob(QStringView name, const Oci::Digest &digest);

    // Stores the bytes as a blob, the referrer entry (if any), the manifest link, then the tag (if not empty).
    bool putManifest(QStringView name, QByteArrayView bytes, const ManifestRecord &record, QStringView tag,
                     QString *error = nullptr);
    std::optional<StoredManifest> manifest(QStringView name, const Oci::Digest &digest) const;
    // The digest a tag points at, when that manifest is still linked.
    std::optional<Oci::Digest> resolveTag(QStringView name, QStringView tag) const;
    // Sorted bytewise. Read from disk once per repository, then kept current by putManifest()/deleteTag()/
    // deleteManifest(): a 100,000-tag repository is listed page by page, and each page must not walk (and sort)
    // the whole folder again. At most maxCachedTagLists repositories are kept.
    QStringList tags(QStringView name) const;
    static constexpr int maxCachedTagLists = 256;
    // False when there was no such tag.
    bool deleteTag(QStringView name, QStringView tag);
    // Removes every tag naming the manifest, its link and its referrer entry. False when it was not there.
    bool deleteManifest(QStringView name, const Oci::Digest &digest);

    // Descriptors of the manifests in this repository whose subject is `subject`, sorted by digest.
    QList<QJsonObject> referrers(QStringView name, const Oci::Digest &subject) const;

private:
    QMutex &lockFor(QStringView name) const;
    // Under lockFor(name): the cached list of name, changed by f, when there is one.
    void updateCachedTags(QStringView name, const std::function<void(QStringList &)> &f);
    std::optional<StoredManifest> readManifestLink(QStringView name, const Oci::Digest &digest) const;

    const Layout &m_layout;
    const BlobStore &m_blobs;
    void noteRepository(QStringView name);

    mutable std::array<QMutex, 32> m_locks;
    mutable QMutex m_tagCacheMutex; // taken inside lockFor(name), never the other way round
    mutable QHash<QString, QStringList> m_tagCache;
    mutable QMutex m_catalogMutex;
    mutable std::optional<QStringList> m_catalog; // sorted bytewise; nullopt until first needed
};

} // namespace Minato::Registry
