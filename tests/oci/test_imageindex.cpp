#include "oci/imageindex.h"
#include "oci/mediatype.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Minato::Oci;

namespace {

Platform platform(const char *text)
{
    return Platform::parse(QString::fromLatin1(text)).value();
}

QByteArray indexWith(const QByteArray &manifestsJson, const QByteArray &extra = QByteArray())
{
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":)" + manifestsJson +
           extra + "}";
}

const QByteArray kEntry = R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","size":481,)"
                          R"("digest":"sha256:57aff7d4d0da63b6cdf2e0fb106862f6d2a12960ce62e2e4d313b46481b9d82d",)"
                          R"("platform":{"architecture":"arm64","os":"linux"}})";

} // namespace

TEST_CASE("ImageIndex parses the buildx multi-arch fixture exactly", "[imageindex]")
{
    const QByteArray bytes = Minato::Test::readData(u"oci/index-multiarch.json");
    auto index = ImageIndex::parse(bytes, MediaType::OciIndex);
    REQUIRE(index.hasValue());
    CHECK(index->schemaVersion == 2);
    CHECK(index->mediaType == MediaType::OciIndex);
    CHECK_FALSE(index->isDocker());
    CHECK(index->raw == bytes);
    CHECK(index->digest.toString() ==
          QStringLiteral("sha256:eaa21790158f3e4feec6f3330bb185b50d3b5d37128f61eee67b994533d259e3"));
    REQUIRE(index->manifests.size() == 6);
    CHECK(index->manifests[0].digest.toString() ==
          QStringLiteral("sha256:d30332ecb959e41a2723ce1782bb11b6e9fcaec0f8ede3b6e52ccc4ebcd22f37"));
    CHECK(index->manifests[0].size == 1330);
    CHECK(index->manifests[1].size == 481);
    CHECK(index->manifests[1].platform->variant == QStringLiteral("v8"));

    const QList<Descriptor> images = index->imageEntries();
    const QList<Descriptor> attestations = index->attestationEntries();
    REQUIRE(images.size() == 3);
    REQUIRE(attestations.size() == 3);
    CHECK(index->platforms() ==
          QList<Platform>{platform("linux/amd64"), platform("linux/arm64/v8"), platform("linux/arm/v7")});
    for (const Descriptor &a : attestations) {
        CHECK(a.platform->isUnknown());
        CHECK(a.isAttestationManifest());
        CHECK(a.size == 839);
        CHECK(ImageIndex::isAttestationEntry(a));
    }
    // Each image has its attestation, linked by vnd.docker.reference.digest.
    for (const Descriptor &image : images) {
        auto att = index->attestationFor(image.digest);
        REQUIRE(att.has_value());
        CHECK(att->annotation(Annotation::DockerReferenceDigest) == image.digest.toString());
    }
    CHECK(index->attestationFor(attestations[0].digest) == std::nullopt);

    // Platform lookup goes through Platform::matches.
    CHECK(index->findByPlatform(platform("linux/amd64"))->digest == index->manifests[0].digest);
    CHECK(index->findByPlatform(platform("linux/x86_64"))->digest == index->manifests[0].digest);
    CHECK(index->findByPlatform(platform("linux/arm64"))->digest == index->manifests[1].digest);
    CHECK(index->findByPlatform(platform("linux/aarch64"))->digest == index->manifests[1].digest);
    CHECK(index->findByPlatform(platform("linux/arm"))->digest == index->manifests[2].digest);
    CHECK(index->findByPlatform(platform("linux/armhf"))->digest == index->manifests[2].digest);
    CHECK_FALSE(index->findByPlatform(platform("linux/arm/v6")).has_value());
    CHECK_FALSE(index->findByPlatform(platform("linux/s390x")).has_value());
    CHECK_FALSE(index->findByPlatform(platform("unknown/unknown")).has_value());
}

TEST_CASE("ImageIndex parses the Docker manifest list fixture", "[imageindex]")
{
    const QByteArray bytes = Minato::Test::readData(u"oci/index-docker-manifestlist.json");
    auto list = ImageIndex::parse(bytes, MediaType::DockerManifestList);
    REQUIRE(list.hasValue());
    CHECK(list->isDocker());
    CHECK(list->mediaType == MediaType::DockerManifestList);
    CHECK(list->digest.toString() ==
          QStringLiteral("sha256:21d3fc7280276fc7657adfa82e90bc6f5ad1c708b878c4d333567b7c87c9cc91"));
    REQUIRE(list->manifests.size() == 8);
    CHECK(list->attestationEntries().isEmpty());
    QStringList names;
    for (const Platform &p : list->platforms()) {
        names.append(p.toString());
    }
    CHECK(names == QStringList{QStringLiteral("linux/amd64"), QStringLiteral("linux/arm/v5"),
                               QStringLiteral("linux/arm/v7"), QStringLiteral("linux/arm64/v8"),
                               QStringLiteral("linux/386"), QStringLiteral("linux/ppc64le"),
                               QStringLiteral("linux/s390x"), QStringLiteral("windows(10.0.17763.5329)/amd64")});
    for (const Descriptor &d : list->manifests) {
        CHECK(d.mediaType == MediaType::DockerManifest);
    }
    const Descriptor &windows = list->manifests[7];
    CHECK(windows.size == 2130);
    CHECK(windows.platform->osVersion == QStringLiteral("10.0.17763.5329"));
    CHECK(list->findByPlatform(platform("windows/amd64"))->digest == windows.digest);
    CHECK(list->findByPlatform(platform("linux/amd64"))->digest == list->manifests[0].digest);
    CHECK(list->findByPlatform(platform("linux/arm"))->digest == list->manifests[2].digest);
    CHECK(list->findByPlatform(platform("linux/arm/v5"))->digest == list->manifests[1].digest);
    CHECK(list->findByPlatform(platform("linux/i386"))->digest == list->manifests[4].digest);
}

TEST_CASE("ImageIndex with subject and artifactType", "[imageindex]")
{
    auto index = ImageIndex::parse(Minato::Test::readData(u"oci/index-with-subject.json"));
    REQUIRE(index.hasValue());
    CHECK(index->artifactType == QStringLiteral("application/vnd.example.sbom-bundle.v1"));
    REQUIRE(index->subject.has_value());
    CHECK(index->subject->mediaType == MediaType::OciIndex);
    CHECK(index->subject->size == 2408);
    CHECK(index->subject->digest.toString() ==
          QStringLiteral("sha256:eaa21790158f3e4feec6f3330bb185b50d3b5d37128f61eee67b994533d259e3"));
    REQUIRE(index->manifests.size() == 2);
    CHECK(index->manifests[0].artifactType == MediaType::Spdx);
    CHECK(index->manifests[1].artifactType == MediaType::CycloneDx);
    CHECK_FALSE(index->manifests[0].platform.has_value());
    CHECK(index->platforms().isEmpty());
    CHECK(index->imageEntries().size() == 2);
    CHECK(index->annotations.value(QStringLiteral("org.opencontainers.image.created")) ==
          QStringLiteral("2024-05-21T09:21:40Z"));
    CHECK(index->digest.toString() ==
          QStringLiteral("sha256:6a9e4fc934ed157b07c46177063fd894452ff0fc6808bd40308630b00b22ebfc"));
}

TEST_CASE("ImageIndex round trips through toJson", "[imageindex]")
{
    for (const char16_t *fixture :
         {u"oci/index-multiarch.json", u"oci/index-docker-manifestlist.json", u"oci/index-with-subject.json"}) {
        INFO(QString::fromUtf16(fixture).toStdString());
        const QByteArray bytes = Minato::Test::readData(QStringView(fixture));
        auto index = ImageIndex::parse(bytes);
        REQUIRE(index.hasValue());
        CHECK(index->toJsonObject() == QJsonDocument::fromJson(bytes).object());
        const QByteArray serialised = index->toJson();
        auto again = ImageIndex::parse(serialised);
        REQUIRE(again.hasValue());
        CHECK(again->manifests == index->manifests);
        CHECK(again->subject == index->subject);
        CHECK(again->artifactType == index->artifactType);
        CHECK(again->annotations == index->annotations);
        CHECK(again->mediaType == index->mediaType);
        // Different bytes, different digest: the digest always follows the bytes.
        CHECK(again->digest == Sha256Hasher::digestOf(serialised));
        CHECK(again->digest != index->digest);
    }
}

TEST_CASE("ImageIndex accepts the minimal and lenient forms", "[imageindex]")
{
    auto empty = ImageIndex::parse(R"({"schemaVersion":2,"manifests":[]})");
    REQUIRE(empty.hasValue());
    CHECK(empty->manifests.isEmpty());
    CHECK(empty->mediaType.isEmpty());
    CHECK(empty->effectiveMediaType() == MediaType::OciIndex);
    CHECK(empty->platforms().isEmpty());
    CHECK_FALSE(empty->findByPlatform(platform("linux/amd64")).has_value());

    // Entries without a platform never match; an entry with only the annotation is an attestation.
    auto index = ImageIndex::parse(
        indexWith("[" + kEntry +
                  R"(,{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,)"
                  R"("digest":"sha256:57aff7d4d0da63b6cdf2e0fb106862f6d2a12960ce62e2e4d313b46481b9d82d",)"
                  R"("annotations":{"vnd.docker.reference.type":"attestation-manifest"}}])"));
    REQUIRE(index.hasValue());
    CHECK(index->imageEntries().size() == 1);
    CHECK(index->attestationEntries().size() == 1);
    // Duplicated platforms are listed once.
    auto twice = ImageIndex::parse(indexWith("[" + kEntry + "," + kEntry + "]"));
    REQUIRE(twice.hasValue());
    CHECK(twice->platforms().size() == 1);
}

TEST_CASE("ImageIndex rejects invalid documents naming the field", "[imageindex]")
{
    struct Case
    {
        QString name;
        QByteArray bytes;
        QString contentType;
        QString field;
        QString reasonContains;
    };
    const Case cases[] = {
        {QStringLiteral("no manifests"), R"({"schemaVersion":2})", QString(), QStringLiteral("manifests"),
         QStringLiteral("missing")},
        {QStringLiteral("manifests object"), R"({"schemaVersion":2,"manifests":{}})", QString(),
         QStringLiteral("manifests"), QStringLiteral("must be an array")},
        {QStringLiteral("schemaVersion 1"), R"({"schemaVersion":1,"manifests":[]})", QString(),
         QStringLiteral("schemaVersion"), QStringLiteral("must be 2 for an image index, not 1")},
        {QStringLiteral("no schemaVersion"), R"({"manifests":[]})", QString(), QStringLiteral("schemaVersion"),
         QStringLiteral("missing")},
        {QStringLiteral("manifest mediaType"),
         R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","manifests":[]})", QString(),
         QStringLiteral("mediaType"), QStringLiteral("(OCI image manifest), not an image index media type")},
        {QStringLiteral("Docker list without mediaType"), R"({"schemaVersion":2,"manifests":[]})",
         MediaType::DockerManifestList.toString(), QStringLiteral("mediaType"),
         QStringLiteral("is required in a Docker manifest list")},
        {QStringLiteral("mediaType vs Content-Type"), indexWith("[]"), MediaType::DockerManifestList.toString(),
         QStringLiteral("mediaType"), QStringLiteral("but the Content-Type is")},
        {QStringLiteral("Content-Type of a manifest"), indexWith("[]"), MediaType::OciManifest.toString(),
         QStringLiteral("Content-Type"), QStringLiteral("is not an image index media type")},
        {QStringLiteral("entry not object"), indexWith("[" + kEntry + ",42]"), QString(),
         QStringLiteral("manifests[1]"), QStringLiteral("must be an object, not a number")},
        {QStringLiteral("entry bad digest"),
         indexWith(R"([{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,"digest":"sha256:00"}])"),
         QString(), QStringLiteral("manifests[0].digest"), QStringLiteral("64 hex characters, not 2")},
        {QStringLiteral("entry negative size"),
         indexWith(R"([{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":-1,)"
                   R"("digest":"sha256:57aff7d4d0da63b6cdf2e0fb106862f6d2a12960ce62e2e4d313b46481b9d82d"}])"),
         QString(), QStringLiteral("manifests[0].size"), QStringLiteral("negative")},
        {QStringLiteral("entry platform without os"),
         indexWith("[" + kEntry + "," + QByteArray(kEntry).replace(R"("os":"linux")", R"("variant":"v8")") + "]"),
         QString(), QStringLiteral("manifests[1].platform.os"), QStringLiteral("missing")},
        {QStringLiteral("entry platform os.version type"),
         indexWith("[" + QByteArray(kEntry).replace(R"("os":"linux")", R"("os":"windows","os.version":1)") + "]"),
         QString(), QStringLiteral("manifests[0].platform[\"os.version\"]"), QStringLiteral("must be a string")},
        {QStringLiteral("subject wrong type"), indexWith("[]", R"(,"subject":[])"), QString(),
         QStringLiteral("subject"), QStringLiteral("must be an object")},
        {QStringLiteral("subject bad size"),
         indexWith("[]", R"(,"subject":{"mediaType":"application/vnd.oci.image.index.v1+json","size":"1",)"
                         R"("digest":"sha256:57aff7d4d0da63b6cdf2e0fb106862f6d2a12960ce62e2e4d313b46481b9d82d"})"),
         QString(), QStringLiteral("subject.size"), QStringLiteral("must be an integer")},
        {QStringLiteral("artifactType"), indexWith("[]", R"(,"artifactType":"nope")"), QString(),
         QStringLiteral("artifactType"), QStringLiteral("type/subtype")},
        {QStringLiteral("annotations"), indexWith("[]", R"(,"annotations":{"k":1})"), QString(),
         QStringLiteral("annotations.k"), QStringLiteral("must be a string")},
        {QStringLiteral("trailing garbage"), indexWith("[]") + "]", QString(), QString(),
         QStringLiteral("unexpected data after the JSON value")},
        {QStringLiteral("array document"), "[" + indexWith("[]") + "]", QString(), QString(),
         QStringLiteral("must be a JSON object, not an array")},
        {QStringLiteral("nesting bomb"), indexWith("[]", ",\"x\":" + QByteArray(1000000, '[')), QString(), QString(),
         QStringLiteral("deeper than 64 levels")},
        {QStringLiteral("over 4 MiB"), indexWith("[]", ",\"x\":\"" + QByteArray(kMaxManifestBytes, 'x') + "\""),
         QString(), QString(), QStringLiteral("more than the limit of 4 MiB")},
    };
    for (const Case &c : cases) {
        INFO(c.name.toStdString() << ": " << c.bytes.left(300).toStdString());
        auto index = ImageIndex::parse(c.bytes, c.contentType);
        REQUIRE_FALSE(index.hasValue());
        CHECK(index.error().field == c.field);
        INFO("reason: " << index.error().reason.toStdString());
        CHECK(index.error().reason.contains(c.reasonContains));
    }
}

TEST_CASE("ImageIndex::findByPlatform picks the highest compatible variant", "[imageindex]")
{
    const auto entry = [](char digit, const char *arch, const char *variant) {
        QByteArray e = R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,"digest":"sha256:)" +
                       QByteArray(64, digit) + R"(","platform":{"os":"linux","architecture":")" + arch + '"';
        if (*variant) {
            e += QByteArrayLiteral(R"(,"variant":")") + variant + '"';
        }
        return e + "}}";
    };
    const QByteArray entries = '[' + entry('1', "arm", "v5") + ',' + entry('2', "arm", "v7") + ',' +
                               entry('3', "arm", "v6") + ',' + entry('4', "amd64", "") + ',' +
                               entry('5', "amd64", "v2") + ']';
    auto index = ImageIndex::parse(indexWith(entries));
    REQUIRE(index.hasValue());
    const auto digestOf = [&](const char *wanted) {
        const auto found = index->findByPlatform(platform(wanted));
        return found ? found->digest.hex().left(1) : QString();
    };
    CHECK(digestOf("linux/arm/v8") == QStringLiteral("2"));
    CHECK(digestOf("linux/arm/v7") == QStringLiteral("2"));
    CHECK(digestOf("linux/arm") == QStringLiteral("2"));
    CHECK(digestOf("linux/arm/v6") == QStringLiteral("3"));
    CHECK(digestOf("linux/arm/v5") == QStringLiteral("1"));
    CHECK(digestOf("linux/amd64/v3") == QStringLiteral("5"));
    CHECK(digestOf("linux/amd64") == QStringLiteral("4"));
    CHECK(digestOf("linux/arm64").isEmpty());

    // Windows: the entry of the wanted build, preferring the exact os.version.
    const QByteArray win = R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,"digest":"sha256:)";
    const QByteArray winEntries =
        '[' + win + QByteArray(64, 'a') +
        R"(","platform":{"os":"windows","architecture":"amd64","os.version":"10.0.20348.2402"}},)" + win +
        QByteArray(64, 'b') +
        R"(","platform":{"os":"windows","architecture":"amd64","os.version":"10.0.17763.5329"}},)" + win +
        QByteArray(64, 'c') +
        R"(","platform":{"os":"windows","architecture":"amd64","os.version":"10.0.17763.6000"}}])";
    auto windows = ImageIndex::parse(indexWith(winEntries));
    REQUIRE(windows.hasValue());
    CHECK(windows->findByPlatform(platform("windows(10.0.17763)/amd64"))->digest.hex().left(1) == QStringLiteral("b"));
    CHECK(windows->findByPlatform(platform("windows(10.0.17763.6000)/amd64"))->digest.hex().left(1) ==
          QStringLiteral("c"));
    CHECK_FALSE(windows->findByPlatform(platform("windows(10.0.19041)/amd64")));
}

TEST_CASE("ImageIndex: \"mediaType\": null is absent; a wrong Content-Type names the field", "[imageindex]")
{
    const QByteArray withNull = R"({"schemaVersion":2,"mediaType":null,"manifests":[]})";
    auto index = ImageIndex::parse(withNull);
    REQUIRE(index.hasValue());
    CHECK(index->mediaType.isEmpty());
    CHECK(index->effectiveMediaType() == MediaType::OciIndex);
    CHECK_FALSE(index->toJsonObject().contains(u"mediaType"));
    // With a Docker Content-Type, a null mediaType is missing (Docker requires it).
    auto docker = ImageIndex::parse(withNull, MediaType::DockerManifestList);
    REQUIRE_FALSE(docker.hasValue());
    CHECK(docker.error().field == QStringLiteral("mediaType"));

    auto wrong = ImageIndex::parse(withNull, QStringLiteral("application/vnd.example\n+json"));
    REQUIRE_FALSE(wrong.hasValue());
    CHECK(wrong.error().field == QStringLiteral("Content-Type"));
    CHECK_FALSE(wrong.error().reason.contains(u'\n'));
    CHECK(wrong.error().message().startsWith(QStringLiteral("Content-Type: ")));
}
