#include "oci/descriptor.h"
#include "oci/jsonfields.h"
#include "oci/mediatype.h"

#include "testsupport.h"

#include <QJsonDocument>

using namespace Minato::Oci;

namespace {

QJsonObject object(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonObject obj = QJsonDocument::fromJson(json, &error).object();
    REQUIRE(error.error == QJsonParseError::NoError);
    return obj;
}

const QByteArray kDigest = "sha256:6ac734483a2651fadcaab0a6b6760128f53c08cc9bcb99c04c2faa3ed5364884";
// sha256 of the two bytes "{}": the OCI empty descriptor (manifest.md "Guidance for an Empty Descriptor").
const QByteArray kEmptyDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

} // namespace

// ---- jsonfields ---------------------------------------------------------------------------------------

TEST_CASE("Json paths name nested fields unambiguously", "[jsonfields]")
{
    CHECK(Json::joinPath(u"", u"config") == QStringLiteral("config"));
    CHECK(Json::joinPath(u"config", u"digest") == QStringLiteral("config.digest"));
    CHECK(Json::indexPath(u"layers", 2) == QStringLiteral("layers[2]"));
    CHECK(Json::joinPath(Json::indexPath(u"layers", 2), u"digest") == QStringLiteral("layers[2].digest"));
    CHECK(Json::joinPath(u"annotations", u"org.example.key") == QStringLiteral("annotations[\"org.example.key\"]"));
    CHECK(Json::joinPath(u"", u"os.version") == QStringLiteral("[\"os.version\"]"));
    CHECK(Json::joinPath(u"a", u"q\"uote\\") == QStringLiteral("a[\"q\\\"uote\\\\\"]"));
    CHECK(Json::joinPath(u"a", u"") == QStringLiteral("a[\"\"]"));
    CHECK(Json::joinPath(u"a", u"_x9") == QStringLiteral("a._x9"));
    CHECK(Json::joinPath(u"a", u"9x") == QStringLiteral("a[\"9x\"]"));
}

TEST_CASE("Json parseJsonObject enforces size, depth, syntax and object-ness", "[jsonfields]")
{
    struct Case
    {
        QByteArray bytes;
        QString reasonContains;
    };
    const Case cases[] = {
        {QByteArray(), QStringLiteral("is empty")},
        {QByteArray(" \n\t"), QStringLiteral("is empty")},
        {QByteArray("{\"a\":1} x"), QStringLiteral("unexpected data after the JSON value")},
        {QByteArray("{\"a\":1}{}"), QStringLiteral("unexpected data after the JSON value")},
        {QByteArray("{\"a\":1"), QStringLiteral("not valid JSON")},
        {QByteArray("{'a':1}"), QStringLiteral("not valid JSON")},
        {QByteArray("{\"a\":\"\xff\xfe\"}"), QStringLiteral("not valid JSON")},
        {QByteArray("[1,2]"), QStringLiteral("must be a JSON object, not an array")},
        {QByteArray("\"text\""), QStringLiteral("not valid JSON")},
        {QByteArray("42"), QStringLiteral("not valid JSON")},
        {QByteArray("null"), QStringLiteral("not valid JSON")},
        {QByteArray(65, '[') + QByteArray(65, ']'), QStringLiteral("deeper than 64 levels")},
        {"{\"a\":" + QByteArray(64, '[') + QByteArray(64, ']') + "}", QStringLiteral("deeper than 64 levels")},
        {QByteArray(100000, '{'), QStringLiteral("deeper than 64 levels")},
    };
    for (const Case &c : cases) {
        INFO("bytes: " << c.bytes.left(80).toStdString());
        auto r = Json::parseJsonObject(c.bytes, u"test document");
        REQUIRE_FALSE(r.hasValue());
        CHECK(r.error().field.isEmpty());
        INFO("reason: " << r.error().reason.toStdString());
        CHECK(r.error().reason.contains(c.reasonContains));
        CHECK(r.error().reason.contains(QStringLiteral("test document")));
    }

    // Exactly 64 levels is fine; brackets inside strings do not count.
    const QByteArray deep63 = "{\"a\":" + QByteArray(63, '[') + QByteArray(63, ']') + "}";
    CHECK(Json::parseJsonObject(deep63, u"doc").hasValue());
    const QByteArray inString = "{\"a\":\"" + QByteArray(1000, '[') + "\\\"" + QByteArray(1000, '{') + "\"}";
    CHECK(Json::parseJsonObject(inString, u"doc").hasValue());
    CHECK(Json::scanNestingDepth("{\"a\":\"[[[\\\"[[\",\"b\":[[1]]}") == 3);
    CHECK(Json::scanNestingDepth("]]]]{{") == 2);
    CHECK(Json::scanNestingDepth(QByteArray(1000, '['), 10) == 11);

    // Whitespace around the object is allowed.
    CHECK(Json::parseJsonObject(" \n{\"a\":1}\n\n", u"doc").hasValue());

    // Size limit: exactly at the limit passes the size check, one more byte does not.
    QByteArray atLimit = "{\"pad\":\"" + QByteArray(100 - 10, 'x') + "\"}";
    REQUIRE(atLimit.size() == 100);
    CHECK(Json::parseJsonObject(atLimit, u"doc", 100).hasValue());
    auto over = Json::parseJsonObject(atLimit + ' ', u"manifest", 100);
    REQUIRE_FALSE(over.hasValue());
    CHECK(over.error().reason == QStringLiteral("the manifest is 101 bytes, more than the limit of 100 bytes"));
}

TEST_CASE("Json field readers are strict about presence and types", "[jsonfields]")
{
    const QJsonObject obj = object(R"({
        "s": "text", "empty": "", "n": 42, "neg": -3, "frac": 1.5, "huge": 1e30, "big": 9223372036854775808,
        "max": 9223372036854775807, "numstr": "12", "null": null, "b": true, "o": {"k": "v"}, "a": ["x", "y"],
        "map": {"org.example.a": "1", "b": "2"}, "badmap": {"ok": "1", "org.example.bad": 2},
        "list": ["a", "", "c"], "badlist": ["a", null], "digest": "sha256:)" +
                                   QByteArray(64, 'a') + R"(", "baddigest": "sha256:abc" })");
    // Strings
    CHECK(Json::requireString(obj, u"s", u"p").value() == QStringLiteral("text"));
    CHECK(Json::requireString(obj, u"empty", u"p").error() ==
          ParseError{QStringLiteral("p.empty"), QStringLiteral("must not be empty")});
    CHECK(Json::requireStringAllowEmpty(obj, u"empty", u"p").value().isEmpty());
    CHECK(Json::requireString(obj, u"missing", u"p").error() ==
          ParseError{QStringLiteral("p.missing"), QStringLiteral("is required but missing")});
    CHECK(Json::requireString(obj, u"null", u"").error().field == QStringLiteral("null"));
    CHECK(Json::requireString(obj, u"n", u"").error().reason == QStringLiteral("must be a string, not a number"));
    CHECK(Json::requireString(obj, u"o", u"").error().reason == QStringLiteral("must be a string, not an object"));
    CHECK_FALSE(Json::optionalString(obj, u"missing", u"").value().has_value());
    CHECK_FALSE(Json::optionalString(obj, u"null", u"").value().has_value());
    CHECK(Json::optionalString(obj, u"empty", u"").value() == QString());
    CHECK(Json::optionalString(obj, u"b", u"").error().reason == QStringLiteral("must be a string, not a boolean"));

    // Integers
    CHECK(Json::requireInt64(obj, u"n", u"").value() == 42);
    CHECK(Json::requireInt64(obj, u"neg", u"").value() == -3);
    CHECK(Json::requireInt64(obj, u"max", u"").value() == std::numeric_limits<qint64>::max());
    CHECK(Json::requireSize(obj, u"neg", u"cfg").error() ==
          ParseError{QStringLiteral("cfg.neg"), QStringLiteral("must not be negative (got -3)")});
    CHECK(Json::requireInt64(obj, u"n", u"", 50).error().reason == QStringLiteral("must be at least 50 (got 42)"));
    CHECK(Json::requireInt64(obj, u"n", u"", 0, 10).error().reason == QStringLiteral("must be at most 10 (got 42)"));
    for (const char16_t *key : {u"frac", u"huge", u"big"}) {
        INFO(QString::fromUtf16(key).toStdString());
        auto r = Json::requireSize(obj, key, u"");
        REQUIRE_FALSE(r.hasValue());
        CHECK(r.error().reason.contains(QStringLiteral("whole number")));
    }
    CHECK(Json::requireSize(obj, u"numstr", u"").error().reason == QStringLiteral("must be an integer, not a string"));
    CHECK(Json::requireSize(obj, u"missing", u"").error().reason == QStringLiteral("is required but missing"));
    CHECK_FALSE(Json::optionalInt64(obj, u"null", u"").value().has_value());
    CHECK(Json::optionalInt64(obj, u"n", u"").value() == 42);
    CHECK_FALSE(Json::optionalInt64(obj, u"frac", u"").hasValue());

    // Booleans
    CHECK(Json::requireBool(obj, u"b", u"").value());
    CHECK_FALSE(Json::requireBool(obj, u"n", u"").hasValue());
    CHECK_FALSE(Json::optionalBool(obj, u"missing", u"").value().has_value());

    // Digests
    CHECK(Json::requireDigest(obj, u"digest", u"config").value().hex() == QString(64, u'a'));
    auto bad = Json::requireDigest(obj, u"baddigest", Json::indexPath(u"layers", 2));
    REQUIRE_FALSE(bad.hasValue());
    CHECK(bad.error().field == QStringLiteral("layers[2].baddigest"));
    CHECK(bad.error().reason.contains(QStringLiteral("64 hex characters")));
    CHECK(Json::requireDigest(obj, u"n", u"").error().reason == QStringLiteral("must be a string, not a number"));
    CHECK_FALSE(Json::optionalDigest(obj, u"missing", u"").value().has_value());
    CHECK_FALSE(Json::optionalDigest(obj, u"baddigest", u"").hasValue());

    // Objects and arrays
    CHECK(Json::requireObject(obj, u"o", u"").value().value(u"k").toString() == QStringLiteral("v"));
    CHECK(Json::requireObject(obj, u"a", u"").error().reason == QStringLiteral("must be an object, not an array"));
    CHECK_FALSE(Json::optionalObject(obj, u"null", u"").value().has_value());
    CHECK(Json::requireArray(obj, u"a", u"").value().size() == 2);
    CHECK(Json::requireArray(obj, u"missing", u"").error().reason == QStringLiteral("is required but missing"));
    CHECK(Json::optionalArray(obj, u"missing", u"").value().isEmpty());
    CHECK(Json::optionalArray(obj, u"o", u"").error().reason == QStringLiteral("must be an array, not an object"));
    const QJsonArray a = obj.value(u"a").toArray();
    CHECK(Json::objectAt(a, 1, u"layers").error() ==
          ParseError{QStringLiteral("layers[1]"), QStringLiteral("must be an object, not a string")});

    // Maps and lists
    const auto map = Json::optionalStringMap(obj, u"map", u"");
    REQUIRE(map.hasValue());
    CHECK(map->value(QStringLiteral("org.example.a")) == QStringLiteral("1"));
    CHECK(map->size() == 2);
    CHECK(Json::optionalStringMap(obj, u"badmap", u"layers[0]").error() ==
          ParseError{QStringLiteral("layers[0].badmap[\"org.example.bad\"]"),
                     QStringLiteral("must be a string, not a number")});
    CHECK(Json::optionalStringMap(obj, u"a", u"").error().reason ==
          QStringLiteral("must be an object of strings, not an array"));
    CHECK(Json::optionalStringMap(obj, u"null", u"").value().isEmpty());
    CHECK(Json::optionalStringList(obj, u"list", u"").value() ==
          QStringList{QStringLiteral("a"), QString(), QStringLiteral("c")});
    CHECK(Json::optionalStringList(obj, u"badlist", u"x").error() ==
          ParseError{QStringLiteral("x.badlist[1]"), QStringLiteral("must be a string, not null")});
    CHECK(Json::optionalStringList(obj, u"s", u"").error().reason ==
          QStringLiteral("must be an array of strings, not a string"));
    CHECK(Json::optionalStringList(obj, u"missing", u"").value().isEmpty());

    // Writers
    CHECK(Json::stringMapToJson(*map) == obj.value(u"map").toObject());
    CHECK(Json::stringListToJson({QStringLiteral("x"), QStringLiteral("y")}) == a);
}

// ---- Descriptor ---------------------------------------------------------------------------------------

TEST_CASE("Descriptor parses every field", "[descriptor]")
{
    const QJsonObject obj = object(R"({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": ")" + kDigest + R"(",
        "size": 7682,
        "urls": ["https://example.com/blob", "http://mirror.example.org/b?x=1"],
        "annotations": {"org.opencontainers.image.title": "hello.txt",
                        "vnd.docker.reference.type": "attestation-manifest"},
        "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"},
        "artifactType": "application/spdx+json",
        "unknownField": {"ignored": true}
    })");
    auto d = Descriptor::fromJson(obj, u"manifests[0]");
    REQUIRE(d.hasValue());
    CHECK(d->mediaType == MediaType::OciManifest);
    CHECK(d->digest.toString() == QString::fromLatin1(kDigest));
    CHECK(d->size == 7682);
    CHECK(d->urls ==
          QStringList{QStringLiteral("https://example.com/blob"), QStringLiteral("http://mirror.example.org/b?x=1")});
    CHECK(d->annotation(Annotation::Title) == QStringLiteral("hello.txt"));
    CHECK(d->annotation(u"absent").isEmpty());
    CHECK(d->isAttestationManifest());
    REQUIRE(d->platform.has_value());
    CHECK(d->platform->toString() == QStringLiteral("linux/arm64/v8"));
    CHECK(d->artifactType == QStringLiteral("application/spdx+json"));
    CHECK_FALSE(d->data.has_value());
    CHECK_FALSE(d->isNonDistributable());

    // Round trip: every known field comes back; the unknown one is dropped.
    QJsonObject expected = obj;
    expected.remove(QStringLiteral("unknownField"));
    CHECK(d->toJson() == expected);
    CHECK(Descriptor::fromJson(d->toJson(), u"").value() == *d);
}

TEST_CASE("Descriptor minimal form and embedded data", "[descriptor]")
{
    auto minimal = Descriptor::fromJson(
        object(R"({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" + kDigest + R"(","size":0})"),
        u"");
    REQUIRE(minimal.hasValue());
    CHECK(minimal->size == 0);
    CHECK(minimal->urls.isEmpty());
    CHECK(minimal->annotations.isEmpty());
    CHECK_FALSE(minimal->platform.has_value());
    CHECK(minimal->toJson().keys() ==
          QStringList{QStringLiteral("digest"), QStringLiteral("mediaType"), QStringLiteral("size")});

    // The empty descriptor with data "e30=" ("{}").
    auto empty = Descriptor::fromJson(object(R"({"mediaType":"application/vnd.oci.empty.v1+json","digest":")" +
                                             kEmptyDigest + R"(","size":2,"data":"e30="})"),
                                      u"config");
    REQUIRE(empty.hasValue());
    REQUIRE(empty->data.has_value());
    CHECK(*empty->data == QByteArray("{}"));
    CHECK(empty->toJson().value(u"data").toString() == QStringLiteral("e30="));

    // sha512 data is checked with sha512.
    const QByteArray sha512Digest =
        "sha512:27c74670adb75075fad058d5ceaf7b20c4e7786c83bae8a32f626f9782af34c9a33c2046ef60fd2a7878d378e29fec851806bbd"
        "9a67878f3a9f1cda4830763fd";
    auto d512 = Descriptor::fromJson(
        object(R"({"mediaType":"application/json","digest":")" + sha512Digest + R"(","size":2,"data":"e30="})"), u"");
    REQUIRE(d512.hasValue());
    CHECK(d512->data == QByteArray("{}"));
}

TEST_CASE("Descriptor rejects invalid fields naming the path", "[descriptor]")
{
    const QByteArray mt = R"("mediaType":"application/vnd.oci.image.layer.v1.tar+gzip")";
    const QByteArray dg = R"("digest":")" + kDigest + R"(")";
    const QByteArray sz = R"("size":12)";
    struct Case
    {
        QByteArray json;
        QString field;
        QString reasonContains;
    };
    const Case cases[] = {
        {"{" + dg + "," + sz + "}", QStringLiteral("layers[2].mediaType"), QStringLiteral("missing")},
        {"{\"mediaType\":\"\"," + dg + "," + sz + "}", QStringLiteral("layers[2].mediaType"),
         QStringLiteral("must not be empty")},
        {"{\"mediaType\":\"tar\"," + dg + "," + sz + "}", QStringLiteral("layers[2].mediaType"),
         QStringLiteral("type/subtype")},
        {"{\"mediaType\":5," + dg + "," + sz + "}", QStringLiteral("layers[2].mediaType"),
         QStringLiteral("must be a string, not a number")},
        {"{" + mt + "," + sz + "}", QStringLiteral("layers[2].digest"), QStringLiteral("missing")},
        {"{" + mt + ",\"digest\":\"sha256:abc\"," + sz + "}", QStringLiteral("layers[2].digest"),
         QStringLiteral("64 hex characters, not 3")},
        {"{" + mt + ",\"digest\":\"md5:d41d8cd98f00b204e9800998ecf8427e\"," + sz + "}",
         QStringLiteral("layers[2].digest"), QStringLiteral("unsupported algorithm")},
        {"{" + mt + "," + dg + "}", QStringLiteral("layers[2].size"), QStringLiteral("missing")},
        {"{" + mt + "," + dg + ",\"size\":-1}", QStringLiteral("layers[2].size"), QStringLiteral("negative")},
        {"{" + mt + "," + dg + ",\"size\":1.5}", QStringLiteral("layers[2].size"), QStringLiteral("whole number")},
        {"{" + mt + "," + dg + ",\"size\":1e30}", QStringLiteral("layers[2].size"), QStringLiteral("whole number")},
        {"{" + mt + "," + dg + ",\"size\":\"12\"}", QStringLiteral("layers[2].size"),
         QStringLiteral("must be an integer, not a string")},
        {"{" + mt + "," + dg + ",\"size\":null}", QStringLiteral("layers[2].size"), QStringLiteral("missing")},
        {"{" + mt + "," + dg + "," + sz + ",\"urls\":\"https://x\"}", QStringLiteral("layers[2].urls"),
         QStringLiteral("array of strings")},
        {"{" + mt + "," + dg + "," + sz + ",\"urls\":[\"https://x\", 3]}", QStringLiteral("layers[2].urls[1]"),
         QStringLiteral("must be a string")},
        {"{" + mt + "," + dg + "," + sz + ",\"urls\":[\"/relative/path\"]}", QStringLiteral("layers[2].urls[0]"),
         QStringLiteral("not an absolute URL")},
        {"{" + mt + "," + dg + "," + sz + ",\"urls\":[\"\"]}", QStringLiteral("layers[2].urls[0]"),
         QStringLiteral("not an absolute URL")},
        {"{" + mt + "," + dg + "," + sz + ",\"annotations\":[]}", QStringLiteral("layers[2].annotations"),
         QStringLiteral("object of strings")},
        {"{" + mt + "," + dg + "," + sz + ",\"annotations\":{\"org.opencontainers.image.title\":true}}",
         QStringLiteral("layers[2].annotations[\"org.opencontainers.image.title\"]"),
         QStringLiteral("must be a string, not a boolean")},
        {"{" + mt + "," + dg + "," + sz + ",\"platform\":\"linux/amd64\"}", QStringLiteral("layers[2].platform"),
         QStringLiteral("must be an object")},
        {"{" + mt + "," + dg + "," + sz + ",\"platform\":{\"os\":\"linux\"}}",
         QStringLiteral("layers[2].platform.architecture"), QStringLiteral("missing")},
        {"{" + mt + "," + dg + "," + sz + ",\"artifactType\":\"spdx\"}", QStringLiteral("layers[2].artifactType"),
         QStringLiteral("type/subtype")},
        {"{" + mt + "," + dg + "," + sz + ",\"artifactType\":1}", QStringLiteral("layers[2].artifactType"),
         QStringLiteral("must be a string")},
        {"{" + mt + "," + dg + "," + sz + ",\"data\":\"not base64!\"}", QStringLiteral("layers[2].data"),
         QStringLiteral("not valid base64")},
        {"{" + mt + "," + dg + "," + sz + ",\"data\":\"e30\"}", QStringLiteral("layers[2].data"),
         QStringLiteral("not valid base64")},
        {"{" + mt + "," + dg + "," + sz + ",\"data\":\"\u00e9\u00e9\u00e9\u00e9\"}", QStringLiteral("layers[2].data"),
         QStringLiteral("not valid base64")},
        {"{" + mt + "," + dg + "," + sz + ",\"data\":\"e30=\"}", QStringLiteral("layers[2].data"),
         QStringLiteral("decodes to 2 bytes but size says 12")},
        {"{" + mt + "," + dg + ",\"size\":2,\"data\":\"e30=\"}", QStringLiteral("layers[2].data"),
         QStringLiteral("does not match the descriptor's digest")},
        {"{" + mt + "," + dg + "," + sz + ",\"data\":7}", QStringLiteral("layers[2].data"),
         QStringLiteral("must be a string")},
    };
    for (const Case &c : cases) {
        INFO("json: " << c.json.toStdString());
        auto d = Descriptor::fromJson(object(c.json), u"layers[2]");
        REQUIRE_FALSE(d.hasValue());
        CHECK(d.error().field == c.field);
        INFO("reason: " << d.error().reason.toStdString());
        CHECK(d.error().reason.contains(c.reasonContains));
    }
}

TEST_CASE("Descriptor foreign layers keep their urls", "[descriptor]")
{
    auto d = Descriptor::fromJson(
        object(R"({"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":")" + kDigest +
               R"(","size":1696477785,"urls":["https://mcr.microsoft.com/v2/windows/servercore/blobs/)" + kDigest +
               R"("]})"),
        u"layers[0]");
    REQUIRE(d.hasValue());
    CHECK(d->isNonDistributable());
    CHECK(d->size == 1696477785);
    CHECK(d->urls.size() == 1);
}
