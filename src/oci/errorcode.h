#pragma once

// ErrorCode: the registry error codes, each with its wire string, default message and HTTP status,
// and ErrorBody: the `{"errors":[{"code","message","detail"}]}` body that carries them.
//
//   // server
//   reply(errorHttpStatus(ErrorCode::BlobUnknown), ErrorBody::serialize(ErrorCode::BlobUnknown));
//   // client
//   auto body = ErrorBody::parse(reply->readAll(), statusCode);     // Expected<ErrorBody>
//   if (body && body->errors.first().errorCode() == ErrorCode::ManifestUnknown) { … }
//
// The table of codes lives once, in errorcode.cpp: the 14 codes of distribution-spec v1.1 ("Error
// Codes") plus the ones the CNCF distribution registry also sends (registry/api/errcode/register.go).
// Statuses are distribution's, which the spec leaves open; note that distribution answers
// BLOB_UPLOAD_INVALID with 404 and MANIFEST_BLOB_UNKNOWN with 400.

#include "expected.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace Minato::Oci {

enum class ErrorCode {
    // distribution-spec v1.1, "Error Codes" (code-1 … code-14)
    BlobUnknown,
    BlobUploadInvalid,
    BlobUploadUnknown,
    DigestInvalid,
    ManifestBlobUnknown,
    ManifestInvalid,
    ManifestUnknown,
    NameInvalid,
    NameUnknown,
    SizeInvalid,
    Unauthorized,
    Denied,
    Unsupported,
    TooManyRequests,
    // CNCF distribution extras. TAG_INVALID and MANIFEST_UNVERIFIED are the "legacy Docker" codes the spec
    // says a client MAY meet (spec.md "Legacy Docker support error codes").
    RangeInvalid,
    TagInvalid,
    ManifestUnverified,
    PaginationNumberInvalid,
    Unknown,
    Unavailable,
};

// Number of ErrorCode values; the table in errorcode.cpp is checked against it at compile time.
inline constexpr int errorCodeCount = static_cast<int>(ErrorCode::Unavailable) + 1;

// Every code, in declaration order (for tests, documentation, and iterating the table).
QList<ErrorCode> allErrorCodes();
// The wire string: "BLOB_UNKNOWN".
QString errorCodeString(ErrorCode code);
// The code for a wire string, or nullopt for a code this table does not know (such codes are still kept
// as strings by ErrorBody). Matching ignores ASCII case; the spec only allows uppercase.
std::optional<ErrorCode> errorCodeFromString(QStringView text);
// Default human-readable message: the spec's description for spec codes, distribution's for the rest.
QString errorDefaultMessage(ErrorCode code);
// The HTTP status distribution answers with for this code.
int errorHttpStatus(ErrorCode code);
// True for the 14 codes listed by distribution-spec v1.1.
bool isOciSpecErrorCode(ErrorCode code);

// One entry of an error body. `code` is the string as sent, so unknown codes survive a round trip.
struct RegistryError
{
    QString code;    // "MANIFEST_UNKNOWN"; may be empty when a lenient shape carried no code
    QString message; // optional in the spec; may be empty
    QJsonValue detail = QJsonValue(QJsonValue::Undefined); // any JSON value; Undefined when absent

    // The entry for a known code; an empty message becomes the code's default message.
    static RegistryError make(ErrorCode code, QString message = {},
                              QJsonValue detail = QJsonValue(QJsonValue::Undefined));
    // The known code, or nullopt for an unknown or empty code string.
    std::optional<ErrorCode> errorCode() const { return errorCodeFromString(code); }
    // "MANIFEST_UNKNOWN: manifest unknown to registry", or whichever part is present.
    QString toString() const;

    bool operator==(const RegistryError &) const = default;
};

struct ErrorBody
{
    // Bodies larger than this are refused by parse() (a registry's error body is a few hundred bytes).
    static constexpr qsizetype maxParseSize = qsizetype(1024) * 1024;

    enum class Shape {
        Oci,           // {"errors":[…]} as distribution-spec "Error Codes" defines it
        SingleMessage, // {"details":"…"}, {"detail":"…"} or {"message":"…"}: see parse()
    };

    QList<RegistryError> errors; // never empty after a successful parse()
    Shape shape = Shape::Oci;

    // Client side. Accepts the spec's shape: entries need no message, unknown codes are kept, extra
    // members are ignored. Also accepts the single-message objects sent by Docker's token server
    // ({"details":"…"}, which distribution's own client still reads "for backward compatibility") and
    // by Docker Hub's API ({"message":"…"} / {"detail":"…"}, its documented `error` schema); for those the
    // code is derived from httpStatus as distribution's client does: 401 UNAUTHORIZED, 403 DENIED,
    // 429 TOOMANYREQUESTS, otherwise UNKNOWN. An empty, non-JSON (HTML proxy page…), oversized or
    // differently shaped body is a ParseError; the caller then reports the HTTP status alone.
    static Expected<ErrorBody> parse(QByteArrayView body, int httpStatus = 0);

    // Server side: compact JSON `{"errors":[{"code":…,"message":…,"detail":…}]}`. `detail` is written only
    // when it is not Undefined; an empty message becomes the code's default message when the code is known.
    QByteArray toJson() const;
    static QByteArray serialize(ErrorCode code, const QString &message = {},
                                const QJsonValue &detail = QJsonValue(QJsonValue::Undefined));
    static QByteArray serialize(const QList<RegistryError> &errors);

    // All entries' toString() joined with "; ", for a message shown to a person.
    QString summary() const;
};

} // namespace Minato::Oci
