// libFuzzer target for the manifest parsers: parseAnyManifest (with and without a Content-Type),
// Manifest::parse, ImageIndex::parse, Descriptor/Platform via those, Platform::parse and the MediaType
// helpers on the raw text. Beyond "never crash", it checks two invariants:
//   - a parsed manifest or index re-serialises (toJson) into a document that parses again to the same fields;
//   - the digest is always the sha256 of the input bytes.
// Seed corpus: tests/fuzz/corpus/fuzz_manifest/ (fixtures from tests/data/oci plus broken variants).

#include "oci/imageindex.h"
#include "oci/manifest.h"
#include "oci/mediatype.h"
#include "oci/platform.h"
#include "oci/sha256.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace Minato::Oci;

namespace {

void require(bool condition)
{
    if (!condition) {
        std::abort();
    }
}

void checkManifest(const Manifest &m, const QByteArray &bytes)
{
    require(m.raw == bytes);
    require(m.digest == Sha256Hasher::digestOf(bytes));
    require(m.totalSize() >= 0);
    (void)m.isArtifact();
    (void)m.isSbom();
    (void)m.isCosignSignature();
    (void)m.effectiveArtifactType();
    // Re-serialising can lengthen numbers written as 1e18, so only check documents well under the limit.
    if (bytes.size() < kMaxManifestBytes / 32) {
        auto again = Manifest::parse(m.toJson());
        require(again.hasValue());
        require(again->config == m.config && again->layers == m.layers && again->subject == m.subject);
        require(again->annotations == m.annotations && again->artifactType == m.artifactType);
        require(again->mediaType == m.mediaType);
    }
}

void checkIndex(const ImageIndex &index, const QByteArray &bytes)
{
    require(index.raw == bytes);
    require(index.digest == Sha256Hasher::digestOf(bytes));
    const QList<Platform> platforms = index.platforms();
    for (const Platform &p : platforms) {
        (void)index.findByPlatform(p);
        (void)p.toString();
    }
    require(index.imageEntries().size() + index.attestationEntries().size() == index.manifests.size());
    if (bytes.size() < kMaxManifestBytes / 32) {
        auto again = ImageIndex::parse(index.toJson());
        require(again.hasValue());
        require(again->manifests == index.manifests && again->subject == index.subject);
        require(again->annotations == index.annotations && again->artifactType == index.artifactType);
        require(again->mediaType == index.mediaType);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));

    static const QString contentTypes[] = {
        QString(),
        QStringLiteral("application/json"),
        MediaType::OciManifest.toString(),
        MediaType::OciIndex.toString(),
        MediaType::DockerManifest.toString(),
        MediaType::DockerManifestList.toString(),
        MediaType::DockerSchema1Signed.toString(),
        MediaType::DockerSchema1.toString(),
        MediaType::OciConfig.toString(),
    };
    const QString &chosen = contentTypes[size == 0 ? 0 : data[size - 1] % std::size(contentTypes)];

    for (const QString &contentType : {QString(), chosen}) {
        auto any = parseAnyManifest(bytes, contentType);
        if (any) {
            require(rawOf(*any) == bytes);
            require(digestOf(*any).isValid());
            (void)mediaTypeOf(*any);
            if (const auto *m = std::get_if<Manifest>(&*any)) {
                checkManifest(*m, bytes);
            } else if (const auto *i = std::get_if<ImageIndex>(&*any)) {
                checkIndex(*i, bytes);
            }
        } else {
            (void)any.error().message();
        }
    }
    if (auto m = Manifest::parse(bytes)) {
        checkManifest(*m, bytes);
    }
    if (auto i = ImageIndex::parse(bytes)) {
        checkIndex(*i, bytes);
    }

    // The same bytes as a platform specifier and as a media type.
    if (size <= 4096) {
        const QString text = QString::fromUtf8(bytes);
        if (auto p = Platform::parse(text)) {
            auto again = Platform::parse(p->toString());
            require(again.hasValue() && *again == *p);
            require(p->matches(*p));
        }
        (void)MediaType::kindOf(text);
        (void)MediaType::isWellFormed(text);
        (void)MediaType::compressionOf(text);
        (void)MediaType::displayName(text);
    }
    return 0;
}
