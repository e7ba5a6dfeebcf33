#include "schema1.h"

#include "imageconfig.h" // parseRfc3339
#include "jsonfields.h"
#include "sha256.h"
#include "textutil.h"

#include <QJsonArray>
#include <QJsonObject>

namespace Minato::Oci {

namespace {

using Json::fail;
using Json::optionalStrSlice;

// A protected header is a few hundred bytes; anything near this is not one.
constexpr qsizetype kMaxProtectedHeaderBytes = qsizetype(64) * 1024;

// JWS base64url without padding (RFC 7515 section 2, "Base64url Encoding"). libtrust writes no '=' and a
// length of 1 mod 4 cannot encode whole bytes, so both are rejected; Qt alone would accept them.
std::optional<QByteArray> decodeBase64Url(const QString &text)
{
    if (text.contains(u'=') || text.size() % 4 == 1) {
        return std::nullopt;
    }
    const auto result =
        QByteArray::fromBase64Encoding(text.toUtf8(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals |
                                                          QByteArray::AbortOnBase64DecodingErrors);
    if (result.decodingStatus != QByteArray::Base64DecodingStatus::Ok) {
        return std::nullopt;
    }
    return result.decoded;
}

// A v1 layer ID: 64 lowercase hex, as Docker's v1.ValidateID requires (the same form as an image ID).
bool isV1Id(const QString &id)
{
    return Ascii::isLowerHexString(id, 64);
}

// A legacy v1 image JSON (docker image/spec/v1.md). Only the fields the History view shows are read; the
// id must be 64 lowercase hex, as Docker's v1.ValidateID requires.
Expected<Schema1V1Compatibility> parseV1Compatibility(const QString &text, const QString &path)
{
    const Expected<QJsonObject> parsed =
        Json::parseJsonObject(text.toUtf8(), u"v1Compatibility", Schema1Manifest::kMaxBytes);
    if (!parsed) {
        return fail<Schema1V1Compatibility>(path, QStringLiteral("is not a JSON object: ") + parsed.error().reason);
    }
    const QJsonObject &obj = parsed.value();
    Schema1V1Compatibility v1;
    MINATO_OCI_TRY(v1.id, Json::requireString(obj, u"id", path));
    if (!isV1Id(v1.id)) {
        return fail<Schema1V1Compatibility>(Json::joinPath(path, u"id"),
                                            QStringLiteral("must be 64 lowercase hex characters"));
    }
    MINATO_OCI_TRY(std::optional<QString> parent, Json::optionalString(obj, u"parent", path));
    v1.parent = parent.value_or(QString());
    if (!v1.parent.isEmpty() && !isV1Id(v1.parent)) {
        return fail<Schema1V1Compatibility>(Json::joinPath(path, u"parent"),
                                            QStringLiteral("must be 64 lowercase hex characters"));
    }
    MINATO_OCI_TRY(std::optional<QString> created, Json::optionalString(obj, u"created", path));
    if (created) {
        MINATO_OCI_TRY(QDateTime time, parseRfc3339(*created, Json::joinPath(path, u"created")));
        v1.created = time;
    }
    MINATO_OCI_TRY(std::optional<QString> author, Json::optionalString(obj, u"author", path));
    v1.author = author.value_or(QString());
    MINATO_OCI_TRY(std::optional<QJsonObject> containerConfig, Json::optionalObject(obj, u"container_config", path));
    if (containerConfig) {
        MINATO_OCI_TRY(v1.containerCmd,
                       optionalStrSlice(*containerConfig, u"Cmd", Json::joinPath(path, u"container_config")));
    }
    MINATO_OCI_TRY(std::optional<bool> throwaway, Json::optionalBool(obj, u"throwaway", path));
    v1.throwaway = throwaway.value_or(false);
    return v1;
}

// One entry of "signatures" in libtrust's layout, with its protected header decoded (libtrust jsonsign.go:
// the protected header carries formatLength, formatTail and time).
Expected<Schema1Signature> parseSignature(const QJsonObject &obj, const QString &path)
{
    Schema1Signature sig;
    MINATO_OCI_TRY(const QJsonObject header, Json::requireObject(obj, u"header", path));
    const QString headerPath = Json::joinPath(path, u"header");
    MINATO_OCI_TRY(sig.algorithm, Json::requireString(header, u"alg", headerPath));
    MINATO_OCI_TRY(std::optional<QJsonObject> jwk, Json::optionalObject(header, u"jwk", headerPath));
    if (jwk) {
        MINATO_OCI_TRY(std::optional<QString> kid,
                       Json::optionalString(*jwk, u"kid", Json::joinPath(headerPath, u"jwk")));
        sig.keyId = kid.value_or(QString());
    }

    MINATO_OCI_TRY(const QString signature, Json::requireString(obj, u"signature", path));
    if (!decodeBase64Url(signature)) {
        return fail<Schema1Signature>(Json::joinPath(path, u"signature"),
                                      QStringLiteral("is not base64url without padding (RFC 7515 section 2)"));
    }

    MINATO_OCI_TRY(const QString protectedText, Json::requireString(obj, u"protected", path));
    const QString protectedPath = Json::joinPath(path, u"protected");
    const std::optional<QByteArray> protectedBytes = decodeBase64Url(protectedText);
    if (!protectedBytes) {
        return fail<Schema1Signature>(protectedPath,
                                      QStringLiteral("is not base64url without padding (RFC 7515 section 2)"));
    }
    const Expected<QJsonObject> protectedHeader =
        Json::parseJsonObject(*protectedBytes, u"protected header", kMaxProtectedHeaderBytes);
    if (!protectedHeader) {
        return fail<Schema1Signature>(protectedPath, QStringLiteral("does not decode to a JSON object: ") +
                                                         protectedHeader.error().reason);
    }
    sig.protectedHeader = *protectedBytes;
    MINATO_OCI_TRY(sig.formatLength, Json::requireInt64(protectedHeader.value(), u"formatLength", protectedPath, 0,
                                                        Schema1Manifest::kMaxBytes));
    MINATO_OCI_TRY(const QString tailText, Json::requireString(protectedHeader.value(), u"formatTail", protectedPath));
    const std::optional<QByteArray> tail = decodeBase64Url(tailText);
    if (!tail) {
        return fail<Schema1Signature>(Json::joinPath(protectedPath, u"formatTail"),
                                      QStringLiteral("is not base64url without padding (RFC 7515 section 2)"));
    }
    sig.formatTail = *tail;
    // "time" is informational (when the manifest was signed); an odd value is ignored rather than fatal.
    const QJsonValue time = protectedHeader.value().value(u"time");
    if (time.isString()) {
        sig.time = parseRfc3339(time.toString(), u"time").toOptional();
    }
    return sig;
}

} // namespace

// manifest-v2-1.md "Manifest Field Descriptions" and "Signed Manifests".
Expected<Schema1Manifest> Schema1Manifest::parse(const QByteArray &bytes)
{
    MINATO_OCI_TRY(const QJsonObject root, Json::parseJsonObject(bytes, u"schema 1 manifest", kMaxBytes));

    Schema1Manifest m;
    MINATO_OCI_TRY(const qint64 version, Json::requireInt64(root, u"schemaVersion", u""));
    if (version != 1) {
        return fail<Schema1Manifest>(QStringLiteral("schemaVersion"),
                                     QStringLiteral("must be 1 for a schema 1 manifest, not %1").arg(version));
    }
    MINATO_OCI_TRY(m.name, Json::requireString(root, u"name", u""));
    MINATO_OCI_TRY(m.tag, Json::requireStringAllowEmpty(root, u"tag", u""));
    MINATO_OCI_TRY(m.architecture, Json::requireStringAllowEmpty(root, u"architecture", u""));

    MINATO_OCI_TRY(const QJsonArray layers, Json::requireArray(root, u"fsLayers", u""));
    if (layers.isEmpty()) {
        return fail<Schema1Manifest>(QStringLiteral("fsLayers"),
                                     QStringLiteral("is empty: an image has at least one layer"));
    }
    m.fsLayers.reserve(layers.size());
    for (qsizetype i = 0; i < layers.size(); ++i) {
        MINATO_OCI_TRY(const QJsonObject layer, Json::objectAt(layers, i, u"fsLayers"));
        MINATO_OCI_TRY(Digest blobSum, Json::requireDigest(layer, u"blobSum", Json::indexPath(u"fsLayers", i)));
        m.fsLayers.append(blobSum);
    }

    // "the length of history must be equal to the length of fsLayers and entries in each are correlated by
    // index" (manifest-v2-1.md).
    MINATO_OCI_TRY(const QJsonArray history, Json::requireArray(root, u"history", u""));
    if (history.size() != layers.size()) {
        return fail<Schema1Manifest>(
            QStringLiteral("history"),
            QStringLiteral("has %1 entries but fsLayers has %2; they must correspond one to one")
                .arg(history.size())
                .arg(layers.size()));
    }
    m.history.reserve(history.size());
    for (qsizetype i = 0; i < history.size(); ++i) {
        const QString at = Json::indexPath(u"history", i);
        MINATO_OCI_TRY(const QJsonObject entry, Json::objectAt(history, i, u"history"));
        Schema1History h;
        MINATO_OCI_TRY(h.v1Compatibility, Json::requireString(entry, u"v1Compatibility", at));
        MINATO_OCI_TRY(h.v1, parseV1Compatibility(h.v1Compatibility, Json::joinPath(at, u"v1Compatibility")));
        m.history.append(std::move(h));
    }

    m.raw = bytes;
    const QJsonValue signatures = root.value(u"signatures");
    if (signatures.isUndefined() || signatures.isNull()) {
        // Unsigned (…v1+json): addressed by its bytes.
        m.canonical = bytes;
        m.digest = Sha256Hasher::digestOf(bytes);
        return m;
    }

    MINATO_OCI_TRY(const QJsonArray sigs, Json::requireArray(root, u"signatures", u""));
    if (sigs.isEmpty()) {
        return fail<Schema1Manifest>(QStringLiteral("signatures"),
                                     QStringLiteral("is empty: a signed manifest needs at least one signature"));
    }
    for (qsizetype i = 0; i < sigs.size(); ++i) {
        const QString at = Json::indexPath(u"signatures", i);
        MINATO_OCI_TRY(const QJsonObject sigObject, Json::objectAt(sigs, i, u"signatures"));
        MINATO_OCI_TRY(Schema1Signature sig, parseSignature(sigObject, at));
        if (sig.formatLength > bytes.size()) {
            return fail<Schema1Manifest>(
                Json::joinPath(Json::joinPath(at, u"protected"), u"formatLength"),
                QStringLiteral("is %1, beyond the manifest's %2 bytes").arg(sig.formatLength).arg(bytes.size()));
        }
        // libtrust: every signature must describe the same payload, or the manifest is inconsistent.
        if (!m.signatures.isEmpty() && (sig.formatLength != m.signatures.first().formatLength ||
                                        sig.formatTail != m.signatures.first().formatTail)) {
            return fail<Schema1Manifest>(Json::joinPath(at, u"protected"),
                                         QStringLiteral("formatLength/formatTail differ from signatures[0]; every "
                                                        "signature must cover the same payload"));
        }
        m.signatures.append(std::move(sig));
    }

    // The JWS payload: the manifest as it was before the signatures were spliced in.
    const Schema1Signature &first = m.signatures.first();
    m.canonical = bytes.left(first.formatLength) + first.formatTail;
    const QString payloadField = QStringLiteral("signatures[0].protected");
    const Expected<QJsonObject> payload =
        Json::parseJsonObject(m.canonical, u"signed payload", kMaxBytes + first.formatTail.size());
    if (!payload) {
        return fail<Schema1Manifest>(payloadField,
                                     QStringLiteral("formatLength and formatTail do not rebuild a JSON manifest (%1)")
                                         .arg(payload.error().reason));
    }
    QJsonObject unsignedRoot = root;
    unsignedRoot.remove(QStringLiteral("signatures"));
    if (payload.value() != unsignedRoot) {
        return fail<Schema1Manifest>(payloadField, QStringLiteral("formatLength and formatTail rebuild a manifest that "
                                                                  "differs from the one received without signatures"));
    }
    m.digest = Sha256Hasher::digestOf(m.canonical);
    return m;
}

} // namespace Minato::Oci
