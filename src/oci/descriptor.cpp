#include "descriptor.h"

#include "jsonfields.h"
#include "mediatype.h"
#include "sha256.h"
#include "textutil.h"

#include <QJsonArray>
#include <QUrl>

namespace Minato::Oci {

Expected<Descriptor> Descriptor::fromJson(const QJsonObject &obj, QStringView path)
{
    Descriptor d;
    MINATO_OCI_TRY(d.mediaType, Json::requireMediaType(obj, u"mediaType", path));
    MINATO_OCI_TRY(d.digest, Json::requireDigest(obj, u"digest", path));
    MINATO_OCI_TRY(d.size, Json::requireSize(obj, u"size", path));

    MINATO_OCI_TRY(d.urls, Json::optionalStringList(obj, u"urls", path));
    for (qsizetype i = 0; i < d.urls.size(); ++i) {
        const QUrl url(d.urls[i], QUrl::StrictMode);
        if (!url.isValid() || url.scheme().isEmpty() || url.isRelative()) {
            return Expected<Descriptor>::failure(
                Json::indexPath(Json::joinPath(path, u"urls"), i),
                QStringLiteral("%1 is not an absolute URL").arg(quoteInput(d.urls[i])));
        }
    }
    MINATO_OCI_TRY(d.annotations, Json::optionalStringMap(obj, u"annotations", path));

    MINATO_OCI_TRY(auto platformObject, Json::optionalObject(obj, u"platform", path));
    if (platformObject) {
        MINATO_OCI_TRY(d.platform, Platform::fromJson(*platformObject, Json::joinPath(path, u"platform")));
    }

    MINATO_OCI_TRY(auto artifactType, Json::optionalMediaType(obj, u"artifactType", path));
    d.artifactType = artifactType.value_or(QString());

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
        const Digest actual = Hasher::digestOf(d.digest.algorithm(), decoded.decoded);
        if (!actual.isValid()) {
            return Expected<Descriptor>::failure(field, QStringLiteral("could not be hashed (OpenSSL failed)"));
        }
        if (actual != d.digest) {
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
