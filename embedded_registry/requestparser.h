#pragma once

// RequestParser: the bytes of an HTTP/1.x request head → HttpRequest, or the status to answer with.
// ChunkedDecoder: the chunked transfer coding of a request body, decoded incrementally.
//
// Both are pure (no I/O, no Qt event loop) so that they can be tested by table and fuzzed.
//
//   qsizetype end = RequestParser::findHeadEnd(buffer);          // -1: need more bytes
//   if (end < 0) {
//       if (auto e = RequestParser::checkIncomplete(buffer, limits)) answer(e->status);   // 414 / 431
//   } else {
//       RequestParseResult r = RequestParser::parse(QByteArrayView(buffer).first(end), limits);
//       if (!r.ok()) answer(r.status, r.reason); else handle(*r.request);
//   }
//
//   ChunkedDecoder d;
//   qsizetype used = d.decode(bytes, [&](QByteArrayView data) { sink.write(data); });
//   if (d.hasError()) …400…; else if (d.isDone()) …bytes after `used` belong to the next request…
//
// The grammar is RFC 9112 (HTTP/1.1 message syntax); decisions cite its sections.

#include "exchange.h"

#include <QByteArray>
#include <QByteArrayView>

#include <functional>
#include <optional>

namespace Minato::Registry {

struct ParserLimits
{
    qsizetype maxHeadBytes = 64 * 1024;  // request-line + fields + the empty line → 431 beyond
    int maxFields = 100;                 // header field lines → 431 beyond
    qsizetype maxTargetBytes = 8 * 1024; // request-target → 414 beyond (RFC 9112 §3: at least 8000 octets)
};

struct RequestParseResult
{
    std::optional<HttpRequest> request; // set on success
    int status = 0;                     // on failure: 400, 414, 417, 431, 501 or 505
    QByteArray reason;                  // on failure: a sentence for the error body

    bool ok() const { return request.has_value(); }
};

class RequestParser
{
public:
    // Offset just past the empty line that ends the head (CRLF CRLF; a bare-LF empty line is also found
    // so that parse() can refuse it at once instead of waiting for a timeout), or -1 when incomplete.
    static qsizetype findHeadEnd(QByteArrayView buffer);

    // For a buffer that holds no complete head yet: the error once it can no longer become a valid head
    // within the limits (414 for a request-line whose target is already too long, 431 for a head beyond
    // maxHeadBytes), else nullopt (wait for more bytes).
    static std::optional<RequestParseResult> checkIncomplete(QByteArrayView buffer, const ParserLimits &limits);

    // Parses a complete head: exactly the bytes up to and including the terminating empty line.
    // peerAddress/peerPort/secure are left for the caller to fill in.
    static RequestParseResult parse(QByteArrayView head, const ParserLimits &limits = {});

    // The reason phrase for a status code ("Not Found"); "Unknown" for codes not in the table.
    static QByteArray reasonPhrase(int status);
};

// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1), usable on arbitrary splits of input:
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
// Chunk extensions are ignored (§7.1.1) and trailer fields are skipped (§7.1.2 lets a recipient discard
// them). A chunk-size that overflows qint64 is an error, never wrapped. Size lines (with extensions) and
// the trailer section are bounded by maxLineBytes / maxTrailerBytes. Bare CR or LF is an error.
class ChunkedDecoder
{
public:
    explicit ChunkedDecoder(qsizetype maxLineBytes = 4096, qsizetype maxTrailerBytes = 64 * 1024)
        : m_maxLineBytes(maxLineBytes)
        , m_maxTrailerBytes(maxTrailerBytes)
    {}

    // Consumes a prefix of input and passes each run of decoded data to onData (views into input). Returns
    // the bytes consumed: all of input unless the body ended (isDone(): the rest is the next request's) or
    // the encoding is malformed (hasError()).
    qsizetype decode(QByteArrayView input, const std::function<void(QByteArrayView)> &onData);

    bool isDone() const { return m_state == State::Done; }
    bool hasError() const { return m_state == State::Error; }
    const QByteArray &errorString() const { return m_error; }
    qint64 decodedBytes() const { return m_decoded; }
    void reset();

private:
    enum class State {
        SizeStart,    // expecting the first hex digit of a chunk-size
        Size,         // more hex digits, or the end of the size
        Extension,    // after the size: BWS / chunk-ext until CR
        SizeLf,       // CR seen after the size line
        Data,         // chunk-data, m_remaining bytes to go
        DataCr,       // expecting CR after chunk-data
        DataLf,       // expecting LF after chunk-data
        TrailerStart, // start of a trailer line, or of the final CRLF
        TrailerLine,  // inside a trailer field line
        TrailerLf,    // CR seen at the end of a trailer line
        FinalLf,      // CR of the final empty line seen
        Done,
        Error,
    };
    void fail(const char *reason);

    State m_state = State::SizeStart;
    qint64 m_size = 0;
    qint64 m_remaining = 0;
    qint64 m_decoded = 0;
    qsizetype m_lineBytes = 0;
    bool m_sawSemicolon = false;
    qsizetype m_trailerBytes = 0;
    qsizetype m_maxLineBytes;
    qsizetype m_maxTrailerBytes;
    QByteArray m_error;
};

} // namespace Minato::Registry
