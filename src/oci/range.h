#pragma once

// Byte ranges in two grammars.
//
// (a) HTTP range requests (RFC 9110 §14) for blob GET:
//   // server
//   RangeResolution r = RangeRequest::resolve(request.header("Range"), blobSize);
//   switch (r.kind) {
//   case RangeResolution::Kind::Full: …200, whole blob…
//   case RangeResolution::Kind::Partial: …206, Content-Range: r.contentRange(blobSize), bytes r.range…
//   case RangeResolution::Kind::Unsatisfiable: …416, Content-Range: r.contentRange(blobSize)…
//   }
//   // client: resume a download, then check the answer
//   request.setRawHeader("Range", RangeRequest::format(alreadyHave));            // "bytes=N-"
//   auto cr = ContentRange::parse(reply->rawHeader("Content-Range"));           // "bytes S-E/SIZE"
//
// (b) The registry's own upload grammar (distribution-spec "Pushing a blob in chunks"), without a unit:
//   request.setRawHeader("Content-Range", ChunkRange::format(offset, chunk.size()));  // "0-1023" on PATCH
//   auto progress = UploadRange::parse(reply->rawHeader("Range"));                   // "0-1023" in 202/204
//
// Every number is a non-negative qint64; digits that overflow are rejected, never wrapped
// (RFC 9110 §14.1.1: "anticipate … very large numbers … and guard against integer overflow").

#include "expected.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <optional>

namespace Minato::Oci {

// A concrete inclusive byte range [first, last].
struct ByteRange
{
    qint64 first = 0;
    qint64 last = -1;

    qint64 length() const { return last - first + 1; }
    bool operator==(const ByteRange &) const = default;
};

// One range-spec of a Range request (RFC 9110 §14.1.2).
struct RangeSpec
{
    qint64 first = -1;        // int-range "first-[last]"; -1 for a suffix-range
    qint64 last = -1;         // int-range end; -1 when open ("500-")
    qint64 suffixLength = -1; // suffix-range "-N"; -1 for an int-range

    bool isSuffix() const { return first < 0; }
    bool operator==(const RangeSpec &) const = default;
};

// What a server does with a Range header for a representation of a given size.
struct RangeResolution
{
    enum class Kind {
        Full,          // ignore the Range header: 200 with the whole representation
        Partial,       // 206 with `range`
        Unsatisfiable, // 416 with `Content-Range: bytes */SIZE`
    };
    Kind kind = Kind::Full;
    ByteRange range; // meaningful for Partial only

    int httpStatus() const;                     // 200, 206 or 416
    QByteArray contentRange(qint64 size) const; // "bytes S-E/SIZE", "bytes */SIZE", or empty for Full
    bool operator==(const RangeResolution &) const = default;
};

// A parsed `Range: bytes=…` request header.
//
// Decisions (RFC 9110 §14.2 lets a server ignore Range, or reject an invalid one):
// - A header that does not parse, or names another unit, is ignored: 200 with the full representation.
// - An int-range whose last-pos is below its first-pos ("bytes=500-0") is answered 416, as Go's net/http
//   does and as the OCI conformance suite expects first.
// - One range is served. With several range-specs, the satisfiable ones are served when they merge into one
//   contiguous range (RFC 9110 §15.3.7.2 lets a server coalesce overlapping ranges); otherwise the header is
//   ignored (200, whole blob): multipart/byteranges is not implemented, no registry client asks for it.
//   More than maxRanges range-specs are ignored outright (§14.2, the denial-of-service pattern of §17.15).
// - 416 when no range-spec is satisfiable: every int-range starts at or beyond the size and every suffix
//   is "-0" (§14.1.1).
// - A zero-length representation ignores Range (§14.2 allows it): 200 with an empty body.
class RangeRequest
{
public:
    static constexpr int maxRanges = 100;

    static Expected<RangeRequest> parse(QByteArrayView headerValue);
    // Server in one call: an unparsable header resolves to Full.
    static RangeResolution resolve(QByteArrayView headerValue, qint64 size);
    RangeResolution resolve(qint64 size) const;

    const QList<RangeSpec> &specs() const { return m_specs; }

    // Client: "bytes=first-last", or "bytes=first-" when last < 0. An empty QByteArray when first < 0
    // (send no Range header then).
    static QByteArray format(qint64 first, qint64 last = -1);
    // Client: "bytes=-N", the last N bytes; an empty QByteArray when length < 0.
    static QByteArray formatSuffix(qint64 length);

private:
    QList<RangeSpec> m_specs;
};

// `Content-Range` of a 206/416 response (RFC 9110 §14.4), both directions.
struct ContentRange
{
    std::optional<ByteRange> range; // nullopt for "bytes */SIZE"
    qint64 completeLength = -1;     // -1 for "/*" (unknown)

    // Accepts "bytes S-E/SIZE", "bytes S-E/*" and "bytes */SIZE"; the unit is case-insensitive. Invalid per
    // §14.4: E < S, SIZE <= E, and "*/*".
    static Expected<ContentRange> parse(QByteArrayView headerValue);
    QByteArray toHeaderValue() const;
    static QByteArray format(ByteRange range, qint64 size); // "bytes S-E/SIZE"; size < 0 writes "*"
    static QByteArray formatUnsatisfied(qint64 size);       // "bytes */SIZE"
    bool operator==(const ContentRange &) const = default;
};

// `Content-Range: <start>-<end>` sent by a client with each PATCH of a chunked upload (distribution-spec
// "Pushing a blob in chunks": inclusive on both ends, MUST match ^[0-9]+-[0-9]+$, the first chunk begins
// at 0). Surrounding whitespace is tolerated; anything else, end < start and overflow are refused.
struct ChunkRange
{
    static Expected<ByteRange> parse(QByteArrayView headerValue);
    // "offset-(offset+length-1)". An empty chunk has no range: for length <= 0 (and for offset < 0, or an
    // end past the qint64 maximum) the result is an empty QByteArray: an empty PATCH sends no Content-Range
    // header (a PATCH without one is the spec's streamed upload, which registries accept).
    static QByteArray format(qint64 offset, qint64 length);
};

// `Range: 0-<end-of-range>` in a registry's 202 (POST/PATCH) and 204 (GET status) upload responses, where
// end-of-range is "the position of the last uploaded byte" (distribution-spec "Pushing a blob in chunks").
//
// The spec has no form for "nothing received yet". Decision, both directions:
// - format(0) writes "0-0", as the CNCF distribution registry does (it clamps size-1 at 0), which every
//   client that parses "%d-%d" accepts; a spec-literal reader takes it for one byte.
// - parse() therefore marks "0-0" as ambiguous (0 or 1 byte) and the caller resolves it with what it knows
//   it sent: resumeOffset(bytesSent). "0--1" (what a naive size-1 gives) is read as explicitly empty, and a
//   leading "bytes=" is tolerated. A start other than 0, end < start and overflow are refused.
struct UploadRange
{
    qint64 lastByte = -1;   // inclusive end as sent; -1 when nothing has been received
    bool ambiguous = false; // "0-0": empty upload or exactly one byte

    // Bytes the registry holds: lastByte + 1 (so 1 for an ambiguous "0-0").
    qint64 received() const { return lastByte + 1; }
    // Where the next chunk starts. For "0-0": 0 when the caller has sent nothing (bytesSent <= 0), else 1.
    qint64 resumeOffset(qint64 bytesSent) const;

    static Expected<UploadRange> parse(QByteArrayView headerValue);
    // Server: "0-(size-1)", and "0-0" for an empty upload (and for a negative size).
    static QByteArray format(qint64 size);
    bool operator==(const UploadRange &) const = default;
};

} // namespace Minato::Oci
