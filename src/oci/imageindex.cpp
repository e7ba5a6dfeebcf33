#include "imageindex.h"

#include "jsonfields.h"
#include "mediatype.h"
#include "sha256.h"
#include "textutil.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Minato::Oci {

namespace Detail {

Expected<QString> checkDocumentMediaType(const QJsonObject &root, QStringView contentType, QStringView ociType,
                                         QStringView dockerType, QStringView noun)
{
    const auto isOurs = [&](QStringView type) {
        return MediaType::equals(type, ociType) || MediaType::equals(type, dockerType);
    };
    MINATO_OCI_TRY(const std::optional<QString> declared, Json::optionalString(root, u"mediaType", u""));
    if (declared && !isOurs(*declared)) {
        const QString known = MediaType::displayName(*declared);
        const QString what = known != MediaType::essence(*declared) ? QStringLiteral(" (%1)").arg(known) : QString();
        return Expected<QString>::failure(QStringLiteral("mediaType"),
                                          QStringLiteral("is %1%2, not an %3 media type (%4 or %5)")
                                              .arg(quoteInput(*declared), what, noun.toString(), ociType, dockerType));
    }
    if (!MediaType::isGeneric(contentType)) {
        if (!isOurs(contentType)) {
            return Expected<QString>::failure(
                QStringLiteral("Content-Type"),
                QStringLiteral("%1 is not an %2 media type").arg(quoteInput(contentType), noun.toString()));
        }
        if (declared && !MediaType::equals(*declared, contentType)) {
            return Expected<QString>::failure(
                QStringLiteral("mediaType"),
                QStringLiteral("is %1 but the Content-Type is %2").arg(quoteInput(*declared), quoteInput(contentType)));
        }
        if (!declared && MediaType::equals(contentType, dockerType)) {
            // manifest-v2-2.md: mediaType is a required field of Docker schema 2 manifests and manifest lists.
            return Expected<QString>::failure(QStringLiteral("mediaType"),
                                              QStringLiteral("is required in a %1 (the Content-Type is %2)")
                                                  .arg(MediaType::displayName(dockerType), quoteInput(contentType)));
        }
    }
    return declared ? *declared : ociType.toString();
}

Expected<int> checkSchemaVersion(const QJsonObject &root, QStringView noun)
{
    const QJsonValue value = root.value(u"schemaVersion");
    if (value.isUndefined() || value.isNull()) {
        return Expected<int>::failure(QStringLiteral("schemaVersion"), QStringLiteral("is required but missing"));
    }
    MINATO_OCI_TRY(const qint64 version, Json::toInt64(value, u"schemaVersion"));
    if (version != 2) {
        return Expected<int>::failure(
            QStringLiteral("schemaVersion"),
            version == 1 ? QStringLiteral("must be 2 for an %1, not 1 (schema 1 is Docker's "
                                          "legacy manifest format)")
                               .arg(noun.toString())
                         : QStringLiteral("must be 2 for an %1, not %2").arg(noun.toString()).arg(version));
    }
    return 2;
}

Expected<ArtifactFields> parseArtifactFields(const QJsonObject &root)
{
    ArtifactFields fields;
    MINATO_OCI_TRY(const auto subject, Json::optionalObject(root, u"subject", u""));
    if (subject) {
        MINATO_OCI_TRY(fields.subject, Descriptor::fromJson(*subject, u"subject"));
    }
    MINATO_OCI_TRY(const auto artifactType, Json::optionalMediaType(root, u"artifactType", u""));
    fields.artifactType = artifactType.value_or(QString());
    MINATO_OCI_TRY(fields.annotations, Json::optionalStringMap(root, u"annotations", u""));
    return fields;
}

void writeArtifactFields(QJsonObject &obj, const std::optional<Descriptor> &subject, const QString &artifactType,
                         const QMap<QString, QString> &annotations)
{
    if (subject) {
        obj.insert(QStringLiteral("subject"), subject->toJson());
    }
    if (!artifactType.isEmpty()) {
        obj.insert(QStringLiteral("artifactType"), artifactType);
    }
    if (!annotations.isEmpty()) {
        obj.insert(QStringLiteral("annotations"), Json::stringMapToJson(annotations));
    }
}

} // namespace Detail

// image-index.md "Image Index Property Descriptions".
Expected<ImageIndex> ImageIndex::parse(const QByteArray &bytes, QStringView contentType)
{
    MINATO_OCI_TRY(const QJsonObject root, Json::parseJsonObject(bytes, u"image index", kMaxManifestBytes));
    ImageIndex index;
    MINATO_OCI_TRY(index.schemaVersion, Detail::checkSchemaVersion(root, u"image index"));
    MINATO_OCI_TRY(const QString effective,
                   Detail::checkDocumentMediaType(root, contentType, MediaType::OciIndex, MediaType::DockerManifestList,
                                                  u"image index"));
    if (root.value(u"mediaType").isString()) { // "mediaType": null is absent (jsonfields.h)
        index.mediaType = effective;
    }
    MINATO_OCI_TRY(const QJsonArray manifests, Json::requireArray(root, u"manifests", u""));
    index.manifests.reserve(manifests.size());
    for (qsizetype i = 0; i < manifests.size(); ++i) {
        const QString at = Json::indexPath(u"manifests", i);
        MINATO_OCI_TRY(const QJsonObject entry, Json::objectAt(manifests, i, u"manifests"));
        MINATO_OCI_TRY(Descriptor descriptor, Descriptor::fromJson(entry, at));
        index.manifests.append(std::move(descriptor));
    }
    MINATO_OCI_TRY(Detail::ArtifactFields fields, Detail::parseArtifactFields(root));
    index.subject = std::move(fields.subject);
    index.artifactType = std::move(fields.artifactType);
    index.annotations = std::move(fields.annotations);
    index.raw = bytes;
    index.digest = Sha256Hasher::digestOf(bytes);
    return index;
}

QJsonObject ImageIndex::toJsonObject() const
{
    QJsonObject obj;
    obj.insert(QStringLiteral("schemaVersion"), schemaVersion);
    if (!mediaType.isEmpty()) {
        obj.insert(QStringLiteral("mediaType"), mediaType);
    }
    QJsonArray entries;
    for (const Descriptor &d : manifests) {
        entries.append(d.toJson());
    }
    obj.insert(QStringLiteral("manifests"), entries);
    Detail::writeArtifactFields(obj, subject, artifactType, annotations);
    return obj;
}

QByteArray ImageIndex::toJson() const
{
    return QJsonDocument(toJsonObject()).toJson(QJsonDocument::Compact);
}

QString ImageIndex::effectiveMediaType() const
{
    return mediaType.isEmpty() ? MediaType::OciIndex.toString() : mediaType;
}

bool ImageIndex::isDocker() const
{
    return MediaType::equals(effectiveMediaType(), MediaType::DockerManifestList);
}

bool ImageIndex::isAttestationEntry(const Descriptor &entry)
{
    return entry.isAttestationManifest() || (entry.platform && entry.platform->isUnknown());
}

QList<Descriptor> ImageIndex::imageEntries() const
{
    QList<Descriptor> result;
    for (const Descriptor &d : manifests) {
        if (!isAttestationEntry(d)) {
            result.append(d);
        }
    }
    return result;
}

QList<Descriptor> ImageIndex::attestationEntries() const
{
    QList<Descriptor> result;
    for (const Descriptor &d : manifests) {
        if (isAttestationEntry(d)) {
            result.append(d);
        }
    }
    return result;
}

QList<Platform> ImageIndex::platforms() const
{
    QList<Platform> result;
    for (const Descriptor &d : manifests) {
        if (!isAttestationEntry(d) && d.platform && !result.contains(*d.platform)) {
            result.append(*d.platform);
        }
    }
    return result;
}

std::optional<Descriptor> ImageIndex::findByPlatform(const Platform &wanted) const
{
    const Descriptor *best = nullptr;
    int bestRank = -1;
    for (const Descriptor &d : manifests) {
        if (isAttestationEntry(d) || !d.platform) {
            continue;
        }
        const int rank = d.platform->compatibilityRank(wanted);
        if (rank > bestRank) {
            best = &d;
            bestRank = rank;
        }
    }
    return best ? std::optional<Descriptor>(*best) : std::nullopt;
}

std::optional<Descriptor> ImageIndex::attestationFor(const Digest &image) const
{
    const QString wanted = image.toString();
    for (const Descriptor &d : manifests) {
        if (isAttestationEntry(d) && d.annotation(Annotation::DockerReferenceDigest) == wanted) {
            return d;
        }
    }
    return std::nullopt;
}

} // namespace Minato::Oci
