#pragma once

// ImageIndex: an OCI image index or a Docker manifest list — the "fat manifest" that points at one image
// manifest per platform (image-spec image-index.md; distribution docs/spec/manifest-v2-2.md "Manifest List").
//
//   auto index = ImageIndex::parse(reply->readAll(), contentType);   // Expected<ImageIndex>
//   if (!index) { show(index.error().message()); return; }          // "manifests[3].platform.os: …"
//   index->digest;                                   // sha256 of the bytes received, never re-serialised
//   for (const Platform &p : index->platforms()) …   // runnable platforms, attestations left out
//   auto entry = index->findByPlatform(*Platform::parse(u"linux/arm64"));
//
// Validation: the document is one JSON object of at most kMaxManifestBytes (distribution-spec "Pushing
// Manifests" advises registries to accept at least 4 MiB; we refuse anything larger), nested at most
// Json::kMaxNestingDepth deep. schemaVersion is required and must be 2. manifests is required (it may be
// empty); each entry is a strict Descriptor (platform optional: the OCI index makes it OPTIONAL, and though
// Docker's spec lists it for manifest lists, nothing enforces it there). subject, artifactType and
// annotations are optional (image-spec 1.1).
//
// mediaType (image-index.md "mediaType"): when present it MUST be the OCI index type, or for Docker the
// manifest list type; Docker manifest lists require it. When a specific Content-Type is given it must be an
// index type and agree with the document's mediaType. A missing mediaType with no specific Content-Type
// means an OCI index. "mediaType": null counts as absent. Media types compare case-insensitively, ignoring
// parameters (see mediatype.h). A Content-Type that is not an index type fails with the field
// "Content-Type".

#include "descriptor.h"
#include "digest.h"
#include "expected.h"
#include "platform.h"
#include "sizelimits.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace Minato::Oci {

// Largest manifest or index accepted (distribution-spec spec.md: registries SHOULD accept at least 4 MiB).
inline constexpr qsizetype kMaxManifestBytes = kMaxDocumentBytes;

struct ImageIndex
{
    int schemaVersion = 2;
    QString mediaType; // as written in the document; empty when absent (OCI)
    QList<Descriptor> manifests;
    std::optional<Descriptor> subject;
    QString artifactType;
    QMap<QString, QString> annotations;

    QByteArray raw; // the bytes received (empty for an index built in code)
    Digest digest;  // sha256 of raw

    // See the header comment. contentType is the response's Content-Type; empty or generic means "unknown".
    static Expected<ImageIndex> parse(const QByteArray &bytes, QStringView contentType = {});

    // The document as JSON (keys sorted by Qt; only the optional fields that are set). Its bytes generally
    // differ from raw, so never use them to compute this index's digest.
    QJsonObject toJsonObject() const;
    QByteArray toJson() const;

    // mediaType, or the OCI index type when absent.
    QString effectiveMediaType() const;
    bool isDocker() const;

    // An entry that is not a runnable image: buildx marks attestation manifests with the annotation
    // vnd.docker.reference.type=attestation-manifest and the platform unknown/unknown; either marks it here.
    static bool isAttestationEntry(const Descriptor &entry);
    QList<Descriptor> imageEntries() const;
    QList<Descriptor> attestationEntries() const;
    // The platforms of the image entries, in document order, without duplicates.
    QList<Platform> platforms() const;
    // The image entry whose platform matches `wanted` (Platform::matches) best: the highest compatible
    // variant (for a wanted arm/v7, a v7 entry before a v6 one), then the exact os.version; the first in
    // document order among equals. Entries without a platform never match.
    std::optional<Descriptor> findByPlatform(const Platform &wanted) const;
    // The attestation entry that describes `image` (its vnd.docker.reference.digest annotation).
    std::optional<Descriptor> attestationFor(const Digest &image) const;

    bool operator==(const ImageIndex &) const = default;
};

namespace Detail {
// Shared by ImageIndex::parse and Manifest::parse, not API: applies the mediaType/Content-Type rules in the
// header comments and returns the effective media type (ociType when the document states none).
Expected<QString> checkDocumentMediaType(const QJsonObject &root, QStringView contentType, QStringView ociType,
                                         QStringView dockerType, QStringView noun);
// Reads and checks "schemaVersion" (REQUIRED, exactly 2).
Expected<int> checkSchemaVersion(const QJsonObject &root, QStringView noun);
// The image-spec 1.1 fields an image manifest and an index share: subject (a Descriptor), artifactType
// (RFC 6838) and annotations, all optional; missing and null read as absent.
struct ArtifactFields
{
    std::optional<Descriptor> subject;
    QString artifactType;
    QMap<QString, QString> annotations;
};
Expected<ArtifactFields> parseArtifactFields(const QJsonObject &root);
// Writes the fields that are set.
void writeArtifactFields(QJsonObject &obj, const std::optional<Descriptor> &subject, const QString &artifactType,
                         const QMap<QString, QString> &annotations);
} // namespace Detail

} // namespace Minato::Oci
