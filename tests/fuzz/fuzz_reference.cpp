// libFuzzer target for the reference grammar and the /v2/ router: any bytes, read as UTF-8, must give a
// value or an error, never a crash, a hang or a sanitizer report. Also checks the invariants that make the
// grammar usable: what parses prints back to a string that parses to the same reference.

#include "oci/reference.h"
#include "oci/routes.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using Minato::Oci::Reference;
using Minato::Oci::RouteMatch;
using Minato::Oci::Routes;

namespace {

// A broken invariant is a finding: abort so libFuzzer records the input.
void require(bool condition)
{
    if (!condition) {
        std::abort();
    }
}

void checkReference(const QString &text)
{
    const auto strict = Reference::parse(text);
    if (strict) {
        require(strict->isValid());
        require(strict->toString() == text); // parse() is exact
        (void)strict->familiarString();
        (void)strict->apiEndpoint();
        (void)strict->isLoopback();
        (void)strict->port();
    } else {
        require(!strict.error().reason.isEmpty());
    }

    const auto normalized = Reference::parseNormalized(text);
    if (normalized) {
        require(!normalized->domain().isEmpty());
        const auto again = Reference::parse(normalized->toString());
        require(again.hasValue() && again.value() == normalized.value());
        const auto familiar = Reference::parseNormalized(normalized->familiarString());
        require(familiar.hasValue() && familiar.value() == normalized.value());
        (void)normalized->withDefaultTag();
    } else {
        require(!normalized.error().reason.isEmpty());
    }

    (void)Reference::parseName(text);
    (void)Reference::parseDomain(text);
    (void)Reference::parseTag(text);
    (void)Reference::parseRepositoryPath(text);
}

void checkRoutes(const QString &text)
{
    static const Routes plain;
    static const Routes prefixed(u"/artifactory/api/docker/local");
    static const QString methods[] = {QStringLiteral("GET"),  QStringLiteral("HEAD"),  QStringLiteral("PUT"),
                                      QStringLiteral("POST"), QStringLiteral("PATCH"), QStringLiteral("DELETE")};
    // The first byte picks the method, so every route is reached with every method.
    const QString &method = methods[text.isEmpty() ? 0 : text.front().unicode() % 6];
    for (const Routes *routes : {&plain, &prefixed}) {
        const RouteMatch m = routes->matchTarget(method, text);
        if (m.matched()) {
            require(m.allowedMethods.contains(method));
            // A matched name and reference build a path that matches again to the same parts.
            const QString reference = !m.uploadId.isEmpty() ? m.uploadId
                                      : !m.tag.isEmpty()    ? m.tag
                                                            : m.digest.toString();
            const RouteMatch again = routes->match(method, routes->path(m.endpoint, m.name, reference));
            require(again.name == m.name);
        } else {
            require(!m.error.reason.isEmpty());
        }
    }
    (void)plain.matchTarget(method, QStringLiteral("/v2/") + text);
    (void)plain.match(method, QStringLiteral("/v2/a/blobs/uploads/"), text);
    (void)plain.match(method, QStringLiteral("/v2/a/tags/list"), text);
    (void)Routes::encodeName(text);
    (void)Routes(text).path(Minato::Oci::Endpoint::Base);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) {
        return 0; // names are at most a few hundred characters; longer inputs only slow the search
    }
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    checkReference(text);
    checkRoutes(text);
    return 0;
}
