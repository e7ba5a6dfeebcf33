#pragma once

// Descriptor: a typed, sized, content-addressed reference to a blob or manifest (image-spec descriptor.md).
//
//   auto d = Descriptor::fromJson(obj, u"layers[2]");   // Expected<Descriptor>; errors "layers[2].digest: …"
//   d->mediaType; d->digest; d->size; d->urls; d->annotations; d->platform; d->artifactType; d->data;
//   QJsonObject back = d->toJson();
//
// Validation (descriptor.md "Properties"):
// - mediaType: required, RFC 6838 type/subtype (MediaType::isWellFormed).
// - digest: required, a Digest this module accepts (sha256/sha512).
// - size: required, an exact integer ≥ 0.
// - urls: optional array of strings, each an absolute URI (RFC 3986: it needs a scheme). The spec says
//   urls SHOULD be http/https; other schemes are kept, not rejected, and the client simply won't fetch them.
// - annotations: optional string → string map.
// - platform: optional (image-index.md lets manifests[] entries carry it); strict Platform::fromJson.
// - artifactType: optional, RFC 6838 when present.
// - data: optional base64 (RFC 4648 §4, standard alphabet, padding required). We decode it and check that
//   the bytes have `size` and hash to `digest` ("the decoded data MUST match the digest and size"), so a
//   descriptor that lies about its embedded content is refused at parse time. Digests other than sha256 and
//   sha512 cannot occur (Digest refuses them), so the check is always possible.
// Unknown properties are ignored (descriptor.md: implementations SHOULD ignore unknown properties).

#include "digest.h"
#include "expected.h"
#include "platform.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace Minato::Oci {

// Well-known annotation keys (image-spec annotations.md, buildx, cosign).
namespace Annotation {
inline constexpr char16_t Title[] = u"org.opencontainers.image.title";
inline constexpr char16_t Created[] = u"org.opencontainers.image.created";
inline constexpr char16_t RefName[] = u"org.opencontainers.image.ref.name";
inline constexpr char16_t BaseName[] = u"org.opencontainers.image.base.name";
inline constexpr char16_t BaseDigest[] = u"org.opencontainers.image.base.digest";
// buildx: "attestation-manifest" on an index entry whose platform is unknown/unknown, with the digest of the
// image it describes in ReferenceDigest.
inline constexpr char16_t DockerReferenceType[] = u"vnd.docker.reference.type";
inline constexpr char16_t DockerReferenceDigest[] = u"vnd.docker.reference.digest";
inline constexpr char16_t InTotoPredicateType[] = u"in-toto.io/predicate-type";
// cosign: the base64 signature on each simplesigning layer.
// The signature key is spelled "cosignproject", unlike the others (cosign pkg/oci/static).
inline constexpr char16_t CosignSignature[] = u"dev.cosignproject.cosign/signature";
inline constexpr char16_t CosignCertificate[] = u"dev.sigstore.cosign/certificate";
inline constexpr char16_t CosignChain[] = u"dev.sigstore.cosign/chain";
inline constexpr char16_t CosignBundle[] = u"dev.sigstore.cosign/bundle";
} // namespace Annotation

struct Descriptor
{
    QString mediaType;
    Digest digest;
    qint64 size = 0;
    QStringList urls;
    QMap<QString, QString> annotations;
    std::optional<Platform> platform;
    QString artifactType;
    std::optional<QByteArray> data; // decoded bytes of "data", verified against size and digest

    // `path` is the JSON path of the object ("config", "layers[2]", "manifests[0]", "subject", or "" for a
    // standalone descriptor document) and prefixes every error field.
    static Expected<Descriptor> fromJson(const QJsonObject &obj, QStringView path);
    // Writes mediaType, digest, size, then the optional fields that are set (data re-encoded as base64).
    QJsonObject toJson() const;

    // The annotation's value, or an empty string.
    QString annotation(QStringView key) const { return annotations.value(key.toString()); }
    // buildx attestation entry: vnd.docker.reference.type = attestation-manifest.
    bool isAttestationManifest() const;
    // A layer fetched from `urls` rather than from the registry (MediaType::isNonDistributable).
    bool isNonDistributable() const;

    bool operator==(const Descriptor &) const = default;
};

} // namespace Minato::Oci
