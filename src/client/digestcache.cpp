#include "digestcache.h"

#include "manifestquery.h" // digestMatches

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>

namespace Minato::Client {

DigestCache::DigestCache(QString directory, qint64 maxBytes)
    : m_directory(std::move(directory))
    , m_maxBytes(maxBytes)
{}

QString DigestCache::pathFor(const Oci::Digest &digest) const
{
    const QString hex = digest.hex();
    return m_directory + u'/' + digest.algorithmName() + u'/' + hex.left(2) + u'/' + hex;
}

std::optional<QByteArray> DigestCache::read(const Oci::Digest &digest) const
{
    if (!digest.isValid()) {
        return std::nullopt;
    }
    const QString path = pathFor(digest);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > MaxEntryBytes) {
        return std::nullopt;
    }
    QByteArray bytes = file.readAll();
    file.close();
    if (!digestMatches(digest, bytes)) {
        QFile::remove(path); // corrupt (a disk error, or someone edited it): fetch again next time
        return std::nullopt;
    }
    // Least recently used eviction goes by modification time: reading refreshes it.
    QFile touch(path);
    if (touch.open(QIODevice::ReadWrite)) {
        touch.setFileTime(QDateTime::currentDateTimeUtc(), QFileDevice::FileModificationTime);
    }
    return bytes;
}

bool DigestCache::contains(const Oci::Digest &digest) const
{
    return digest.isValid() && QFileInfo::exists(pathFor(digest));
}

bool DigestCache::write(const Oci::Digest &digest, const QByteArray &bytes)
{
    if (!digest.isValid() || bytes.size() > MaxEntryBytes || !digestMatches(digest, bytes)) {
        return false;
    }
    const QString path = pathFor(digest);
    if (QFileInfo::exists(path)) {
        return true;
    }
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        return false;
    }
    QFile::setPermissions(m_directory, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        return false;
    }
    QMutexLocker locker(&m_mutex);
    if (m_approximateBytes < 0) {
        m_approximateBytes = sizeOnDisk();
    } else {
        m_approximateBytes += bytes.size();
    }
    if (m_approximateBytes > m_maxBytes) {
        evictLocked(m_maxBytes * 9 / 10);
    }
    return true;
}

qint64 DigestCache::sizeOnDisk() const
{
    qint64 total = 0;
    QDirIterator it(m_directory, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

void DigestCache::evictLocked(qint64 target)
{
    struct Entry
    {
        QString path;
        qint64 size;
        QDateTime used;
    };
    QList<Entry> entries;
    qint64 total = 0;
    QDirIterator it(m_directory, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        entries.append({info.absoluteFilePath(), info.size(), info.lastModified()});
        total += info.size();
    }
    // The running count is approximate (entries removed by read() or by hand): only the walk decides.
    if (total <= m_maxBytes) {
        m_approximateBytes = total;
        return;
    }
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) { return a.used < b.used; });
    for (const Entry &entry : std::as_const(entries)) {
        if (total <= target) {
            break;
        }
        if (QFile::remove(entry.path)) {
            total -= entry.size;
        }
    }
    m_approximateBytes = total;
}

void DigestCache::clear()
{
    QMutexLocker locker(&m_mutex);
    QDir(m_directory).removeRecursively();
    m_approximateBytes = 0;
}

} // namespace Minato::Client
