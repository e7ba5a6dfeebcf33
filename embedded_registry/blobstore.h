#pragma once

// BlobStore: the content-addressed bytes under blobs/, shared by every repository. It knows nothing of
// repositories: whether a blob is visible in one is MetadataStore's link (see layout.h).
//
//   BlobStore blobs(layout);
//   if (auto file = blobs.open(digest)) { exchange.respondStream(200, headers, std::move(file), size); }
//   blobs.commitFile(uploadDataPath, verifiedDigest, &error);   // rename(2) into place
//   blobs.putBytes(manifestBytes, Sha256Hasher::digestOf(manifestBytes), &error);
//
// Only sha256 content is stored (the hasher the uploads use); a sha512 digest is simply never present.
// Thread-safe: a committed blob never changes, and two commits of one digest rename identical bytes over
// each other atomically, so no lock is needed; a reader with the file open keeps its inode either way.

#include "layout.h"

#include "oci/digest.h"

#include <QByteArray>
#include <QFile>

#include <memory>

namespace Minato::Registry {

class BlobStore
{
public:
    explicit BlobStore(const Layout &layout)
        : m_layout(layout)
    {}

    bool exists(const Oci::Digest &digest) const;
    // Size in bytes, or -1 when absent.
    qint64 size(const Oci::Digest &digest) const;
    // The blob opened read-only at offset 0, or nullptr when absent.
    std::unique_ptr<QFile> open(const Oci::Digest &digest) const;
    // The whole blob when it is at most maxBytes long (manifests); a null QByteArray otherwise.
    QByteArray read(const Oci::Digest &digest, qint64 maxBytes) const;

    // Moves a complete file whose digest the caller has verified into the store (fsync + rename). When the
    // blob is already there, the file is removed instead: same digest, same bytes.
    bool commitFile(const QString &path, const Oci::Digest &digest, QString *error = nullptr) const;
    // Stores bytes whose digest the caller computed.
    bool putBytes(QByteArrayView data, const Oci::Digest &digest, QString *error = nullptr) const;

private:
    const Layout &m_layout;
};

} // namespace Minato::Registry
