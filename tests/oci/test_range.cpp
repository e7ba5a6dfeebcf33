#include "oci/range.h"

#include "testsupport.h"

#include <limits>

using Minato::Oci::ByteRange;
using Minato::Oci::ChunkRange;
using Minato::Oci::ContentRange;
using Minato::Oci::RangeRequest;
using Minato::Oci::RangeResolution;
using Minato::Oci::RangeSpec;
using Minato::Oci::UploadRange;

namespace {
constexpr qint64 int64Max = std::numeric_limits<qint64>::max();
const QByteArray int64MaxText = QByteArray::number(int64Max);
} // namespace

TEST_CASE("Range request resolves against the blob size", "[range]")
{
    using Kind = RangeResolution::Kind;
    struct Case
    {
        QByteArray header;
        qint64 size;
        Kind kind;
        ByteRange range;
    };
    const Case cases[] = {
        // RFC 9110 §14.1.2 examples on a 10000-byte representation.
        {"bytes=0-499", 10000, Kind::Partial, {0, 499}},
        {"bytes=500-999", 10000, Kind::Partial, {500, 999}},
        {"bytes=-500", 10000, Kind::Partial, {9500, 9999}},
        {"bytes=9500-", 10000, Kind::Partial, {9500, 9999}},
        {"bytes=0-0,-1", 10000, Kind::Full, {}}, // first and last byte: disjoint, served whole
        // The OCI conformance suite's cases ("Blob get range") on a 4096-byte blob.
        {"bytes=500-1499", 4096, Kind::Partial, {500, 1499}},
        {"bytes=500-", 4096, Kind::Partial, {500, 4095}},
        {"bytes=2000-5000", 4096, Kind::Partial, {2000, 4095}},
        {"bytes=500-0", 4096, Kind::Unsatisfiable, {}},
        {"bytes=5000-10000", 4096, Kind::Unsatisfiable, {}},
        // Edges.
        {"bytes=0-", 1, Kind::Partial, {0, 0}},
        {"bytes=4095-4095", 4096, Kind::Partial, {4095, 4095}},
        {"bytes=4096-", 4096, Kind::Unsatisfiable, {}},
        {"bytes=-0", 4096, Kind::Unsatisfiable, {}},
        {"bytes=-5000", 4096, Kind::Partial, {0, 4095}},
        {"bytes=0-" + int64MaxText.chopped(1), 10, Kind::Partial, {0, 9}},
        {"bytes=" + QByteArray::number(int64Max - 1) + "-", 10, Kind::Unsatisfiable, {}},
        {"bytes=0-99", int64Max - 1, Kind::Partial, {0, 99}},
        {"bytes=-1", int64Max - 1, Kind::Partial, {int64Max - 2, int64Max - 2}},
        // Whitespace, case, empty list elements (RFC 9110 §5.6.1).
        {"  bytes=0-9  ", 100, Kind::Partial, {0, 9}},
        {"Bytes=0-9", 100, Kind::Partial, {0, 9}},
        {"BYTES=, 0-9 ,", 100, Kind::Partial, {0, 9}},
        // Several ranges: coalesced when they touch or overlap, else the whole blob.
        {"bytes=0-9,10-19", 100, Kind::Partial, {0, 19}},
        {"bytes=10-19, 0-12", 100, Kind::Partial, {0, 19}},
        {"bytes=0-9, 5-", 100, Kind::Partial, {0, 99}},
        {"bytes=0-9,20-29", 100, Kind::Full, {}},
        {"bytes=0-9,200-300", 100, Kind::Partial, {0, 9}}, // the unsatisfiable one is dropped
        {"bytes=200-300,-0", 100, Kind::Unsatisfiable, {}},
        {"bytes=0-9,9-5", 100, Kind::Unsatisfiable, {}},
        // Zero-length representation: Range ignored.
        {"bytes=0-", 0, Kind::Full, {}},
        {"bytes=-5", 0, Kind::Full, {}},
        // Not parseable or another unit: ignored (RFC 9110 §14.2).
        {"", 100, Kind::Full, {}},
        {"bytes", 100, Kind::Full, {}},
        {"bytes=", 100, Kind::Full, {}},
        {"bytes=,", 100, Kind::Full, {}},
        {"items=0-9", 100, Kind::Full, {}},
        {"bytes 0-9", 100, Kind::Full, {}},
        {"bytes=0 - 9", 100, Kind::Full, {}},
        {"bytes=a-9", 100, Kind::Full, {}},
        {"bytes=-", 100, Kind::Full, {}},
        {"bytes=--5", 100, Kind::Full, {}},
        {"bytes=+5-9", 100, Kind::Full, {}},
        {"bytes=5", 100, Kind::Full, {}},
        {"bytes=0-9x", 100, Kind::Full, {}},
        {"bytes=0-" + int64MaxText, 100, Kind::Full, {}},
        {"bytes=99999999999999999999-", 100, Kind::Full, {}},
        {"bytes=-99999999999999999999", 100, Kind::Full, {}},
    };
    for (const Case &c : cases) {
        INFO("header: " << c.header.toStdString() << " size " << c.size);
        const RangeResolution r = RangeRequest::resolve(c.header, c.size);
        CHECK(r.kind == c.kind);
        if (c.kind == Kind::Partial) {
            CHECK(r.range == c.range);
        }
    }
}

TEST_CASE("Range request: statuses, Content-Range, limits and reasons", "[range]")
{
    const RangeResolution partial = RangeRequest::resolve("bytes=500-1499", 4096);
    CHECK(partial.httpStatus() == 206);
    CHECK(partial.contentRange(4096) == QByteArray("bytes 500-1499/4096"));
    CHECK(partial.range.length() == 1000);
    const RangeResolution unsatisfiable = RangeRequest::resolve("bytes=5000-", 4096);
    CHECK(unsatisfiable.httpStatus() == 416);
    CHECK(unsatisfiable.contentRange(4096) == QByteArray("bytes */4096"));
    const RangeResolution full = RangeRequest::resolve("garbage", 4096);
    CHECK(full.httpStatus() == 200);
    CHECK(full.contentRange(4096).isEmpty());

    auto parsed = RangeRequest::parse("bytes=0-9, 100-, -20");
    REQUIRE(parsed.hasValue());
    CHECK(parsed->specs() == QList<RangeSpec>{{0, 9, -1}, {100, -1, -1}, {-1, -1, 20}});
    CHECK(parsed->specs().at(2).isSuffix());

    QByteArray many = "bytes=";
    for (int i = 0; i <= RangeRequest::maxRanges; ++i) {
        many += QByteArray::number(i) + "-" + QByteArray::number(i) + ",";
    }
    CHECK(RangeRequest::resolve(many, 1000).kind == RangeResolution::Kind::Full);

    struct Case
    {
        QByteArray header;
        QString reasonContains;
    };
    const Case cases[] = {
        {"0-9", QStringLiteral("not unit=ranges")},
        {"items=0-9", QStringLiteral("unit \"items\" is not supported")},
        {"bytes=", QStringLiteral("lists no range")},
        {"bytes=x", QStringLiteral("\"x\" is not first-last, first- or -suffix")},
        {"bytes=0-" + int64MaxText, QStringLiteral("too large")},
        {many, QStringLiteral("more than 100 ranges")},
        {"bytes=" + QByteArray(9000, '1'), QStringLiteral("longer than 8192 bytes")},
    };
    for (const Case &c : cases) {
        INFO("header: " << c.header.left(60).toStdString());
        auto r = RangeRequest::parse(c.header);
        REQUIRE_FALSE(r.hasValue());
        CHECK(r.error().field == QStringLiteral("Range header"));
        CHECK(r.error().reason.contains(c.reasonContains));
    }

    CHECK(RangeRequest::format(1024) == QByteArray("bytes=1024-"));
    CHECK(RangeRequest::format(0, 499) == QByteArray("bytes=0-499"));
    CHECK(RangeRequest::formatSuffix(500) == QByteArray("bytes=-500"));
    CHECK(RangeRequest::resolve(RangeRequest::format(1024), 2048).range == ByteRange{1024, 2047});
}

TEST_CASE("Content-Range is formatted and parsed", "[range]")
{
    CHECK(ContentRange::format({0, 499}, 1234) == QByteArray("bytes 0-499/1234"));
    CHECK(ContentRange::format({0, 499}, -1) == QByteArray("bytes 0-499/*"));
    CHECK(ContentRange::formatUnsatisfied(1234) == QByteArray("bytes */1234"));

    struct Case
    {
        QByteArray header;
        std::optional<ByteRange> range;
        qint64 completeLength;
    };
    const Case cases[] = {
        {"bytes 42-1233/1234", ByteRange{42, 1233}, 1234},
        {"bytes 42-1233/*", ByteRange{42, 1233}, -1},
        {"bytes */1234", std::nullopt, 1234},
        {"bytes */0", std::nullopt, 0},
        {"BYTES 0-0/1", ByteRange{0, 0}, 1},
        {"  bytes  0-9/10  ", ByteRange{0, 9}, 10},
        {"bytes 0-" + QByteArray::number(int64Max - 2) + "/" + QByteArray::number(int64Max - 1),
         ByteRange{0, int64Max - 2}, int64Max - 1},
    };
    for (const Case &c : cases) {
        INFO("header: " << c.header.toStdString());
        auto parsed = ContentRange::parse(c.header);
        REQUIRE(parsed.hasValue());
        CHECK(parsed->range == c.range);
        CHECK(parsed->completeLength == c.completeLength);
        CHECK(ContentRange::parse(parsed->toHeaderValue()).value() == parsed.value());
    }

    struct Bad
    {
        QByteArray header;
        QString reasonContains;
    };
    const Bad bad[] = {
        {"", QStringLiteral("does not start with the unit")},
        {"0-9/10", QStringLiteral("does not start with the unit")},
        {"items 0-9/10", QStringLiteral("does not start with the unit")},
        {"bytes=0-9/10", QStringLiteral("does not start with the unit")},
        {"bytes */*", QStringLiteral("is not bytes first-last/length")},
        {"bytes *", QStringLiteral("is not bytes")},
        {"bytes 0-9", QStringLiteral("is not bytes")},
        {"bytes 0-/10", QStringLiteral("is not bytes")},
        {"bytes -9/10", QStringLiteral("is not bytes")},
        {"bytes 0-9/10x", QStringLiteral("is not bytes")},
        {"bytes 0-9/", QStringLiteral("is not bytes")},
        {"bytes 9-0/10", QStringLiteral("last position 0 is before the first 9")},
        {"bytes 0-10/10", QStringLiteral("not inside the length 10")},
        {"bytes 0-9/" + int64MaxText, QStringLiteral("too large")},
        {"bytes 0-99999999999999999999/*", QStringLiteral("too large")},
        {"bytes */99999999999999999999", QStringLiteral("too large")},
    };
    for (const Bad &c : bad) {
        INFO("header: " << c.header.toStdString());
        auto parsed = ContentRange::parse(c.header);
        REQUIRE_FALSE(parsed.hasValue());
        CHECK(parsed.error().field == QStringLiteral("Content-Range header"));
        CHECK(parsed.error().reason.contains(c.reasonContains));
    }
}

TEST_CASE("Chunk Content-Range of a PATCH upload", "[range][upload]")
{
    CHECK(ChunkRange::format(0, 1024) == QByteArray("0-1023"));
    CHECK(ChunkRange::format(1024, 1) == QByteArray("1024-1024"));

    struct Case
    {
        QByteArray header;
        ByteRange range;
    };
    const Case cases[] = {
        {"0-1023", {0, 1023}},
        {"1024-2047", {1024, 2047}},
        {"5-5", {5, 5}},
        {" 0-9 ", {0, 9}},
        {"0-" + QByteArray::number(int64Max - 1), {0, int64Max - 1}},
    };
    for (const Case &c : cases) {
        INFO("header: " << c.header.toStdString());
        auto parsed = ChunkRange::parse(c.header);
        REQUIRE(parsed.hasValue());
        CHECK(*parsed == c.range);
    }
    CHECK(ChunkRange::parse(ChunkRange::format(7, 3)).value() == ByteRange{7, 9});

    struct Bad
    {
        QByteArray header;
        QString reasonContains;
    };
    const Bad bad[] = {
        {"", QStringLiteral("is not <start>-<end>")},
        {"0", QStringLiteral("is not <start>-<end>")},
        {"0-", QStringLiteral("is not <start>-<end>")},
        {"-5", QStringLiteral("is not <start>-<end>")},
        {"-1-5", QStringLiteral("is not <start>-<end>")},
        {"0--1", QStringLiteral("is not <start>-<end>")},
        {"0 - 9", QStringLiteral("is not <start>-<end>")},
        {"bytes 0-9/10", QStringLiteral("is not <start>-<end>")},
        {"bytes=0-9", QStringLiteral("is not <start>-<end>")},
        {"0-9/10", QStringLiteral("is not <start>-<end>")},
        {"+0-9", QStringLiteral("is not <start>-<end>")},
        {"0x10-0x20", QStringLiteral("is not <start>-<end>")},
        {"10-9", QStringLiteral("the end 9 is before the start 10")},
        {"0-" + int64MaxText, QStringLiteral("too large")},
        {"99999999999999999999-99999999999999999999", QStringLiteral("too large")},
        {"18446744073709551616-18446744073709551617", QStringLiteral("too large")},
    };
    for (const Bad &c : bad) {
        INFO("header: " << c.header.toStdString());
        auto parsed = ChunkRange::parse(c.header);
        REQUIRE_FALSE(parsed.hasValue());
        CHECK(parsed.error().field == QStringLiteral("Content-Range header"));
        CHECK(parsed.error().reason.contains(c.reasonContains));
    }
}

TEST_CASE("Upload Range of 202/204 responses", "[range][upload]")
{
    CHECK(UploadRange::format(0) == QByteArray("0-0")); // as distribution sends for an empty upload
    CHECK(UploadRange::format(1) == QByteArray("0-0"));
    CHECK(UploadRange::format(1024) == QByteArray("0-1023"));

    struct Case
    {
        QByteArray header;
        qint64 lastByte;
        bool ambiguous;
        qint64 received;
        qint64 resumeAfterNothing; // resumeOffset(0)
        qint64 resumeAfterSome;    // resumeOffset(1)
    };
    const Case cases[] = {
        {"0-1023", 1023, false, 1024, 1024, 1024},
        {"0-1", 1, false, 2, 2, 2},
        {"0-0", 0, true, 1, 0, 1},
        {"0--1", -1, false, 0, 0, 0},
        {"bytes=0-99", 99, false, 100, 100, 100},
        {" 0-9 ", 9, false, 10, 10, 10},
        {"0-" + QByteArray::number(int64Max - 1), int64Max - 1, false, int64Max, int64Max, int64Max},
    };
    for (const Case &c : cases) {
        INFO("header: " << c.header.toStdString());
        auto parsed = UploadRange::parse(c.header);
        REQUIRE(parsed.hasValue());
        CHECK(parsed->lastByte == c.lastByte);
        CHECK(parsed->ambiguous == c.ambiguous);
        CHECK(parsed->received() == c.received);
        CHECK(parsed->resumeOffset(0) == c.resumeAfterNothing);
        CHECK(parsed->resumeOffset(1) == c.resumeAfterSome);
    }
    // What the server writes reads back as what it holds (with the one ambiguity of "0-0").
    for (qint64 size : {qint64(2), qint64(3), qint64(65536), int64Max - 1}) {
        CHECK(UploadRange::parse(UploadRange::format(size))->received() == size);
    }
    CHECK(UploadRange::parse(UploadRange::format(0))->resumeOffset(0) == 0);

    struct Bad
    {
        QByteArray header;
        QString reasonContains;
    };
    const Bad bad[] = {
        {"", QStringLiteral("is not 0-<end-of-range>")},
        {"0", QStringLiteral("is not 0-<end-of-range>")},
        {"0-", QStringLiteral("is not 0-<end-of-range>")},
        {"-5", QStringLiteral("is not 0-<end-of-range>")},
        {"0--2", QStringLiteral("is not 0-<end-of-range>")},
        {"0-1-2", QStringLiteral("is not 0-<end-of-range>")},
        {"bytes 0-9/10", QStringLiteral("is not 0-<end-of-range>")},
        {"0-9,", QStringLiteral("is not 0-<end-of-range>")},
        {"5-9", QStringLiteral("starts at 5")},
        {"0-" + int64MaxText, QStringLiteral("too large")},
        {"99999999999999999999-1", QStringLiteral("too large")},
    };
    for (const Bad &c : bad) {
        INFO("header: " << c.header.toStdString());
        auto parsed = UploadRange::parse(c.header);
        REQUIRE_FALSE(parsed.hasValue());
        CHECK(parsed.error().field == QStringLiteral("Range header"));
        CHECK(parsed.error().reason.contains(c.reasonContains));
    }
}

TEST_CASE("Range formatters refuse what is no range instead of writing it", "[range]")
{
    using Minato::Oci::ChunkRange;
    using Minato::Oci::RangeRequest;
    using Minato::Oci::UploadRange;
    // An empty chunk has no Content-Range (an empty PATCH sends none): not "1024-1023".
    CHECK(ChunkRange::format(1024, 0).isEmpty());
    CHECK(ChunkRange::format(0, 0).isEmpty());
    CHECK(ChunkRange::format(0, -5).isEmpty());
    CHECK(ChunkRange::format(-1, 10).isEmpty());
    CHECK(ChunkRange::format(std::numeric_limits<qint64>::max(), 2).isEmpty());
    CHECK(ChunkRange::format(1024, 1) == "1024-1024");
    CHECK(ChunkRange::format(0, 1024) == "0-1023");
    // A negative first position is no range: not "bytes=-1-".
    CHECK(RangeRequest::format(-1).isEmpty());
    CHECK(RangeRequest::format(-1, 10).isEmpty());
    CHECK(RangeRequest::format(0) == "bytes=0-");
    CHECK(RangeRequest::format(5, 9) == "bytes=5-9");
    CHECK(RangeRequest::formatSuffix(-3).isEmpty());
    CHECK(RangeRequest::formatSuffix(3) == "bytes=-3");
    CHECK(UploadRange::format(-7) == "0-0");
    // Untrusted header text in a reason is quoted short and escaped.
    const auto bad = ChunkRange::parse(QByteArray("1-\n") + QByteArray(4000, 'x'));
    REQUIRE_FALSE(bad.hasValue());
    CHECK(bad.error().reason.size() < 200);
    CHECK_FALSE(bad.error().reason.contains(u'\n'));
    INFO(bad.error().reason.toStdString());
    CHECK(bad.error().reason.contains(QStringLiteral("\"1-\\x0A")));
}
