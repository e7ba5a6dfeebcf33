// The registry's stores on a real file system: layout and lock, blobs, links, manifests, tags, referrers,
// upload sessions, crash leftovers, and concurrent writers.
#include "embedded_registry/blobstore.h"
#include "embedded_registry/layout.h"
#include "embedded_registry/metadatastore.h"
#include "embedded_registry/registry.h"
#include "embedded_registry/uploadstore.h"

#include "oci/sha256.h"

#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>

#include <atomic>
#include <thread>
#include <vector>

using namespace Minato::Registry;
using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;

namespace {

// One registry root with every store, as Registry wires them.
struct Stores
{
    explicit Stores(const QString &root, RegistryOptions opts = {})
        : options(std::move(opts))
        , layout(root, options.fsync)
    {
        QString error;
        opened = layout.open(&error);
        openError = error;
        if (opened) {
            uploads.load();
        }
    }

    RegistryOptions options;
    Layout layout;
    bool opened = false;
    QString openError;
    BlobStore blobs{layout};
    MetadataStore meta{layout, blobs};
    UploadStore uploads{layout, options};
};

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    REQUIRE(file.write(bytes) == bytes.size());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Pushes bytes through an upload session into repository `name`.
Digest upload(Stores &s, const QString &name, const QByteArray &bytes)
{
    UploadStore::Error error = UploadStore::Error::None;
    auto lease = s.uploads.create(name, &error);
    REQUIRE(lease);
    REQUIRE(lease->append(bytes.constData(), bytes.size()));
    const Digest digest = Sha256Hasher::digestOf(bytes);
    REQUIRE(lease->finish(digest, s.blobs) == UploadStore::FinishResult::Completed);
    REQUIRE(s.meta.linkBlob(name, digest));
    return digest;
}

ManifestRecord recordFor(const QByteArray &bytes, std::optional<Digest> subject = std::nullopt)
{
    ManifestRecord r;
    r.digest = Sha256Hasher::digestOf(bytes);
    r.mediaType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    r.subject = subject;
    r.referrerDescriptor = QJsonObject{{QStringLiteral("mediaType"), r.mediaType},
                                       {QStringLiteral("digest"), r.digest.toString()},
                                       {QStringLiteral("size"), double(bytes.size())},
                                       {QStringLiteral("artifactType"), QStringLiteral("application/x-test")}};
    return r;
}

} // namespace

TEST_CASE("Layout creates its tree, writes the layout version and takes the lock", "[registry][store]")
{
    QTemporaryDir dir;
    Stores s(dir.path());
    REQUIRE(s.opened);
    CHECK(readFile(dir.path() + "/layout-version") == "1\n");
    for (const char *sub : {"tmp", "blobs/sha256", "uploads", "repositories"}) {
        CHECK(QFileInfo(dir.path() + '/' + QLatin1String(sub)).isDir());
    }
    CHECK(QFileInfo::exists(dir.path() + "/.lock"));

    SECTION("a second store on the same root is refused, naming the holder's PID")
    {
        Layout second(dir.path(), false);
        QString error;
        CHECK_FALSE(second.open(&error));
        CHECK(error.contains(QString::number(QCoreApplication::applicationPid())));
        CHECK(error.contains(u"in use"));

        Registry facade(dir.path());
        CHECK_FALSE(facade.isOpen());
        CHECK(facade.errorString().contains(QString::number(QCoreApplication::applicationPid())));
        CHECK(facade.handler() == nullptr);
    }
}

TEST_CASE("Layout refuses a tree of another layout version, and reopens after the holder goes", "[registry][store]")
{
    QTemporaryDir dir;
    {
        Stores s(dir.path());
        REQUIRE(s.opened);
    }
    {
        Stores again(dir.path()); // the lock went with the first
        CHECK(again.opened);
    }
    writeFile(dir.path() + "/layout-version", "7\n");
    Stores s(dir.path());
    CHECK_FALSE(s.opened);
    CHECK(s.openError.contains(u"version"));
}

TEST_CASE("BlobStore stores content by digest, shared and immutable", "[registry][store]")
{
    QTemporaryDir dir;
    Stores s(dir.path());
    const QByteArray bytes("hello blob");
    const Digest digest = Sha256Hasher::digestOf(bytes);
    CHECK_FALSE(s.blobs.exists(digest));
    CHECK(s.blobs.size(digest) == -1);
    CHECK(s.blobs.open(digest) == nullptr);

    REQUIRE(s.blobs.putBytes(bytes, digest));
    CHECK(s.blobs.exists(digest));
    CHECK(s.blobs.size(digest) == bytes.size());
    CHECK(s.blobs.read(digest, 100) == bytes);
    CHECK(s.blobs.read(digest, 3).isNull());
    CHECK(QFileInfo::exists(dir.path() + "/blobs/sha256/" + digest.hex().left(2) + '/' + digest.hex()));

    // Committing the same digest again drops the new copy instead of rewriting the blob.
    const QString temp = s.layout.newTempPath();
    writeFile(temp, bytes);
    CHECK(s.blobs.commitFile(temp, digest));
    CHECK_FALSE(QFileInfo::exists(temp));
    CHECK(QDir(dir.path() + "/tmp").isEmpty());

    const QByteArray empty;
    const Digest emptyDigest = Sha256Hasher::digestOf(empty);
    REQUIRE(s.blobs.putBytes(empty, emptyDigest));
    CHECK(s.blobs.size(emptyDigest) == 0);
    CHECK_FALSE(s.blobs.read(emptyDigest, 10).isNull());
}

TEST_CASE("Blob links make a blob visible only in its repositories", "[registry][store]")
{
    QTemporaryDir dir;
    Stores s(dir.path());
    const Digest digest = upload(s, QStringLiteral("team/app"), "layer bytes");
    CHECK(s.meta.isBlobLinked(u"team/app", digest));
    CHECK_FALSE(s.meta.isBlobLinked(u"team/other", digest));
    CHECK(s.meta.repositoryExists(u"team/app"));
    CHECK_FALSE(s.meta.repositoryExists(u"team"));
    CHECK_FALSE(s.meta.repositoryExists(u"team/other"));

    REQUIRE(s.meta.linkBlob(u"team/other", digest)); // a mount
    CHECK(s.meta.isBlobLinked(u"team/other", digest));
    CHECK(s.meta.unlinkBlob(u"team/app", digest));
    CHECK_FALSE(s.meta.unlinkBlob(u"team/app", digest));
    CHECK_FALSE(s.meta.isBlobLinked(u"team/app", digest));
    CHECK(s.meta.isBlobLinked(u"team/other", digest));
    CHECK(s.blobs.exists(digest)); // unlinking never removes shared bytes
}

TEST_CASE("Manifests, tags and the catalog", "[registry][store]")
{
    QTemporaryDir dir;
    Stores s(dir.path());
    const QByteArray m1("{\"schemaVersion\":2,\"n\":1}");
    const QByteArray m2("{\"schemaVersion\":2,\"n\":2}");
    const ManifestRecord r1 = recordFor(m1);
    const ManifestRecord r2 = recordFor(m2);
    REQUIRE(s.meta.putManifest(u"b/app", m1, r1, u"v1"));
    REQUIRE(s.meta.putManifest(u"b/app", m1, r1, u"latest"));
    REQUIRE(s.meta.putManifest(u"b/app", m2, r2, u"V2"));
    REQUIRE(s.meta.putManifest(u"b/app", m2, r2, u"a_tag"));
    REQUIRE(s.meta.putManifest(u"a", m2, r2, {}));
    REQUIRE(s.meta.putManifest(u"a-b", m2, r2, {}));
    REQUIRE(s.meta.putManifest(u"a/b/c", m2, r2, {}));

    // ASCII order, as Go's sort.Strings: uppercase before lowercase, '-' before '/'.
    CHECK(s.meta.tags(u"b/app") == QStringList{"V2", "a_tag", "latest", "v1"});
    CHECK(s.meta.repositories() == QStringList{"a", "a-b", "a/b/c", "b/app"});
    CHECK(s.meta.tags(u"a").isEmpty());

    REQUIRE(s.meta.resolveTag(u"b/app", u"v1"));
    CHECK(*s.meta.resolveTag(u"b/app", u"v1") == r1.digest);
    CHECK_FALSE(s.meta.resolveTag(u"b/app", u"nope"));
    const auto stored = s.meta.manifest(u"b/app", r2.digest);
    REQUIRE(stored);
    CHECK(stored->mediaType == r2.mediaType);
    CHECK(stored->size == m2.size());
    CHECK_FALSE(stored->subject.isValid());
    CHECK_FALSE(s.meta.manifest(u"other", r2.digest));

    // Retagging moves the tag.
    REQUIRE(s.meta.putManifest(u"b/app", m2, r2, u"v1"));
    CHECK(*s.meta.resolveTag(u"b/app", u"v1") == r2.digest);

    CHECK(s.meta.deleteTag(u"b/app", u"latest"));
    CHECK_FALSE(s.meta.deleteTag(u"b/app", u"latest"));
    CHECK(s.meta.manifest(u"b/app", r1.digest)); // a tag delete keeps the manifest

    // Deleting by digest takes every tag naming it.
    CHECK(s.meta.deleteManifest(u"b/app", r2.digest));
    CHECK_FALSE(s.meta.deleteManifest(u"b/app", r2.digest));
    CHECK(s.meta.tags(u"b/app").isEmpty());
    CHECK_FALSE(s.meta.manifest(u"b/app", r2.digest));
    CHECK(s.meta.manifest(u"a", r2.digest)); // other repositories keep theirs
}

TEST_CASE("Referrers are indexed by subject per repository", "[registry][store]")
{
    QTemporaryDir dir;
    Stores s(dir.path());
    const Digest subject = Sha256Hasher::digestOf("the subject, never pushed");
    const QByteArray sig("{\"sig\":1}");
    const QByteArray sbom("{\"sbom\":1}");
    REQUIRE(s.meta.putManifest(u"app", sig, recordFor(sig, subject), {}));
    REQUIRE(s.meta.putManifest(u"app", sbom, recordFor(sbom, subject), {}));
    REQUIRE(s.meta.putManifest(u"other", sbom, recordFor(sbom, subject), {}));

    auto list = s.meta.referrers(u"app", subject);
    REQUIRE(list.size() == 2);
    QSet<QString> digests;
    for (const QJsonObject &d : list) {
        digests.insert(d.value("digest").toString());
        CHECK(d.value("artifactType").toString() == "application/x-test");
    }
    CHECK(digests == QSet<QString>{Sha256Hasher::digestOf(sig).toString(), Sha256Hasher::digestOf(sbom).toString()});
    CHECK(s.meta.manifest(u"app", Sha256Hasher::digestOf(sig))->subject == subject);

    CHECK(s.meta.deleteManifest(u"app", Sha256Hasher::digestOf(sig)));
    list = s.meta.referrers(u"app", subject);
    REQUIRE(list.size() == 1);
    CHECK(list.first().value("digest").toString() == Sha256Hasher::digestOf(sbom).toString());
    CHECK(s.meta.referrers(u"other", subject).size() == 1);
    CHECK(s.meta.referrers(u"nowhere", subject).isEmpty());
}

TEST_CASE("Upload sessions: append, status, digest check, cancel", "[registry][store]")
{
    QTemporaryDir dir;
    Stores s(dir.path());
    UploadStore::Error error = UploadStore::Error::None;
    auto lease = s.uploads.create(QStringLiteral("app"), &error);
    REQUIRE(lease);
    const QString id = lease->id();
    CHECK(lease->size() == 0);
    REQUIRE(lease->append("abc", 3));
    CHECK(*s.uploads.status(id, QStringLiteral("app")) == 3);
    CHECK_FALSE(s.uploads.status(id, QStringLiteral("other"))); // a session belongs to its repository

    SECTION("one request at a time")
    {
        CHECK_FALSE(s.uploads.acquire(id, QStringLiteral("app"), &error));
        CHECK(error == UploadStore::Error::Busy);
        lease.reset();
        lease = s.uploads.acquire(id, QStringLiteral("app"), &error);
        REQUIRE(lease);
        REQUIRE(lease->append("def", 3));
        CHECK(lease->finish(Sha256Hasher::digestOf("abcdef"), s.blobs) == UploadStore::FinishResult::Completed);
        lease.reset();
        CHECK(s.blobs.read(Sha256Hasher::digestOf("abcdef"), 100) == "abcdef");
        CHECK_FALSE(s.uploads.status(id, QStringLiteral("app")));
        CHECK_FALSE(QFileInfo::exists(s.layout.uploadDir(id)));
    }
    SECTION("a digest mismatch ends the session and stores nothing")
    {
        CHECK(lease->finish(Sha256Hasher::digestOf("xyz"), s.blobs) == UploadStore::FinishResult::DigestMismatch);
        lease.reset();
        CHECK_FALSE(s.uploads.status(id, QStringLiteral("app")));
        CHECK_FALSE(s.blobs.exists(Sha256Hasher::digestOf("abc")));
        CHECK_FALSE(s.blobs.exists(Sha256Hasher::digestOf("xyz")));
        CHECK(QDir(s.layout.uploadsDir()).isEmpty());
    }
    SECTION("cancel, also while leased")
    {
        CHECK(s.uploads.cancel(id, QStringLiteral("app")));
        CHECK_FALSE(s.uploads.cancel(id, QStringLiteral("app")));
        CHECK(QFileInfo::exists(s.layout.uploadDir(id))); // the lease still writes there
        lease.reset();
        CHECK_FALSE(QFileInfo::exists(s.layout.uploadDir(id)));
    }
}

TEST_CASE("Upload sessions expire and are limited in number", "[registry][store]")
{
    QTemporaryDir dir;
    auto clock = std::make_shared<std::atomic<qint64>>(1'000'000);
    RegistryOptions options;
    options.uploadExpiry = std::chrono::minutes(1);
    options.maxConcurrentUploads = 2;
    options.clock = [clock] { return clock->load(); };
    Stores s(dir.path(), options);
    UploadStore::Error error = UploadStore::Error::None;

    const QString a = s.uploads.create(QStringLiteral("app"), &error)->id();
    const QString b = s.uploads.create(QStringLiteral("app"), &error)->id();
    CHECK(s.uploads.count() == 2);
    CHECK_FALSE(s.uploads.create(QStringLiteral("app"), &error));
    CHECK(error == UploadStore::Error::TooMany);

    *clock += 30'000;
    CHECK(s.uploads.acquire(a, QStringLiteral("app"), &error)); // touched: a lives on
    *clock += 45'000;                                           // b idle 75 s, a 45 s
    CHECK_FALSE(s.uploads.acquire(b, QStringLiteral("app"), &error));
    CHECK(error == UploadStore::Error::Unknown);
    CHECK_FALSE(QFileInfo::exists(s.layout.uploadDir(b)));
    CHECK(s.uploads.create(QStringLiteral("app"), &error)); // room again

    *clock += 10 * 60'000;
    CHECK(s.uploads.purgeExpired() == 2);
    CHECK(s.uploads.count() == 0);
    CHECK(QDir(s.layout.uploadsDir()).isEmpty());
}

TEST_CASE("A crash at any step leaves nothing partial visible, and a restart cleans up", "[registry][store]")
{
    QTemporaryDir dir;
    const QByteArray bytes("blob content that was being pushed");
    const Digest digest = Sha256Hasher::digestOf(bytes);
    const QByteArray manifest("{\"schemaVersion\":2,\"m\":1}");
    const Digest subject = Sha256Hasher::digestOf("subject");
    const ManifestRecord record = recordFor(manifest, subject);
    QString resumable;
    QString orphan;
    {
        Stores s(dir.path());
        REQUIRE(s.opened);
        // 1. Killed in the middle of an atomic write: a temp file in tmp/.
        writeFile(s.layout.newTempPath(), "half a tag");
        // 2. Killed while creating a session: data without state.
        orphan = QStringLiteral("0a0a0a0a-0000-0000-0000-000000000000");
        writeFile(s.layout.uploadDataPath(orphan), "x");
        // 3. Killed after some PATCHes, before the PUT: a valid session, its hash lost with the process.
        UploadStore::Error error = UploadStore::Error::None;
        auto lease = s.uploads.create(QStringLiteral("app"), &error);
        REQUIRE(lease);
        resumable = lease->id();
        REQUIRE(lease->append(bytes.constData(), 10));
        // 4. Killed between the referrer entry and the manifest link of a PUT manifest.
        writeFile(s.layout.referrerPath(u"app", subject, record.digest),
                  "{\"digest\":\"" + record.digest.toString().toLatin1() + "\"}");
        // 5. Killed after the blob bytes and manifest link of a PUT, before its tag.
        REQUIRE(s.blobs.putBytes(manifest, record.digest));
        CHECK(s.meta.referrers(u"app", subject).isEmpty()); // the entry's manifest is not linked
        // 6. Killed after an upload's bytes became a blob, before its link: the blob is invisible.
        REQUIRE(s.blobs.putBytes("linked nowhere", Sha256Hasher::digestOf("linked nowhere")));
        // the Stores go away without releasing anything in an orderly way (the lease ends, that is all)
    }
    Stores s(dir.path());
    REQUIRE(s.opened);
    CHECK(QDir(dir.path() + "/tmp").isEmpty());
    CHECK_FALSE(QFileInfo::exists(s.layout.uploadDir(orphan)));
    CHECK(s.meta.referrers(u"app", subject).isEmpty());
    CHECK_FALSE(s.meta.manifest(u"app", record.digest));
    CHECK_FALSE(s.meta.isBlobLinked(u"app", Sha256Hasher::digestOf("linked nowhere")));
    CHECK_FALSE(s.blobs.exists(digest));

    // The interrupted session resumes: rehashed from its file on the next use.
    UploadStore::Error error = UploadStore::Error::None;
    CHECK(*s.uploads.status(resumable, QStringLiteral("app")) == 10);
    auto lease = s.uploads.acquire(resumable, QStringLiteral("app"), &error);
    REQUIRE(lease);
    CHECK(lease->size() == 10);
    REQUIRE(lease->append(bytes.constData() + 10, bytes.size() - 10));
    CHECK(lease->finish(digest, s.blobs) == UploadStore::FinishResult::Completed);
    CHECK(s.blobs.read(digest, 1000) == bytes);
}

TEST_CASE("Parallel pushes of the same blob and the same tag end in one consistent state", "[registry][store]")
{
    QTemporaryDir dir;
    RegistryOptions options;
    options.fsync = false;
    Stores s(dir.path(), options);
    constexpr int threads = 8;
    const QByteArray bytes = QByteArray(256 * 1024, 'z') + "tail";
    const Digest digest = Sha256Hasher::digestOf(bytes);

    std::atomic<int> completed{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            const QString repository = QStringLiteral("repo%1").arg(t % 2);
            UploadStore::Error error = UploadStore::Error::None;
            auto lease = s.uploads.create(repository, &error);
            if (!lease) {
                return;
            }
            for (qsizetype offset = 0; offset < bytes.size(); offset += 4096) {
                lease->append(bytes.constData() + offset, std::min<qsizetype>(4096, bytes.size() - offset));
            }
            if (lease->finish(digest, s.blobs) == UploadStore::FinishResult::Completed &&
                s.meta.linkBlob(repository, digest)) {
                ++completed;
            }
            // Every thread pushes its own manifest to the same tag.
            const QByteArray manifest = QByteArray("{\"schemaVersion\":2,\"writer\":") + QByteArray::number(t) + "}";
            s.meta.putManifest(u"shared", manifest, recordFor(manifest), u"latest");
        });
    }
    for (auto &w : workers) {
        w.join();
    }
    CHECK(completed == threads);
    CHECK(s.blobs.read(digest, bytes.size()) == bytes);
    CHECK(s.meta.isBlobLinked(u"repo0", digest));
    CHECK(s.meta.isBlobLinked(u"repo1", digest));
    CHECK(QDir(s.layout.uploadsDir()).isEmpty());
    CHECK(QDir(dir.path() + "/tmp").isEmpty());

    const auto tagged = s.meta.resolveTag(u"shared", u"latest");
    REQUIRE(tagged);
    const auto stored = s.meta.manifest(u"shared", *tagged);
    REQUIRE(stored);
    const QByteArray winner = s.blobs.read(*tagged, 1000);
    CHECK(Sha256Hasher::digestOf(winner) == *tagged);
    CHECK(winner.startsWith("{\"schemaVersion\":2,\"writer\":"));
    CHECK(s.meta.tags(u"shared") == QStringList{"latest"});
}

TEST_CASE("The catalog is walked once, then kept current by pushes and mounts", "[registry][store]")
{
    QTemporaryDir dir;
    Stores s(dir.path());
    REQUIRE(s.opened);
    upload(s, QStringLiteral("team/b"), "b");
    CHECK(s.meta.repositories() == QStringList{QStringLiteral("team/b")}); // first call walks the tree

    // A new repository by blob link (a mount), and one by manifest only: both appear, in order.
    REQUIRE(s.meta.linkBlob(u"team/a", Sha256Hasher::digestOf("b")));
    const QByteArray manifest = "{\"schemaVersion\":2}";
    REQUIRE(s.meta.putManifest(u"zeta", manifest, recordFor(manifest), u"v1"));
    REQUIRE(s.meta.putManifest(u"team/b", manifest, recordFor(manifest), u"v2")); // existing: no duplicate
    const QStringList expected{QStringLiteral("team/a"), QStringLiteral("team/b"), QStringLiteral("zeta")};
    CHECK(s.meta.repositories() == expected);

    // The cached list equals a fresh walk of the disk.
    s.meta.invalidateRepositoryCache();
    CHECK(s.meta.repositories() == expected);
}

TEST_CASE("Tag lists are read once, then kept current by tag pushes and deletes", "[registry][store]")
{
    QTemporaryDir dir;
    Stores s(dir.path());
    REQUIRE(s.opened);
    const QByteArray m1("{\"schemaVersion\":2,\"n\":1}");
    const QByteArray m2("{\"schemaVersion\":2,\"n\":2}");
    REQUIRE(s.meta.putManifest(u"app", m1, recordFor(m1), u"b"));
    CHECK(s.meta.tags(u"app") == QStringList{QStringLiteral("b")}); // read from disk, now cached

    // New tags land in order; pushing an existing tag again adds nothing.
    REQUIRE(s.meta.putManifest(u"app", m1, recordFor(m1), u"d"));
    REQUIRE(s.meta.putManifest(u"app", m2, recordFor(m2), u"a"));
    REQUIRE(s.meta.putManifest(u"app", m2, recordFor(m2), u"c"));
    REQUIRE(s.meta.putManifest(u"app", m2, recordFor(m2), u"b")); // moves b to m2
    CHECK(s.meta.tags(u"app") == QStringList({"a", "b", "c", "d"}));

    CHECK(s.meta.deleteTag(u"app", u"c"));
    CHECK(s.meta.tags(u"app") == QStringList({"a", "b", "d"}));
    // Deleting m2 takes a and b (b was moved to it), and leaves d.
    CHECK(s.meta.deleteManifest(u"app", recordFor(m2).digest));
    CHECK(s.meta.tags(u"app") == QStringList{QStringLiteral("d")});

    // The cached list equals what a fresh reader finds on disk.
    MetadataStore fresh(s.layout, s.blobs);
    CHECK(fresh.tags(u"app") == s.meta.tags(u"app"));
}
