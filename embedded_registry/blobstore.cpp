#include "blobstore.h"

#include <QFileInfo>

namespace Minato::Registry {

bool BlobStore::exists(const Oci::Digest &digest) const
{
    return digest.isValid() && QFileInfo(m_layout.blobPath(digest)).isFile();
}

qint64 BlobStore::size(const Oci::Digest &digest) const
{
    if (!digest.isValid()) {
        return -1;
    }
    const QFileInfo info(m_layout.blobPath(digest));
    return info.isFile() ? info.size() : -1;
}

std::unique_ptr<QFile> BlobStore::open(const Oci::Digest &digest) const
{
    if (!digest.isValid()) {
        return nullptr;
    }
    auto file = std::make_unique<QFile>(m_layout.blobPath(digest));
    if (!file->open(QIODevice::ReadOnly)) {
        return nullptr;
    }
    return file;
}

QByteArray BlobStore::read(const Oci::Digest &digest, qint64 maxBytes) const
{
    auto file = open(digest);
    if (!file || file->size() > maxBytes) {
        return {};
    }
    QByteArray bytes = file->readAll();
    if (bytes.isNull()) {
        bytes = QByteArray(""); // an empty blob is not "absent"
    }
    return bytes;
}

bool BlobStore::commitFile(const QString &path, const Oci::Digest &digest, QString *error) const
{
    if (exists(digest)) {
        Layout::removeFile(path);
        return true;
    }
    return m_layout.moveIntoPlace(path, m_layout.blobPath(digest), error);
}

bool BlobStore::putBytes(QByteArrayView data, const Oci::Digest &digest, QString *error) const
{
    if (exists(digest)) {
        return true;
    }
    return m_layout.writeAtomically(m_layout.blobPath(digest), data, error);
}

} // namespace Minato::Registry
