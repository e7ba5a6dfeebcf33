#pragma once

// Schema1Manifest: Docker Image Manifest V2, Schema 1 — read-only, for showing what old registries and
// old pushes still serve (distribution docs/spec/manifest-v2-1.md, deprecated-schema-v1.md).
//
//   auto m = Schema1Manifest::parse(bytes);        // Expected<Schema1Manifest>
//   if (!m) { show(m.error().message()); return; } // "fsLayers[1].blobSum: …"
//   m->digest;          // what a registry serves as Docker-Content-Digest for these bytes
//   m->isSigned();      // application/vnd.docker.distribution.manifest.v1+prettyjws
//   for (const auto &h : m->history) h.v1.id, h.v1.created, h.v1.containerCmd …
//
// Digest. An unsigned manifest (application/vnd.docker.distribution.manifest.v1+json) is addressed by the
// sha256 of its bytes. A signed one (…v1+prettyjws) is a libtrust "pretty" JWS: the manifest JSON with a
// "signatures" array spliced in. Its digest covers the JWS payload, the manifest *without* signatures:
// each signature's "protected" header (base64url, no padding) decodes to JSON whose "formatLength" and
// "formatTail" (base64url) rebuild it as bytes[0, formatLength) + decode(formatTail). Every signature must
// agree on that payload, and the payload must be the same JSON as the received manifest minus
// "signatures" (a stricter check than libtrust makes; it catches a tampered tail or length).
//
// Not verified: the signatures themselves (ES256/RS256 over libtrust keys or x5c chains). Docker stopped
// relying on them long ago, registries re-sign schema 1 manifests with throwaway keys, and a signature
// proves nothing without a trusted key; the header's algorithm and key id are kept for display only.
//
// Order: fsLayers and history are top-most layer first (index 0 is the newest), the reverse of schema 2
// and OCI manifests; the two lists have the same length and correspond by index.

#include "digest.h"
#include "expected.h"
#include "sizelimits.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Minato::Oci {

// The few fields of a history[i].v1Compatibility document (a legacy v1 image JSON) the History view shows.
struct Schema1V1Compatibility
{
    QString id;     // 64 lowercase hex: the v1 layer ID
    QString parent; // the next-older layer's id; empty for the base layer
    std::optional<QDateTime> created;
    QString author;
    QStringList containerCmd; // container_config.Cmd: the build step, "/bin/sh -c #(nop)  CMD [\"sh\"]"
    bool throwaway = false;   // true: the step made no filesystem change (its blobSum is the empty tar)

    bool operator==(const Schema1V1Compatibility &) const = default;
};

struct Schema1History
{
    QString v1Compatibility; // the raw JSON string, as received
    Schema1V1Compatibility v1;

    bool operator==(const Schema1History &) const = default;
};

// One entry of "signatures" (libtrust layout: {"header": {"jwk": {…}, "alg": "ES256"}, "signature": "…",
// "protected": "…"}), with its protected header decoded.
struct Schema1Signature
{
    QString algorithm;          // header.alg: "ES256", "RS256", …
    QString keyId;              // header.jwk.kid, when present (display only)
    QByteArray protectedHeader; // the decoded protected header JSON
    qint64 formatLength = 0;
    QByteArray formatTail;         // decoded; usually "\n}"
    std::optional<QDateTime> time; // the protected header's "time", when present and valid

    bool operator==(const Schema1Signature &) const = default;
};

struct Schema1Manifest
{
    // Largest schema 1 manifest accepted: the size registries are advised to accept for manifests
    // (distribution spec "Pushing Manifests"). Each layer embeds its v1 JSON, so these run larger than
    // schema 2 manifests but stay well below this.
    static constexpr qsizetype kMaxBytes = kMaxDocumentBytes;

    static constexpr QStringView kMediaTypeSigned = u"application/vnd.docker.distribution.manifest.v1+prettyjws";
    static constexpr QStringView kMediaTypeUnsigned = u"application/vnd.docker.distribution.manifest.v1+json";

    QString name;
    QString tag;
    QString architecture;
    QList<Digest> fsLayers; // blobSum of each layer, top-most first
    QList<Schema1History> history;
    QList<Schema1Signature> signatures; // empty for an unsigned manifest

    QByteArray raw;       // the bytes received
    QByteArray canonical; // the bytes the digest covers: the JWS payload when signed, else raw
    Digest digest;        // sha256 of canonical

    // Parses, validates, and computes the digest. Errors name the JSON path ("history[2].v1Compatibility.id",
    // "signatures[0].protected.formatLength"); document-level problems have an empty field.
    static Expected<Schema1Manifest> parse(const QByteArray &bytes);

    bool isSigned() const { return !signatures.isEmpty(); }
    QString mediaType() const { return (isSigned() ? kMediaTypeSigned : kMediaTypeUnsigned).toString(); }

    bool operator==(const Schema1Manifest &) const = default;
};

} // namespace Minato::Oci
