#include "manifest.h"

#include "jsonfields.h"
#include "mediatype.h"
#include "sha256.h"
#include "textutil.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <limits>

namespace Minato::Oci {

// manifest.md "Image Manifest Property Descriptions"; manifest-v2-2.md "Image Manifest Field Descriptions".
Expected<Manifest> Manifest::parse(const QByteArray &bytes, QStringView contentType)
{
    MINATO_OCI_TRY(const QJsonObject root, Json::parseJsonObject(bytes, u"image manifest", kMaxManifestBytes));
    Manifest m;
    MINATO_OCI_TRY(m.schemaVersion, Detail::checkSchemaVersion(root, u"image manifest"));
    MINATO_OCI_TRY(const QString effective,
                   Detail::checkDocumentMediaType(root, contentType, MediaType::OciManifest, MediaType::DockerManifest,
                                                  u"image manifest"));
    if (root.value(u"mediaType").isString()) { // "mediaType": null is absent (jsonfields.h)
        m.mediaType = effective;
    }
    MINATO_OCI_TRY(const QJsonObject config, Json::requireObject(root, u"config", u""));
    MINATO_OCI_TRY(m.config, Descriptor::fromJson(config, u"config"));
    MINATO_OCI_TRY(const QJsonArray layers, Json::optionalArray(root, u"layers", u""));
    m.layers.reserve(layers.size());
    for (qsizetype i = 0; i < layers.size(); ++i) {
        MINATO_OCI_TRY(const QJsonObject layer, Json::objectAt(layers, i, u"layers"));
        MINATO_OCI_TRY(Descriptor descriptor, Descriptor::fromJson(layer, Json::indexPath(u"layers", i)));
        m.layers.append(std::move(descriptor));
    }
    MINATO_OCI_TRY(Detail::ArtifactFields fields, Detail::parseArtifactFields(root));
    m.subject = std::move(fields.subject);
    m.artifactType = std::move(fields.artifactType);
    m.annotations = std::move(fields.annotations);
    m.raw = bytes;
    m.digest = Sha256Hasher::digestOf(bytes);
    return m;
}

QJsonObject Manifest::toJsonObject() const
{
    QJsonObject obj;
    obj.insert(QStringLiteral("schemaVersion"), schemaVersion);
    if (!mediaType.isEmpty()) {
        obj.insert(QStringLiteral("mediaType"), mediaType);
    }
    obj.insert(QStringLiteral("config"), config.toJson());
    QJsonArray layerArray;
    for (const Descriptor &d : layers) {
        layerArray.append(d.toJson());
    }
    obj.insert(QStringLiteral("layers"), layerArray);
    Detail::writeArtifactFields(obj, subject, artifactType, annotations);
    return obj;
}

QByteArray Manifest::toJson() const
{
    return QJsonDocument(toJsonObject()).toJson(QJsonDocument::Compact);
}

QString Manifest::effectiveMediaType() const
{
    return mediaType.isEmpty() ? MediaType::OciManifest.toString() : mediaType;
}

bool Manifest::isDocker() const
{
    return MediaType::equals(effectiveMediaType(), MediaType::DockerManifest);
}

qint64 Manifest::totalSize() const
{
    constexpr qint64 max = std::numeric_limits<qint64>::max();
    qint64 total = config.size;
    for (const Descriptor &d : layers) {
        // Sizes are ≥ 0 (Descriptor::fromJson), so only overflow past max is possible.
        total = d.size > max - total ? max : total + d.size;
    }
    return total;
}

bool Manifest::isArtifact() const
{
    return !artifactType.isEmpty() || !MediaType::isConfig(config.mediaType);
}

QString Manifest::effectiveArtifactType() const
{
    return artifactType.isEmpty() ? config.mediaType : artifactType;
}

bool Manifest::isCosignSignature() const
{
    if (MediaType::equals(artifactType, MediaType::CosignArtifactSignature)) {
        return true;
    }
    for (const Descriptor &d : layers) {
        if (MediaType::equals(d.mediaType, MediaType::CosignSimpleSigning)) {
            return true;
        }
    }
    return false;
}

bool Manifest::isNotationSignature() const
{
    return MediaType::equals(artifactType, MediaType::NotationSignature);
}

bool Manifest::isSbom() const
{
    const auto isSbomType = [](QStringView type) {
        const QString e = MediaType::essence(type);
        return e.contains(u"spdx") || e.contains(u"cyclonedx") || e == MediaType::CosignArtifactSbom;
    };
    if (!isArtifact()) {
        return false;
    }
    if (isSbomType(effectiveArtifactType())) {
        return true;
    }
    for (const Descriptor &d : layers) {
        if (isSbomType(d.mediaType)) {
            return true;
        }
    }
    return false;
}

namespace {

enum class Route { Index, Manifest, Schema1 };

Expected<AnyManifest> parseAs(Route route, const QByteArray &bytes, QStringView contentType)
{
    switch (route) {
    case Route::Index: {
        MINATO_OCI_TRY(ImageIndex index, ImageIndex::parse(bytes, contentType));
        return AnyManifest(std::move(index));
    }
    case Route::Manifest: {
        MINATO_OCI_TRY(Manifest manifest, Manifest::parse(bytes, contentType));
        return AnyManifest(std::move(manifest));
    }
    case Route::Schema1:
        break;
    }
    // Schema1Manifest::parse decides signed vs unsigned from the bytes (a "signatures" array).
    MINATO_OCI_TRY(Schema1Manifest schema1, Schema1Manifest::parse(bytes));
    return AnyManifest(std::move(schema1));
}

std::optional<Route> routeFor(QStringView mediaType)
{
    switch (MediaType::kindOf(mediaType)) {
    case MediaType::Kind::Index:
        return Route::Index;
    case MediaType::Kind::ImageManifest:
        return Route::Manifest;
    case MediaType::Kind::Schema1Manifest:
        return Route::Schema1;
    default:
        return std::nullopt;
    }
}

} // namespace

Expected<AnyManifest> parseAnyManifest(const QByteArray &bytes, QStringView contentType)
{
    if (!MediaType::isGeneric(contentType)) {
        const auto route = routeFor(contentType);
        if (!route) {
            return Expected<AnyManifest>::failure(
                QStringLiteral("Content-Type"),
                QStringLiteral("%1 is not a manifest media type").arg(quoteInput(contentType)));
        }
        return parseAs(*route, bytes, contentType);
    }
    // Sniff (see the header): the document decides.
    MINATO_OCI_TRY(const QJsonObject root, Json::parseJsonObject(bytes, u"manifest", kMaxManifestBytes));
    const QJsonValue mediaType = root.value(u"mediaType");
    if (mediaType.isString()) {
        if (const auto route = routeFor(mediaType.toString())) {
            return parseAs(*route, bytes, QStringView());
        }
    }
    const QJsonValue schemaVersion = root.value(u"schemaVersion");
    if (schemaVersion.isDouble() && schemaVersion.toDouble() == 1.0) {
        return parseAs(Route::Schema1, bytes, QStringView());
    }
    if (root.value(u"manifests").isArray()) {
        return parseAs(Route::Index, bytes, QStringView());
    }
    if (root.contains(u"config") || root.contains(u"layers")) {
        return parseAs(Route::Manifest, bytes, QStringView());
    }
    if (mediaType.isString()) {
        // A mediaType that names no manifest format: let Manifest::parse explain what is wrong with it.
        return parseAs(Route::Manifest, bytes, QStringView());
    }
    return Expected<AnyManifest>::failure(
        QString(), QStringLiteral("cannot tell which manifest format this is: it has no mediaType, manifests, "
                                  "config or layers field"));
}

const Digest &digestOf(const AnyManifest &manifest)
{
    return std::visit([](const auto &m) -> const Digest & { return m.digest; }, manifest);
}

const QByteArray &rawOf(const AnyManifest &manifest)
{
    return std::visit([](const auto &m) -> const QByteArray & { return m.raw; }, manifest);
}

QString mediaTypeOf(const AnyManifest &manifest)
{
    if (const auto *m = std::get_if<Manifest>(&manifest)) {
        return m->effectiveMediaType();
    }
    if (const auto *i = std::get_if<ImageIndex>(&manifest)) {
        return i->effectiveMediaType();
    }
    return std::get<Schema1Manifest>(manifest).mediaType();
}

} // namespace Minato::Oci
