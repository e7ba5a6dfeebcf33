#include "descriptor.h"

#include "jsonfields.h"
#include "mediatype.h"
#include "sha256.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QUrl>

namespace Minato::Oci {

namespace {

Expected<QString> requireMediaType(const QJsonObject &obj, QStringView key, QStringView path)
{
    auto text = Json::requireString(obj, key, path);
    if (text && !MediaType::isWellFormed(*text)) {
        return Expected<QString>::failure(
            Json::joinPath(path, key),
            QStringLiteral("\"%1\" is not a media type of the form type/subtype").arg(*text));
    }
    return text;
}

Digest digestOfData(Digest::Algorithm algorithm, const QByteArray &bytes)
{
    if (algorithm == Digest::Algorithm::Sha256) {
        return Sha256Hasher::digestOf(bytes);
    }
    const QByteArray hex = QCryptographicHash::hash(bytes, QCryptographicHash::Sha512).toHex();
    return Digest::fromParts(Digest::Algorithm::Sha512, QString::fromLatin1(hex));
}

} // namespace

Expected<Descriptor> Descriptor::fromJson(const QJsonObject &obj, QStringView path)
{
    Descriptor d;
    MINATO_OCI_TRY(d.mediaType, requireMediaType(obj, u"mediaType", path));
    MINATO_OCI_TRY(d.digest, Json::requireDigest(obj, u"digest", path));
    MINATO_OCI_TRY(d.size, Json::requireSize(obj, u"size", path));

    MINATO_OCI_TRY(d.urls, Json::optionalStringList(obj, u"urls", path));
    for (qsizetype i = 0; i < d.urls.size(); ++i) {
        const QUrl url(d.urls[i], QUrl::StrictMode);
        if (!url.isValid() || url.scheme().isEmpty() || url.isRelative()) {
            return Expected<Descriptor>::failure(Json::indexPath(Json::joinPath(path, u"urls"), i),
                                                 QStringLiteral("\"%1\" is not an absolute URL").arg(d.urls[i]));
        }
    }
    MINATO_OCI_TRY(d.annotations, Json::optionalStringMap(obj, u"annotations", path));

    MINATO_OCI_TRY(auto platformObject, Json::optionalObject(obj, u"platform", path));
    if (platformObject) {
        MINATO_OCI_TRY(d.platform, Platform::fromJson(*platformObject, Json::joinPath(path, u"platform")));
    }

    MINATO_OCI_TRY(auto artifactType, Json::optionalString(obj, u"artifactType", path));
    if (artifactType) {
        if (!MediaType::isWellFormed(*artifactType)) {
            return Expected<Descriptor>::failure(
                Json::joinPath(path, u"artifactType"),
                QStringLiteral("\"%1\" is not a media type of the form type/subtype").arg(*artifactType));
        }
        d.artifactType = *artifactType;
    }

    // descriptor.md "Embedded content": data is base64 (RFC 4648) and MUST match digest and size.
    MINATO_OCI_TRY(auto data, Json::optionalString(obj, u"data", path));
    if (data) {
        const QString field = Json::joinPath(path, u"data");
        const auto decoded = QByteArray::fromBase64Encoding(data->toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        bool ascii = true;
        for (QChar c : *data) {
            ascii = ascii && c.unicode() < 0x80;
        }
        // Qt tolerates missing padding; RFC 4648 §4 requires it.
        if (!ascii || !decoded || data->size() % 4 != 0) {
            return Expected<Descriptor>::failure(field, QStringLiteral("is not valid base64"));
        }
        if (decoded.decoded.size() != d.size) {
            return Expected<Descriptor>::failure(
                field, QStringLiteral("decodes to %1 bytes but size says %2").arg(decoded.decoded.size()).arg(d.size));
        }
        if (digestOfData(d.digest.algorithm(), decoded.decoded) != d.digest) {
            return Expected<Descriptor>::failure(field, QStringLiteral("does not match the descriptor's digest"));
        }
        d.data = decoded.decoded;
    }
    return d;
}

QJsonObject Descriptor::toJson() const
{
    QJsonObject obj;
    obj.insert(QStringLiteral("mediaType"), mediaType);
    obj.insert(QStringLiteral("digest"), digest.toString());
    obj.insert(QStringLiteral("size"), size);
    if (!urls.isEmpty()) {
        obj.insert(QStringLiteral("urls"), Json::stringListToJson(urls));
    }
    if (!annotations.isEmpty()) {
        obj.insert(QStringLiteral("annotations"), Json::stringMapToJson(annotations));
    }
    if (platform) {
        obj.insert(QStringLiteral("platform"), platform->toJson());
    }
    if (!artifactType.isEmpty()) {
        obj.insert(QStringLiteral("artifactType"), artifactType);
    }
    if (data) {
        obj.insert(QStringLiteral("data"), QString::fromLatin1(data->toBase64()));
    }
    return obj;
}

bool Descriptor::isAttestationManifest() const
{
    return annotation(Annotation::DockerReferenceType) == u"attestation-manifest";
}

bool Descriptor::isNonDistributable() const
{
    return MediaType::isNonDistributable(mediaType);
}

} // namespace Minato::Oci
