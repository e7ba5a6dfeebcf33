#include "embedded_registry/requestparser.h"

#include "testsupport.h"

#include <QRandomGenerator>

using Minato::Registry::ChunkedDecoder;
using Minato::Registry::HttpRequest;
using Minato::Registry::ParserLimits;
using Minato::Registry::RequestParser;

namespace {

HttpRequest parseOk(const QByteArray &head, const ParserLimits &limits = {})
{
    INFO("head: " << head.toStdString());
    REQUIRE(RequestParser::findHeadEnd(head) == head.size());
    auto r = RequestParser::parse(head, limits);
    INFO("reason: " << r.reason.toStdString());
    REQUIRE(r.ok());
    return *r.request;
}

// Decodes `encoded` fed in the given piece sizes; returns the decoded bytes and what was consumed in total.
struct Decoded
{
    QByteArray data;
    qsizetype consumed = 0;
    bool done = false;
    bool error = false;
};

Decoded decodeInPieces(const QByteArray &encoded, const QList<qsizetype> &pieces)
{
    ChunkedDecoder decoder;
    Decoded out;
    qsizetype pos = 0;
    for (qsizetype piece : pieces) {
        const QByteArrayView input = QByteArrayView(encoded).sliced(pos, qMin(piece, encoded.size() - pos));
        const qsizetype used = decoder.decode(input, [&](QByteArrayView d) { out.data.append(d); });
        out.consumed += used;
        pos += input.size();
        if (decoder.isDone() || decoder.hasError()) {
            break;
        }
        REQUIRE(used == input.size()); // everything is consumed until the end or an error
    }
    out.done = decoder.isDone();
    out.error = decoder.hasError();
    return out;
}

QList<qsizetype> bytewise(qsizetype n)
{
    return QList<qsizetype>(n, 1);
}

QList<qsizetype> randomSplits(qsizetype n, QRandomGenerator &rng)
{
    QList<qsizetype> pieces;
    qsizetype left = n;
    while (left > 0) {
        const qsizetype piece = qMin<qsizetype>(left, 1 + rng.bounded(20));
        pieces.append(piece);
        left -= piece;
    }
    return pieces;
}

} // namespace

TEST_CASE("RequestParser parses valid request heads", "[requestparser]")
{
    SECTION("origin-form GET with query")
    {
        auto r = parseOk("GET /v2/team/app/tags/list?n=10&last=a HTTP/1.1\r\nHost: localhost:5000\r\n"
                         "User-Agent: test\r\n\r\n");
        CHECK(r.method == "GET");
        CHECK(r.target == "/v2/team/app/tags/list?n=10&last=a");
        CHECK(r.path == "/v2/team/app/tags/list");
        CHECK(r.query == "n=10&last=a");
        CHECK(r.versionMinor == 1);
        CHECK(r.keepAlive);
        CHECK(r.contentLength == -1);
        CHECK_FALSE(r.chunked);
        CHECK_FALSE(r.hasBody());
        CHECK(r.headers.value("host") == "localhost:5000");
        CHECK(r.headers.value("USER-AGENT") == "test");
    }
    SECTION("field values are trimmed of OWS; obs-text is kept; empty values are fine")
    {
        auto r = parseOk("PUT /x HTTP/1.1\r\nHost: h\r\nX-A: \t spaced value \t\r\nX-B:\r\nX-C: caf\xc3\xa9\r\n\r\n");
        CHECK(r.headers.value("X-A") == "spaced value");
        CHECK(r.headers.value("X-B").isEmpty());
        CHECK(r.headers.contains("X-B"));
        CHECK(r.headers.value("X-C") == "caf\xc3\xa9");
    }
    SECTION("a leading empty line is ignored (RFC 9112 §2.2)")
    {
        auto r = parseOk("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
        CHECK(r.path == "/");
    }
    SECTION("absolute-form and asterisk-form")
    {
        auto a = parseOk("GET http://localhost:5000/v2/?x=1 HTTP/1.1\r\nHost: localhost:5000\r\n\r\n");
        CHECK(a.path == "/v2/");
        CHECK(a.query == "x=1");
        auto b = parseOk("GET http://localhost:5000 HTTP/1.1\r\nHost: localhost:5000\r\n\r\n");
        CHECK(b.path == "/");
        auto c = parseOk("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
        CHECK(c.path == "*");
    }
    SECTION("Content-Length, including agreeing duplicates")
    {
        CHECK(parseOk("PUT /u HTTP/1.1\r\nHost: h\r\nContent-Length: 42\r\n\r\n").contentLength == 42);
        CHECK(parseOk("PUT /u HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").hasBody() == false);
        CHECK(parseOk("PUT /u HTTP/1.1\r\nHost: h\r\nContent-Length: 7, 7\r\n\r\n").contentLength == 7);
        CHECK(parseOk("PUT /u HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\ncontent-length: 7\r\n\r\n").contentLength ==
              7);
        CHECK(parseOk("PUT /u HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775807\r\n\r\n").contentLength ==
              std::numeric_limits<qint64>::max());
    }
    SECTION("Transfer-Encoding: chunked, any case, and Expect: 100-continue")
    {
        auto r = parseOk("PATCH /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\nExpect: 100-Continue\r\n\r\n");
        CHECK(r.chunked);
        CHECK(r.hasBody());
        CHECK(r.expectContinue);
        CHECK(r.contentLength == -1);
    }
    SECTION("Expect: 100-continue is ignored in HTTP/1.0 (RFC 9110 §10.1.1)")
    {
        auto r = parseOk("PUT /u HTTP/1.0\r\nContent-Length: 1\r\nExpect: 100-continue\r\n\r\n");
        CHECK_FALSE(r.expectContinue);
    }
    SECTION("persistence per version and Connection (RFC 9112 §9.3)")
    {
        CHECK(parseOk("GET / HTTP/1.1\r\nHost: h\r\n\r\n").keepAlive);
        CHECK_FALSE(parseOk("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keepAlive);
        CHECK_FALSE(parseOk("GET / HTTP/1.1\r\nHost: h\r\nConnection: TE, Close\r\n\r\n").keepAlive);
        CHECK_FALSE(parseOk("GET / HTTP/1.0\r\n\r\n").keepAlive);
        CHECK(parseOk("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive);
        CHECK_FALSE(parseOk("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").keepAlive);
        CHECK(parseOk("GET / HTTP/1.0\r\n\r\n").versionMinor == 0);
    }
    SECTION("exactly at the limits")
    {
        ParserLimits limits;
        limits.maxFields = 3;
        limits.maxTargetBytes = 10;
        parseOk("GET /123456789 HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits);
        const QByteArray head = "GET / HTTP/1.1\r\nHost: h\r\nX: " + QByteArray(100, 'v') + "\r\n\r\n";
        limits.maxHeadBytes = head.size();
        parseOk(head, limits);
    }
}

TEST_CASE("RequestParser refuses malformed, oversized and unsupported heads with the right status", "[requestparser]")
{
    struct Case
    {
        QByteArray head;
        int status;
    };
    const QByteArray host = "Host: h\r\n";
    const Case cases[] = {
        // request-line (RFC 9112 §3)
        {"GET /\r\n" + host + "\r\n", 400},
        {"GET  / HTTP/1.1\r\n" + host + "\r\n", 400},
        {"GET / HTTP/1.1 \r\n" + host + "\r\n", 400},
        {" GET / HTTP/1.1\r\n" + host + "\r\n", 400},
        {"G(T / HTTP/1.1\r\n" + host + "\r\n", 400},
        {"GET /a b HTTP/1.1\r\n" + host + "\r\n", 400},
        {"GET /caf\xc3\xa9 HTTP/1.1\r\n" + host + "\r\n", 400},
        {"GET /a#frag HTTP/1.1\r\n" + host + "\r\n", 400},
        {"GET * HTTP/1.1\r\n" + host + "\r\n", 400},
        {"GET localhost:80 HTTP/1.1\r\n" + host + "\r\n", 400},
        {"CONNECT localhost:443 HTTP/1.1\r\n" + host + "\r\n", 501},
        {"GET / http/1.1\r\n" + host + "\r\n", 400},
        {"GET / HTTP/1.1x\r\n" + host + "\r\n", 400},
        {"GET / HTTP/11\r\n" + host + "\r\n", 400},
        {"GET / HTTP/2.0\r\n" + host + "\r\n", 505},
        {"GET / HTTP/0.9\r\n" + host + "\r\n", 505},
        {"GET / HTTP/1.2\r\n" + host + "\r\n", 505},
        // line endings (RFC 9112 §2.2)
        {"GET / HTTP/1.1\n" + host + "\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: h\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", 400},
        {"\n\n", 400},
        // fields (RFC 9112 §5)
        {"GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\n" + host + "X-Folded: a\r\n  b\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\n" + host + "NoColon\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\n" + host + ": empty-name\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\n" + host + "Bad[Name]: v\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\n" + host + QByteArray("X: a\0b\r\n\r\n", 10), 400},
        {"GET / HTTP/1.1\r\n" + host +
             "X: a\x01"
             "b\r\n\r\n",
         400},
        // Host (RFC 9112 §3.2)
        {"GET / HTTP/1.1\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        {"GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
        // Content-Length (RFC 9110 §8.6, RFC 9112 §6.3)
        {"PUT / HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Content-Length: +5\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Content-Length: 0x10\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Content-Length: 1 2\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Content-Length: \r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Content-Length: 5, 6\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Content-Length: 5,\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Content-Length: 9223372036854775808\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Content-Length: 99999999999999999999999\r\n\r\n", 400},
        // Transfer-Encoding (RFC 9112 §6.1, §6.3, §7)
        {"PUT / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501},
        {"PUT / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
        {"PUT / HTTP/1.1\r\n" + host + "Transfer-Encoding: \r\n\r\n", 400},
        {"PUT / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        // Expect (RFC 9110 §10.1.1)
        {"PUT / HTTP/1.1\r\n" + host + "Expect: 200-ok\r\n\r\n", 417},
        // not terminated
        {"GET / HTTP/1.1\r\n" + host, 400},
    };
    for (const Case &c : cases) {
        INFO("head: " << c.head.toStdString());
        auto r = RequestParser::parse(c.head);
        CHECK_FALSE(r.ok());
        CHECK(r.status == c.status);
        CHECK_FALSE(r.reason.isEmpty());
    }
}

TEST_CASE("RequestParser enforces the size limits: 414, 431", "[requestparser]")
{
    ParserLimits limits;
    limits.maxTargetBytes = 100;
    limits.maxFields = 5;
    limits.maxHeadBytes = 1024;

    SECTION("a complete head")
    {
        auto longTarget = RequestParser::parse("GET /" + QByteArray(100, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", limits);
        CHECK(longTarget.status == 414);
        QByteArray manyFields = "GET / HTTP/1.1\r\nHost: h\r\n";
        for (int i = 0; i < 5; ++i) {
            manyFields += "X-" + QByteArray::number(i) + ": v\r\n";
        }
        CHECK(RequestParser::parse(manyFields + "\r\n", limits).status == 431);
        const QByteArray big = "GET / HTTP/1.1\r\nHost: h\r\nX: " + QByteArray(1000, 'v') + "\r\n\r\n";
        CHECK(RequestParser::parse(big, limits).status == 431);
    }
    SECTION("an incomplete head is refused as soon as it cannot fit")
    {
        CHECK_FALSE(RequestParser::checkIncomplete("GET /abc", limits).has_value());
        CHECK_FALSE(RequestParser::checkIncomplete("GET / HTTP/1.1\r\nHost: h\r\n", limits).has_value());
        auto target = RequestParser::checkIncomplete("GET /" + QByteArray(100, 'a'), limits);
        REQUIRE(target.has_value());
        CHECK(target->status == 414);
        auto head = RequestParser::checkIncomplete("GET / HTTP/1.1\r\nX: " + QByteArray(1024, 'v'), limits);
        REQUIRE(head.has_value());
        CHECK(head->status == 431);
        auto garbage = RequestParser::checkIncomplete(QByteArray(100, 'x'), limits);
        REQUIRE(garbage.has_value());
        CHECK(garbage->status == 400);
    }
    SECTION("the default head limit is 64 KiB")
    {
        CHECK(ParserLimits().maxHeadBytes == 64 * 1024);
        CHECK(ParserLimits().maxFields == 100);
        const QByteArray big = "GET / HTTP/1.1\r\nHost: h\r\nX: " + QByteArray(64 * 1024, 'v') + "\r\n\r\n";
        CHECK(RequestParser::parse(big).status == 431);
    }
}

TEST_CASE("RequestParser finds the end of a head in truncated and pipelined input", "[requestparser]")
{
    const QByteArray head = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
    for (qsizetype i = 0; i < head.size(); ++i) {
        INFO("prefix " << i);
        CHECK(RequestParser::findHeadEnd(head.first(i)) == -1);
    }
    CHECK(RequestParser::findHeadEnd(head + "GET /b HTTP/1.1\r\n") == head.size());
    CHECK(RequestParser::findHeadEnd("GET / HTTP/1.1\n\n") == 16); // found, so that parse() refuses it
    CHECK(RequestParser::parse("GET / HTTP/1.1\n\n").status == 400);
    CHECK(RequestParser::reasonPhrase(404) == "Not Found");
    CHECK(RequestParser::reasonPhrase(431) == "Request Header Fields Too Large");
}

TEST_CASE("ChunkedDecoder decodes across every split of its input", "[requestparser][chunked]")
{
    const QByteArray encoded = "5\r\nhello\r\n"
                               "1A;name=value;flag\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                               "0000000000000000000003 ; ext=\"quoted\"\r\n123\r\n"
                               "0\r\nTrailer-One: x\r\nTrailer-Two: y\r\n\r\n";
    const QByteArray expected = "helloabcdefghijklmnopqrstuvwxyz123";
    const QByteArray next = "GET /next HTTP/1.1\r\n";

    SECTION("whole")
    {
        auto d = decodeInPieces(encoded + next, {encoded.size() + next.size()});
        CHECK(d.done);
        CHECK(d.data == expected);
        CHECK(d.consumed == encoded.size()); // the next request's bytes are left alone
    }
    SECTION("byte by byte")
    {
        auto d = decodeInPieces(encoded, bytewise(encoded.size()));
        CHECK(d.done);
        CHECK(d.data == expected);
        CHECK(d.consumed == encoded.size());
    }
    SECTION("random splits")
    {
        QRandomGenerator rng(20240611);
        for (int round = 0; round < 200; ++round) {
            auto d = decodeInPieces(encoded, randomSplits(encoded.size(), rng));
            REQUIRE(d.done);
            REQUIRE(d.data == expected);
        }
    }
    SECTION("no trailers, empty body")
    {
        auto d = decodeInPieces("0\r\n\r\n", bytewise(5));
        CHECK(d.done);
        CHECK(d.data.isEmpty());
    }
    SECTION("a large random body in random pieces")
    {
        QRandomGenerator rng(7);
        QByteArray body(300'000, Qt::Uninitialized);
        for (char &c : body) {
            c = char(rng.bounded(256));
        }
        QByteArray wire;
        for (qsizetype pos = 0; pos < body.size();) {
            const qsizetype n = qMin<qsizetype>(body.size() - pos, 1 + rng.bounded(70'000));
            wire += QByteArray::number(n, 16) + "\r\n" + body.mid(pos, n) + "\r\n";
            pos += n;
        }
        wire += "0\r\n\r\n";
        QList<qsizetype> pieces;
        for (qsizetype left = wire.size(); left > 0;) {
            const qsizetype n = qMin<qsizetype>(left, 1 + rng.bounded(9000));
            pieces.append(n);
            left -= n;
        }
        auto d = decodeInPieces(wire, pieces);
        CHECK(d.done);
        CHECK(d.data == body);
    }
}

TEST_CASE("ChunkedDecoder refuses malformed chunks", "[requestparser][chunked]")
{
    const QByteArray cases[] = {
        "",                              // (not an error, checked below: simply incomplete)
        "x\r\n",                         // no chunk-size
        "5 x\r\nhello\r\n0\r\n\r\n",     // garbage after the size
        "-5\r\nhello\r\n0\r\n\r\n",      // sign
        "5\nhello\r\n0\r\n\r\n",         // bare LF after size
        "5\rhello\r\n0\r\n\r\n",         // bare CR after size
        "5\r\nhelloX\r\n0\r\n\r\n",      // data longer than the size
        "5\r\nhello\n0\r\n\r\n",         // bare LF after data
        "5\r\nhello\r\n0\r\nX: y\n\r\n", // bare LF in a trailer
        "5\r\nhello\r\n0\r\n\rX",        // final CRLF broken
        "5;a\x01\r\nhello\r\n0\r\n\r\n", // control character in an extension
        "8000000000000000\r\n",          // 2^63: overflows qint64
        "FFFFFFFFFFFFFFFFFFFF\r\n",      // far beyond
    };
    for (qsizetype i = 1; i < qsizetype(std::size(cases)); ++i) {
        const QByteArray &c = cases[i];
        INFO("case " << i << ": " << c.toStdString());
        auto whole = decodeInPieces(c, {c.size()});
        CHECK(whole.error);
        CHECK_FALSE(whole.done);
        auto bytes = decodeInPieces(c, bytewise(c.size()));
        CHECK(bytes.error);
    }
    ChunkedDecoder incomplete;
    CHECK(incomplete.decode("5\r\nhel", [](QByteArrayView) {}) == 6);
    CHECK_FALSE(incomplete.isDone());
    CHECK_FALSE(incomplete.hasError());

    SECTION("the largest chunk-size is accepted, one more digit is not")
    {
        ChunkedDecoder d;
        d.decode("7FFFFFFFFFFFFFFF\r\n", [](QByteArrayView) {});
        CHECK_FALSE(d.hasError());
    }
    SECTION("size lines and trailers are bounded")
    {
        ChunkedDecoder d(64, 64);
        d.decode("5;" + QByteArray(100, 'e') + "\r\n", [](QByteArrayView) {});
        CHECK(d.hasError());
        ChunkedDecoder t(64, 64);
        t.decode("0\r\nX: " + QByteArray(100, 'v') + "\r\n\r\n", [](QByteArrayView) {});
        CHECK(t.hasError());
        CHECK_FALSE(t.errorString().isEmpty());
    }
}
