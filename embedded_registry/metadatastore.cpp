#include "metadatastore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>

namespace Minato::Registry {

namespace {

// Link files are a few hundred bytes; anything larger is not ours.
constexpr qint64 maxLinkBytes = 64 * 1024;

QByteArray readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > maxLinkBytes) {
        return {};
    }
    return file.readAll();
}

void collectRepositories(const QString &dir, const QString &prefix, QStringList &out)
{
    const QStringList entries = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    if (!prefix.isEmpty() &&
        (entries.contains(QStringLiteral("_blobs")) || entries.contains(QStringLiteral("_manifests")))) {
        out.append(prefix);
    }
    for (const QString &entry : entries) {
        if (!entry.startsWith(u'_')) {
            collectRepositories(dir + u'/' + entry, prefix.isEmpty() ? entry : prefix + u'/' + entry, out);
        }
    }
}

void sortBytewise(QStringList &list)
{
    // QString::operator< compares UTF-16 code units: byte order for ASCII, not the locale's collation.
    std::sort(list.begin(), list.end());
}

} // namespace

QMutex &MetadataStore::lockFor(QStringView name) const
{
    return m_locks[qHash(name) % m_locks.size()];
}

bool MetadataStore::repositoryExists(QStringView name) const
{
    const QString dir = m_layout.repositoryDir(name);
    return QFileInfo(dir + QStringLiteral("/_blobs")).isDir() || QFileInfo(dir + QStringLiteral("/_manifests")).isDir();
}

QStringList MetadataStore::repositories() const
{
    QMutexLocker locker(&m_catalogMutex);
    if (!m_catalog) {
        QStringList out;
        collectRepositories(m_layout.repositoriesDir(), QString(), out);
        sortBytewise(out);
        m_catalog = std::move(out);
    }
    return *m_catalog;
}

void MetadataStore::invalidateRepositoryCache()
{
    QMutexLocker locker(&m_catalogMutex);
    m_catalog.reset();
}

void MetadataStore::noteRepository(QStringView name)
{
    QMutexLocker locker(&m_catalogMutex);
    if (!m_catalog) {
        return; // built from disk when first asked
    }
    const QString repository = name.toString();
    const auto it = std::lower_bound(m_catalog->begin(), m_catalog->end(), repository);
    if (it == m_catalog->end() || *it != repository) {
        m_catalog->insert(it, repository);
    }
}

bool MetadataStore::linkBlob(QStringView name, const Oci::Digest &digest, QString *error)
{
    const QString path = m_layout.blobLinkPath(name, digest);
    if (QFileInfo::exists(path)) {
        return true;
    }
    if (!m_layout.writeAtomically(path, digest.toString().toLatin1(), error)) {
        return false;
    }
    noteRepository(name);
    return true;
}

bool MetadataStore::isBlobLinked(QStringView name, const Oci::Digest &digest) const
{
    return digest.isValid() && QFileInfo::exists(m_layout.blobLinkPath(name, digest)) && m_blobs.exists(digest);
}

bool MetadataStore::unlinkBlob(QStringView name, const Oci::Digest &digest)
{
    const QString path = m_layout.blobLinkPath(name, digest);
    return QFile::remove(path);
}

bool MetadataStore::putManifest(QStringView name, QByteArrayView bytes, const ManifestRecord &record, QStringView tag,
                                QString *error)
{
    // Outside the repository lock: content-addressed, so concurrent writers of the same bytes agree.
    if (!m_blobs.putBytes(bytes, record.digest, error)) {
        return false;
    }
    QJsonObject link{{QStringLiteral("mediaType"), record.mediaType}};
    if (record.subject) {
        link.insert(QStringLiteral("subject"), record.subject->toString());
    }

    QMutexLocker locker(&lockFor(name));
    if (record.subject &&
        !m_layout.writeAtomically(m_layout.referrerPath(name, *record.subject, record.digest),
                                  QJsonDocument(record.referrerDescriptor).toJson(QJsonDocument::Compact), error)) {
        return false;
    }
    if (!m_layout.writeAtomically(m_layout.manifestLinkPath(name, record.digest),
                                  QJsonDocument(link).toJson(QJsonDocument::Compact), error)) {
        return false;
    }
    noteRepository(name);
    if (!tag.isEmpty()) {
        if (!m_layout.writeAtomically(m_layout.tagPath(name, tag), record.digest.toString().toLatin1(), error)) {
            return false;
        }
        updateCachedTags(name, [tag](QStringList &list) {
            const QString value = tag.toString();
            const auto at = std::lower_bound(list.begin(), list.end(), value);
            if (at == list.end() || *at != value) {
                list.insert(at, value);
            }
        });
    }
    return true;
}

std::optional<StoredManifest> MetadataStore::readManifestLink(QStringView name, const Oci::Digest &digest) const
{
    if (!digest.isValid()) {
        return std::nullopt;
    }
    const QByteArray text = readSmallFile(m_layout.manifestLinkPath(name, digest));
    if (text.isEmpty()) {
        return std::nullopt;
    }
    const QJsonObject link = QJsonDocument::fromJson(text).object();
    const qint64 size = m_blobs.size(digest);
    if (size < 0) {
        return std::nullopt;
    }
    StoredManifest m;
    m.digest = digest;
    m.mediaType = link.value(QStringLiteral("mediaType")).toString();
    m.size = size;
    if (auto subject = Oci::Digest::parse(link.value(QStringLiteral("subject")).toString())) {
        m.subject = *subject;
    }
    return m;
}

std::optional<StoredManifest> MetadataStore::manifest(QStringView name, const Oci::Digest &digest) const
{
    return readManifestLink(name, digest);
}

std::optional<Oci::Digest> MetadataStore::resolveTag(QStringView name, QStringView tag) const
{
    const QByteArray text = readSmallFile(m_layout.tagPath(name, tag)).trimmed();
    auto digest = Oci::Digest::parse(QString::fromLatin1(text));
    if (!digest || !QFileInfo::exists(m_layout.manifestLinkPath(name, *digest))) {
        return std::nullopt;
    }
    return *digest;
}

QStringList MetadataStore::tags(QStringView name) const
{
    // The repository's lock orders this read with the writers, so a list read here is never older than a
    // change that was already made (writers update or drop the cached list under the same lock).
    QMutexLocker locker(&lockFor(name));
    {
        QMutexLocker cache(&m_tagCacheMutex);
        const auto it = m_tagCache.constFind(name.toString());
        if (it != m_tagCache.cend()) {
            return *it;
        }
    }
    QStringList out = QDir(m_layout.tagsDir(name)).entryList(QDir::Files);
    sortBytewise(out);
    QMutexLocker cache(&m_tagCacheMutex);
    if (m_tagCache.size() >= maxCachedTagLists) {
        m_tagCache.clear(); // rare: many repositories listed; they are read again when asked
    }
    m_tagCache.insert(name.toString(), out);
    return out;
}

void MetadataStore::updateCachedTags(QStringView name, const std::function<void(QStringList &)> &f)
{
    QMutexLocker cache(&m_tagCacheMutex);
    const auto it = m_tagCache.find(name.toString());
    if (it != m_tagCache.end()) {
        f(*it);
    }
}

bool MetadataStore::deleteTag(QStringView name, QStringView tag)
{
    QMutexLocker locker(&lockFor(name));
    const bool removed = QFile::remove(m_layout.tagPath(name, tag));
    updateCachedTags(name, [tag](QStringList &list) { list.removeOne(tag.toString()); });
    return removed;
}

bool MetadataStore::deleteManifest(QStringView name, const Oci::Digest &digest)
{
    QMutexLocker locker(&lockFor(name));
    const auto stored = readManifestLink(name, digest);
    if (!stored) {
        return false;
    }
    // Tags first, then the link, then the referrer entry: each intermediate state is a consistent one.
    const QString wanted = digest.toString();
    const QString tagsDir = m_layout.tagsDir(name);
    for (const QString &tag : QDir(tagsDir).entryList(QDir::Files)) {
        const QString path = tagsDir + u'/' + tag;
        if (QString::fromLatin1(readSmallFile(path).trimmed()) == wanted) {
            QFile::remove(path);
            updateCachedTags(name, [&tag](QStringList &list) { list.removeOne(tag); });
        }
    }
    QFile::remove(m_layout.manifestLinkPath(name, digest));
    if (stored->subject.isValid()) {
        QFile::remove(m_layout.referrerPath(name, stored->subject, digest));
    }
    return true;
}

QList<QJsonObject> MetadataStore::referrers(QStringView name, const Oci::Digest &subject) const
{
    QList<QJsonObject> out;
    const QString dir = m_layout.referrersDir(name, subject);
    QStringList entries = QDir(dir).entryList(QDir::Files);
    sortBytewise(entries);
    for (const QString &entry : entries) {
        const QJsonObject descriptor = QJsonDocument::fromJson(readSmallFile(dir + u'/' + entry)).object();
        auto digest = Oci::Digest::parse(descriptor.value(QStringLiteral("digest")).toString());
        // An entry is written before its manifest link and removed after it: skip the in-between states.
        if (!digest || !QFileInfo::exists(m_layout.manifestLinkPath(name, *digest))) {
            continue;
        }
        out.append(descriptor);
    }
    return out;
}

} // namespace Minato::Registry
