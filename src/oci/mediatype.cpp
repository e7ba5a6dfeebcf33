#include "mediatype.h"

namespace Minato::Oci::MediaType {

namespace {

bool isRestrictedNameFirst(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
}

bool isRestrictedNameChar(QChar c)
{
    static constexpr char16_t extra[] = u"!#$&-^_.+";
    if (isRestrictedNameFirst(c)) {
        return true;
    }
    for (char16_t e : extra) {
        if (e != 0 && c == QChar(e)) {
            return true;
        }
    }
    return false;
}

// restricted-name = restricted-name-first *126restricted-name-chars (RFC 6838 §4.2)
bool isRestrictedName(QStringView name)
{
    if (name.isEmpty() || name.size() > 127 || !isRestrictedNameFirst(name.front())) {
        return false;
    }
    for (QChar c : name) {
        if (!isRestrictedNameChar(c)) {
            return false;
        }
    }
    return true;
}

bool in(const QString &essenceText, std::initializer_list<QStringView> list)
{
    for (QStringView candidate : list) {
        if (essenceText == candidate) {
            return true;
        }
    }
    return false;
}

} // namespace

QString essence(QStringView mediaType)
{
    const qsizetype semicolon = mediaType.indexOf(u';');
    const QStringView head = semicolon >= 0 ? mediaType.first(semicolon) : mediaType;
    return head.trimmed().toString().toLower();
}

bool equals(QStringView a, QStringView b)
{
    return essence(a) == essence(b);
}

bool isWellFormed(QStringView mediaType)
{
    const qsizetype semicolon = mediaType.indexOf(u';');
    const QStringView head = semicolon >= 0 ? mediaType.first(semicolon) : mediaType;
    const qsizetype slash = head.indexOf(u'/');
    if (slash < 0) {
        return false;
    }
    return isRestrictedName(head.first(slash)) && isRestrictedName(head.sliced(slash + 1));
}

Kind kindOf(QStringView mediaType)
{
    const QString e = essence(mediaType);
    if (in(e, {OciIndex, DockerManifestList})) {
        return Kind::Index;
    }
    if (in(e, {OciManifest, DockerManifest})) {
        return Kind::ImageManifest;
    }
    if (in(e, {DockerSchema1Signed, DockerSchema1})) {
        return Kind::Schema1Manifest;
    }
    if (in(e, {OciConfig, DockerConfig})) {
        return Kind::Config;
    }
    if (e == OciEmpty) {
        return Kind::Empty;
    }
    if (in(e, {OciLayerTar, OciLayerTarGzip, OciLayerTarZstd, OciLayerNondistributableTar,
               OciLayerNondistributableTarGzip, OciLayerNondistributableTarZstd, DockerLayerTar, DockerLayerTarGzip,
               DockerLayerTarZstd, DockerForeignLayerTar, DockerForeignLayerTarGzip})) {
        return Kind::Layer;
    }
    return Kind::Unknown;
}

bool isManifest(QStringView mediaType)
{
    const Kind k = kindOf(mediaType);
    return k == Kind::Index || k == Kind::ImageManifest || k == Kind::Schema1Manifest;
}

bool isIndex(QStringView mediaType)
{
    return kindOf(mediaType) == Kind::Index;
}

bool isImageManifest(QStringView mediaType)
{
    return kindOf(mediaType) == Kind::ImageManifest;
}

bool isSchema1(QStringView mediaType)
{
    return kindOf(mediaType) == Kind::Schema1Manifest;
}

bool isConfig(QStringView mediaType)
{
    return kindOf(mediaType) == Kind::Config;
}

bool isLayer(QStringView mediaType)
{
    return kindOf(mediaType) == Kind::Layer;
}

bool isNonDistributable(QStringView mediaType)
{
    return in(essence(mediaType), {OciLayerNondistributableTar, OciLayerNondistributableTarGzip,
                                   OciLayerNondistributableTarZstd, DockerForeignLayerTar, DockerForeignLayerTarGzip});
}

bool isEmpty(QStringView mediaType)
{
    return kindOf(mediaType) == Kind::Empty;
}

bool isDocker(QStringView mediaType)
{
    return essence(mediaType).startsWith(QStringView(u"application/vnd.docker."));
}

bool isOci(QStringView mediaType)
{
    return essence(mediaType).startsWith(QStringView(u"application/vnd.oci."));
}

Compression compressionOf(QStringView mediaType)
{
    const QString e = essence(mediaType);
    const auto endsWith = [&e](const char16_t *suffix) { return e.endsWith(QStringView(suffix)); };
    if (endsWith(u"+gzip") || endsWith(u".gzip")) {
        return Compression::Gzip;
    }
    if (endsWith(u"+zstd") || endsWith(u".zstd")) {
        return Compression::Zstd;
    }
    if (endsWith(u".tar") || endsWith(u"+tar")) {
        return Compression::None;
    }
    return Compression::Unknown;
}

bool isGeneric(QStringView contentType)
{
    const QString e = essence(contentType);
    return e.isEmpty() || in(e, {QStringView(u"application/json"), QStringView(u"text/plain"),
                                 QStringView(u"application/octet-stream"), QStringView(u"binary/octet-stream")});
}

QString displayName(QStringView mediaType)
{
    struct Name
    {
        QStringView type;
        const char *name;
    };
    static constexpr Name names[] = {
        {OciIndex, "OCI image index"},
        {OciManifest, "OCI image manifest"},
        {OciConfig, "OCI image config"},
        {OciEmpty, "Empty (OCI)"},
        {OciLayerTar, "Layer (tar)"},
        {OciLayerTarGzip, "Layer (tar+gzip)"},
        {OciLayerTarZstd, "Layer (tar+zstd)"},
        {OciLayerNondistributableTar, "Non-distributable layer (tar)"},
        {OciLayerNondistributableTarGzip, "Non-distributable layer (tar+gzip)"},
        {OciLayerNondistributableTarZstd, "Non-distributable layer (tar+zstd)"},
        {DockerManifestList, "Docker manifest list"},
        {DockerManifest, "Docker image manifest (schema 2)"},
        {DockerConfig, "Docker image config"},
        {DockerPluginConfig, "Docker plugin config"},
        {DockerLayerTar, "Docker layer (tar)"},
        {DockerLayerTarGzip, "Docker layer (tar.gzip)"},
        {DockerLayerTarZstd, "Docker layer (tar.zstd)"},
        {DockerForeignLayerTar, "Docker foreign layer (tar)"},
        {DockerForeignLayerTarGzip, "Docker foreign layer (tar.gzip)"},
        {DockerSchema1Signed, "Docker manifest (schema 1, signed)"},
        {DockerSchema1, "Docker manifest (schema 1)"},
        {CosignSimpleSigning, "Cosign signature"},
        {CosignArtifactSignature, "Cosign signature"},
        {CosignArtifactSbom, "Cosign SBOM"},
        {SigstoreBundle, "Sigstore bundle"},
        {InToto, "in-toto attestation"},
        {DsseEnvelope, "DSSE envelope"},
        {Spdx, "SPDX SBOM"},
        {CycloneDx, "CycloneDX SBOM"},
        {HelmChartConfig, "Helm chart config"},
        {HelmChartContent, "Helm chart"},
        {HelmChartProvenance, "Helm chart provenance"},
        {NotationSignature, "Notary Project signature"},
    };
    QString e = essence(mediaType);
    for (const Name &n : names) {
        if (e == n.type) {
            return QString::fromLatin1(n.name);
        }
    }
    return e;
}

QStringList manifestAcceptList()
{
    return {OciIndex.toString(),       OciManifest.toString(),         DockerManifestList.toString(),
            DockerManifest.toString(), DockerSchema1Signed.toString(), DockerSchema1.toString()};
}

QString manifestAcceptHeader()
{
    return manifestAcceptList().join(QStringLiteral(", "));
}

} // namespace Minato::Oci::MediaType
