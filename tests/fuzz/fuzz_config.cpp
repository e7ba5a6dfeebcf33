// libFuzzer target: image configs and schema 1 manifests. Any input must parse or fail cleanly; what parses
// must also hold up: an ImageConfig serialises to JSON that parses back to the same config, and a schema 1
// manifest's digest is the sha256 of its canonical bytes (the raw bytes when unsigned).

#include "oci/imageconfig.h"
#include "oci/schema1.h"
#include "oci/sha256.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using Minato::Oci::ImageConfig;
using Minato::Oci::Schema1Manifest;
using Minato::Oci::Sha256Hasher;

namespace {

void checkConfig(const QByteArray &bytes)
{
    const auto config = ImageConfig::parse(bytes);
    if (!config) {
        (void)config.error().message();
        return;
    }
    if (config->digest != Sha256Hasher::digestOf(bytes)) {
        std::abort();
    }
    (void)config->historyLayers();
    (void)config->envMap();
    (void)config->platformString();
    const QByteArray json = config->toJson();
    auto again = ImageConfig::parse(json);
    if (!again) {
        std::abort(); // toJson() wrote something parse() refuses
    }
    ImageConfig expected = config.value();
    expected.raw = again->raw;
    expected.digest = again->digest;
    if (!(again.value() == expected) || again->toJson() != json) {
        std::abort(); // the round trip lost or changed something
    }
}

void checkSchema1(const QByteArray &bytes)
{
    const auto manifest = Schema1Manifest::parse(bytes);
    if (!manifest) {
        (void)manifest.error().message();
        return;
    }
    if (manifest->digest != Sha256Hasher::digestOf(manifest->canonical)) {
        std::abort();
    }
    if (!manifest->isSigned() && manifest->canonical != bytes) {
        std::abort();
    }
    if (manifest->fsLayers.size() != manifest->history.size()) {
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    checkConfig(bytes);
    checkSchema1(bytes);
    return 0;
}
