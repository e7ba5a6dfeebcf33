#include "range.h"

#include "textutil.h"

#include <QString>

#include <algorithm>
#include <limits>

namespace Minato::Oci {

namespace {

// Positions and lengths stop one below the qint64 maximum so that last - first + 1 never overflows.
constexpr qint64 maxNumber = std::numeric_limits<qint64>::max() - 1;
constexpr qsizetype maxHeaderLength = qsizetype(8) * 1024;

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

QByteArrayView trimSpaces(QByteArrayView v)
{
    while (!v.isEmpty() && isSpace(v.front())) {
        v = v.sliced(1);
    }
    while (!v.isEmpty() && isSpace(v.back())) {
        v.chop(1);
    }
    return v;
}

enum class NumberStatus { Ok, Missing, TooLarge };

// 1*DIGIT at pos, advancing pos. No sign, no spaces.
NumberStatus readNumber(QByteArrayView v, qsizetype &pos, qint64 &out)
{
    const qsizetype start = pos;
    qint64 value = 0;
    bool tooLarge = false;
    while (pos < v.size() && isDigit(v.at(pos))) {
        const int digit = v.at(pos) - '0';
        if (!tooLarge && value > (maxNumber - digit) / 10) {
            tooLarge = true;
        }
        if (!tooLarge) {
            value = value * 10 + digit;
        }
        ++pos;
    }
    if (pos == start) {
        return NumberStatus::Missing;
    }
    if (tooLarge) {
        return NumberStatus::TooLarge;
    }
    out = value;
    return NumberStatus::Ok;
}

// A whole view that is exactly 1*DIGIT.
NumberStatus wholeNumber(QByteArrayView v, qint64 &out)
{
    qsizetype pos = 0;
    const NumberStatus status = readNumber(v, pos, out);
    if (status == NumberStatus::Ok && pos != v.size()) {
        return NumberStatus::Missing;
    }
    return status;
}

bool startsWithUnit(QByteArrayView v, char separator, qsizetype *consumed)
{
    static constexpr QByteArrayView bytes("bytes");
    if (v.size() <= bytes.size() || v.at(bytes.size()) != separator) {
        return false;
    }
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = v.at(i);
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (lower != bytes.at(i)) {
            return false;
        }
    }
    *consumed = bytes.size() + 1;
    return true;
}

QString tooLargeReason()
{
    return QStringLiteral("a number is too large (positions stop at %1)").arg(maxNumber);
}

} // namespace

int RangeResolution::httpStatus() const
{
    switch (kind) {
    case Kind::Partial:
        return 206;
    case Kind::Unsatisfiable:
        return 416;
    case Kind::Full:
        break;
    }
    return 200;
}

QByteArray RangeResolution::contentRange(qint64 size) const
{
    switch (kind) {
    case Kind::Partial:
        return ContentRange::format(range, size);
    case Kind::Unsatisfiable:
        return ContentRange::formatUnsatisfied(size);
    case Kind::Full:
        break;
    }
    return {};
}

// RFC 9110 §14.1.1, §14.1.2:
//   ranges-specifier = range-unit "=" range-set
//   range-set        = 1#range-spec
//   range-spec       = int-range / suffix-range / other-range
//   int-range        = first-pos "-" [ last-pos ]
//   suffix-range     = "-" suffix-length
// OWS around list elements and empty elements are accepted (§5.6.1); whitespace inside a range-spec is not.
Expected<RangeRequest> RangeRequest::parse(QByteArrayView headerValue)
{
    const QString field = QStringLiteral("Range header");
    if (headerValue.size() > maxHeaderLength) {
        return Expected<RangeRequest>::failure(field, QStringLiteral("is longer than %1 bytes").arg(maxHeaderLength));
    }
    const QByteArrayView v = trimSpaces(headerValue);
    const qsizetype equals = v.indexOf('=');
    if (equals < 0) {
        return Expected<RangeRequest>::failure(
            field, QStringLiteral("%1 is not unit=ranges, such as bytes=0-499").arg(quoteBytes(v)));
    }
    qsizetype unitLength = 0;
    if (!startsWithUnit(v, '=', &unitLength)) {
        // §14.2: an origin server MUST ignore a Range header with a unit it does not understand.
        return Expected<RangeRequest>::failure(
            field, QStringLiteral("the unit %1 is not supported (only bytes is)").arg(quoteBytes(v.first(equals))));
    }

    RangeRequest request;
    QByteArrayView rest = v.sliced(unitLength);
    while (true) {
        const qsizetype comma = rest.indexOf(',');
        const QByteArrayView element = trimSpaces(comma < 0 ? rest : rest.first(comma));
        if (!element.isEmpty()) {
            if (request.m_specs.size() >= maxRanges) {
                return Expected<RangeRequest>::failure(field,
                                                       QStringLiteral("asks for more than %1 ranges").arg(maxRanges));
            }
            RangeSpec spec;
            qsizetype pos = 0;
            NumberStatus status = NumberStatus::Ok;
            if (element.front() == '-') {
                pos = 1;
                status = readNumber(element, pos, spec.suffixLength);
            } else {
                status = readNumber(element, pos, spec.first);
                if (status == NumberStatus::Ok) {
                    if (pos < element.size() && element.at(pos) == '-') {
                        ++pos;
                        if (pos < element.size()) {
                            status = readNumber(element, pos, spec.last);
                        }
                    } else {
                        status = NumberStatus::Missing;
                    }
                }
            }
            if (status == NumberStatus::TooLarge) {
                return Expected<RangeRequest>::failure(field, tooLargeReason());
            }
            if (status != NumberStatus::Ok || pos != element.size()) {
                return Expected<RangeRequest>::failure(
                    field, QStringLiteral("%1 is not first-last, first- or -suffix").arg(quoteBytes(element)));
            }
            request.m_specs.append(spec);
        }
        if (comma < 0) {
            break;
        }
        rest = rest.sliced(comma + 1);
    }
    if (request.m_specs.isEmpty()) {
        return Expected<RangeRequest>::failure(field, QStringLiteral("lists no range"));
    }
    return request;
}

RangeResolution RangeRequest::resolve(QByteArrayView headerValue, qint64 size)
{
    const auto request = parse(headerValue);
    return request ? request->resolve(size) : RangeResolution{};
}

RangeResolution RangeRequest::resolve(qint64 size) const
{
    using Kind = RangeResolution::Kind;
    if (size <= 0) {
        return {}; // §14.2: a server MAY ignore Range on a zero-length representation
    }
    QList<ByteRange> satisfiable;
    for (const RangeSpec &spec : m_specs) {
        if (spec.isSuffix()) {
            // §14.1.2: a suffix longer than the representation selects all of it; "-0" is unsatisfiable.
            if (spec.suffixLength > 0) {
                satisfiable.append(ByteRange{std::max<qint64>(0, size - spec.suffixLength), size - 1});
            }
            continue;
        }
        if (spec.last >= 0 && spec.last < spec.first) {
            return {Kind::Unsatisfiable, {}}; // invalid range-spec, rejected (§14.2 "ignore or reject")
        }
        if (spec.first < size) {
            const qint64 last = spec.last < 0 ? size - 1 : std::min(spec.last, size - 1);
            satisfiable.append(ByteRange{spec.first, last});
        }
    }
    if (satisfiable.isEmpty()) {
        return {Kind::Unsatisfiable, {}};
    }
    std::sort(satisfiable.begin(), satisfiable.end(),
              [](const ByteRange &a, const ByteRange &b) { return a.first < b.first; });
    ByteRange merged = satisfiable.first();
    for (qsizetype i = 1; i < satisfiable.size(); ++i) {
        const ByteRange &r = satisfiable.at(i);
        if (r.first > merged.last + 1) {
            return {}; // disjoint ranges would need multipart/byteranges: serve the whole blob instead
        }
        merged.last = std::max(merged.last, r.last);
    }
    return {Kind::Partial, merged};
}

QByteArray RangeRequest::format(qint64 first, qint64 last)
{
    if (first < 0) {
        return QByteArray(); // "bytes=-1-" is no range; a suffix range is formatSuffix()
    }
    QByteArray out = QByteArrayLiteral("bytes=") + QByteArray::number(first) + '-';
    if (last >= 0) {
        out.append(QByteArray::number(last));
    }
    return out;
}

QByteArray RangeRequest::formatSuffix(qint64 length)
{
    if (length < 0) {
        return QByteArray();
    }
    return QByteArrayLiteral("bytes=-") + QByteArray::number(length);
}

// RFC 9110 §14.4:
//   Content-Range     = range-unit SP ( range-resp / unsatisfied-range )
//   range-resp        = incl-range "/" ( complete-length / "*" )
//   incl-range        = first-pos "-" last-pos
//   unsatisfied-range = "*/" complete-length
Expected<ContentRange> ContentRange::parse(QByteArrayView headerValue)
{
    const QString field = QStringLiteral("Content-Range header");
    if (headerValue.size() > maxHeaderLength) {
        return Expected<ContentRange>::failure(field, QStringLiteral("is longer than %1 bytes").arg(maxHeaderLength));
    }
    const QByteArrayView v = trimSpaces(headerValue);
    qsizetype pos = 0;
    if (!startsWithUnit(v, ' ', &pos)) {
        return Expected<ContentRange>::failure(
            field, QStringLiteral("%1 does not start with the unit \"bytes \"").arg(quoteBytes(v)));
    }
    while (pos < v.size() && v.at(pos) == ' ') {
        ++pos; // tolerate extra spaces after the unit
    }
    const auto malformed = [&]() {
        return Expected<ContentRange>::failure(
            field, QStringLiteral("%1 is not bytes first-last/length, bytes first-last/* or bytes */length")
                       .arg(quoteBytes(v)));
    };
    ContentRange result;
    if (pos < v.size() && v.at(pos) == '*') {
        if (pos + 1 >= v.size() || v.at(pos + 1) != '/') {
            return malformed();
        }
        const NumberStatus status = wholeNumber(v.sliced(pos + 2), result.completeLength);
        if (status == NumberStatus::TooLarge) {
            return Expected<ContentRange>::failure(field, tooLargeReason());
        }
        if (status != NumberStatus::Ok) {
            return malformed();
        }
        return result;
    }
    ByteRange range;
    NumberStatus status = readNumber(v, pos, range.first);
    if (status == NumberStatus::Ok) {
        if (pos < v.size() && v.at(pos) == '-') {
            ++pos;
            status = readNumber(v, pos, range.last);
        } else {
            status = NumberStatus::Missing;
        }
    }
    if (status == NumberStatus::TooLarge) {
        return Expected<ContentRange>::failure(field, tooLargeReason());
    }
    if (status != NumberStatus::Ok || pos >= v.size() || v.at(pos) != '/') {
        return malformed();
    }
    const QByteArrayView length = v.sliced(pos + 1);
    if (length != QByteArrayView("*")) {
        status = wholeNumber(length, result.completeLength);
        if (status == NumberStatus::TooLarge) {
            return Expected<ContentRange>::failure(field, tooLargeReason());
        }
        if (status != NumberStatus::Ok) {
            return malformed();
        }
    }
    if (range.last < range.first) {
        return Expected<ContentRange>::failure(
            field, QStringLiteral("the last position %1 is before the first %2").arg(range.last).arg(range.first));
    }
    if (result.completeLength >= 0 && result.completeLength <= range.last) {
        return Expected<ContentRange>::failure(field, QStringLiteral("the last position %1 is not inside the length %2")
                                                          .arg(range.last)
                                                          .arg(result.completeLength));
    }
    result.range = range;
    return result;
}

QByteArray ContentRange::toHeaderValue() const
{
    if (!range) {
        return formatUnsatisfied(completeLength);
    }
    return format(*range, completeLength);
}

QByteArray ContentRange::format(ByteRange range, qint64 size)
{
    return QByteArrayLiteral("bytes ") + QByteArray::number(range.first) + '-' + QByteArray::number(range.last) + '/' +
           (size < 0 ? QByteArrayLiteral("*") : QByteArray::number(size));
}

QByteArray ContentRange::formatUnsatisfied(qint64 size)
{
    return QByteArrayLiteral("bytes */") + QByteArray::number(std::max<qint64>(size, 0));
}

// distribution-spec "Pushing a blob in chunks": ^[0-9]+-[0-9]+$, inclusive on both ends.
Expected<ByteRange> ChunkRange::parse(QByteArrayView headerValue)
{
    const QString field = QStringLiteral("Content-Range header");
    if (headerValue.size() > maxHeaderLength) {
        return Expected<ByteRange>::failure(field, QStringLiteral("is longer than %1 bytes").arg(maxHeaderLength));
    }
    const QByteArrayView v = trimSpaces(headerValue);
    ByteRange range;
    qsizetype pos = 0;
    NumberStatus status = readNumber(v, pos, range.first);
    if (status == NumberStatus::Ok) {
        if (pos < v.size() && v.at(pos) == '-') {
            ++pos;
            status = readNumber(v, pos, range.last);
        } else {
            status = NumberStatus::Missing;
        }
    }
    if (status == NumberStatus::TooLarge) {
        return Expected<ByteRange>::failure(field, tooLargeReason());
    }
    if (status != NumberStatus::Ok || pos != v.size()) {
        return Expected<ByteRange>::failure(
            field, QStringLiteral("%1 is not <start>-<end> (digits only, such as 0-1023)").arg(quoteBytes(v)));
    }
    if (range.last < range.first) {
        return Expected<ByteRange>::failure(
            field, QStringLiteral("the end %1 is before the start %2").arg(range.last).arg(range.first));
    }
    return range;
}

QByteArray ChunkRange::format(qint64 offset, qint64 length)
{
    if (offset < 0 || length < 1 || offset > std::numeric_limits<qint64>::max() - length) {
        return QByteArray(); // no bytes, no range (see range.h)
    }
    return QByteArray::number(offset) + '-' + QByteArray::number(offset + length - 1);
}

qint64 UploadRange::resumeOffset(qint64 bytesSent) const
{
    if (ambiguous) {
        return bytesSent <= 0 ? 0 : 1;
    }
    return received();
}

Expected<UploadRange> UploadRange::parse(QByteArrayView headerValue)
{
    const QString field = QStringLiteral("Range header");
    if (headerValue.size() > maxHeaderLength) {
        return Expected<UploadRange>::failure(field, QStringLiteral("is longer than %1 bytes").arg(maxHeaderLength));
    }
    QByteArrayView v = trimSpaces(headerValue);
    qsizetype unit = 0;
    if (startsWithUnit(v, '=', &unit)) {
        v = v.sliced(unit); // "bytes=0-N": not the spec's form, tolerated
    }
    const auto malformed = [&]() {
        return Expected<UploadRange>::failure(
            field, QStringLiteral("%1 is not 0-<end-of-range>, such as 0-1023").arg(quoteBytes(v)));
    };
    qint64 start = 0;
    qsizetype pos = 0;
    NumberStatus status = readNumber(v, pos, start);
    if (status == NumberStatus::TooLarge) {
        return Expected<UploadRange>::failure(field, tooLargeReason());
    }
    if (status != NumberStatus::Ok || pos >= v.size() || v.at(pos) != '-') {
        return malformed();
    }
    if (start != 0) {
        return Expected<UploadRange>::failure(
            field, QStringLiteral("the range starts at %1; an upload's range starts at 0").arg(start));
    }
    const QByteArrayView end = v.sliced(pos + 1);
    UploadRange result;
    if (end == QByteArrayView("-1")) {
        return result; // "0--1": size-1 of an empty upload, written without clamping
    }
    status = wholeNumber(end, result.lastByte);
    if (status == NumberStatus::TooLarge) {
        return Expected<UploadRange>::failure(field, tooLargeReason());
    }
    if (status != NumberStatus::Ok) {
        return malformed();
    }
    result.ambiguous = result.lastByte == 0;
    return result;
}

QByteArray UploadRange::format(qint64 size)
{
    // A negative size reads as nothing received: "0-0", like size 0.
    return QByteArrayLiteral("0-") + QByteArray::number(std::max<qint64>(size - 1, 0));
}

} // namespace Minato::Oci
