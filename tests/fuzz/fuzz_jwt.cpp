// libFuzzer target: the token grammars of the embedded registry — a compact JWT and its claim set, and the
// scope list a client sends to the token endpoint. Round trips must hold: claims the registry would write
// read back equal, and a parsed scope prints as a scope that parses to the same thing.
#include "embedded_registry/jwt.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace Minato::Registry;
    const QByteArrayView input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    if (const auto jwt = CompactJwt::parse(input)) {
        if (const auto claims = TokenClaims::fromJson(jwt->claims)) {
            const auto back = TokenClaims::fromJson(claims->toJson());
            if (!back || back->access != claims->access || back->subject != claims->subject) {
                __builtin_trap();
            }
        }
    }
    const auto scopes = TokenScope::parseList({QString::fromUtf8(input)});
    if (scopes) {
        for (const TokenScope &scope : *scopes) {
            const auto again = TokenScope::parse(scope.toString());
            if (!again || again->toString() != scope.toString()) {
                __builtin_trap();
            }
        }
    }
    (void)base64UrlDecode(input);
    return 0;
}
