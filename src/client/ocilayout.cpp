#include "ocilayout.h"

#include "oci/mediatype.h"
#include "oci/sha256.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>

#include <functional>
#include <optional>
#include <variant>

namespace Minato::Client {

namespace {

constexpr qint64 MaxLayoutFileBytes = Oci::kMaxManifestBytes;

QString refNameOf(const Oci::Descriptor &d)
{
    return d.annotation(Oci::Annotation::RefName);
}

bool nameMatches(const QString &refName, const QString &name)
{
    return refName == name || (!name.contains(u':') && refName.endsWith(u':' + name) &&
                               refName.lastIndexOf(u':') > refName.lastIndexOf(u'/'));
}

Result<QByteArray> readSmallFile(const QString &path, qint64 maxBytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return ClientError::localFile(QDir::toNativeSeparators(path), file.errorString(),
                                      QStringLiteral("open %1: %2").arg(path, file.errorString()));
    }
    if (file.size() > maxBytes) {
        return ClientError::localFile(QDir::toNativeSeparators(path),
                                      ClientError::tr("it is larger than %1 bytes").arg(maxBytes),
                                      QStringLiteral("%1: %2 bytes, at most %3").arg(path).arg(file.size()).arg(maxBytes));
    }
    return file.readAll();
}

Result<bool> saveFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        return ClientError::localFile(QDir::toNativeSeparators(path), file.errorString(),
                                      QStringLiteral("write %1: %2").arg(path, file.errorString()));
    }
    return true;
}

} // namespace

qint64 LayoutImage::blobBytes() const
{
    qint64 total = 0;
    for (const Oci::Descriptor &d : blobs) {
        total += d.size;
    }
    return total;
}

OciLayout::OciLayout(QString path)
    : m_path(QDir::cleanPath(std::move(path)))
{}

QString OciLayout::blobPath(const Oci::Digest &digest) const
{
    return m_path + QStringLiteral("/blobs/") + digest.algorithmName() + u'/' + digest.hex();
}

bool OciLayout::isLayout() const
{
    return QFileInfo(m_path + QStringLiteral("/oci-layout")).isFile();
}

bool OciLayout::hasBlob(const Oci::Descriptor &descriptor) const
{
    const QFileInfo info(blobPath(descriptor.digest));
    return info.isFile() && info.size() == descriptor.size;
}

ClientError OciLayout::layoutError(const QString &file, const QString &reason) const
{
    const QString where = file.isEmpty() ? m_path : m_path + u'/' + file;
    return ClientError::localFile(QDir::toNativeSeparators(where), reason, QStringLiteral("%1: %2").arg(where, reason))
        .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError", "%1 is not a usable OCI image layout: %2"),
                   {QDir::toNativeSeparators(where), reason});
}

Result<Oci::ImageIndex> OciLayout::readIndex() const
{
    if (!QFileInfo(m_path).isDir()) {
        return layoutError({}, ClientError::tr("there is no such directory"));
    }
    const auto layoutFile = readSmallFile(m_path + QStringLiteral("/oci-layout"), MaxLayoutFileBytes);
    if (!layoutFile) {
        return layoutError(QStringLiteral("oci-layout"),
                           ClientError::tr("the oci-layout file is missing or unreadable (%1)")
                               .arg(layoutFile.error().technicalDetail()));
    }
    // image-layout.md "oci-layout file": {"imageLayoutVersion": "1.0.0"}.
    const QJsonDocument layoutDoc = QJsonDocument::fromJson(layoutFile.value());
    const QString version = layoutDoc.object().value(QStringLiteral("imageLayoutVersion")).toString();
    if (!layoutDoc.isObject() || !version.startsWith(QStringLiteral("1."))) {
        return layoutError(QStringLiteral("oci-layout"),
                           ClientError::tr("imageLayoutVersion \"%1\" is not a version this program reads (1.x)")
                               .arg(version));
    }
    const auto indexFile = readSmallFile(m_path + QStringLiteral("/index.json"), MaxLayoutFileBytes);
    if (!indexFile) {
        return layoutError(QStringLiteral("index.json"),
                           ClientError::tr("index.json is missing or unreadable (%1)")
                               .arg(indexFile.error().technicalDetail()));
    }
    auto index = Oci::ImageIndex::parse(indexFile.value(), Oci::MediaType::OciIndex);
    if (!index) {
        return layoutError(QStringLiteral("index.json"), index.error().message());
    }
    return *index;
}

QStringList OciLayout::refNames(const Oci::ImageIndex &index)
{
    QStringList names;
    for (const Oci::Descriptor &d : index.manifests) {
        const QString name = refNameOf(d);
        names.append(name.isEmpty() ? ClientError::tr("(none)") : name);
    }
    return names;
}

Result<Oci::Descriptor> OciLayout::findEntry(const Oci::ImageIndex &index, const QString &name,
                                             const QString &fallbackName)
{
    auto byName = [&index](const QString &wanted) {
        QList<Oci::Descriptor> found;
        for (const Oci::Descriptor &d : index.manifests) {
            if (nameMatches(refNameOf(d), wanted)) {
                found.append(d);
            }
        }
        return found;
    };
    const QString offered = refNames(index).join(QStringLiteral(", "));
    if (index.manifests.isEmpty()) {
        return ClientError::invalidRequest(QStringLiteral("index.json has no entries"))
            .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError", "This OCI image layout holds no image."));
    }
    QList<Oci::Descriptor> found;
    if (!name.isEmpty()) {
        found = byName(name);
    } else if (index.manifests.size() == 1) {
        found = index.manifests;
    } else if (!fallbackName.isEmpty()) {
        found = byName(fallbackName);
    }
    if (found.isEmpty()) {
        const QString wanted = name.isEmpty() ? fallbackName : name;
        if (wanted.isEmpty()) {
            return ClientError::invalidRequest(QStringLiteral("index.json has %1 entries: %2")
                                                   .arg(index.manifests.size())
                                                   .arg(offered))
                .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                             "This OCI image layout holds several images (%1): say which one."),
                           {offered});
        }
        return ClientError::fromHttp(404, {}, {}, QStringLiteral("no index.json entry named %1 (%2)").arg(wanted, offered))
            .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                         "This OCI image layout has no image named \"%1\"; it has: %2."),
                       {wanted, offered});
    }
    if (found.size() > 1) {
        // Several entries with one name: the same image twice is fine, different ones are ambiguous.
        for (const Oci::Descriptor &d : std::as_const(found)) {
            if (d.digest != found.first().digest) {
                return ClientError::invalidRequest(QStringLiteral("several index.json entries named %1").arg(name))
                    .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                                 "This OCI image layout names several different images \"%1\"."),
                               {name.isEmpty() ? fallbackName : name});
            }
        }
    }
    return found.first();
}

Result<QByteArray> OciLayout::readBlob(const Oci::Descriptor &descriptor, qint64 maxBytes) const
{
    const QString path = blobPath(descriptor.digest);
    const QString relative = QDir(m_path).relativeFilePath(path);
    const QFileInfo info(path);
    if (!info.isFile()) {
        return layoutError(relative, ClientError::tr("the blob %1 is missing").arg(descriptor.digest.toString()));
    }
    if (info.size() != descriptor.size) {
        return layoutError(relative, ClientError::tr("the blob has %1 bytes where its descriptor says %2")
                                         .arg(info.size())
                                         .arg(descriptor.size));
    }
    auto bytes = readSmallFile(path, maxBytes);
    if (!bytes) {
        return bytes.error();
    }
    if (Oci::Hasher::digestOf(descriptor.digest.algorithm(), bytes.value()) != descriptor.digest) {
        return layoutError(relative, ClientError::tr("the blob's content does not match its digest"));
    }
    return bytes;
}

Result<LayoutImage> OciLayout::readImage(const Oci::Descriptor &top) const
{
    LayoutImage image;
    image.top = top;
    QSet<QString> seenManifests;
    QSet<QString> seenBlobs;
    std::optional<ClientError> failure;

    auto addBlob = [&](const Oci::Descriptor &blob, const Oci::Digest &owner) {
        if (seenBlobs.contains(blob.digest.toString())) {
            return true;
        }
        seenBlobs.insert(blob.digest.toString());
        const QFileInfo info(blobPath(blob.digest));
        if (!info.isFile()) {
            if (blob.isNonDistributable() && !blob.urls.isEmpty()) {
                image.absent.append(blob); // image-layout.md: "MAY be missing referenced blobs"
                return true;
            }
            failure = layoutError(QDir(m_path).relativeFilePath(info.filePath()),
                                  ClientError::tr("the blob %1 (named by manifest %2) is missing")
                                      .arg(blob.digest.toString(), owner.toString()));
            return false;
        }
        if (info.size() != blob.size) {
            failure = layoutError(QDir(m_path).relativeFilePath(info.filePath()),
                                  ClientError::tr("the blob has %1 bytes where manifest %2 says %3")
                                      .arg(info.size())
                                      .arg(owner.toString())
                                      .arg(blob.size));
            return false;
        }
        image.blobs.append(blob);
        return true;
    };

    std::function<bool(const Oci::Descriptor &, int)> visit = [&](const Oci::Descriptor &d, int depth) -> bool {
        if (seenManifests.contains(d.digest.toString())) {
            return true;
        }
        if (depth > 8 || seenManifests.size() >= MaxManifests) {
            failure = layoutError(QStringLiteral("index.json"), ClientError::tr("the image nests too deeply"));
            return false;
        }
        seenManifests.insert(d.digest.toString());
        auto bytes = readBlob(d, Oci::kMaxManifestBytes);
        if (!bytes) {
            failure = bytes.error();
            return false;
        }
        auto any = Oci::parseAnyManifest(bytes.value(), d.mediaType);
        if (!any) {
            failure = layoutError(QDir(m_path).relativeFilePath(blobPath(d.digest)), any.error().message());
            return false;
        }
        if (std::holds_alternative<Oci::Schema1Manifest>(*any)) {
            failure = layoutError(QDir(m_path).relativeFilePath(blobPath(d.digest)),
                                  ClientError::tr("a Docker schema 1 manifest cannot be imported"));
            return false;
        }
        if (const auto *manifest = std::get_if<Oci::Manifest>(&*any)) {
            if (!addBlob(manifest->config, d.digest)) {
                return false;
            }
            for (const Oci::Descriptor &layer : manifest->layers) {
                if (!addBlob(layer, d.digest)) {
                    return false;
                }
            }
        } else if (const auto *index = std::get_if<Oci::ImageIndex>(&*any)) {
            for (const Oci::Descriptor &child : index->manifests) {
                if (!visit(child, depth + 1)) {
                    return false;
                }
            }
        }
        LayoutManifest m;
        m.digest = d.digest;
        m.mediaType = Oci::mediaTypeOf(*any);
        m.bytes = bytes.value();
        m.manifest = *any;
        image.manifests.append(m);
        return true;
    };
    if (!visit(top, 0)) {
        return *failure;
    }
    return image;
}

Result<bool> OciLayout::prepare() const
{
    const QFileInfo info(m_path);
    if (info.exists() && !info.isDir()) {
        return layoutError({}, ClientError::tr("it exists and is not a directory"));
    }
    if (info.isDir() && !isLayout() && !QDir(m_path).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)) {
        return layoutError({}, ClientError::tr("the directory is not empty and has no oci-layout file; choose an "
                                               "empty directory, or one holding an OCI image layout"));
    }
    if (!QDir().mkpath(m_path + QStringLiteral("/blobs/sha256"))) {
        return ClientError::localFile(QDir::toNativeSeparators(m_path), ClientError::tr("cannot create the directory"),
                                      QStringLiteral("mkpath %1/blobs/sha256").arg(m_path));
    }
    if (isLayout()) {
        if (auto index = readIndex(); !index && QFileInfo::exists(m_path + QStringLiteral("/index.json"))) {
            return index.error(); // never overwrite an index.json we cannot read
        }
        return true;
    }
    const QJsonObject layout{{QStringLiteral("imageLayoutVersion"), QString::fromUtf16(LayoutVersion)}};
    return saveFile(m_path + QStringLiteral("/oci-layout"), QJsonDocument(layout).toJson(QJsonDocument::Compact));
}

Result<bool> OciLayout::writeBlob(const QByteArray &bytes, const Oci::Digest &given) const
{
    const Oci::Digest digest = given.isValid() ? given : Oci::Sha256Hasher::digestOf(bytes);
    if (given.isValid() && Oci::Hasher::digestOf(given.algorithm(), bytes) != given) {
        return ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                    QStringLiteral("blob for %1: its bytes have another digest").arg(given.toString()));
    }
    const QString path = blobPath(digest);
    if (QFileInfo(path).size() == bytes.size() && QFileInfo(path).isFile()) {
        return true; // content addressed: the same name holds the same bytes
    }
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        return ClientError::localFile(QDir::toNativeSeparators(path), ClientError::tr("cannot create the directory"),
                                      QStringLiteral("mkpath %1").arg(QFileInfo(path).absolutePath()));
    }
    return saveFile(path, bytes);
}

Result<bool> OciLayout::addReference(const Oci::Descriptor &top, const QString &refName) const
{
    const QString indexPath = m_path + QStringLiteral("/index.json");
    QJsonObject root;
    if (QFileInfo::exists(indexPath)) {
        const auto existing = readIndex(); // validated before anything in it is changed
        if (!existing) {
            return existing.error();
        }
        root = QJsonDocument::fromJson(existing->raw).object();
    } else {
        root.insert(QStringLiteral("schemaVersion"), 2);
        root.insert(QStringLiteral("mediaType"), Oci::MediaType::OciIndex.toString());
    }
    QJsonArray kept;
    for (const QJsonValue &value : root.value(QStringLiteral("manifests")).toArray()) {
        const QJsonObject entry = value.toObject();
        const QString entryName = entry.value(QStringLiteral("annotations"))
                                      .toObject()
                                      .value(QString::fromUtf16(Oci::Annotation::RefName))
                                      .toString();
        const bool replaced = refName.isEmpty() ? entryName.isEmpty() && entry.value(QStringLiteral("digest")).toString() ==
                                                                           top.digest.toString()
                                                : entryName == refName;
        if (!replaced) {
            kept.append(entry);
        }
    }
    Oci::Descriptor entry;
    entry.mediaType = top.mediaType;
    entry.digest = top.digest;
    entry.size = top.size;
    entry.platform = top.platform;
    if (!refName.isEmpty()) {
        entry.annotations.insert(QString::fromUtf16(Oci::Annotation::RefName), refName);
    }
    kept.append(entry.toJson());
    root.insert(QStringLiteral("manifests"), kept);
    return saveFile(indexPath, QJsonDocument(root).toJson(QJsonDocument::Compact));
}

} // namespace Minato::Client
