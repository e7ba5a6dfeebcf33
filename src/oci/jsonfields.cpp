#include "jsonfields.h"

#include "mediatype.h"
#include "textutil.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QVariant>

namespace Minato::Oci::Json {

namespace {

bool isIdentifier(QStringView key)
{
    if (key.isEmpty()) {
        return false;
    }
    for (qsizetype i = 0; i < key.size(); ++i) {
        const QChar c = key[i];
        const bool letter = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
        const bool digit = c >= u'0' && c <= u'9';
        if (!letter && !(digit && i > 0)) {
            return false;
        }
    }
    return true;
}

QString sizeText(qsizetype bytes)
{
    constexpr qsizetype mebibyte = qsizetype{1024} * 1024;
    if (bytes >= mebibyte && bytes % mebibyte == 0) {
        return QStringLiteral("%1 MiB").arg(bytes / mebibyte);
    }
    return QStringLiteral("%1 bytes").arg(bytes);
}

template<typename T>
Expected<T> wrongType(QStringView field, QStringView expected, const QJsonValue &value)
{
    return Expected<T>::failure(field.toString(), QStringLiteral("must be %1, not %2").arg(expected, typeName(value)));
}

template<typename T>
Expected<T> missing(QStringView field)
{
    return Expected<T>::failure(field.toString(), QStringLiteral("is required but missing"));
}

bool isAbsent(const QJsonValue &value)
{
    return value.isUndefined() || value.isNull();
}

} // namespace

QString joinPath(QStringView parent, QStringView key)
{
    if (!isIdentifier(key)) {
        QString quoted = key.toString();
        quoted.replace(u'\\', QStringLiteral("\\\\"));
        quoted.replace(u'"', QStringLiteral("\\\""));
        return parent.toString() + QStringLiteral("[\"") + quoted + QStringLiteral("\"]");
    }
    if (parent.isEmpty()) {
        return key.toString();
    }
    return parent.toString() + u'.' + key.toString();
}

QString indexPath(QStringView parent, qsizetype index)
{
    return parent.toString() + u'[' + QString::number(index) + u']';
}

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("missing");
}

int scanNestingDepth(QByteArrayView bytes, int limit)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    bool escaped = false;
    for (const char c : bytes) {
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            break;
        case '{':
        case '[':
            ++depth;
            if (depth > deepest) {
                deepest = depth;
                if (deepest > limit) {
                    return limit + 1;
                }
            }
            break;
        case '}':
        case ']':
            // Unbalanced input is Qt's to reject; never go negative so "]]]][[[[" cannot hide depth.
            if (depth > 0) {
                --depth;
            }
            break;
        default:
            break;
        }
    }
    return deepest;
}

Expected<QJsonObject> parseJsonObject(const QByteArray &bytes, QStringView what, qsizetype maxBytes)
{
    if (bytes.size() > maxBytes) {
        return Expected<QJsonObject>::failure(QString(), QStringLiteral("the %1 is %2 bytes, more than the limit of %3")
                                                             .arg(what.toString())
                                                             .arg(bytes.size())
                                                             .arg(sizeText(maxBytes)));
    }
    if (bytes.trimmed().isEmpty()) {
        return Expected<QJsonObject>::failure(QString(), QStringLiteral("the %1 is empty").arg(what.toString()));
    }
    if (scanNestingDepth(bytes, kMaxNestingDepth) > kMaxNestingDepth) {
        return Expected<QJsonObject>::failure(QString(),
                                              QStringLiteral("the %1 nests objects and arrays deeper than %2 levels")
                                                  .arg(what.toString())
                                                  .arg(kMaxNestingDepth));
    }
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        const QString reason = error.error == QJsonParseError::GarbageAtEnd
                                   ? QStringLiteral("unexpected data after the JSON value")
                                   : error.errorString();
        return Expected<QJsonObject>::failure(
            QString(),
            QStringLiteral("the %1 is not valid JSON: %2 (at byte %3)").arg(what.toString(), reason).arg(error.offset));
    }
    if (!document.isObject()) {
        return Expected<QJsonObject>::failure(
            QString(), QStringLiteral("the %1 must be a JSON object, not %2")
                           .arg(what.toString(), document.isArray() ? QStringLiteral("an array")
                                                                    : QStringLiteral("another JSON value")));
    }
    return document.object();
}

Expected<QString> requireStringAllowEmpty(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return missing<QString>(joinPath(path, key));
    }
    if (!value.isString()) {
        return wrongType<QString>(joinPath(path, key), u"a string", value);
    }
    return value.toString();
}

Expected<QString> requireString(const QJsonObject &obj, QStringView key, QStringView path)
{
    auto result = requireStringAllowEmpty(obj, key, path);
    if (result && result->isEmpty()) {
        return Expected<QString>::failure(joinPath(path, key), QStringLiteral("must not be empty"));
    }
    return result;
}

Expected<std::optional<QString>> optionalString(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return std::optional<QString>();
    }
    if (!value.isString()) {
        return wrongType<std::optional<QString>>(joinPath(path, key), u"a string", value);
    }
    return std::optional<QString>(value.toString());
}

Expected<qint64> toInt64(const QJsonValue &value, QStringView field, qint64 minimum, qint64 maximum)
{
    if (isAbsent(value)) {
        return missing<qint64>(field);
    }
    if (!value.isDouble()) {
        return wrongType<qint64>(field, u"an integer", value);
    }
    // Qt keeps integers that fit in qint64 as integers (variant type LongLong); anything else (1.5, 1e30,
    // 2^63) arrives as a double.
    if (value.toVariant().typeId() != QMetaType::LongLong) {
        return Expected<qint64>::failure(field.toString(),
                                         QStringLiteral("must be a whole number that fits in 64 bits, not %1")
                                             .arg(QString::number(value.toDouble(), 'g', 17)));
    }
    const qint64 n = value.toInteger();
    if (n < minimum) {
        return Expected<qint64>::failure(
            field.toString(), minimum == 0 ? QStringLiteral("must not be negative (got %1)").arg(n)
                                           : QStringLiteral("must be at least %1 (got %2)").arg(minimum).arg(n));
    }
    if (n > maximum) {
        return Expected<qint64>::failure(field.toString(),
                                         QStringLiteral("must be at most %1 (got %2)").arg(maximum).arg(n));
    }
    return n;
}

Expected<qint64> requireInt64(const QJsonObject &obj, QStringView key, QStringView path, qint64 minimum, qint64 maximum)
{
    return toInt64(obj.value(key), joinPath(path, key), minimum, maximum);
}

Expected<std::optional<qint64>> optionalInt64(const QJsonObject &obj, QStringView key, QStringView path, qint64 minimum,
                                              qint64 maximum)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return std::optional<qint64>();
    }
    auto n = toInt64(value, joinPath(path, key), minimum, maximum);
    if (!n) {
        return n.error();
    }
    return std::optional<qint64>(*n);
}

Expected<qint64> requireSize(const QJsonObject &obj, QStringView key, QStringView path)
{
    return requireInt64(obj, key, path, 0);
}

Expected<bool> requireBool(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return missing<bool>(joinPath(path, key));
    }
    if (!value.isBool()) {
        return wrongType<bool>(joinPath(path, key), u"a boolean", value);
    }
    return value.toBool();
}

Expected<std::optional<bool>> optionalBool(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return std::optional<bool>();
    }
    if (!value.isBool()) {
        return wrongType<std::optional<bool>>(joinPath(path, key), u"a boolean", value);
    }
    return std::optional<bool>(value.toBool());
}

Expected<Digest> requireDigest(const QJsonObject &obj, QStringView key, QStringView path)
{
    auto text = requireString(obj, key, path);
    if (!text) {
        return text.error();
    }
    auto digest = Digest::parse(*text);
    if (!digest) {
        return Expected<Digest>::failure(joinPath(path, key), digest.error().reason);
    }
    return digest;
}

Expected<std::optional<Digest>> optionalDigest(const QJsonObject &obj, QStringView key, QStringView path)
{
    if (isAbsent(obj.value(key))) {
        return std::optional<Digest>();
    }
    auto digest = requireDigest(obj, key, path);
    if (!digest) {
        return digest.error();
    }
    return std::optional<Digest>(*digest);
}

Expected<QJsonObject> requireObject(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return missing<QJsonObject>(joinPath(path, key));
    }
    if (!value.isObject()) {
        return wrongType<QJsonObject>(joinPath(path, key), u"an object", value);
    }
    return value.toObject();
}

Expected<std::optional<QJsonObject>> optionalObject(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return std::optional<QJsonObject>();
    }
    if (!value.isObject()) {
        return wrongType<std::optional<QJsonObject>>(joinPath(path, key), u"an object", value);
    }
    return std::optional<QJsonObject>(value.toObject());
}

Expected<QJsonArray> requireArray(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return missing<QJsonArray>(joinPath(path, key));
    }
    if (!value.isArray()) {
        return wrongType<QJsonArray>(joinPath(path, key), u"an array", value);
    }
    return value.toArray();
}

Expected<QJsonArray> optionalArray(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return QJsonArray();
    }
    if (!value.isArray()) {
        return wrongType<QJsonArray>(joinPath(path, key), u"an array", value);
    }
    return value.toArray();
}

Expected<QJsonObject> objectAt(const QJsonArray &array, qsizetype index, QStringView arrayPath)
{
    const QJsonValue value = array.at(index);
    if (!value.isObject()) {
        return wrongType<QJsonObject>(indexPath(arrayPath, index), u"an object", value);
    }
    return value.toObject();
}

Expected<QMap<QString, QString>> optionalStringMap(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return QMap<QString, QString>();
    }
    const QString field = joinPath(path, key);
    if (!value.isObject()) {
        return wrongType<QMap<QString, QString>>(field, u"an object of strings", value);
    }
    const QJsonObject map = value.toObject();
    QMap<QString, QString> result;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
        if (!it.value().isString()) {
            return wrongType<QMap<QString, QString>>(joinPath(field, it.key()), u"a string", it.value());
        }
        result.insert(it.key(), it.value().toString());
    }
    return result;
}

Expected<QStringList> optionalStringList(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (isAbsent(value)) {
        return QStringList();
    }
    const QString field = joinPath(path, key);
    if (!value.isArray()) {
        return wrongType<QStringList>(field, u"an array of strings", value);
    }
    const QJsonArray array = value.toArray();
    QStringList result;
    result.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue element = array.at(i);
        if (!element.isString()) {
            return wrongType<QStringList>(indexPath(field, i), u"a string", element);
        }
        result.append(element.toString());
    }
    return result;
}

Expected<QStringList> optionalStrSlice(const QJsonObject &obj, QStringView key, QStringView path)
{
    const QJsonValue value = obj.value(key);
    if (value.isString()) {
        return QStringList{value.toString()};
    }
    return optionalStringList(obj, key, path);
}

namespace {

template<typename T>
Expected<T> notAMediaType(QStringView field, QStringView value)
{
    return Expected<T>::failure(
        field.toString(), QStringLiteral("%1 is not a media type of the form type/subtype").arg(quoteInput(value)));
}

} // namespace

Expected<QString> requireMediaType(const QJsonObject &obj, QStringView key, QStringView path)
{
    auto text = requireString(obj, key, path);
    if (text && !MediaType::isWellFormed(*text)) {
        return notAMediaType<QString>(joinPath(path, key), *text);
    }
    return text;
}

Expected<std::optional<QString>> optionalMediaType(const QJsonObject &obj, QStringView key, QStringView path)
{
    auto text = optionalString(obj, key, path);
    if (text && *text && !MediaType::isWellFormed(**text)) {
        return notAMediaType<std::optional<QString>>(joinPath(path, key), **text);
    }
    return text;
}

QJsonObject stringMapToJson(const QMap<QString, QString> &map)
{
    QJsonObject obj;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
        obj.insert(it.key(), it.value());
    }
    return obj;
}

QJsonArray stringListToJson(const QStringList &list)
{
    QJsonArray array;
    for (const QString &s : list) {
        array.append(s);
    }
    return array;
}

} // namespace Minato::Oci::Json
