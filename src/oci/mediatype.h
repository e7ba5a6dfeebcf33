#pragma once

// MediaType: the media type strings of OCI and Docker content, and how to classify them.
//
//   if (MediaType::isIndex(reply.contentType)) { … }               // OCI index or Docker manifest list
//   MediaType::kindOf(u"application/vnd.oci.image.manifest.v1+json") == MediaType::Kind::ImageManifest;
//   MediaType::compressionOf(layer.mediaType) == MediaType::Compression::Zstd;
//   request.setRawHeader("Accept", MediaType::manifestAcceptHeader().toLatin1());
//
// Comparison rules (RFC 6838 §4.2 and RFC 9110 §8.3.1): type and subtype are case-insensitive and the
// parameters after ';' do not change what the content is, so every function here compares the essence —
// trimmed, lowercased, parameters dropped: "Application/VND.OCI.Image.Manifest.v1+JSON; charset=utf-8" is
// an OCI image manifest. Use essence() before storing a type taken from an HTTP header.

#include <QString>
#include <QStringList>
#include <QStringView>

namespace Minato::Oci::MediaType {

// ---- OCI image-spec (media-types.md) ----------------------------------------------------------------
inline constexpr QStringView OciDescriptor{u"application/vnd.oci.descriptor.v1+json"};
inline constexpr QStringView OciLayoutHeader{u"application/vnd.oci.layout.header.v1+json"};
inline constexpr QStringView OciIndex{u"application/vnd.oci.image.index.v1+json"};
inline constexpr QStringView OciManifest{u"application/vnd.oci.image.manifest.v1+json"};
inline constexpr QStringView OciConfig{u"application/vnd.oci.image.config.v1+json"};
// The empty descriptor's type (manifest.md "Guidance for an Empty Descriptor"): the 2-byte blob "{}".
inline constexpr QStringView OciEmpty{u"application/vnd.oci.empty.v1+json"};
inline constexpr QStringView OciLayerTar{u"application/vnd.oci.image.layer.v1.tar"};
inline constexpr QStringView OciLayerTarGzip{u"application/vnd.oci.image.layer.v1.tar+gzip"};
inline constexpr QStringView OciLayerTarZstd{u"application/vnd.oci.image.layer.v1.tar+zstd"};
// Non-distributable layers (layer.md; deprecated in image-spec 1.1 but still found in Windows images).
inline constexpr QStringView OciLayerNondistributableTar{u"application/vnd.oci.image.layer.nondistributable.v1.tar"};
inline constexpr QStringView OciLayerNondistributableTarGzip{
    u"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"};
inline constexpr QStringView OciLayerNondistributableTarZstd{
    u"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"};

// ---- Docker (distribution docs/spec/manifest-v2-2.md, manifest-v2-1.md) -------------------------------
inline constexpr QStringView DockerManifestList{u"application/vnd.docker.distribution.manifest.list.v2+json"};
inline constexpr QStringView DockerManifest{u"application/vnd.docker.distribution.manifest.v2+json"};
inline constexpr QStringView DockerConfig{u"application/vnd.docker.container.image.v1+json"};
inline constexpr QStringView DockerPluginConfig{u"application/vnd.docker.plugin.v1+json"};
inline constexpr QStringView DockerLayerTarGzip{u"application/vnd.docker.image.rootfs.diff.tar.gzip"};
inline constexpr QStringView DockerForeignLayerTarGzip{u"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"};
// Not in the Docker spec but written by containerd/buildkit for uncompressed and zstd Docker layers.
inline constexpr QStringView DockerLayerTar{u"application/vnd.docker.image.rootfs.diff.tar"};
inline constexpr QStringView DockerLayerTarZstd{u"application/vnd.docker.image.rootfs.diff.tar.zstd"};
inline constexpr QStringView DockerForeignLayerTar{u"application/vnd.docker.image.rootfs.foreign.diff.tar"};
// Schema 1 (read-only legacy): signed (JWS) and unsigned.
inline constexpr QStringView DockerSchema1Signed{u"application/vnd.docker.distribution.manifest.v1+prettyjws"};
inline constexpr QStringView DockerSchema1{u"application/vnd.docker.distribution.manifest.v1+json"};

// ---- Common artifacts ---------------------------------------------------------------------------------
inline constexpr QStringView CosignSimpleSigning{u"application/vnd.dev.cosign.simplesigning.v1+json"};
inline constexpr QStringView CosignArtifactSignature{u"application/vnd.dev.cosign.artifact.sig.v1+json"};
inline constexpr QStringView CosignArtifactSbom{u"application/vnd.dev.cosign.artifact.sbom.v1+json"};
inline constexpr QStringView SigstoreBundle{u"application/vnd.dev.sigstore.bundle.v0.3+json"};
inline constexpr QStringView InToto{u"application/vnd.in-toto+json"};
inline constexpr QStringView DsseEnvelope{u"application/vnd.dsse.envelope.v1+json"};
inline constexpr QStringView Spdx{u"application/spdx+json"};
inline constexpr QStringView CycloneDx{u"application/vnd.cyclonedx+json"};
inline constexpr QStringView HelmChartConfig{u"application/vnd.cncf.helm.config.v1+json"};
inline constexpr QStringView HelmChartContent{u"application/vnd.cncf.helm.chart.content.v1.tar+gzip"};
inline constexpr QStringView HelmChartProvenance{u"application/vnd.cncf.helm.chart.provenance.v1.prov"};
// Notary Project: artifactType of a signature manifest, and its envelope layer types.
inline constexpr QStringView NotationSignature{u"application/vnd.cncf.notary.signature"};
inline constexpr QStringView NotationEnvelopeJws{u"application/jose+json"};
inline constexpr QStringView NotationEnvelopeCose{u"application/cose"};

// ---- Classification -----------------------------------------------------------------------------------

enum class Kind {
    Unknown,         // anything else: artifact blobs, attestations, …
    Index,           // OCI image index, Docker manifest list
    ImageManifest,   // OCI image manifest, Docker schema 2 manifest
    Schema1Manifest, // Docker schema 1, signed or not
    Config,          // OCI or Docker image config (not artifact configs)
    Layer,           // OCI or Docker filesystem layer, including non-distributable/foreign
    Empty,           // application/vnd.oci.empty.v1+json
};

enum class Compression { None, Gzip, Zstd, Unknown };

// Trimmed, lowercased type/subtype without parameters: "Application/JSON; charset=utf-8" → "application/json".
QString essence(QStringView mediaType);
// Same essence (see the comparison rules above).
bool equals(QStringView a, QStringView b);
// RFC 6838 §4.2 grammar of type "/" subtype (restricted-name: a letter or digit, then up to 126 of
// letters, digits and !#$&-^_.+); parameters after ';' are not checked. The image-spec requires descriptor
// mediaType and artifactType values to comply (descriptor.md "Properties").
bool isWellFormed(QStringView mediaType);

Kind kindOf(QStringView mediaType);
// Anything served by /v2/<name>/manifests/: image manifests, indexes and schema 1.
bool isManifest(QStringView mediaType);
bool isIndex(QStringView mediaType);
bool isImageManifest(QStringView mediaType);
bool isSchema1(QStringView mediaType);
bool isConfig(QStringView mediaType);
bool isLayer(QStringView mediaType);
// A layer a registry may refuse to store, fetched from descriptor urls instead: Docker "foreign" layers and
// OCI "nondistributable" layers. The two names are the same thing in each vocabulary.
bool isNonDistributable(QStringView mediaType);
inline bool isForeignLayer(QStringView mediaType)
{
    return isNonDistributable(mediaType);
}
bool isEmpty(QStringView mediaType);
// Docker vocabulary (application/vnd.docker.*) vs OCI vocabulary (application/vnd.oci.*).
bool isDocker(QStringView mediaType);
bool isOci(QStringView mediaType);
// Compression implied by a layer-like type: ".tar"/"+tar" → None, "+gzip"/".gzip" → Gzip, "+zstd"/".zstd" →
// Zstd; anything else (JSON, unknown blobs) → Unknown.
Compression compressionOf(QStringView mediaType);
// A Content-Type that says nothing about which manifest format the body is: empty, application/json,
// text/plain, application/octet-stream, binary/octet-stream. Callers then sniff the JSON.
bool isGeneric(QStringView contentType);
// A short human name for the UI: "OCI image index", "Docker manifest list", "Cosign signature", … or the
// essence itself when the type is not known.
QString displayName(QStringView mediaType);

// The manifest types a client accepts, most preferred first: OCI index, OCI manifest, Docker manifest list,
// Docker schema 2, Docker schema 1 signed and unsigned. Without them in Accept, registries fall back to
// schema 1 or answer 404 for OCI content (distribution-spec "Pulling manifests"; see PLATFORM.md).
QStringList manifestAcceptList();
// The same, joined with ", " for an Accept header.
QString manifestAcceptHeader();

} // namespace Minato::Oci::MediaType
