// libFuzzer target: the lenient client-side parser of registry error bodies and the serializer's round trip.
#include "oci/errorcode.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace Minato::Oci;
    const QByteArrayView input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    for (int status : {400, 401}) {
        const auto body = ErrorBody::parse(input, status);
        if (!body) {
            (void)body.error().message();
            continue;
        }
        (void)body->summary();
        for (const RegistryError &e : body->errors) {
            (void)e.errorCode();
        }
        const auto again = ErrorBody::parse(QByteArrayView(body->toJson()), status);
        if (!again || again->errors.size() != body->errors.size()) {
            __builtin_trap();
        }
    }
    return 0;
}
