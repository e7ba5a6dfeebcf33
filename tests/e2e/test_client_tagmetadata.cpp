// TagMetadataProvider against minato-registry, counting the requests it makes in the server's request log:
// details for the visible tags, the digest cache sparing every immutable object the second time, HeadOnly
// (Docker Hub's policy) spending no manifest GET until a person asks, and a missing tag failing alone.
#include "embeddedregistryprocess.h"
#include "ocilayout.h"

#include "client/digestcache.h"
#include "client/registryclient.h"
#include "client/tagmetadataprovider.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Minato::Test;
using Minato::Client::TagMetadata;
using Minato::Client::TagMetadataProvider;

namespace {

// Waits until every tag reached one of the final states (Digest, Loaded, Failed).
bool settle(TagMetadataProvider &provider, const QStringList &tags)
{
    auto done = [&]() {
        for (const QString &tag : tags) {
            const TagMetadata *m = provider.metadata(tag);
            if (!m || m->state == TagMetadata::State::Queued || m->state == TagMetadata::State::Loading) {
                return false;
            }
        }
        return true;
    };
    return QTest::qWaitFor(done, 30000);
}

// Requests in the server log since `from` (a position in output()) matching a pattern.
int countRequests(EmbeddedRegistryProcess &registry, qsizetype from, const QString &pattern)
{
    QTest::qWait(200); // the log line of the last request arrives after its response
    const QString log = registry.readOutput().mid(from);
    return int(log.count(QRegularExpression(pattern)));
}

} // namespace

TEST_CASE("TagMetadataProvider: details for visible tags, the cache, Docker Hub's HeadOnly", "[client][metadata]")
{
    QTemporaryDir dir;
    EmbeddedRegistryProcess registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("single")), QStringLiteral("v1"),
                                                       {{QStringLiteral("app"), QByteArray("single\n")}});
    const OciLayoutIndex index = OciLayoutIndex::build(dir.filePath(QStringLiteral("multi")), QStringLiteral("v2"),
                                                       {{QStringLiteral("app"), QByteArray("multi\n")}});
    REQUIRE(image.ok);
    REQUIRE(index.ok);
    const QString repo = QStringLiteral("docker://%1/meta/app").arg(registry.hostPort());
    for (const auto &[source, tag] : {std::pair{image.skopeoReference(), QStringLiteral("v1")},
                                      std::pair{image.skopeoReference(), QStringLiteral("v1b")},
                                      std::pair{index.skopeoReference(), QStringLiteral("v2")}}) {
        const ProcessResult push = runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"),
                                              QStringLiteral("--dest-tls-verify=false"), source, repo + u':' + tag});
        INFO(push.output.toStdString());
        REQUIRE(push.exitCode == 0);
    }
    const QString manifestGet = QStringLiteral(R"(GET /v2/meta/app/manifests/sha256:)");
    const QString blobGet = QStringLiteral(R"(GET /v2/meta/app/blobs/sha256:)");

    Minato::Client::ConnectionProfile profile;
    profile.baseUrl = registry.baseUrl();
    Minato::Client::RegistryClient client(profile);
    Minato::Client::DigestCache cache(dir.filePath(QStringLiteral("cache")));
    const QStringList tags{QStringLiteral("v1"), QStringLiteral("v1b"), QStringLiteral("v2"),
                           QStringLiteral("missing")};

    // First visit: every visible tag is resolved; v1 and v1b share a digest, so the second is served
    // from the cache (one job at a time makes that deterministic).
    qsizetype mark = registry.readOutput().size();
    {
        TagMetadataProvider provider(&client, QStringLiteral("meta/app"), &cache);
        provider.setMaxInFlight(1);
        QSignalSpy changes(&provider, &TagMetadataProvider::metadataChanged);
        provider.request(tags);
        REQUIRE(settle(provider, tags));
        CHECK(changes.size() >= 8); // Loading and a final state for each tag

        const TagMetadata *v1 = provider.metadata(QStringLiteral("v1"));
        REQUIRE(v1);
        CHECK(v1->state == TagMetadata::State::Loaded);
        CHECK(v1->digest.toString() == image.manifestDigest);
        CHECK(v1->size == image.layerSize + image.config.size());
        CHECK(v1->created == QDateTime::fromString(QStringLiteral("2024-01-01T00:00:00Z"), Qt::ISODate));
        REQUIRE(v1->platforms.size() == 1);
        CHECK(v1->platforms.first().toString() == QStringLiteral("linux/amd64"));
        CHECK(provider.metadata(QStringLiteral("v1b"))->digest == v1->digest);

        const TagMetadata *v2 = provider.metadata(QStringLiteral("v2"));
        REQUIRE(v2->state == TagMetadata::State::Loaded);
        CHECK(v2->digest.toString() == index.indexDigest);
        REQUIRE(v2->platforms.size() == 2);
        CHECK(v2->platforms.at(1).toString() == QStringLiteral("linux/arm64/v8"));
        CHECK(v2->size == index.images.at(0).layerSize + index.images.at(0).config.size()); // the amd64 image

        const TagMetadata *missing = provider.metadata(QStringLiteral("missing"));
        CHECK(missing->state == TagMetadata::State::Failed);
        CHECK_FALSE(missing->error.isEmpty());
    }
    // v1's manifest and config once (v1b from the cache); v2's index, its amd64 child and that config.
    CHECK(countRequests(registry, mark, manifestGet) == 3);
    CHECK(countRequests(registry, mark, blobGet) == 2);

    // Second visit, same cache: one HEAD per tag and nothing else.
    mark = registry.readOutput().size();
    {
        TagMetadataProvider provider(&client, QStringLiteral("meta/app"), &cache);
        provider.request(tags);
        REQUIRE(settle(provider, tags));
        CHECK(provider.metadata(QStringLiteral("v2"))->state == TagMetadata::State::Loaded);
        CHECK(provider.metadata(QStringLiteral("v1"))->size == image.layerSize + image.config.size());
    }
    CHECK(countRequests(registry, mark, QStringLiteral("HEAD /v2/meta/app/manifests/")) == 4);
    CHECK(countRequests(registry, mark, manifestGet) == 0);
    CHECK(countRequests(registry, mark, blobGet) == 0);

    // HeadOnly with an empty cache: digests only, no manifest GET, until a person opens the tag.
    Minato::Client::DigestCache emptyCache(dir.filePath(QStringLiteral("cache2")));
    mark = registry.readOutput().size();
    {
        TagMetadataProvider provider(&client, QStringLiteral("meta/app"), &emptyCache);
        provider.setPolicy(TagMetadataProvider::Policy::HeadOnly);
        provider.request({QStringLiteral("v1"), QStringLiteral("v2")});
        REQUIRE(settle(provider, {QStringLiteral("v1"), QStringLiteral("v2")}));
        CHECK(provider.metadata(QStringLiteral("v1"))->state == TagMetadata::State::Digest);
        CHECK(provider.metadata(QStringLiteral("v1"))->digest.toString() == image.manifestDigest);
        CHECK(provider.metadata(QStringLiteral("v1"))->size == -1);
        CHECK(countRequests(registry, mark, manifestGet) == 0);

        provider.fetchNow(QStringLiteral("v1"));
        REQUIRE(settle(provider, {QStringLiteral("v1")}));
        CHECK(provider.metadata(QStringLiteral("v1"))->state == TagMetadata::State::Loaded);
        CHECK(provider.metadata(QStringLiteral("v2"))->state == TagMetadata::State::Digest);
    }
    CHECK(countRequests(registry, mark, manifestGet) == 1);
}

TEST_CASE("DigestCache: verified writes, corrupt entries dropped, bounded by LRU", "[client][metadata]")
{
    QTemporaryDir dir;
    Minato::Client::DigestCache cache(dir.filePath(QStringLiteral("c")), 3000);
    auto digestOf = [](const QByteArray &bytes) { return Minato::Oci::Sha256Hasher::digestOf(bytes); };
    const QByteArray a(1000, 'a');
    const QByteArray b(1000, 'b');
    const QByteArray c(1000, 'c');
    CHECK_FALSE(cache.write(digestOf(a), b)); // bytes that do not hash to the key are refused
    CHECK_FALSE(cache.read(digestOf(a)));
    REQUIRE(cache.write(digestOf(a), a));
    CHECK(*cache.read(digestOf(a)) == a);

    // A corrupted file is dropped on read.
    REQUIRE(cache.write(digestOf(b), b));
    const QString hex = digestOf(b).hex();
    QFile file(dir.filePath(QStringLiteral("c/sha256/") + hex.left(2) + u'/' + hex));
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write("tampered");
    file.close();
    CHECK_FALSE(cache.read(digestOf(b)));
    CHECK_FALSE(cache.contains(digestOf(b)));

    // Over the bound, the least recently used go first: a is read (refreshed), so b and c's elder goes.
    QTest::qWait(20);
    REQUIRE(cache.write(digestOf(b), b));
    QTest::qWait(20);
    REQUIRE(cache.write(digestOf(c), c));
    QTest::qWait(20);
    REQUIRE(cache.read(digestOf(a)));
    const QByteArray d(1000, 'd');
    REQUIRE(cache.write(digestOf(d), d)); // 4000 bytes > 3000: evict down to 2700
    CHECK(cache.sizeOnDisk() <= 2700);
    CHECK(cache.contains(digestOf(a)));
    CHECK(cache.contains(digestOf(d)));
    CHECK_FALSE(cache.contains(digestOf(b)));
}
