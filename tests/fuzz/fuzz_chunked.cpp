// libFuzzer target: the incremental chunked-body decoder of the embedded registry. The same body is decoded
// in one call, in pieces split at fuzzer-chosen points, and byte by byte: the decoded data, the bytes
// consumed, the end state and the error must not depend on the split, and the output is never larger than
// the input.
//
// Input layout: byte 0 → n = (byte & 7) split gaps; the next n bytes are the gaps (0 = an empty piece);
// the rest is the chunked body.
#include "embedded_registry/requestparser.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <cstddef>
#include <cstdint>

namespace {

using namespace Minato::Registry;

struct Outcome
{
    QByteArray output;
    qsizetype consumed = 0;
    bool done = false;
    bool error = false;
    QByteArray errorString;
    qint64 decodedBytes = 0;

    bool operator==(const Outcome &) const = default;
};

Outcome decodePieces(QByteArrayView body, const QList<qsizetype> &cuts, qsizetype maxLine, qsizetype maxTrailer)
{
    ChunkedDecoder decoder(maxLine, maxTrailer);
    Outcome out;
    qsizetype start = 0;
    QList<qsizetype> ends = cuts;
    ends.append(body.size());
    for (qsizetype end : ends) {
        const QByteArrayView piece = body.sliced(start, end - start);
        const qsizetype used = decoder.decode(piece, [&out, piece](QByteArrayView data) {
            // Each run is a view into the piece it came from.
            if (data.data() < piece.data() || data.data() + data.size() > piece.data() + piece.size()) {
                __builtin_trap();
            }
            out.output.append(data);
        });
        if (used < 0 || used > piece.size()) {
            __builtin_trap();
        }
        out.consumed += used;
        if (decoder.isDone() || decoder.hasError()) {
            break;
        }
        if (used != piece.size()) {
            __builtin_trap(); // neither done nor failed, so all of the piece must have been consumed
        }
        start = end;
    }
    out.done = decoder.isDone();
    out.error = decoder.hasError();
    out.errorString = decoder.errorString();
    out.decodedBytes = decoder.decodedBytes();
    if (out.done && out.error) {
        __builtin_trap();
    }
    if (out.decodedBytes != out.output.size() || out.output.size() > body.size() || out.consumed > body.size()) {
        __builtin_trap();
    }
    return out;
}

void check(QByteArrayView body, const QList<qsizetype> &cuts, qsizetype maxLine, qsizetype maxTrailer)
{
    const Outcome whole = decodePieces(body, {}, maxLine, maxTrailer);
    if (decodePieces(body, cuts, maxLine, maxTrailer) != whole) {
        __builtin_trap();
    }
    if (body.size() <= 4096) {
        QList<qsizetype> everyByte;
        for (qsizetype i = 1; i < body.size(); ++i) {
            everyByte.append(i);
        }
        if (decodePieces(body, everyByte, maxLine, maxTrailer) != whole) {
            __builtin_trap();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    if (input.isEmpty()) {
        return 0;
    }
    const qsizetype gaps = qMin<qsizetype>(static_cast<unsigned char>(input.at(0)) & 7, input.size() - 1);
    const QByteArrayView body = input.sliced(1 + gaps);
    QList<qsizetype> cuts;
    qsizetype at = 0;
    for (qsizetype i = 0; i < gaps; ++i) {
        at = qMin(at + static_cast<unsigned char>(input.at(1 + i)), body.size());
        cuts.append(at);
    }
    check(body, cuts, 4096, 64 * 1024);
    check(body, cuts, 8, 24); // tight limits: the line and trailer bounds must not depend on the split either
    return 0;
}
