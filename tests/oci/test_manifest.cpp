#include "oci/jsonfields.h"
#include "oci/manifest.h"
#include "oci/mediatype.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Minato::Oci;

namespace {

QString digestString(const char *label)
{
    return QString::fromLatin1(label);
}

// A valid OCI manifest with placeholders for experiments.
QByteArray minimalOci(const QByteArray &extra = QByteArray())
{
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
           R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":7023,)"
           R"("digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},)"
           R"("layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":32654,)"
           R"("digest":"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0"}])" +
           extra + "}";
}

QByteArray withoutKey(const QByteArray &json, const char *key)
{
    QJsonObject obj = QJsonDocument::fromJson(json).object();
    obj.remove(QString::fromLatin1(key));
    return QJsonDocument(obj).toJson(QJsonDocument::Compact);
}

QByteArray withValue(const QByteArray &json, const char *key, const QJsonValue &value)
{
    QJsonObject obj = QJsonDocument::fromJson(json).object();
    obj.insert(QString::fromLatin1(key), value);
    return QJsonDocument(obj).toJson(QJsonDocument::Compact);
}

QJsonValue jsonValue(const QByteArray &json)
{
    return QJsonDocument::fromJson("{\"v\":" + json + "}").object().value(u"v");
}

const QByteArray kDigest = "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7";

// {"mediaType":"a/b","size":<size>,"digest":"<digest>"}
QByteArray descriptorJson(const QByteArray &size, const QByteArray &digest = kDigest)
{
    return R"({"mediaType":"a/b","size":)" + size + R"(,"digest":")" + digest + R"("})";
}

} // namespace

TEST_CASE("Manifest parses the OCI image manifest fixture exactly", "[manifest]")
{
    const QByteArray bytes = Minato::Test::readData(u"oci/manifest-oci.json");
    auto m = Manifest::parse(bytes, MediaType::OciManifest);
    REQUIRE(m.hasValue());
    CHECK(m->schemaVersion == 2);
    CHECK(m->mediaType == MediaType::OciManifest);
    CHECK(m->effectiveMediaType() == MediaType::OciManifest);
    CHECK_FALSE(m->isDocker());
    CHECK(m->config.mediaType == MediaType::OciConfig);
    CHECK(m->config.size == 1473);
    CHECK(m->config.digest.toString() ==
          digestString("sha256:fd7d0f79be03c48e1596a80cc6713efc2e03f33cd86a4a703a7dcf0599e0b4f2"));
    REQUIRE(m->layers.size() == 4);
    CHECK(m->layers[0].mediaType == MediaType::OciLayerTarGzip);
    CHECK(m->layers[0].size == 3408729);
    CHECK(m->layers[0].digest.toString() ==
          digestString("sha256:0a25dec4246a82332dad8915e0f791bdb63d7864687600efb8de4084a13daa1c"));
    CHECK(m->layers[1].size == 29126484);
    CHECK(m->layers[2].mediaType == MediaType::OciLayerTarZstd);
    CHECK(MediaType::compressionOf(m->layers[2].mediaType) == MediaType::Compression::Zstd);
    CHECK(m->layers[3].size == 32);
    CHECK(m->totalSize() == 1473 + 3408729 + 29126484 + 628 + 32);
    CHECK(m->annotations.size() == 3);
    CHECK(m->annotations.value(QStringLiteral("org.opencontainers.image.base.name")) ==
          QStringLiteral("docker.io/library/alpine:3.19"));
    CHECK_FALSE(m->subject.has_value());
    CHECK(m->artifactType.isEmpty());
    CHECK_FALSE(m->isArtifact());
    CHECK(m->effectiveArtifactType() == MediaType::OciConfig);
    CHECK_FALSE(m->isCosignSignature());
    CHECK_FALSE(m->isSbom());
    CHECK(m->raw == bytes);
    CHECK(m->digest.toString() ==
          digestString("sha256:d30332ecb959e41a2723ce1782bb11b6e9fcaec0f8ede3b6e52ccc4ebcd22f37"));
}

TEST_CASE("Manifest parses the Docker schema 2 fixtures", "[manifest]")
{
    const QByteArray bytes = Minato::Test::readData(u"oci/manifest-docker-v2.json");
    auto m = Manifest::parse(bytes, u"application/vnd.docker.distribution.manifest.v2+json");
    REQUIRE(m.hasValue());
    CHECK(m->isDocker());
    CHECK(m->mediaType == MediaType::DockerManifest);
    CHECK(m->config.mediaType == MediaType::DockerConfig);
    CHECK(m->config.size == 7023);
    REQUIRE(m->layers.size() == 3);
    for (const Descriptor &layer : m->layers) {
        CHECK(layer.mediaType == MediaType::DockerLayerTarGzip);
        CHECK_FALSE(layer.isNonDistributable());
    }
    CHECK(m->layers[2].digest.toString() ==
          digestString("sha256:1a5740c6ade7ac8520a383bb261b14741d33a4395955f664581861241534687c"));
    CHECK(m->totalSize() == 7023 + 32654 + 16724 + 73109);
    CHECK_FALSE(m->isArtifact());
    CHECK(m->digest.toString() ==
          digestString("sha256:199fb8cb1b9bd37c060a11676e0c8bc78855c702b71e62760a9c7c8ff271052f"));

    const QByteArray foreignBytes = Minato::Test::readData(u"oci/manifest-docker-foreign.json");
    auto w = Manifest::parse(foreignBytes, QString());
    REQUIRE(w.hasValue());
    CHECK(w->isDocker());
    REQUIRE(w->layers.size() == 4);
    CHECK(w->layers[0].isNonDistributable());
    CHECK(w->layers[0].size == 1696477785);
    CHECK(w->layers[0].urls ==
          QStringList{QStringLiteral("https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:"
                                     "fe901eeba18e3fac4bd301a7f3119b7d3d1e633e72329c819584973e78c2308e")});
    CHECK(w->layers[1].isNonDistributable());
    CHECK(w->layers[1].urls.size() == 2);
    CHECK_FALSE(w->layers[2].isNonDistributable());
    CHECK(w->layers[2].urls.isEmpty());
    CHECK(w->totalSize() == 1754 + 1696477785LL + 1043798013LL + 1196 + 76514);
    CHECK(w->digest.toString() ==
          digestString("sha256:cbfff5b963fe3d29d0fded726f49afbf5f4d2b1c47f4a2217ed188458634b541"));
}

TEST_CASE("Manifest recognises cosign signatures and OCI 1.1 SBOM artifacts", "[manifest]")
{
    auto sig = Manifest::parse(Minato::Test::readData(u"oci/manifest-cosign-signature.json"), MediaType::OciManifest);
    REQUIRE(sig.hasValue());
    CHECK(sig->isCosignSignature());
    CHECK_FALSE(sig->isSbom());
    CHECK_FALSE(sig->isNotationSignature());
    // cosign's .sig manifests use the image config type, so only the layers tell.
    CHECK(sig->config.mediaType == MediaType::OciConfig);
    CHECK(sig->config.size == 233);
    REQUIRE(sig->layers.size() == 1);
    const Descriptor &layer = sig->layers[0];
    CHECK(layer.mediaType == MediaType::CosignSimpleSigning);
    CHECK(layer.size == 243);
    CHECK(layer.digest.toString() ==
          digestString("sha256:8c24815dd241fe84a09c478b814e7c48774c817d6cf94b1ec0e3968317e047c3"));
    CHECK(layer.annotation(Annotation::CosignSignature).size() == 96);
    CHECK(layer.annotation(Annotation::CosignCertificate).startsWith(QStringLiteral("-----BEGIN CERTIFICATE-----")));
    CHECK(layer.annotation(Annotation::CosignChain).endsWith(QStringLiteral("-----END CERTIFICATE-----\n")));
    CHECK(layer.annotation(Annotation::CosignBundle).contains(QStringLiteral("\"logIndex\":94371126")));
    CHECK(sig->digest.toString() ==
          digestString("sha256:44e571bab3ba2020d2aefadb25913570e44d20bd942f104d73c9997cfc048e36"));

    auto sbom = Manifest::parse(Minato::Test::readData(u"oci/manifest-artifact-sbom.json"));
    REQUIRE(sbom.hasValue());
    CHECK(sbom->isArtifact());
    CHECK(sbom->isSbom());
    CHECK_FALSE(sbom->isCosignSignature());
    CHECK(sbom->artifactType == MediaType::Spdx);
    CHECK(sbom->effectiveArtifactType() == MediaType::Spdx);
    CHECK(sbom->config.mediaType == MediaType::OciEmpty);
    CHECK(sbom->config.size == 2);
    REQUIRE(sbom->config.data.has_value());
    CHECK(*sbom->config.data == QByteArray("{}"));
    REQUIRE(sbom->layers.size() == 1);
    CHECK(sbom->layers[0].annotation(Annotation::Title) == QStringLiteral("sbom.spdx.json"));
    REQUIRE(sbom->subject.has_value());
    CHECK(sbom->subject->mediaType == MediaType::OciManifest);
    CHECK(sbom->subject->size == 1330);
    CHECK(sbom->subject->digest.toString() ==
          digestString("sha256:d30332ecb959e41a2723ce1782bb11b6e9fcaec0f8ede3b6e52ccc4ebcd22f37"));
    CHECK(sbom->annotations.value(QStringLiteral("org.example.sbom.generator")) == QStringLiteral("syft 1.4.1"));
    CHECK(sbom->totalSize() == 2 + 48213);
    CHECK(sbom->digest.toString() ==
          digestString("sha256:c056ed0b10e798e71bf2ea2d9c07bc42d2a87ddc660bcf6d6d5b903a33271035"));

    // Without artifactType the config type stands in (distribution-spec "Listing Referrers").
    auto helm = Manifest::parse(
        R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","size":117,)"
        R"("digest":"sha256:0a25dec4246a82332dad8915e0f791bdb63d7864687600efb8de4084a13daa1c"},"layers":[)"
        R"({"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","size":3711,)"
        R"("digest":"sha256:aeda1cf680a6d1f2b91230970c31f80f85014c0371f9ceaf9b0bfd21e6905c21"}]})");
    REQUIRE(helm.hasValue());
    CHECK(helm->isArtifact());
    CHECK(helm->effectiveArtifactType() == MediaType::HelmChartConfig);
    CHECK_FALSE(helm->isSbom());
    CHECK(helm->mediaType.isEmpty());
    CHECK(helm->effectiveMediaType() == MediaType::OciManifest);

    auto notation = Manifest::parse(minimalOci(R"(,"artifactType":"application/vnd.cncf.notary.signature")"));
    REQUIRE(notation.hasValue());
    CHECK(notation->isNotationSignature());
    CHECK(notation->isArtifact());
}

TEST_CASE("Manifest digest is of the bytes received, never re-serialised", "[manifest]")
{
    const QByteArray compact = minimalOci();
    const QByteArray pretty = QJsonDocument::fromJson(compact).toJson(QJsonDocument::Indented);
    auto a = Manifest::parse(compact);
    auto b = Manifest::parse(pretty);
    REQUIRE(a.hasValue());
    REQUIRE(b.hasValue());
    CHECK(a->digest == Sha256Hasher::digestOf(compact));
    CHECK(b->digest == Sha256Hasher::digestOf(pretty));
    CHECK(a->digest != b->digest);
    CHECK(a->config == b->config);
    CHECK(a->layers == b->layers);
    CHECK(a->raw == compact);
    CHECK(b->raw == pretty);
    // Trailing whitespace is part of the content too.
    auto c = Manifest::parse(compact + "\n");
    REQUIRE(c.hasValue());
    CHECK(c->digest != a->digest);
}

TEST_CASE("Manifest round trips through toJson", "[manifest]")
{
    for (const char16_t *fixture :
         {u"oci/manifest-oci.json", u"oci/manifest-docker-v2.json", u"oci/manifest-docker-foreign.json",
          u"oci/manifest-cosign-signature.json", u"oci/manifest-artifact-sbom.json"}) {
        INFO(QString::fromUtf16(fixture).toStdString());
        const QByteArray bytes = Minato::Test::readData(QStringView(fixture));
        auto m = Manifest::parse(bytes);
        REQUIRE(m.hasValue());
        // Same JSON value as the original document.
        CHECK(m->toJsonObject() == QJsonDocument::fromJson(bytes).object());
        const QByteArray serialised = m->toJson();
        auto again = Manifest::parse(serialised);
        REQUIRE(again.hasValue());
        CHECK(again->config == m->config);
        CHECK(again->layers == m->layers);
        CHECK(again->subject == m->subject);
        CHECK(again->artifactType == m->artifactType);
        CHECK(again->annotations == m->annotations);
        CHECK(again->mediaType == m->mediaType);
        CHECK(again->raw == serialised);
        CHECK(again->digest == Sha256Hasher::digestOf(serialised));
    }

    // A manifest built in code.
    Manifest built;
    built.mediaType = MediaType::OciManifest.toString();
    built.config.mediaType = MediaType::OciEmpty.toString();
    built.config.digest = Sha256Hasher::digestOf("{}");
    built.config.size = 2;
    built.artifactType = QStringLiteral("application/vnd.example.thing");
    auto parsed = Manifest::parse(built.toJson());
    REQUIRE(parsed.hasValue());
    CHECK(parsed->config == built.config);
    CHECK(parsed->layers.isEmpty());
    CHECK(parsed->artifactType == built.artifactType);
}

TEST_CASE("Manifest rejects invalid documents naming the field", "[manifest]")
{
    const QByteArray base = minimalOci();
    struct Case
    {
        QString name;
        QByteArray bytes;
        QString contentType;
        QString field;
        QString reasonContains;
    };
    const Case cases[] = {
        {QStringLiteral("no schemaVersion"), withoutKey(base, "schemaVersion"), QString(),
         QStringLiteral("schemaVersion"), QStringLiteral("missing")},
        {QStringLiteral("schemaVersion 1"), withValue(base, "schemaVersion", 1), QString(),
         QStringLiteral("schemaVersion"), QStringLiteral("must be 2 for an image manifest, not 1 (schema 1")},
        {QStringLiteral("schemaVersion 3"), withValue(base, "schemaVersion", 3), QString(),
         QStringLiteral("schemaVersion"), QStringLiteral("not 3")},
        {QStringLiteral("schemaVersion string"), withValue(base, "schemaVersion", QStringLiteral("2")), QString(),
         QStringLiteral("schemaVersion"), QStringLiteral("must be an integer")},
        {QStringLiteral("schemaVersion 2.5"), withValue(base, "schemaVersion", 2.5), QString(),
         QStringLiteral("schemaVersion"), QStringLiteral("whole number")},
        {QStringLiteral("mediaType of an index"),
         withValue(base, "mediaType", QStringLiteral("application/vnd.oci.image.index.v1+json")), QString(),
         QStringLiteral("mediaType"), QStringLiteral("(OCI image index), not an image manifest media type")},
        {QStringLiteral("mediaType empty"), withValue(base, "mediaType", QString()), QString(),
         QStringLiteral("mediaType"), QStringLiteral("not an image manifest media type")},
        {QStringLiteral("mediaType number"), withValue(base, "mediaType", 1), QString(), QStringLiteral("mediaType"),
         QStringLiteral("must be a string")},
        {QStringLiteral("mediaType vs Content-Type"), base, MediaType::DockerManifest.toString(),
         QStringLiteral("mediaType"), QStringLiteral("but the Content-Type is")},
        {QStringLiteral("Content-Type of an index"), base, MediaType::OciIndex.toString(),
         QStringLiteral("Content-Type"),
         QStringLiteral("\"application/vnd.oci.image.index.v1+json\" is not an image manifest")},
        {QStringLiteral("Docker without mediaType"), withoutKey(base, "mediaType"),
         MediaType::DockerManifest.toString(), QStringLiteral("mediaType"),
         QStringLiteral("is required in a Docker image manifest (schema 2)")},
        {QStringLiteral("no config"), withoutKey(base, "config"), QString(), QStringLiteral("config"),
         QStringLiteral("missing")},
        {QStringLiteral("config array"), withValue(base, "config", QJsonArray()), QString(), QStringLiteral("config"),
         QStringLiteral("must be an object, not an array")},
        {QStringLiteral("config digest"), withValue(base, "config", jsonValue(descriptorJson("1", "sha256:xyz"))),
         QString(), QStringLiteral("config.digest"), QStringLiteral("hex characters")},
        {QStringLiteral("config negative size"), withValue(base, "config", jsonValue(descriptorJson("-5"))), QString(),
         QStringLiteral("config.size"), QStringLiteral("must not be negative (got -5)")},
        {QStringLiteral("layers object"), withValue(base, "layers", QJsonObject()), QString(), QStringLiteral("layers"),
         QStringLiteral("must be an array, not an object")},
        {QStringLiteral("layer not an object"),
         withValue(base, "layers", jsonValue("[" + descriptorJson("1") + ",\"x\"]")), QString(),
         QStringLiteral("layers[1]"), QStringLiteral("must be an object, not a string")},
        {QStringLiteral("layer bad digest"),
         withValue(base, "layers",
                   jsonValue("[" + descriptorJson("1") + "," + descriptorJson("1") + "," +
                             descriptorJson("1", "SHA256:B5B2") + "]")),
         QString(), QStringLiteral("layers[2].digest"), QStringLiteral("invalid character")},
        {QStringLiteral("layer size float"), withValue(base, "layers", jsonValue("[" + descriptorJson("1.5") + "]")),
         QString(), QStringLiteral("layers[0].size"), QStringLiteral("whole number")},
        {QStringLiteral("subject not descriptor"), withValue(base, "subject", jsonValue(R"({"mediaType":"a/b"})")),
         QString(), QStringLiteral("subject.digest"), QStringLiteral("missing")},
        {QStringLiteral("artifactType malformed"), withValue(base, "artifactType", QStringLiteral("sbom")), QString(),
         QStringLiteral("artifactType"), QStringLiteral("type/subtype")},
        {QStringLiteral("annotations value"), withValue(base, "annotations", jsonValue(R"({"a":"1","b":[]})")),
         QString(), QStringLiteral("annotations.b"), QStringLiteral("must be a string, not an array")},
        {QStringLiteral("not an object"), QByteArray("[]"), QString(), QString(),
         QStringLiteral("must be a JSON object")},
        {QStringLiteral("trailing garbage"), base + "garbage", QString(), QString(),
         QStringLiteral("unexpected data after the JSON value")},
        {QStringLiteral("truncated"), base.left(base.size() - 3), QString(), QString(),
         QStringLiteral("not valid JSON")},
        {QStringLiteral("deep nesting"), base.chopped(1) + ",\"x\":" + QByteArray(70, '[') + QByteArray(70, ']') + "}",
         QString(), QString(), QStringLiteral("deeper than 64 levels")},
        {QStringLiteral("empty"), QByteArray(), QString(), QString(), QStringLiteral("is empty")},
        {QStringLiteral("Content-Type of a blob"), base, MediaType::OciLayerTarGzip.toString(),
         QStringLiteral("Content-Type"), QStringLiteral("is not an image manifest media type")},
    };
    for (const Case &c : cases) {
        INFO(c.name.toStdString() << ": " << c.bytes.left(300).toStdString());
        auto m = Manifest::parse(c.bytes, c.contentType);
        REQUIRE_FALSE(m.hasValue());
        CHECK(m.error().field == c.field);
        INFO("reason: " << m.error().reason.toStdString());
        CHECK(m.error().reason.contains(c.reasonContains));
    }
}

TEST_CASE("Manifest media type rules with and without Content-Type", "[manifest]")
{
    const QByteArray base = minimalOci();
    const QByteArray noType = withoutKey(base, "mediaType");
    // Generic or empty Content-Types say nothing.
    for (const char16_t *generic :
         {u"", u"application/json", u"text/plain; charset=utf-8", u"application/octet-stream"}) {
        INFO(QString::fromUtf16(generic).toStdString());
        CHECK(Manifest::parse(base, QStringView(generic)).hasValue());
        CHECK(Manifest::parse(noType, QStringView(generic)).hasValue());
    }
    // OCI without mediaType is fine under the OCI Content-Type, and case/parameters don't matter.
    CHECK(Manifest::parse(noType, MediaType::OciManifest).hasValue());
    CHECK(Manifest::parse(base, u"Application/VND.OCI.Image.Manifest.v1+json; charset=utf-8").hasValue());
    // The mediaType field is kept as written.
    const QString upperType = QStringLiteral("application/VND.oci.image.manifest.v1+json");
    auto upper = Manifest::parse(withValue(base, "mediaType", upperType));
    REQUIRE(upper.hasValue());
    CHECK(upper->mediaType == upperType);
    CHECK_FALSE(upper->isDocker());
    // Docker manifest parsed with its Content-Type and without.
    const QByteArray docker = withValue(base, "mediaType", MediaType::DockerManifest.toString());
    CHECK(Manifest::parse(docker, MediaType::DockerManifest).hasValue());
    CHECK(Manifest::parse(docker).value().isDocker());
    // layers may be empty or missing (OCI 1.1 artifacts), null counts as missing.
    CHECK(Manifest::parse(withValue(base, "layers", QJsonArray())).value().layers.isEmpty());
    CHECK(Manifest::parse(withoutKey(base, "layers")).value().layers.isEmpty());
    CHECK(Manifest::parse(withValue(base, "layers", QJsonValue())).value().layers.isEmpty());
    // Unknown fields are ignored.
    CHECK(Manifest::parse(withValue(base, "x-vendor", QJsonObject{{QStringLiteral("a"), 1}})).hasValue());
}

TEST_CASE("Manifest enforces the 4 MiB limit", "[manifest]")
{
    REQUIRE(kMaxManifestBytes == 4 * 1024 * 1024);
    const QByteArray skeleton = minimalOci(R"(,"annotations":{"pad":""})");
    const qsizetype padding = kMaxManifestBytes - skeleton.size();
    const QByteArray exact = minimalOci(R"(,"annotations":{"pad":")" + QByteArray(padding, 'x') + "\"}");
    REQUIRE(exact.size() == kMaxManifestBytes);
    auto ok = Manifest::parse(exact);
    REQUIRE(ok.hasValue());
    CHECK(ok->annotations.value(QStringLiteral("pad")).size() == padding);

    const QByteArray over = exact + " ";
    REQUIRE(over.size() == kMaxManifestBytes + 1);
    auto tooBig = Manifest::parse(over);
    REQUIRE_FALSE(tooBig.hasValue());
    CHECK(tooBig.error().field.isEmpty());
    CHECK(tooBig.error().reason == QStringLiteral("the image manifest is 4194305 bytes, more than the limit of 4 MiB"));
    CHECK_FALSE(parseAnyManifest(over, MediaType::OciManifest).hasValue());
    CHECK_FALSE(parseAnyManifest(over, QString()).hasValue());
}

TEST_CASE("Manifest totalSize saturates instead of overflowing", "[manifest]")
{
    Manifest m;
    m.config.size = std::numeric_limits<qint64>::max() - 10;
    Descriptor layer;
    layer.size = 100;
    m.layers = {layer, layer};
    CHECK(m.totalSize() == std::numeric_limits<qint64>::max());
}

TEST_CASE("parseAnyManifest dispatches on Content-Type and sniffs generic bodies", "[manifest]")
{
    struct Case
    {
        const char16_t *fixture;
        QString contentType;
        size_t alternative; // 0 Manifest, 1 ImageIndex, 2 Schema1Manifest
        QString mediaType;
    };
    const QString none;
    const Case cases[] = {
        {u"oci/manifest-oci.json", MediaType::OciManifest.toString(), 0, MediaType::OciManifest.toString()},
        {u"oci/manifest-oci.json", none, 0, MediaType::OciManifest.toString()},
        {u"oci/manifest-oci.json", QStringLiteral("application/json"), 0, MediaType::OciManifest.toString()},
        {u"oci/manifest-docker-v2.json", QStringLiteral("text/plain; charset=utf-8"), 0,
         MediaType::DockerManifest.toString()},
        {u"oci/manifest-docker-v2.json", MediaType::DockerManifest.toString(), 0, MediaType::DockerManifest.toString()},
        {u"oci/manifest-artifact-sbom.json", QStringLiteral("application/octet-stream"), 0,
         MediaType::OciManifest.toString()},
        {u"oci/index-multiarch.json", MediaType::OciIndex.toString(), 1, MediaType::OciIndex.toString()},
        {u"oci/index-multiarch.json", none, 1, MediaType::OciIndex.toString()},
        {u"oci/index-docker-manifestlist.json", none, 1, MediaType::DockerManifestList.toString()},
        {u"oci/index-docker-manifestlist.json", MediaType::DockerManifestList.toString(), 1,
         MediaType::DockerManifestList.toString()},
        {u"oci/index-with-subject.json", QStringLiteral("application/json"), 1, MediaType::OciIndex.toString()},
        {u"oci/schema1-unsigned.json", none, 2, MediaType::DockerSchema1.toString()},
        {u"oci/schema1-unsigned.json", MediaType::DockerSchema1.toString(), 2, MediaType::DockerSchema1.toString()},
        {u"oci/schema1-signed.json", MediaType::DockerSchema1Signed.toString(), 2,
         MediaType::DockerSchema1Signed.toString()},
        {u"oci/schema1-signed.json", QStringLiteral("application/json"), 2, MediaType::DockerSchema1Signed.toString()},
    };
    for (const Case &c : cases) {
        INFO(QString::fromUtf16(c.fixture).toStdString() << " as " << c.contentType.toStdString());
        const QByteArray bytes = Minato::Test::readData(QStringView(c.fixture));
        auto any = parseAnyManifest(bytes, c.contentType);
        if (!any) {
            INFO("error: " << any.error().message().toStdString());
        }
        REQUIRE(any.hasValue());
        CHECK(any->index() == c.alternative);
        CHECK(mediaTypeOf(*any) == c.mediaType);
        CHECK(rawOf(*any) == bytes);
        if (c.alternative != 2) {
            CHECK(digestOf(*any) == Sha256Hasher::digestOf(bytes));
        } else {
            CHECK(digestOf(*any).isValid());
        }
    }

    // OCI documents without mediaType are sniffed by shape.
    const QByteArray manifestNoType = withoutKey(minimalOci(), "mediaType");
    CHECK(parseAnyManifest(manifestNoType, QString())->index() == 0);
    const QByteArray indexNoType = R"({"schemaVersion":2,"manifests":[]})";
    CHECK(parseAnyManifest(indexNoType, QString())->index() == 1);
    CHECK(parseAnyManifest(R"({"schemaVersion":2,"layers":[]})", QString()).error().field == QStringLiteral("config"));
}

TEST_CASE("parseAnyManifest errors", "[manifest]")
{
    // Content-Type decides when it is specific, even against the body.
    auto wrong = parseAnyManifest(Minato::Test::readData(u"oci/index-multiarch.json"), MediaType::OciManifest);
    REQUIRE_FALSE(wrong.hasValue());
    CHECK(wrong.error().field == QStringLiteral("mediaType"));
    auto blob = parseAnyManifest(minimalOci(), MediaType::OciConfig);
    REQUIRE_FALSE(blob.hasValue());
    CHECK(blob.error().reason.contains(QStringLiteral("is not a manifest media type")));
    auto vendor = parseAnyManifest(minimalOci(), u"application/vnd.example+json");
    REQUIRE_FALSE(vendor.hasValue());
    CHECK(vendor.error().field == QStringLiteral("Content-Type"));
    // Sniffing needs something to go on.
    auto shapeless = parseAnyManifest(R"({"schemaVersion":2})", QString());
    REQUIRE_FALSE(shapeless.hasValue());
    CHECK(shapeless.error().reason.contains(QStringLiteral("cannot tell which manifest format")));
    auto unknownType = parseAnyManifest(R"({"schemaVersion":2,"mediaType":"application/vnd.example+json"})", QString());
    REQUIRE_FALSE(unknownType.hasValue());
    CHECK(unknownType.error().field == QStringLiteral("mediaType"));
    // Garbage and limits apply before sniffing.
    CHECK(parseAnyManifest("not json", QString()).error().reason.contains(QStringLiteral("not valid JSON")));
    CHECK(parseAnyManifest("[]", u"application/json").error().reason.contains(QStringLiteral("JSON object")));
    CHECK(parseAnyManifest(QByteArray(200, '['), QString()).error().reason.contains(QStringLiteral("deeper")));
    // Schema 1 by shape, but broken: the schema 1 parser reports it.
    CHECK_FALSE(parseAnyManifest(R"({"schemaVersion":1})", QString()).hasValue());
}

TEST_CASE("Manifest: \"mediaType\": null is absent; errors quote input safely", "[manifest]")
{
    const QByteArray withNull = withValue(minimalOci(), "mediaType", QJsonValue(QJsonValue::Null));
    auto m = Manifest::parse(withNull);
    REQUIRE(m.hasValue());
    CHECK(m->mediaType.isEmpty());
    CHECK(m->effectiveMediaType() == MediaType::OciManifest);
    CHECK_FALSE(m->toJsonObject().contains(u"mediaType"));
    CHECK_FALSE(m->isDocker());
    auto docker = Manifest::parse(withNull, MediaType::DockerManifest);
    REQUIRE_FALSE(docker.hasValue());
    CHECK(docker.error().field == QStringLiteral("mediaType"));

    // A hostile artifactType (long, with control characters) is quoted short and escaped.
    const QString hostile = QStringLiteral("x\n\u202e") + QString(100000, u'y');
    auto bad = Manifest::parse(withValue(minimalOci(), "artifactType", hostile));
    REQUIRE_FALSE(bad.hasValue());
    CHECK(bad.error().field == QStringLiteral("artifactType"));
    CHECK(bad.error().reason.size() < 200);
    CHECK_FALSE(bad.error().reason.contains(u'\n'));
    CHECK_FALSE(bad.error().reason.contains(QChar(0x202e)));
    CHECK(bad.error().reason.contains(QStringLiteral("\\n\\u{202E}yyy")));

    auto badSubjectType =
        Manifest::parse(minimalOci(R"(,"subject":{"mediaType":"nope","size":1,"digest":")" + kDigest + R"("})"));
    REQUIRE_FALSE(badSubjectType.hasValue());
    CHECK(badSubjectType.error().field == QStringLiteral("subject.mediaType"));
    CHECK(badSubjectType.error().reason == QStringLiteral("\"nope\" is not a media type of the form type/subtype"));

    auto wrongType = parseAnyManifest(minimalOci(), QStringLiteral("text/html; x=\u0007"));
    REQUIRE_FALSE(wrongType.hasValue());
    CHECK(wrongType.error().field == QStringLiteral("Content-Type"));
    CHECK(wrongType.error().reason.contains(QStringLiteral("\\u{7}")));
}

TEST_CASE("One source for the document size limit and the shared JSON readers", "[manifest]")
{
    static_assert(kMaxManifestBytes == kMaxDocumentBytes);
    static_assert(Schema1Manifest::kMaxBytes == kMaxDocumentBytes);
    static_assert(Json::kDefaultMaxBytes == kMaxDocumentBytes);
    CHECK(kMaxDocumentBytes == 4 * 1024 * 1024);

    const QJsonObject obj = QJsonDocument::fromJson(R"({"a":"x","b":["y","z"],"c":null,"d":1,"t":"a/b"})").object();
    CHECK(*Json::optionalStrSlice(obj, u"a", u"") == QStringList{QStringLiteral("x")});
    CHECK(*Json::optionalStrSlice(obj, u"b", u"") == QStringList{QStringLiteral("y"), QStringLiteral("z")});
    CHECK(Json::optionalStrSlice(obj, u"c", u"")->isEmpty());
    CHECK(Json::optionalStrSlice(obj, u"d", u"p").error().field == QStringLiteral("p.d"));
    CHECK(*Json::requireMediaType(obj, u"t", u"") == QStringLiteral("a/b"));
    CHECK(Json::requireMediaType(obj, u"a", u"cfg").error().field == QStringLiteral("cfg.a"));
    CHECK_FALSE(Json::optionalMediaType(obj, u"c", u"")->has_value());
    CHECK(Json::optionalMediaType(obj, u"a", u"").error().reason ==
          QStringLiteral("\"x\" is not a media type of the form type/subtype"));
}
