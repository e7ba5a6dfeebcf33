#pragma once

// Manifest: an OCI image manifest or a Docker schema 2 manifest — one config and a list of layers
// (image-spec manifest.md; distribution docs/spec/manifest-v2-2.md "Image Manifest Field Descriptions").
//
//   auto m = Manifest::parse(reply->readAll(), contentType);   // Expected<Manifest>
//   if (!m) { show(m.error().message()); return; }             // "layers[2].digest: a sha256 digest has …"
//   m->digest;          // sha256 of the bytes received: what Docker-Content-Digest must say
//   m->config; m->layers; m->totalSize(); m->subject; m->isArtifact(); m->effectiveArtifactType();
//
//   auto any = parseAnyManifest(bytes, contentType);   // Manifest, ImageIndex or Schema1Manifest
//
// Validation: at most kMaxManifestBytes, one JSON object nested at most Json::kMaxNestingDepth deep.
// schemaVersion required and exactly 2 (a schema 1 document is refused here; parseAnyManifest routes it to
// Schema1Manifest). config required, a strict Descriptor. layers: an array of Descriptors; image-spec 1.1
// allows it to be empty for artifacts ("SHOULD have at least one entry") and we also accept it missing,
// since an absent and an empty list mean the same to every reader. subject, artifactType (RFC 6838) and
// annotations are optional.
//
// mediaType (manifest.md "mediaType"): when present it MUST be the OCI manifest type, or the Docker schema 2
// type, which Docker's spec makes REQUIRED. When a specific Content-Type is given it must be an image
// manifest type and agree with the document's mediaType; if the document has none, Content-Type must not be
// Docker's. A missing (or null) mediaType with no specific Content-Type means OCI. Comparisons are
// case-insensitive and ignore parameters (mediatype.h). A Content-Type that is not an image manifest type
// fails with the field "Content-Type".
//
// Lenient on purpose: an artifact with the empty config and no artifactType breaks a producer-side MUST
// (manifest.md "artifactType") but is still readable, so it is accepted; effectiveArtifactType() then falls
// back to config.mediaType as the referrers API does (distribution-spec "Listing Referrers").

#include "descriptor.h"
#include "digest.h"
#include "expected.h"
#include "imageindex.h"
#include "schema1.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>
#include <variant>

namespace Minato::Oci {

struct Manifest
{
    int schemaVersion = 2;
    QString mediaType; // as written in the document; empty when absent (OCI)
    Descriptor config;
    QList<Descriptor> layers;
    std::optional<Descriptor> subject;
    QString artifactType;
    QMap<QString, QString> annotations;

    QByteArray raw; // the bytes received (empty for a manifest built in code)
    Digest digest;  // sha256 of raw — never of re-serialised JSON

    static Expected<Manifest> parse(const QByteArray &bytes, QStringView contentType = {});

    // The document as JSON (keys sorted by Qt; optional fields only when set). Its bytes generally differ from
    // raw: a manifest is addressed by the bytes that were pushed, so never compute its digest from these.
    QJsonObject toJsonObject() const;
    QByteArray toJson() const;

    // mediaType, or the OCI manifest type when absent.
    QString effectiveMediaType() const;
    bool isDocker() const;

    // config.size plus every layer's size (saturating at the qint64 maximum rather than overflowing).
    qint64 totalSize() const;
    // Not a container image: artifactType is set, or the config is not an OCI/Docker image config.
    bool isArtifact() const;
    // artifactType, or config.mediaType when it is empty (distribution-spec "Listing Referrers").
    QString effectiveArtifactType() const;
    // cosign's "sha256-<hex>.sig" manifests (simplesigning layers) or its OCI 1.1 artifact signatures.
    bool isCosignSignature() const;
    // Notary Project signature (artifactType application/vnd.cncf.notary.signature).
    bool isNotationSignature() const;
    // An SBOM artifact: SPDX or CycloneDX by artifact type, or an artifact whose layers are SPDX/CycloneDX.
    bool isSbom() const;

    bool operator==(const Manifest &) const = default;
};

// Whatever /v2/<name>/manifests/<reference> returned.
using AnyManifest = std::variant<Manifest, ImageIndex, Schema1Manifest>;

// Parses a manifest response by its Content-Type: index types → ImageIndex, OCI/Docker schema 2 →
// Manifest, schema 1 (signed or not) → Schema1Manifest. When contentType is empty or generic
// (MediaType::isGeneric: application/json, text/plain, application/octet-stream) the JSON is sniffed:
// its "mediaType" if it names a manifest type, else schemaVersion 1 → schema 1, else a "manifests" array →
// index, else "config" or "layers" → manifest. Any other Content-Type (a blob type, an unknown type) is
// refused with the error field "Content-Type".
Expected<AnyManifest> parseAnyManifest(const QByteArray &bytes, QStringView contentType);

// Accessors common to the three alternatives.
const Digest &digestOf(const AnyManifest &manifest);
const QByteArray &rawOf(const AnyManifest &manifest);
// The effective media type (for a Content-Type header when serving these bytes).
QString mediaTypeOf(const AnyManifest &manifest);

} // namespace Minato::Oci
