#pragma once

// Strict JSON field readers shared by the content parsers (manifest, index, config, schema 1).
//
//   auto root = Json::parseJsonObject(bytes, u"image manifest", kMaxManifestBytes);
//   if (!root) return root.error();
//   MINATO_OCI_TRY(const qint64 size, Json::requireSize(*root, u"size", u"config"));
//   MINATO_OCI_TRY(auto layers, Json::optionalArray(*root, u"layers", u""));
//   for (qsizetype i = 0; i < layers.size(); ++i) {
//       const QString at = Json::indexPath(u"layers", i);            // "layers[2]"
//       MINATO_OCI_TRY(auto layer, Json::objectAt(layers, i, u"layers"));
//       MINATO_OCI_TRY(Digest d, Json::requireDigest(layer, u"digest", at)); // error field "layers[2].digest"
//   }
//
// Every reader takes the JSON path of the object it reads from ("" for the document root) and names the
// offending field in its ParseError ("layers[2].digest", "annotations[\"org.example\"]") with a reason in
// plain words. Conventions:
// - "require…" fails when the key is missing, null, or of the wrong type; required strings must also be
//   non-empty.
// - "optional…" treats a missing key and JSON null alike as absent (Go's encoding/json, which wrote most
//   of the content we read, emits null for nil slices and maps), but still rejects a wrong type.
// - Integers must be whole numbers that fit in qint64: 1.5, 1e30, 9223372036854775808 and "12" are
//   rejected. Qt 6.4's parser normalises whole-valued literals such as 1.0 and 1e3 to integers before we
//   see them, so those are accepted as 1 and 1000 (Go would refuse them; the value is unambiguous).
// - Duplicate keys: Qt keeps the last occurrence, as Go's encoding/json does.

#include "digest.h"
#include "expected.h"
#include "sizelimits.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <QString>
#include <QStringList>

#include <limits>
#include <optional>

// MINATO_OCI_TRY(declaration-or-lvalue, expression-of-type-Expected<U>)
// Evaluates the expression; on failure returns its ParseError from the enclosing function (whose return type
// must be an Expected<…>), otherwise moves the value into the target:
//   MINATO_OCI_TRY(auto digest, Json::requireDigest(obj, u"digest", path));
//   MINATO_OCI_TRY(manifest.config, parseDescriptor(obj, u"config"));
#define MINATO_OCI_TRY_CONCAT_INNER(a, b) a##b
#define MINATO_OCI_TRY_CONCAT(a, b) MINATO_OCI_TRY_CONCAT_INNER(a, b)
// `target` may be a declaration, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define MINATO_OCI_TRY(target, expression)                                                                             \
    auto MINATO_OCI_TRY_CONCAT(minatoOciTry_, __LINE__) = (expression);                                                \
    if (!MINATO_OCI_TRY_CONCAT(minatoOciTry_, __LINE__)) {                                                             \
        return MINATO_OCI_TRY_CONCAT(minatoOciTry_, __LINE__).error();                                                 \
    }                                                                                                                  \
    target = std::move(MINATO_OCI_TRY_CONCAT(minatoOciTry_, __LINE__)).value()
// NOLINTEND(bugprone-macro-parentheses)

namespace Minato::Oci::Json {

// Deepest nesting of objects/arrays a document may have. Real manifests and configs nest 4–6 levels;
// Qt's own parser stops at 1024, which is already more than any content needs. The limit is checked by a
// cheap byte scan before Qt builds anything, so a nesting bomb costs one pass over the bytes.
inline constexpr int kMaxNestingDepth = 64;
// Default size limit for a JSON document (the distribution spec's advice for manifests, spec.md "Pushing
// Manifests": registries SHOULD accept at least 4 MiB).
inline constexpr qsizetype kDefaultMaxBytes = kMaxDocumentBytes;

// ---- paths --------------------------------------------------------------------------------------------

// "config" + "digest" → "config.digest"; "" + "layers" → "layers";
// "annotations" + "org.example.x" → "annotations[\"org.example.x\"]" (keys that are not plain identifiers
// are quoted, so the path stays unambiguous).
QString joinPath(QStringView parent, QStringView key);
// "layers", 2 → "layers[2]".
QString indexPath(QStringView parent, qsizetype index);
// "a string", "a number", "an object", "an array", "a boolean", "null" — for "must be a string, not a number".
QString typeName(const QJsonValue &value);

// ---- documents ----------------------------------------------------------------------------------------

// Parses bytes as one JSON object. `what` names the document in messages ("image manifest"). Rejects, with
// an empty ParseError::field: more than maxBytes bytes; empty input; nesting deeper than kMaxNestingDepth;
// invalid JSON (Qt's reason and the byte offset); trailing garbage after the value; a top-level value that
// is not an object. Leading/trailing JSON whitespace is fine.
Expected<QJsonObject> parseJsonObject(const QByteArray &bytes, QStringView what, qsizetype maxBytes = kDefaultMaxBytes);
// The deepest nesting of '{'/'[' outside strings, stopping early once it exceeds `limit` (returns limit + 1).
// Exposed for tests; exact for valid JSON.
int scanNestingDepth(QByteArrayView bytes, int limit = kMaxNestingDepth);

// ---- fields -------------------------------------------------------------------------------------------

Expected<QString> requireString(const QJsonObject &obj, QStringView key, QStringView path);
// Like requireString but an empty string is allowed.
Expected<QString> requireStringAllowEmpty(const QJsonObject &obj, QStringView key, QStringView path);
// nullopt when missing or null; an empty string is returned as such.
Expected<std::optional<QString>> optionalString(const QJsonObject &obj, QStringView key, QStringView path);

// An exact integer in [minimum, maximum].
Expected<qint64> requireInt64(const QJsonObject &obj, QStringView key, QStringView path,
                              qint64 minimum = std::numeric_limits<qint64>::min(),
                              qint64 maximum = std::numeric_limits<qint64>::max());
Expected<std::optional<qint64>> optionalInt64(const QJsonObject &obj, QStringView key, QStringView path,
                                              qint64 minimum = std::numeric_limits<qint64>::min(),
                                              qint64 maximum = std::numeric_limits<qint64>::max());
// A byte count: an exact integer ≥ 0 (descriptor.md "size").
Expected<qint64> requireSize(const QJsonObject &obj, QStringView key, QStringView path);
// Converts an already-fetched value (e.g. an array element); `field` is its full path.
Expected<qint64> toInt64(const QJsonValue &value, QStringView field,
                         qint64 minimum = std::numeric_limits<qint64>::min(),
                         qint64 maximum = std::numeric_limits<qint64>::max());

Expected<bool> requireBool(const QJsonObject &obj, QStringView key, QStringView path);
Expected<std::optional<bool>> optionalBool(const QJsonObject &obj, QStringView key, QStringView path);

// A digest string validated by Digest::parse; the error names the field ("config.digest") and gives
// Digest's reason.
Expected<Digest> requireDigest(const QJsonObject &obj, QStringView key, QStringView path);
Expected<std::optional<Digest>> optionalDigest(const QJsonObject &obj, QStringView key, QStringView path);

Expected<QJsonObject> requireObject(const QJsonObject &obj, QStringView key, QStringView path);
Expected<std::optional<QJsonObject>> optionalObject(const QJsonObject &obj, QStringView key, QStringView path);
Expected<QJsonArray> requireArray(const QJsonObject &obj, QStringView key, QStringView path);
// Missing or null → an empty array.
Expected<QJsonArray> optionalArray(const QJsonObject &obj, QStringView key, QStringView path);
// Element i of an array that must be an object; `arrayPath` is the array's own path ("layers").
Expected<QJsonObject> objectAt(const QJsonArray &array, qsizetype index, QStringView arrayPath);

// An object of string → string (annotations, labels). Missing or null → empty map. A non-string value
// fails with the entry's path: annotations["org.opencontainers.image.title"].
Expected<QMap<QString, QString>> optionalStringMap(const QJsonObject &obj, QStringView key, QStringView path);
// An array of strings (urls, os.features, Env). Missing or null → empty list. A non-string element fails
// with its path: urls[1]. Empty strings are kept.
Expected<QStringList> optionalStringList(const QJsonObject &obj, QStringView key, QStringView path);

// Docker's strslice.StrSlice (Entrypoint, Cmd, Shell): an array of strings, or a single JSON string read as a
// one-element list. Missing or null → empty list.
Expected<QStringList> optionalStrSlice(const QJsonObject &obj, QStringView key, QStringView path);

// A media type (RFC 6838 type/subtype, MediaType::isWellFormed): required non-empty, or optional (missing or
// null → nullopt). The error quotes the value (quoteInput) and names the field.
Expected<QString> requireMediaType(const QJsonObject &obj, QStringView key, QStringView path);
Expected<std::optional<QString>> optionalMediaType(const QJsonObject &obj, QStringView key, QStringView path);

// Shorthand for Expected<T>::failure in parsers that build many errors.
template<typename T>
Expected<T> fail(QString field, QString reason)
{
    return Expected<T>::failure(std::move(field), std::move(reason));
}

// ---- writing ------------------------------------------------------------------------------------------

QJsonObject stringMapToJson(const QMap<QString, QString> &map);
QJsonArray stringListToJson(const QStringList &list);

} // namespace Minato::Oci::Json
