#include "oci/schema1.h"

#include "testsupport.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using Minato::Oci::Schema1Manifest;

namespace {

// Computed outside Minato by tests/data/oci/schema1-generate.py (python3 hashlib over the JWS payload,
// i.e. the manifest without its signatures). The unsigned fixture is exactly that payload, so both share it.
const QString kPayloadDigest =
    QStringLiteral("sha256:3529cb57169bc71d46bc9aa95581af295b17010380865a49c3e8b3fa09c1a564");
// sha256 of the signed fixture's bytes, signatures included: NOT the manifest's digest.
const QString kSignedBytesDigest =
    QStringLiteral("sha256:923684593ed3238b566fef176aa12a45f9e4c27c213765e9c2eed2c17e0004b2");
constexpr qint64 kFormatLength = 2412;

const QString kTopId = QStringLiteral("9d7ba1feb2355876a7a5cd8b529a31c3478c220cd2e5540cf20166e256b2e4fb");
const QString kCmdId = QStringLiteral("c7bcf3ebede2ecabbd41647bcc9d14da8ac4b72a4cb62dd5ba28309b29798cf1");
const QString kBaseId = QStringLiteral("113b3a8b7aa3a29156fe94949426e137777554299442f4f2c611b9c41c5c10da");

QString sha256Of(const QByteArray &bytes)
{
    return QStringLiteral("sha256:") +
           QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QByteArray b64url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QDateTime utc(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}

// The signed fixture with the first "protected" value replaced by the encoding of `header`.
QByteArray withProtected(const QByteArray &signedBytes, const QByteArray &header, int occurrence = 0)
{
    const QByteArray key = "\"protected\": \"";
    qsizetype start = -1;
    for (int i = 0; i <= occurrence; ++i) {
        start = signedBytes.indexOf(key, start + 1);
        REQUIRE(start >= 0);
    }
    start += key.size();
    const qsizetype end = signedBytes.indexOf('"', start);
    QByteArray out = signedBytes;
    out.replace(start, end - start, b64url(header));
    return out;
}

QByteArray protectedHeader(qint64 formatLength, const QByteArray &tail)
{
    return "{\"formatLength\":" + QByteArray::number(formatLength) + ",\"formatTail\":\"" + b64url(tail) +
           "\",\"time\":\"2023-08-07T19:21:02Z\"}";
}

// A valid unsigned manifest as a JSON object, to mutate in table-driven tests.
QJsonObject unsignedObject()
{
    return QJsonDocument::fromJson(Minato::Test::readData(u"oci/schema1-unsigned.json")).object();
}

QByteArray toBytes(const QJsonObject &obj)
{
    return QJsonDocument(obj).toJson(QJsonDocument::Indented);
}

QString v1(const QJsonObject &obj)
{
    return QString::fromUtf8(QJsonDocument(obj).toJson(QJsonDocument::Compact));
}

} // namespace

TEST_CASE("Schema 1 signed manifest: fields and the JWS payload digest", "[schema1]")
{
    const QByteArray bytes = Minato::Test::readData(u"oci/schema1-signed.json");
    auto parsed = Schema1Manifest::parse(bytes);
    REQUIRE(parsed.hasValue());
    const Schema1Manifest &m = parsed.value();

    CHECK(m.name == QStringLiteral("library/alpine-curl"));
    CHECK(m.tag == QStringLiteral("3.18"));
    CHECK(m.architecture == QStringLiteral("amd64"));
    REQUIRE(m.fsLayers.size() == 3);
    CHECK(m.fsLayers[0].toString() ==
          QStringLiteral("sha256:e3f372b58d6fd34cfcfa8ea3a4c33b5a7319374f469c3f51a8a9399db9e377bf"));
    CHECK(m.fsLayers[1].toString() ==
          QStringLiteral("sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8c7c22955b46d4"));
    CHECK(m.fsLayers[2].toString() ==
          QStringLiteral("sha256:97b5b289c2c884d6f14989a9d034bd7c7841e747bff10e3248f22d669ac645ba"));

    REQUIRE(m.history.size() == 3);
    CHECK(m.history[0].v1.id == kTopId);
    CHECK(m.history[0].v1.parent == kCmdId);
    CHECK(*m.history[0].v1.created == utc(2023, 8, 7, 19, 20, 20, 894));
    // Go escaped "&&" as \u0026 inside the v1 JSON; it reads back as "&&".
    CHECK(m.history[0].v1.containerCmd ==
          QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                      QStringLiteral("apk add --no-cache curl && rm -rf /var/cache/apk/*")});
    CHECK_FALSE(m.history[0].v1.throwaway);
    CHECK(m.history[0].v1Compatibility.startsWith(QStringLiteral("{\"architecture\":\"amd64\"")));
    CHECK(m.history[1].v1.id == kCmdId);
    CHECK(m.history[1].v1.parent == kBaseId);
    CHECK(m.history[1].v1.throwaway);
    CHECK(m.history[1].v1.containerCmd == QStringList{QStringLiteral("/bin/sh -c #(nop)  CMD [\"/bin/sh\"]")});
    CHECK(*m.history[1].v1.created == utc(2023, 8, 7, 19, 20, 20, 718));
    CHECK(m.history[2].v1.id == kBaseId);
    CHECK(m.history[2].v1.parent.isEmpty());
    CHECK(m.history[2].v1.created->offsetFromUtc() == 2 * 3600);
    CHECK(*m.history[2].v1.created == utc(2023, 8, 7, 17, 20, 20, 590));

    REQUIRE(m.isSigned());
    CHECK(m.mediaType() == QStringLiteral("application/vnd.docker.distribution.manifest.v1+prettyjws"));
    REQUIRE(m.signatures.size() == 1);
    CHECK(m.signatures[0].algorithm == QStringLiteral("ES256"));
    CHECK(m.signatures[0].keyId == QStringLiteral("JDSK:PO7T:K7E7:FYHQ:PK7O:JA6S:KDA6:WEF6:455F:URVD:TGKX:E43E"));
    CHECK(m.signatures[0].formatLength == kFormatLength);
    CHECK(m.signatures[0].formatTail == QByteArray("\n}"));
    CHECK(m.signatures[0].time == std::optional<QDateTime>(utc(2023, 8, 7, 19, 21, 2)));
    CHECK(m.signatures[0].protectedHeader ==
          QByteArray("{\"formatLength\":2412,\"formatTail\":\"Cn0\",\"time\":\"2023-08-07T19:21:02Z\"}"));

    // The digest covers bytes[0, formatLength) + "\n}", not the bytes received.
    CHECK(m.raw == bytes);
    CHECK(m.canonical == bytes.left(kFormatLength) + "\n}");
    CHECK(m.canonical == Minato::Test::readData(u"oci/schema1-unsigned.json"));
    CHECK(m.digest.toString() == kPayloadDigest);
    CHECK(sha256Of(bytes) == kSignedBytesDigest);
    CHECK(m.digest.toString() != kSignedBytesDigest);
}

TEST_CASE("Schema 1 with two signatures over the same payload", "[schema1]")
{
    const QByteArray bytes = Minato::Test::readData(u"oci/schema1-signed-two.json");
    auto parsed = Schema1Manifest::parse(bytes);
    REQUIRE(parsed.hasValue());
    REQUIRE(parsed->signatures.size() == 2);
    CHECK(parsed->signatures[0].keyId != parsed->signatures[1].keyId);
    CHECK(parsed->signatures[1].time == std::optional<QDateTime>(utc(2023, 8, 8, 7, 0, 0)));
    CHECK(parsed->signatures[0].protectedHeader != parsed->signatures[1].protectedHeader);
    CHECK(parsed->digest.toString() == kPayloadDigest);
    CHECK(parsed->history == Schema1Manifest::parse(Minato::Test::readData(u"oci/schema1-signed.json"))->history);
}

TEST_CASE("Schema 1 unsigned manifest is addressed by its bytes", "[schema1]")
{
    const QByteArray bytes = Minato::Test::readData(u"oci/schema1-unsigned.json");
    auto parsed = Schema1Manifest::parse(bytes);
    REQUIRE(parsed.hasValue());
    CHECK_FALSE(parsed->isSigned());
    CHECK(parsed->mediaType() == QStringLiteral("application/vnd.docker.distribution.manifest.v1+json"));
    CHECK(parsed->canonical == bytes);
    CHECK(parsed->digest.toString() == sha256Of(bytes));
    CHECK(parsed->digest.toString() == kPayloadDigest);
    CHECK(parsed->fsLayers.size() == 3);

    // "signatures": null reads as unsigned too.
    QJsonObject obj = unsignedObject();
    obj.insert(QStringLiteral("signatures"), QJsonValue::Null);
    const QByteArray withNull = toBytes(obj);
    auto nullSigs = Schema1Manifest::parse(withNull);
    REQUIRE(nullSigs.hasValue());
    CHECK_FALSE(nullSigs->isSigned());
    CHECK(nullSigs->digest.toString() == sha256Of(withNull));
}

TEST_CASE("Schema 1 rejects tampered or inconsistent signatures", "[schema1]")
{
    const QByteArray good = Minato::Test::readData(u"oci/schema1-signed.json");
    const QByteArray two = Minato::Test::readData(u"oci/schema1-signed-two.json");
    struct Case
    {
        const char *name;
        QByteArray bytes;
        QString field;
        QString reasonContains;
    };
    QByteArray extraKey = good;
    extraKey.insert(extraKey.lastIndexOf("\n}"), ",\n   \"extra\": 1");
    QByteArray emptySigs = good.left(kFormatLength) + ",\n   \"signatures\": []\n}";
    QByteArray notObjectSig = good.left(kFormatLength) + ",\n   \"signatures\": [1]\n}";
    QByteArray badSignature = good;
    badSignature.replace("\"signature\": \"STEQ", "\"signature\": \"ST+Q");
    QByteArray badProtected = good;
    badProtected.replace("\"protected\": \"eyJ", "\"protected\": \"e/J");
    QByteArray noHeader = good;
    noHeader.replace("\"header\":", "\"headr\":");

    const Case cases[] = {
        {"formatTail decodes to garbage", withProtected(good, protectedHeader(kFormatLength, "XX")),
         QStringLiteral("signatures[0].protected"), QStringLiteral("do not rebuild a JSON manifest")},
        {"formatTail adds a key", withProtected(good, protectedHeader(kFormatLength, ",\"tag\":\"evil\"}")),
         QStringLiteral("signatures[0].protected"), QStringLiteral("differs from the one received")},
        {"formatTail not base64url",
         withProtected(good, "{\"formatLength\":2412,\"formatTail\":\"C+0\",\"time\":\"2023-08-07T19:21:02Z\"}"),
         QStringLiteral("signatures[0].protected.formatTail"), QStringLiteral("base64url")},
        {"formatTail padded", withProtected(good, "{\"formatLength\":2412,\"formatTail\":\"Cn0=\"}"),
         QStringLiteral("signatures[0].protected.formatTail"), QStringLiteral("base64url")},
        {"formatTail missing", withProtected(good, "{\"formatLength\":2412}"),
         QStringLiteral("signatures[0].protected.formatTail"), QStringLiteral("required")},
        {"formatLength cuts a string", withProtected(good, protectedHeader(kFormatLength - 20, "\n}")),
         QStringLiteral("signatures[0].protected"), QStringLiteral("do not rebuild")},
        {"formatLength includes the comma", withProtected(good, protectedHeader(kFormatLength + 1, "\n}")),
         QStringLiteral("signatures[0].protected"), QStringLiteral("")},
        {"formatLength beyond the bytes", withProtected(good, protectedHeader(good.size() + 1, "\n}")),
         QStringLiteral("signatures[0].protected.formatLength"), QStringLiteral("beyond")},
        {"formatLength negative", withProtected(good, protectedHeader(-1, "\n}")),
         QStringLiteral("signatures[0].protected.formatLength"), QStringLiteral("")},
        {"formatLength a string", withProtected(good, "{\"formatLength\":\"2412\",\"formatTail\":\"Cn0\"}"),
         QStringLiteral("signatures[0].protected.formatLength"), QStringLiteral("")},
        {"protected not base64url", badProtected, QStringLiteral("signatures[0].protected"),
         QStringLiteral("base64url")},
        {"protected not JSON", withProtected(good, "formatLength=2412"), QStringLiteral("signatures[0].protected"),
         QStringLiteral("does not decode to a JSON object")},
        {"second signature disagrees on the length", withProtected(two, protectedHeader(kFormatLength - 1, "\n}"), 1),
         QStringLiteral("signatures[1].protected"), QStringLiteral("every signature must cover the same payload")},
        {"second signature disagrees on the tail", withProtected(two, protectedHeader(kFormatLength, "\n }"), 1),
         QStringLiteral("signatures[1].protected"), QStringLiteral("same payload")},
        {"key outside the payload", extraKey, QStringLiteral("signatures[0].protected"),
         QStringLiteral("differs from the one received")},
        {"signatures empty", emptySigs, QStringLiteral("signatures"), QStringLiteral("at least one signature")},
        {"signatures an object", good.left(kFormatLength) + ",\n   \"signatures\": {}\n}", QStringLiteral("signatures"),
         QStringLiteral("must be an array")},
        {"signature entry not an object", notObjectSig, QStringLiteral("signatures[0]"), QStringLiteral("object")},
        {"signature not base64url", badSignature, QStringLiteral("signatures[0].signature"),
         QStringLiteral("base64url")},
        {"header missing", noHeader, QStringLiteral("signatures[0].header"), QStringLiteral("required")},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        auto parsed = Schema1Manifest::parse(c.bytes);
        REQUIRE_FALSE(parsed.hasValue());
        INFO("message: " << parsed.error().message().toStdString());
        CHECK(parsed.error().field == c.field);
        CHECK(parsed.error().reason.contains(c.reasonContains));
    }

    // Editing the signed content itself (same length, inside formatLength) cannot be caught without verifying
    // the signature, but the digest changes, so a Docker-Content-Digest or pinned digest check catches it.
    QByteArray edited = Minato::Test::readData(u"oci/schema1-signed.json");
    edited.replace("\"tag\": \"3.18\"", "\"tag\": \"3.19\"");
    auto parsed = Schema1Manifest::parse(edited);
    REQUIRE(parsed.hasValue());
    CHECK(parsed->tag == QStringLiteral("3.19"));
    CHECK(parsed->digest.toString() != kPayloadDigest);

    // A different but equivalent tail ("}" without the newline) is a different payload: accepted, other digest.
    auto tight = Schema1Manifest::parse(withProtected(good, protectedHeader(kFormatLength, "}")));
    REQUIRE(tight.hasValue());
    CHECK(tight->canonical == Minato::Test::readData(u"oci/schema1-unsigned.json").chopped(2) + "}");
    CHECK(tight->digest.toString() == sha256Of(tight->canonical));
}

TEST_CASE("Schema 1 rejects malformed manifests with the field path", "[schema1]")
{
    struct Case
    {
        const char *name;
        QByteArray bytes;
        QString field;
        QString reasonContains;
    };
    const auto with = [](const QString &key, const QJsonValue &value) {
        QJsonObject obj = unsignedObject();
        if (value.isUndefined()) {
            obj.remove(key);
        } else {
            obj.insert(key, value);
        }
        return toBytes(obj);
    };
    const auto withV1 = [](int index, const QJsonValue &v1Compatibility) {
        QJsonObject obj = unsignedObject();
        QJsonArray history = obj.value(QStringLiteral("history")).toArray();
        history[index] = QJsonObject{{QStringLiteral("v1Compatibility"), v1Compatibility}};
        obj.insert(QStringLiteral("history"), history);
        return toBytes(obj);
    };
    const QJsonArray layers = unsignedObject().value(QStringLiteral("fsLayers")).toArray();
    const QJsonArray history = unsignedObject().value(QStringLiteral("history")).toArray();
    QJsonArray badLayer = layers;
    badLayer[1] = QJsonObject{{QStringLiteral("blobSum"), QStringLiteral("sha256:1234")}};
    QJsonArray shortHistory = history;
    shortHistory.removeLast();
    const QString id = QString(64, u'a');

    const Case cases[] = {
        {"not JSON", QByteArray("{\"schemaVersion\": 1,"), QString(), QStringLiteral("")},
        {"array", QByteArray("[]"), QString(), QStringLiteral("")},
        {"schemaVersion 2", with(QStringLiteral("schemaVersion"), 2), QStringLiteral("schemaVersion"),
         QStringLiteral("must be 1")},
        {"schemaVersion missing", with(QStringLiteral("schemaVersion"), QJsonValue::Undefined),
         QStringLiteral("schemaVersion"), QStringLiteral("required")},
        {"schemaVersion a string", with(QStringLiteral("schemaVersion"), QStringLiteral("1")),
         QStringLiteral("schemaVersion"), QStringLiteral("")},
        {"name missing", with(QStringLiteral("name"), QJsonValue::Undefined), QStringLiteral("name"),
         QStringLiteral("required")},
        {"tag a number", with(QStringLiteral("tag"), 3), QStringLiteral("tag"), QStringLiteral("must be a string")},
        {"architecture missing", with(QStringLiteral("architecture"), QJsonValue::Undefined),
         QStringLiteral("architecture"), QStringLiteral("required")},
        {"fsLayers missing", with(QStringLiteral("fsLayers"), QJsonValue::Undefined), QStringLiteral("fsLayers"),
         QStringLiteral("required")},
        {"fsLayers empty", with(QStringLiteral("fsLayers"), QJsonArray()), QStringLiteral("fsLayers"),
         QStringLiteral("at least one layer")},
        {"fsLayers[1].blobSum bad", with(QStringLiteral("fsLayers"), badLayer), QStringLiteral("fsLayers[1].blobSum"),
         QStringLiteral("64 hex")},
        {"fsLayers[0] a string", with(QStringLiteral("fsLayers"), QJsonArray{QStringLiteral("sha256:x")}),
         QStringLiteral("fsLayers[0]"), QStringLiteral("object")},
        {"history shorter", with(QStringLiteral("history"), shortHistory), QStringLiteral("history"),
         QStringLiteral("has 2 entries but fsLayers has 3")},
        {"history missing", with(QStringLiteral("history"), QJsonValue::Undefined), QStringLiteral("history"),
         QStringLiteral("required")},
        {"v1Compatibility missing", withV1(0, QJsonValue::Undefined), QStringLiteral("history[0].v1Compatibility"),
         QStringLiteral("required")},
        {"v1Compatibility an object", withV1(1, QJsonObject{{QStringLiteral("id"), id}}),
         QStringLiteral("history[1].v1Compatibility"), QStringLiteral("must be a string")},
        {"v1Compatibility not JSON", withV1(2, QStringLiteral("{\"id\":")),
         QStringLiteral("history[2].v1Compatibility"), QStringLiteral("is not a JSON object")},
        {"v1 id missing", withV1(0, v1(QJsonObject{})), QStringLiteral("history[0].v1Compatibility.id"),
         QStringLiteral("required")},
        {"v1 id short", withV1(0, v1(QJsonObject{{QStringLiteral("id"), QStringLiteral("abc")}})),
         QStringLiteral("history[0].v1Compatibility.id"), QStringLiteral("64 lowercase hex")},
        {"v1 parent bad",
         withV1(1, v1(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("parent"), id.toUpper()}})),
         QStringLiteral("history[1].v1Compatibility.parent"), QStringLiteral("64 lowercase hex")},
        {"v1 created bad",
         withV1(0, v1(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("created"), QStringLiteral("2023")}})),
         QStringLiteral("history[0].v1Compatibility.created"), QStringLiteral("RFC 3339")},
        {"v1 throwaway a string",
         withV1(0, v1(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("throwaway"), QStringLiteral("true")}})),
         QStringLiteral("history[0].v1Compatibility.throwaway"), QStringLiteral("must be a boolean")},
        {"v1 container_config.Cmd a number",
         withV1(0, v1(QJsonObject{{QStringLiteral("id"), id},
                                  {QStringLiteral("container_config"), QJsonObject{{QStringLiteral("Cmd"), 1}}}})),
         QStringLiteral("history[0].v1Compatibility.container_config.Cmd"), QStringLiteral("must be an array")},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        auto parsed = Schema1Manifest::parse(c.bytes);
        REQUIRE_FALSE(parsed.hasValue());
        INFO("message: " << parsed.error().message().toStdString());
        CHECK(parsed.error().field == c.field);
        CHECK(parsed.error().reason.contains(c.reasonContains));
    }

    // Lenient: a v1 Cmd written as one string, a null parent, no created.
    auto lenient = Schema1Manifest::parse(
        withV1(0, v1(QJsonObject{{QStringLiteral("id"), id},
                                 {QStringLiteral("parent"), QJsonValue::Null},
                                 {QStringLiteral("container_config"),
                                  QJsonObject{{QStringLiteral("Cmd"), QStringLiteral("sh")}}}})));
    REQUIRE(lenient.hasValue());
    CHECK(lenient->history[0].v1.containerCmd == QStringList{QStringLiteral("sh")});
    CHECK(lenient->history[0].v1.parent.isEmpty());
    CHECK_FALSE(lenient->history[0].v1.created.has_value());
}

TEST_CASE("Schema 1 enforces its size limit", "[schema1]")
{
    QByteArray bytes = Minato::Test::readData(u"oci/schema1-unsigned.json");
    bytes.append(QByteArray(Schema1Manifest::kMaxBytes - bytes.size(), '\n'));
    CHECK(Schema1Manifest::parse(bytes).hasValue());
    bytes.append('\n');
    auto tooBig = Schema1Manifest::parse(bytes);
    REQUIRE_FALSE(tooBig.hasValue());
    CHECK(tooBig.error().field.isEmpty());
    CHECK(tooBig.error().reason.contains(QStringLiteral("4 MiB")));
}
