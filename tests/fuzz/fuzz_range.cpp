// libFuzzer target: every byte-range grammar (Range, Content-Range, upload chunk and upload status).
#include "oci/range.h"

#include <QByteArrayView>

#include <cstddef>
#include <cstdint>
#include <limits>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace Minato::Oci;
    const QByteArrayView input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    for (qint64 blobSize : {qint64(0), qint64(1), qint64(4096), std::numeric_limits<qint64>::max() - 1}) {
        const RangeResolution r = RangeRequest::resolve(input, blobSize);
        if (r.kind == RangeResolution::Kind::Partial &&
            (r.range.first < 0 || r.range.last >= blobSize || r.range.first > r.range.last)) {
            __builtin_trap();
        }
        (void)r.contentRange(blobSize);
    }
    if (const auto cr = ContentRange::parse(input)) {
        (void)cr->toHeaderValue();
    }
    if (const auto chunk = ChunkRange::parse(input)) {
        if (chunk->length() < 1) {
            __builtin_trap();
        }
    }
    if (const auto upload = UploadRange::parse(input)) {
        (void)upload->resumeOffset(1);
    }
    return 0;
}
