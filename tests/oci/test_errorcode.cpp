#include "oci/errorcode.h"

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

using Minato::Oci::allErrorCodes;
using Minato::Oci::ErrorBody;
using Minato::Oci::ErrorCode;
using Minato::Oci::errorCodeCount;
using Minato::Oci::errorCodeFromString;
using Minato::Oci::errorCodeString;
using Minato::Oci::errorDefaultMessage;
using Minato::Oci::errorHttpStatus;
using Minato::Oci::isOciSpecErrorCode;
using Minato::Oci::RegistryError;

TEST_CASE("ErrorCode table: strings, statuses and messages", "[errorcode]")
{
    struct Case
    {
        ErrorCode code;
        const char *id;
        int status;
        bool spec;
    };
    // Statuses as distribution's registry/api/errcode/register.go assigns them.
    const Case cases[] = {
        {ErrorCode::BlobUnknown, "BLOB_UNKNOWN", 404, true},
        {ErrorCode::BlobUploadInvalid, "BLOB_UPLOAD_INVALID", 404, true},
        {ErrorCode::BlobUploadUnknown, "BLOB_UPLOAD_UNKNOWN", 404, true},
        {ErrorCode::DigestInvalid, "DIGEST_INVALID", 400, true},
        {ErrorCode::ManifestBlobUnknown, "MANIFEST_BLOB_UNKNOWN", 400, true},
        {ErrorCode::ManifestInvalid, "MANIFEST_INVALID", 400, true},
        {ErrorCode::ManifestUnknown, "MANIFEST_UNKNOWN", 404, true},
        {ErrorCode::NameInvalid, "NAME_INVALID", 400, true},
        {ErrorCode::NameUnknown, "NAME_UNKNOWN", 404, true},
        {ErrorCode::SizeInvalid, "SIZE_INVALID", 400, true},
        {ErrorCode::Unauthorized, "UNAUTHORIZED", 401, true},
        {ErrorCode::Denied, "DENIED", 403, true},
        {ErrorCode::Unsupported, "UNSUPPORTED", 405, true},
        {ErrorCode::TooManyRequests, "TOOMANYREQUESTS", 429, true},
        {ErrorCode::RangeInvalid, "RANGE_INVALID", 416, false},
        {ErrorCode::TagInvalid, "TAG_INVALID", 400, false},
        {ErrorCode::ManifestUnverified, "MANIFEST_UNVERIFIED", 400, false},
        {ErrorCode::PaginationNumberInvalid, "PAGINATION_NUMBER_INVALID", 400, false},
        {ErrorCode::Unknown, "UNKNOWN", 500, false},
        {ErrorCode::Unavailable, "UNAVAILABLE", 503, false},
    };
    STATIC_REQUIRE(std::size(cases) == errorCodeCount);
    for (const Case &c : cases) {
        INFO("code: " << c.id);
        CHECK(errorCodeString(c.code) == QLatin1String(c.id));
        CHECK(errorHttpStatus(c.code) == c.status);
        CHECK(isOciSpecErrorCode(c.code) == c.spec);
        CHECK_FALSE(errorDefaultMessage(c.code).isEmpty());
        CHECK(errorCodeFromString(QString::fromLatin1(c.id)) == c.code);
        CHECK(errorCodeFromString(QString::fromLatin1(c.id).toLower()) == c.code);
    }
    CHECK(errorDefaultMessage(ErrorCode::BlobUnknown) == QStringLiteral("blob unknown to registry"));
    CHECK(errorDefaultMessage(ErrorCode::ManifestBlobUnknown) ==
          QStringLiteral("manifest references a manifest or blob unknown to registry"));

    const QList<ErrorCode> all = allErrorCodes();
    CHECK(all.size() == errorCodeCount);
    QSet<QString> ids;
    for (ErrorCode code : all) {
        ids.insert(errorCodeString(code));
    }
    CHECK(ids.size() == errorCodeCount);

    for (const char *unknown : {"", "BLOB", "BLOB_UNKNOWN_", "NOT_A_CODE", " BLOB_UNKNOWN"}) {
        INFO("text: " << unknown);
        CHECK_FALSE(errorCodeFromString(QString::fromLatin1(unknown)).has_value());
    }
}

TEST_CASE("ErrorBody serializes the distribution-spec shape", "[errorcode]")
{
    // Compact JSON; QJsonObject writes members in key order (code, detail, message), which JSON ignores.
    struct Case
    {
        QByteArray body;
        QByteArray expected;
    };
    QJsonObject detailObject;
    detailObject.insert(QStringLiteral("digest"), QStringLiteral("sha256:abc"));
    const Case cases[] = {
        {ErrorBody::serialize(ErrorCode::BlobUnknown),
         R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]})"},
        {ErrorBody::serialize(ErrorCode::ManifestUnknown, QStringLiteral("tag \"v1\" not found")),
         R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"tag \"v1\" not found"}]})"},
        {ErrorBody::serialize(ErrorCode::DigestInvalid, {}, detailObject),
         R"({"errors":[{"code":"DIGEST_INVALID","detail":{"digest":"sha256:abc"},)"
         R"("message":"provided digest did not match uploaded content"}]})"},
        {ErrorBody::serialize(ErrorCode::NameInvalid, QStringLiteral("bad"), QJsonValue(QStringLiteral("x"))),
         R"({"errors":[{"code":"NAME_INVALID","detail":"x","message":"bad"}]})"},
        {ErrorBody::serialize(ErrorCode::SizeInvalid, QStringLiteral("m"), QJsonValue(QJsonValue::Null)),
         R"({"errors":[{"code":"SIZE_INVALID","detail":null,"message":"m"}]})"},
        {ErrorBody::serialize(ErrorCode::Denied, QStringLiteral("m"), QJsonArray{1, 2}),
         R"({"errors":[{"code":"DENIED","detail":[1,2],"message":"m"}]})"},
        {ErrorBody::serialize({RegistryError{QStringLiteral("CUSTOM_CODE"), {}, QJsonValue(QJsonValue::Undefined)},
                               RegistryError::make(ErrorCode::Unauthorized)}),
         R"({"errors":[{"code":"CUSTOM_CODE","message":""},)"
         R"({"code":"UNAUTHORIZED","message":"authentication required"}]})"},
    };
    for (const Case &c : cases) {
        CHECK(c.body == c.expected);
    }
}

TEST_CASE("ErrorBody round-trips through parse", "[errorcode]")
{
    for (ErrorCode code : allErrorCodes()) {
        const QByteArray body = ErrorBody::serialize(code, {}, QJsonObject{{QStringLiteral("k"), 1}});
        auto parsed = ErrorBody::parse(body);
        REQUIRE(parsed.hasValue());
        REQUIRE(parsed->errors.size() == 1);
        CHECK(parsed->shape == ErrorBody::Shape::Oci);
        CHECK(parsed->errors.first().errorCode() == code);
        CHECK(parsed->errors.first().message == errorDefaultMessage(code));
        CHECK(parsed->errors.first().detail.toObject().value(QStringLiteral("k")).toInt() == 1);
        CHECK(parsed->toJson() == body);
    }
}

TEST_CASE("ErrorBody parses what registries send", "[errorcode]")
{
    struct Case
    {
        const char *name;
        QByteArray body;
        qint64 status; // qint64 rather than int keeps the struct free of padding (clang-analyzer)
        QStringList codes;
        QString firstMessage;
        ErrorBody::Shape shape;
    };
    using Shape = ErrorBody::Shape;
    const Case cases[] = {
        {"distribution manifest unknown",
         R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"nope"}}]})",
         404,
         {QStringLiteral("MANIFEST_UNKNOWN")},
         QStringLiteral("manifest unknown"),
         Shape::Oci},
        {"docker hub unauthorized with detail list",
         R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository",)"
         R"("Class":"","Name":"library/nope","Action":"pull"}]}]})",
         401,
         {QStringLiteral("UNAUTHORIZED")},
         QStringLiteral("authentication required"),
         Shape::Oci},
        {"docker hub rate limit",
         "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"You have reached your pull rate limit.\"}]}\n",
         429,
         {QStringLiteral("TOOMANYREQUESTS")},
         QStringLiteral("You have reached your pull rate limit."),
         Shape::Oci},
        {"unknown code kept",
         R"({"errors":[{"code":"QUOTA_EXCEEDED","message":"storage quota exceeded"}]})",
         403,
         {QStringLiteral("QUOTA_EXCEEDED")},
         QStringLiteral("storage quota exceeded"),
         Shape::Oci},
        {"missing message",
         R"({"errors":[{"code":"NAME_UNKNOWN"}]})",
         404,
         {QStringLiteral("NAME_UNKNOWN")},
         QString(),
         Shape::Oci},
        {"null message and extra members",
         R"({"errors":[{"code":"DENIED","message":null,"extra":true}],"request_id":"x"})",
         403,
         {QStringLiteral("DENIED")},
         QString(),
         Shape::Oci},
        {"several errors",
         R"({"errors":[{"code":"BLOB_UNKNOWN","message":"a"},{"code":"MANIFEST_BLOB_UNKNOWN","message":"b"}]})",
         400,
         {QStringLiteral("BLOB_UNKNOWN"), QStringLiteral("MANIFEST_BLOB_UNKNOWN")},
         QStringLiteral("a"),
         Shape::Oci},
        {"message without code",
         R"({"errors":[{"message":"something broke"}]})",
         500,
         {QString()},
         QStringLiteral("something broke"),
         Shape::Oci},
        {"token server details 401",
         R"({"details":"incorrect username or password"})",
         401,
         {QStringLiteral("UNAUTHORIZED")},
         QStringLiteral("incorrect username or password"),
         Shape::SingleMessage},
        {"details 429",
         R"({"details":"slow down"})",
         429,
         {QStringLiteral("TOOMANYREQUESTS")},
         QStringLiteral("slow down"),
         Shape::SingleMessage},
        {"hub api message 403",
         R"({"message":"access denied","errinfo":{}})",
         403,
         {QStringLiteral("DENIED")},
         QStringLiteral("access denied"),
         Shape::SingleMessage},
        {"hub api detail 404",
         R"({"detail":"Object not found"})",
         404,
         {QStringLiteral("UNKNOWN")},
         QStringLiteral("Object not found"),
         Shape::SingleMessage},
        {"utf-8 and surrounding whitespace",
         "  {\"errors\":[{\"code\":\"DENIED\",\"message\":\"拒否\"}]}  ",
         403,
         {QStringLiteral("DENIED")},
         QStringLiteral("拒否"),
         Shape::Oci},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        auto parsed = ErrorBody::parse(c.body, static_cast<int>(c.status));
        REQUIRE(parsed.hasValue());
        CHECK(parsed->shape == c.shape);
        QStringList codes;
        for (const RegistryError &e : parsed->errors) {
            codes.append(e.code);
        }
        CHECK(codes == c.codes);
        CHECK(parsed->errors.first().message == c.firstMessage);
    }

    auto unknown = ErrorBody::parse(R"({"errors":[{"code":"QUOTA_EXCEEDED","message":"m"}]})");
    REQUIRE(unknown.hasValue());
    CHECK_FALSE(unknown->errors.first().errorCode().has_value());

    auto detailAbsent = ErrorBody::parse(R"({"errors":[{"code":"DENIED"}]})");
    REQUIRE(detailAbsent.hasValue());
    CHECK(detailAbsent->errors.first().detail.isUndefined());

    auto two = ErrorBody::parse(R"({"errors":[{"code":"DENIED","message":"no"},{"code":"X"}]})");
    REQUIRE(two.hasValue());
    CHECK(two->summary() == QStringLiteral("DENIED: no; X"));
}

TEST_CASE("ErrorBody rejects bodies it cannot read, with a reason", "[errorcode]")
{
    struct Case
    {
        QByteArray body;
        QString field;
        QString reasonContains;
    };
    const QString body = QStringLiteral("error body");
    const Case cases[] = {
        {QByteArray(), body, QStringLiteral("empty")},
        {" \r\n\t", body, QStringLiteral("empty")},
        {"<html><body><h1>502 Bad Gateway</h1></body></html>", body, QStringLiteral("HTML")},
        {"<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>", body, QStringLiteral("HTML or XML")},
        {"404 page not found\n", body, QStringLiteral("not JSON")},
        {"{\"errors\":[", body, QStringLiteral("not JSON")},
        {"[1,2,3]", body, QStringLiteral("not an object")},
        {"{}", QStringLiteral("errors"), QStringLiteral("missing")},
        {R"({"details":""})", QStringLiteral("errors"), QStringLiteral("missing")},
        {R"({"message":42})", QStringLiteral("errors"), QStringLiteral("missing")},
        {R"({"errors":"DENIED"})", QStringLiteral("errors"), QStringLiteral("must be an array")},
        {R"({"errors":null})", QStringLiteral("errors"), QStringLiteral("must be an array")},
        {R"({"errors":[]})", QStringLiteral("errors"), QStringLiteral("empty list")},
        {R"({"errors":["DENIED"]})", QStringLiteral("errors[0]"), QStringLiteral("must be an object")},
        {R"({"errors":[{"code":"DENIED"},{"code":7}]})", QStringLiteral("errors[1].code"),
         QStringLiteral("must be a string")},
        {R"({"errors":[{"code":"DENIED","message":{"text":"x"}}]})", QStringLiteral("errors[0].message"),
         QStringLiteral("must be a string")},
        {R"({"errors":[{"detail":"only"}]})", QStringLiteral("errors[0]"), QStringLiteral("neither a code")},
        {QByteArray(ErrorBody::maxParseSize + 1, ' '), body, QStringLiteral("more than the 1048576 bytes")},
        {QByteArray(3000, '['), body, QStringLiteral("not JSON")},
    };
    for (const Case &c : cases) {
        INFO("body: " << c.body.left(80).toStdString());
        auto parsed = ErrorBody::parse(c.body, 400);
        REQUIRE_FALSE(parsed.hasValue());
        CHECK(parsed.error().field == c.field);
        CHECK(parsed.error().reason.contains(c.reasonContains));
    }
}
