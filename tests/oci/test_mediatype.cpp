#include "oci/mediatype.h"

#include "testsupport.h"

namespace MediaType = Minato::Oci::MediaType;
using MediaType::Compression;
using MediaType::Kind;

TEST_CASE("MediaType essence ignores case, whitespace and parameters", "[mediatype]")
{
    CHECK(MediaType::essence(u"application/vnd.oci.image.manifest.v1+json") ==
          QStringLiteral("application/vnd.oci.image.manifest.v1+json"));
    CHECK(MediaType::essence(u"  Application/VND.OCI.Image.Manifest.v1+JSON ; charset=utf-8") ==
          QStringLiteral("application/vnd.oci.image.manifest.v1+json"));
    CHECK(MediaType::essence(u"") == QString());
    CHECK(MediaType::equals(u"application/json; charset=utf-8", u"APPLICATION/JSON"));
    CHECK_FALSE(MediaType::equals(u"application/json", u"application/jsonx"));
    CHECK(MediaType::isIndex(u"application/vnd.oci.image.index.v1+json;charset=utf-8"));
    CHECK(MediaType::isImageManifest(u"Application/Vnd.Docker.Distribution.Manifest.V2+Json"));
}

TEST_CASE("MediaType classifies every known type", "[mediatype]")
{
    struct Case
    {
        QStringView type;
        Kind kind;
        Compression compression;
        bool nonDistributable;
        bool docker;
        bool oci;
    };
    const Case cases[] = {
        {MediaType::OciIndex, Kind::Index, Compression::Unknown, false, false, true},
        {MediaType::OciManifest, Kind::ImageManifest, Compression::Unknown, false, false, true},
        {MediaType::OciConfig, Kind::Config, Compression::Unknown, false, false, true},
        {MediaType::OciEmpty, Kind::Empty, Compression::Unknown, false, false, true},
        {MediaType::OciLayerTar, Kind::Layer, Compression::None, false, false, true},
        {MediaType::OciLayerTarGzip, Kind::Layer, Compression::Gzip, false, false, true},
        {MediaType::OciLayerTarZstd, Kind::Layer, Compression::Zstd, false, false, true},
        {MediaType::OciLayerNondistributableTar, Kind::Layer, Compression::None, true, false, true},
        {MediaType::OciLayerNondistributableTarGzip, Kind::Layer, Compression::Gzip, true, false, true},
        {MediaType::OciLayerNondistributableTarZstd, Kind::Layer, Compression::Zstd, true, false, true},
        {MediaType::DockerManifestList, Kind::Index, Compression::Unknown, false, true, false},
        {MediaType::DockerManifest, Kind::ImageManifest, Compression::Unknown, false, true, false},
        {MediaType::DockerConfig, Kind::Config, Compression::Unknown, false, true, false},
        {MediaType::DockerPluginConfig, Kind::Unknown, Compression::Unknown, false, true, false},
        {MediaType::DockerLayerTarGzip, Kind::Layer, Compression::Gzip, false, true, false},
        {MediaType::DockerLayerTar, Kind::Layer, Compression::None, false, true, false},
        {MediaType::DockerLayerTarZstd, Kind::Layer, Compression::Zstd, false, true, false},
        {MediaType::DockerForeignLayerTarGzip, Kind::Layer, Compression::Gzip, true, true, false},
        {MediaType::DockerForeignLayerTar, Kind::Layer, Compression::None, true, true, false},
        {MediaType::DockerSchema1Signed, Kind::Schema1Manifest, Compression::Unknown, false, true, false},
        {MediaType::DockerSchema1, Kind::Schema1Manifest, Compression::Unknown, false, true, false},
        {MediaType::CosignSimpleSigning, Kind::Unknown, Compression::Unknown, false, false, false},
        {MediaType::InToto, Kind::Unknown, Compression::Unknown, false, false, false},
        {MediaType::Spdx, Kind::Unknown, Compression::Unknown, false, false, false},
        {MediaType::CycloneDx, Kind::Unknown, Compression::Unknown, false, false, false},
        {MediaType::HelmChartConfig, Kind::Unknown, Compression::Unknown, false, false, false},
        {MediaType::HelmChartContent, Kind::Unknown, Compression::Gzip, false, false, false},
        {MediaType::NotationSignature, Kind::Unknown, Compression::Unknown, false, false, false},
        {u"application/octet-stream", Kind::Unknown, Compression::Unknown, false, false, false},
        {u"", Kind::Unknown, Compression::Unknown, false, false, false},
    };
    for (const Case &c : cases) {
        INFO("type: " << c.type.toString().toStdString());
        CHECK(MediaType::kindOf(c.type) == c.kind);
        CHECK(MediaType::compressionOf(c.type) == c.compression);
        CHECK(MediaType::isNonDistributable(c.type) == c.nonDistributable);
        CHECK(MediaType::isForeignLayer(c.type) == c.nonDistributable);
        CHECK(MediaType::isDocker(c.type) == c.docker);
        CHECK(MediaType::isOci(c.type) == c.oci);
        CHECK(MediaType::isIndex(c.type) == (c.kind == Kind::Index));
        CHECK(MediaType::isImageManifest(c.type) == (c.kind == Kind::ImageManifest));
        CHECK(MediaType::isSchema1(c.type) == (c.kind == Kind::Schema1Manifest));
        CHECK(MediaType::isConfig(c.type) == (c.kind == Kind::Config));
        CHECK(MediaType::isLayer(c.type) == (c.kind == Kind::Layer));
        CHECK(MediaType::isEmpty(c.type) == (c.kind == Kind::Empty));
        CHECK(MediaType::isManifest(c.type) ==
              (c.kind == Kind::Index || c.kind == Kind::ImageManifest || c.kind == Kind::Schema1Manifest));
        if (!c.type.isEmpty()) {
            CHECK(MediaType::isWellFormed(c.type));
        }
    }
}

TEST_CASE("MediaType isWellFormed follows RFC 6838 restricted names", "[mediatype]")
{
    CHECK(MediaType::isWellFormed(u"application/vnd.oci.image.manifest.v1+json"));
    CHECK(MediaType::isWellFormed(u"text/plain; charset=utf-8"));
    CHECK(MediaType::isWellFormed(u"application/vnd.example!#$&-^_.+"));
    CHECK(MediaType::isWellFormed(QStringLiteral("a/") + QString(127, u'b')));
    CHECK_FALSE(MediaType::isWellFormed(QStringLiteral("a/") + QString(128, u'b')));
    CHECK_FALSE(MediaType::isWellFormed(u""));
    CHECK_FALSE(MediaType::isWellFormed(u"application"));
    CHECK_FALSE(MediaType::isWellFormed(u"application/"));
    CHECK_FALSE(MediaType::isWellFormed(u"/json"));
    CHECK_FALSE(MediaType::isWellFormed(u"application/json/x"));
    CHECK_FALSE(MediaType::isWellFormed(u"application/+json"));
    CHECK_FALSE(MediaType::isWellFormed(u"appli cation/json"));
    CHECK_FALSE(MediaType::isWellFormed(u"application/j\u00e9son"));
}

TEST_CASE("MediaType generic content types and display names", "[mediatype]")
{
    for (QStringView generic : {QStringView(), QStringView(u"application/json"), QStringView(u"text/plain"),
                                QStringView(u"text/plain; charset=utf-8"), QStringView(u"application/octet-stream"),
                                QStringView(u"binary/octet-stream"), QStringView(u"  ")}) {
        INFO(generic.toString().toStdString());
        CHECK(MediaType::isGeneric(generic));
    }
    CHECK_FALSE(MediaType::isGeneric(MediaType::OciManifest));
    CHECK_FALSE(MediaType::isGeneric(u"application/vnd.example+json"));

    CHECK(MediaType::displayName(MediaType::OciIndex) == QStringLiteral("OCI image index"));
    CHECK(MediaType::displayName(u"APPLICATION/VND.DOCKER.DISTRIBUTION.MANIFEST.LIST.V2+JSON") ==
          QStringLiteral("Docker manifest list"));
    CHECK(MediaType::displayName(MediaType::CosignSimpleSigning) == QStringLiteral("Cosign signature"));
    CHECK(MediaType::displayName(u"Application/X-Unknown; a=b") == QStringLiteral("application/x-unknown"));
}

TEST_CASE("MediaType manifest Accept header lists every manifest format", "[mediatype]")
{
    const QStringList list = MediaType::manifestAcceptList();
    REQUIRE(list.size() == 6);
    CHECK(list[0] == MediaType::OciIndex);
    CHECK(list[1] == MediaType::OciManifest);
    CHECK(list[2] == MediaType::DockerManifestList);
    CHECK(list[3] == MediaType::DockerManifest);
    CHECK(list[4] == MediaType::DockerSchema1Signed);
    CHECK(list[5] == MediaType::DockerSchema1);
    for (const QString &type : list) {
        CHECK(MediaType::isManifest(type));
    }
    CHECK(MediaType::manifestAcceptHeader() ==
          QStringLiteral("application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
                         "application/vnd.docker.distribution.manifest.list.v2+json, "
                         "application/vnd.docker.distribution.manifest.v2+json, "
                         "application/vnd.docker.distribution.manifest.v1+prettyjws, "
                         "application/vnd.docker.distribution.manifest.v1+json"));
}
