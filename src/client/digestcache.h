#pragma once

// DigestCache: manifests and configs kept on disk by digest. Content addressed by digest never changes, so
// an entry is valid forever: the tag list of a repository opened yesterday shows sizes and dates without a
// single request for the images it already knows (USERS.md: browsing must not spend Docker Hub pulls).
//
//   DigestCache cache(QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + u"/digests"_s);
//   if (auto bytes = cache.read(digest)) { … parse *bytes … }
//   cache.write(digest, bytes);                 // verified: bytes that do not hash to digest are refused
//
// Files: <dir>/sha256/<first two hex>/<hex> (sha512 alike), written to a temp file and renamed, so readers
// never see a part. read() re-hashes what it reads (small objects: microseconds) and drops a corrupt entry.
// The cache is bounded (maxBytes): after a write that passes the bound, the least recently used entries
// (by modification time, which read() refreshes) are removed down to 90 % of it. Entries larger than
// maxEntryBytes are not kept (a manifest is at most 4 MiB; configs are small).
// Nothing secret is cached: manifests and configs are what any puller of the image receives; still, the
// directory is created readable by the user only.
// Thread-safe: several clients (one per connection) may share one cache; one mutex guards the eviction.

#include "oci/digest.h"

#include <QByteArray>
#include <QMutex>
#include <QString>

#include <optional>

namespace Minato::Client {

class DigestCache
{
public:
    static constexpr qint64 DefaultMaxBytes = qint64(256) * 1024 * 1024;
    static constexpr qint64 MaxEntryBytes = qint64(4) * 1024 * 1024;

    explicit DigestCache(QString directory, qint64 maxBytes = DefaultMaxBytes);

    const QString &directory() const { return m_directory; }

    // The bytes stored for digest, or nullopt (absent, unreadable, or corrupt — then removed).
    std::optional<QByteArray> read(const Oci::Digest &digest) const;
    // Stores bytes under digest; false when they do not hash to it, are too large, or cannot be written.
    bool write(const Oci::Digest &digest, const QByteArray &bytes);
    bool contains(const Oci::Digest &digest) const;
    // Total bytes of the entries on disk (a directory walk).
    qint64 sizeOnDisk() const;
    void clear();

private:
    QString pathFor(const Oci::Digest &digest) const;
    void evictLocked(qint64 target);

    QString m_directory;
    qint64 m_maxBytes;
    mutable QMutex m_mutex;
    qint64 m_approximateBytes = -1; // -1 until the first walk
};

} // namespace Minato::Client
