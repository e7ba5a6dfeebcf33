#pragma once

// Platform: what an image runs on — os, architecture, variant, os.version, os.features (image-index.md
// "platform"; config.md for the same fields in an image config).
//
//   auto p = Platform::parse(u"linux/arm64/v8");    // Expected<Platform>; also "windows(10.0.17763)/amd64"
//   p->toString();                                       // "linux/arm64/v8"
//   Platform::parse(u"linux/aarch64")->matches(*p);      // true: aliases normalise, arm64 ≡ arm64/v8
//   auto q = Platform::fromJson(entry[u"platform"].toObject(), u"manifests[0].platform");
//
// Normalisation follows containerd's platforms package (database.go), which is what docker, podman and
// buildx agree on: os is lowercased ("macos" → "darwin"); architecture aliases map to the GOARCH names
// (x86_64/x86-64 → amd64, aarch64 → arm64, i386/i686 → 386, armhf → arm/v7, armel → arm/v6, armv7l → arm/v7,
// armv6l → arm/v6, ppc64el → ppc64le); variants are spelled with a "v" ("7" → "v7"). We keep arm64's variant
// "v8" as written (buildx writes it, and people read it) and instead treat a missing variant as the default
// in comparisons: arm64 ⇒ v8, arm ⇒ v7, amd64 ⇒ v1 (see defaultVariant()).
//
// os.version: the textual form follows containerd 2's "os(version)/arch[/variant]" ("windows(10.0.17763)/
// amd64"); parse() also accepts a trailing ":version" ("windows/amd64:10.0.17763") for convenience.
// toString() always writes the containerd form so that parse(toString()) round-trips.

#include "expected.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Minato::Oci {

struct Platform
{
    QString os;             // "linux", "windows", "darwin", or "unknown" (buildx attestation entries)
    QString architecture;   // GOARCH: "amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", …
    QString variant;        // "v8", "v7", "v6", … ; empty when not stated
    QString osVersion;      // "os.version": "10.0.17763.1879" for Windows images
    QStringList osFeatures; // "os.features": e.g. "win32k"
    QStringList features;   // "features": reserved in OCI, used by old Docker manifest lists ("sse4")

    // "os/arch[/variant]" or "os(version)/arch[/variant]" or "os/arch[/variant]:version". Each part must be
    // non-empty [A-Za-z0-9_.-]; the result is normalised(). The error field is "platform".
    static Expected<Platform> parse(QStringView text);
    // Strict JSON: os and architecture required non-empty strings; variant and os.version optional strings;
    // os.features and features optional arrays of strings. `path` names the object ("manifests[1].platform")
    // in errors. Values are kept as written (not normalised) so toJson() round-trips.
    static Expected<Platform> fromJson(const QJsonObject &obj, QStringView path);
    // Writes the non-empty fields only.
    QJsonObject toJson() const;

    // "linux/arm64/v8", "windows(10.0.17763)/amd64"; empty when os and architecture are empty.
    QString toString() const;
    // Aliases mapped and lowercased as described above; the variant stays empty when not stated.
    Platform normalized() const;
    // True when this entry can run on what is asked for as `wanted` (both are normalised first; missing
    // variants take defaultVariant()), following containerd's platforms.Only(): same os and architecture;
    // the same variant, or for arm a lower one (wanted arm/v7 accepts entries v7, v6, v5; arm/v8 accepts
    // v8 … v5) and for amd64 a lower level (wanted amd64/v3 accepts v3, v2, v1 and none); arm64 v8 ≡ none.
    // When `wanted` states an os.version, the entry's must have the same major.minor.build
    // ("10.0.17763.5329" matches a wanted "10.0.17763"; shorter versions compare exactly). os.features are
    // ignored.
    bool matches(const Platform &wanted) const;
    // The comparison matches() made before it followed containerd: same os and architecture, same variant
    // once defaults are filled in, and the same os.version when `wanted` states one.
    bool matchesExactly(const Platform &wanted) const;
    // -1 when !matches(wanted); otherwise higher for a better entry: the highest variant first, then an
    // os.version equal to the wanted one. ImageIndex::findByPlatform picks the highest.
    int compatibilityRank(const Platform &wanted) const;
    // "unknown/unknown": buildx puts attestation manifests (SBOM, provenance) in an index under this platform.
    bool isUnknown() const;
    bool isEmpty() const { return os.isEmpty() && architecture.isEmpty(); }

    // The variant a missing one stands for: "v8" for arm64, "v7" for arm, "v1" for amd64; otherwise empty.
    static QString defaultVariant(QStringView normalizedArchitecture);

    bool operator==(const Platform &) const = default;
};

} // namespace Minato::Oci
