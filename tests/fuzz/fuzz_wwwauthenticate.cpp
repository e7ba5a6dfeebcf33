// libFuzzer target: WWW-Authenticate challenges, the Basic/Bearer views and the formatter's round trip.
#include "oci/wwwauthenticate.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace Minato::Oci;
    const QByteArrayView input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const auto challenges = parseWwwAuthenticate(input);
    if (!challenges) {
        (void)challenges.error().message();
        return 0;
    }
    for (const AuthChallenge &c : *challenges) {
        auto bearer = BearerChallenge::fromChallenge(c);
        if (bearer && input.size() < wwwAuthenticateMaxLength / 4) {
            // A Bearer challenge the server would write must read back equal.
            const auto back = parseWwwAuthenticate(QByteArrayView(bearer->toHeaderValue()));
            if (!back || back->size() != 1) {
                __builtin_trap();
            }
        }
        (void)BasicChallenge::fromChallenge(c);
        (void)c.toHeaderValue();
    }
    return 0;
}
