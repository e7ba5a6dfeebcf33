// libFuzzer target: the RFC 8288 Link header parser, its helpers and the formatter's round trip.
#include "oci/link.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QUrl>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const auto links = Minato::Oci::parseLinkHeader(input);
    if (!links) {
        (void)links.error().message();
        return 0;
    }
    static const QUrl base(QStringLiteral("https://registry.example/v2/_catalog?n=100"));
    if (const auto next = Minato::Oci::nextLink(*links)) {
        (void)next->resolved(base);
    }
    // What the formatter writes must parse again (quoting may grow it, so stay clear of the length limit).
    if (input.size() > Minato::Oci::linkHeaderMaxLength / 4) {
        return 0;
    }
    const QByteArray formatted = Minato::Oci::formatLinkHeader(*links);
    const auto again = Minato::Oci::parseLinkHeader(QByteArrayView(formatted));
    if (!again || again->size() != links->size()) {
        __builtin_trap();
    }
    return 0;
}
