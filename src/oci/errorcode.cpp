#include "errorcode.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <array>

namespace Minato::Oci {

namespace {

struct ErrorCodeRow
{
    ErrorCode code;
    const char *id;
    const char *message;
    int httpStatus;
    bool ociSpec;
};

// The one table. Spec codes carry distribution-spec v1.1's descriptions ("Error Codes"); statuses and the
// extra codes come from distribution's registry/api/errcode/register.go.
constexpr std::array<ErrorCodeRow, errorCodeCount> errorCodeTable{{
    {ErrorCode::BlobUnknown, "BLOB_UNKNOWN", "blob unknown to registry", 404, true},
    {ErrorCode::BlobUploadInvalid, "BLOB_UPLOAD_INVALID", "blob upload invalid", 404, true},
    {ErrorCode::BlobUploadUnknown, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", 404, true},
    {ErrorCode::DigestInvalid, "DIGEST_INVALID", "provided digest did not match uploaded content", 400, true},
    {ErrorCode::ManifestBlobUnknown, "MANIFEST_BLOB_UNKNOWN",
     "manifest references a manifest or blob unknown to registry", 400, true},
    {ErrorCode::ManifestInvalid, "MANIFEST_INVALID", "manifest invalid", 400, true},
    {ErrorCode::ManifestUnknown, "MANIFEST_UNKNOWN", "manifest unknown to registry", 404, true},
    {ErrorCode::NameInvalid, "NAME_INVALID", "invalid repository name", 400, true},
    {ErrorCode::NameUnknown, "NAME_UNKNOWN", "repository name not known to registry", 404, true},
    {ErrorCode::SizeInvalid, "SIZE_INVALID", "provided length did not match content length", 400, true},
    {ErrorCode::Unauthorized, "UNAUTHORIZED", "authentication required", 401, true},
    {ErrorCode::Denied, "DENIED", "requested access to the resource is denied", 403, true},
    {ErrorCode::Unsupported, "UNSUPPORTED", "the operation is unsupported", 405, true},
    {ErrorCode::TooManyRequests, "TOOMANYREQUESTS", "too many requests", 429, true},
    {ErrorCode::RangeInvalid, "RANGE_INVALID", "invalid content range", 416, false},
    {ErrorCode::TagInvalid, "TAG_INVALID", "manifest tag did not match URI", 400, false},
    {ErrorCode::ManifestUnverified, "MANIFEST_UNVERIFIED", "manifest failed signature verification", 400, false},
    {ErrorCode::PaginationNumberInvalid, "PAGINATION_NUMBER_INVALID", "invalid number of results requested", 400,
     false},
    {ErrorCode::Unknown, "UNKNOWN", "unknown error", 500, false},
    {ErrorCode::Unavailable, "UNAVAILABLE", "service unavailable", 503, false},
}};

constexpr bool tableIsInEnumOrder()
{
    for (std::size_t i = 0; i < errorCodeTable.size(); ++i) {
        if (static_cast<std::size_t>(errorCodeTable[i].code) != i) {
            return false;
        }
    }
    return true;
}
static_assert(tableIsInEnumOrder(), "errorCodeTable rows must follow the ErrorCode declaration order");

const ErrorCodeRow &row(ErrorCode code)
{
    const auto index = static_cast<std::size_t>(code);
    Q_ASSERT(index < errorCodeTable.size());
    return errorCodeTable[index < errorCodeTable.size() ? index : static_cast<std::size_t>(ErrorCode::Unknown)];
}

const QString bodyField = QStringLiteral("error body");

// distribution's client (internal/client/errors.go, makeError) maps a body without OCI codes by status.
ErrorCode codeForStatus(int httpStatus)
{
    switch (httpStatus) {
    case 401:
        return ErrorCode::Unauthorized;
    case 403:
        return ErrorCode::Denied;
    case 429:
        return ErrorCode::TooManyRequests;
    default:
        return ErrorCode::Unknown;
    }
}

// The first non-empty string member among `keys`, or an empty string.
QString firstStringMember(const QJsonObject &object, std::initializer_list<QLatin1String> keys)
{
    for (QLatin1String key : keys) {
        const QJsonValue value = object.value(key);
        if (value.isString() && !value.toString().isEmpty()) {
            return value.toString();
        }
    }
    return {};
}

} // namespace

QList<ErrorCode> allErrorCodes()
{
    QList<ErrorCode> codes;
    codes.reserve(errorCodeCount);
    for (const ErrorCodeRow &r : errorCodeTable) {
        codes.append(r.code);
    }
    return codes;
}

QString errorCodeString(ErrorCode code)
{
    return QString::fromLatin1(row(code).id);
}

std::optional<ErrorCode> errorCodeFromString(QStringView text)
{
    if (text.isEmpty()) {
        return std::nullopt;
    }
    for (const ErrorCodeRow &r : errorCodeTable) {
        if (text.compare(QLatin1String(r.id), Qt::CaseInsensitive) == 0) {
            return r.code;
        }
    }
    return std::nullopt;
}

QString errorDefaultMessage(ErrorCode code)
{
    return QString::fromLatin1(row(code).message);
}

int errorHttpStatus(ErrorCode code)
{
    return row(code).httpStatus;
}

bool isOciSpecErrorCode(ErrorCode code)
{
    return row(code).ociSpec;
}

RegistryError RegistryError::make(ErrorCode code, QString message, QJsonValue detail)
{
    RegistryError e;
    e.code = errorCodeString(code);
    e.message = message.isEmpty() ? errorDefaultMessage(code) : std::move(message);
    e.detail = std::move(detail);
    return e;
}

QString RegistryError::toString() const
{
    if (code.isEmpty()) {
        return message;
    }
    if (message.isEmpty()) {
        return code;
    }
    return code + QStringLiteral(": ") + message;
}

// distribution-spec "Error Codes": a 4XX body MAY be in any format; if it is JSON it MUST be
// {"errors":[{"code","message","detail"}]}, message OPTIONAL, detail arbitrary JSON.
Expected<ErrorBody> ErrorBody::parse(QByteArrayView body, int httpStatus)
{
    if (body.size() > maxParseSize) {
        return Expected<ErrorBody>::failure(
            bodyField,
            QStringLiteral("is %1 bytes, more than the %2 bytes accepted").arg(body.size()).arg(maxParseSize));
    }
    if (body.trimmed().isEmpty()) {
        return Expected<ErrorBody>::failure(bodyField, QStringLiteral("is empty"));
    }
    QJsonParseError jsonError{};
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &jsonError);
    if (jsonError.error != QJsonParseError::NoError) {
        const QByteArrayView trimmed = body.trimmed();
        const bool looksLikeHtml = trimmed.startsWith('<');
        return Expected<ErrorBody>::failure(
            bodyField,
            looksLikeHtml
                ? QStringLiteral("is HTML or XML, not JSON")
                : QStringLiteral("is not JSON (%1 at offset %2)").arg(jsonError.errorString()).arg(jsonError.offset));
    }
    if (!document.isObject()) {
        return Expected<ErrorBody>::failure(bodyField, QStringLiteral("is JSON but not an object"));
    }
    const QJsonObject root = document.object();

    ErrorBody result;
    if (!root.contains(QLatin1String("errors"))) {
        const QString text =
            firstStringMember(root, {QLatin1String("details"), QLatin1String("detail"), QLatin1String("message")});
        if (text.isEmpty()) {
            return Expected<ErrorBody>::failure(QStringLiteral("errors"),
                                                QStringLiteral("is missing (and there is no \"details\", \"detail\" or "
                                                               "\"message\" string either)"));
        }
        result.shape = Shape::SingleMessage;
        result.errors.append(
            RegistryError{errorCodeString(codeForStatus(httpStatus)), text, QJsonValue(QJsonValue::Undefined)});
        return result;
    }

    const QJsonValue errorsValue = root.value(QLatin1String("errors"));
    if (!errorsValue.isArray()) {
        return Expected<ErrorBody>::failure(QStringLiteral("errors"), QStringLiteral("must be an array"));
    }
    const QJsonArray errors = errorsValue.toArray();
    if (errors.isEmpty()) {
        return Expected<ErrorBody>::failure(QStringLiteral("errors"), QStringLiteral("is an empty list"));
    }
    result.errors.reserve(errors.size());
    for (qsizetype i = 0; i < errors.size(); ++i) {
        const QString where = QStringLiteral("errors[%1]").arg(i);
        const QJsonValue entryValue = errors.at(i);
        if (!entryValue.isObject()) {
            return Expected<ErrorBody>::failure(where, QStringLiteral("must be an object"));
        }
        const QJsonObject entry = entryValue.toObject();
        RegistryError e;
        const QJsonValue code = entry.value(QLatin1String("code"));
        if (code.isString()) {
            e.code = code.toString();
        } else if (!code.isUndefined() && !code.isNull()) {
            return Expected<ErrorBody>::failure(where + QStringLiteral(".code"), QStringLiteral("must be a string"));
        }
        const QJsonValue message = entry.value(QLatin1String("message"));
        if (message.isString()) {
            e.message = message.toString();
        } else if (!message.isUndefined() && !message.isNull()) {
            return Expected<ErrorBody>::failure(where + QStringLiteral(".message"), QStringLiteral("must be a string"));
        }
        // QJsonObject::value() yields Undefined for a missing member, which is what RegistryError uses.
        e.detail = entry.value(QLatin1String("detail"));
        if (e.code.isEmpty() && e.message.isEmpty()) {
            return Expected<ErrorBody>::failure(where, QStringLiteral("has neither a code nor a message"));
        }
        result.errors.append(std::move(e));
    }
    return result;
}

QByteArray ErrorBody::toJson() const
{
    return serialize(errors);
}

QByteArray ErrorBody::serialize(ErrorCode code, const QString &message, const QJsonValue &detail)
{
    return serialize(QList<RegistryError>{RegistryError::make(code, message, detail)});
}

QByteArray ErrorBody::serialize(const QList<RegistryError> &errors)
{
    QJsonArray array;
    for (const RegistryError &e : errors) {
        QJsonObject entry;
        entry.insert(QLatin1String("code"), e.code);
        QString message = e.message;
        if (message.isEmpty()) {
            if (const auto known = e.errorCode()) {
                message = errorDefaultMessage(*known);
            }
        }
        entry.insert(QLatin1String("message"), message);
        if (!e.detail.isUndefined()) {
            entry.insert(QLatin1String("detail"), e.detail);
        }
        array.append(entry);
    }
    QJsonObject root;
    root.insert(QLatin1String("errors"), array);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

QString ErrorBody::summary() const
{
    QStringList parts;
    parts.reserve(errors.size());
    for (const RegistryError &e : errors) {
        parts.append(e.toString());
    }
    return parts.join(QStringLiteral("; "));
}

} // namespace Minato::Oci
