// Export and import against real registries — minato-registry and the CNCF reference registry — with skopeo as the
// independent reader and writer of both formats: SampleImages' multi-platform nginx index exported to an OCI image
// layout that skopeo copies back into another repository with the same digest; a second tag added to the same
// layout; a docker-archive of one platform that skopeo inspects (config digest, layers) and converts to oci:; a
// platform the index lacks refused with the offered ones and no file left; cancel leaving nothing; imports of an
// OCI layout and of a docker-archive made by skopeo, digests checked with `skopeo inspect --raw`.
#include "embeddedregistryprocess.h"
#include "ocilayout.h"
#include "referenceregistry.h"
#include "registrycontent.h"
#include "sampleimages.h"

#include "client/imageexport.h"
#include "client/imageimport.h"
#include "client/registryclient.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QTemporaryDir>

#include <memory>
#include <optional>

using namespace Minato::Client;
using namespace Minato::Test;
using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;

namespace {

enum class PeerKind { Minato, Reference };

struct Peer
{
    std::unique_ptr<EmbeddedRegistryProcess> minato;
    std::unique_ptr<ReferenceRegistry> reference;

    explicit Peer(PeerKind kind)
    {
        if (kind == PeerKind::Minato) {
            minato = std::make_unique<EmbeddedRegistryProcess>();
            INFO(minato->errorString().toStdString());
            REQUIRE(minato->start());
        } else {
            reference = std::make_unique<ReferenceRegistry>();
            INFO(reference->errorString().toStdString());
            REQUIRE(reference->start());
        }
    }
    QUrl baseUrl() const { return minato ? minato->baseUrl() : reference->baseUrl(); }
    QString hostPort() const { return minato ? minato->hostPort() : reference->hostPort(); }
};

constexpr int kJobTimeoutMs = 120000; // an export or import of a whole sample image

const char *peerName(PeerKind kind)
{
    return kind == PeerKind::Minato ? "minato-registry" : "reference registry";
}

QString why(const ClientError &e)
{
    return e.message() + QStringLiteral(" | ") + e.technicalDetail();
}

ImageExportResult exportImage(RegistryClient &client, const QString &repository, const QString &reference,
                              const QString &path, ImageExport::Options options = {})
{
    options.format = ImageExport::formatFor(path);
    return requireResult<ImageExport, ImageExportResult>(
        new ImageExport(&client, repository, reference, path, options, &client), kJobTimeoutMs);
}

ImageImportResult importImage(RegistryClient &client, const QString &path, const QString &repository,
                              const QString &tag, ImageImport::Options options = {})
{
    return requireResult<ImageImport, ImageImportResult>(
        new ImageImport(&client, path, repository, tag, options, &client), kJobTimeoutMs);
}

ProcessResult skopeo(const QStringList &args)
{
    const ProcessResult r = runSkopeo(args);
    INFO(("skopeo " + args.join(u' ') + "\n" + r.output).toStdString());
    REQUIRE(r.exitCode == 0);
    return r;
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    REQUIRE(f.open(QIODevice::ReadOnly));
    return QJsonDocument::fromJson(f.readAll()).object();
}

QStringList refNamesIn(const QString &layoutDir)
{
    QStringList names;
    for (const QJsonValue &v : readJson(layoutDir + QStringLiteral("/index.json")).value(QStringLiteral("manifests")).toArray()) {
        names.append(v.toObject()
                         .value(QStringLiteral("annotations"))
                         .toObject()
                         .value(QStringLiteral("org.opencontainers.image.ref.name"))
                         .toString());
    }
    names.sort();
    return names;
}

QStringList entriesOf(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

// SampleImages (monolithic POST ?digest= uploads, which distribution 2.8 does not take) go into minato-registry; the
// reference registry gets the images the tests use from there with skopeo, digests preserved.
void pushSamples(const Peer &peer)
{
    if (peer.minato) {
        SampleImages samples(peer.baseUrl());
        samples.setLayerScale(1024);
        QString error;
        const bool pushed = samples.pushDemoSet(&error);
        INFO(error.toStdString());
        REQUIRE(pushed);
        return;
    }
    Peer seed(PeerKind::Minato);
    pushSamples(seed);
    for (const QString &image : {QStringLiteral("library/nginx:1.25"), QStringLiteral("library/nginx:1.26"),
                                 QStringLiteral("library/nginx:1.27"), QStringLiteral("library/alpine:3.19"),
                                 QStringLiteral("team-a/api:v1.2.3"), QStringLiteral("team-a/web:latest")}) {
        skopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--preserve-digests"),
                QStringLiteral("--src-tls-verify=false"), QStringLiteral("--dest-tls-verify=false"),
                QStringLiteral("docker://%1/%2").arg(seed.hostPort(), image),
                QStringLiteral("docker://%1/%2").arg(peer.hostPort(), image)});
    }
}

// A member of a tar, read by GNU tar.
QByteArray tarMember(const QString &archive, const QString &member)
{
    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-xOf"), archive, member});
    REQUIRE(tar.waitForFinished(30000));
    REQUIRE(tar.exitCode() == 0);
    return tar.readAllStandardOutput();
}

} // namespace

TEST_CASE("Export: a multi-platform index to an OCI layout, copied back by skopeo with the same digest",
          "[e2e][export]")
{
    const PeerKind kind = GENERATE(PeerKind::Minato, PeerKind::Reference);
    INFO(peerName(kind));
    Peer peer(kind);
    pushSamples(peer);
    const QString host = peer.hostPort();
    RegistryClient client(profileFor(peer.baseUrl(), 30000));
    const Digest original = skopeoDigest(host, QStringLiteral("library/nginx:1.27"));

    QTemporaryDir dir;
    const QString layout = dir.filePath(QStringLiteral("nginx"));
    qint64 lastDone = -1;
    qint64 lastTotal = 0;
    auto *job = new ImageExport(&client, QStringLiteral("library/nginx"), QStringLiteral("1.27"), layout, {}, &client);
    QList<ImageExport::Stage> stages;
    QObject::connect(job, &ImageExport::stageChanged, job, [&stages](ImageExport::Stage s) { stages.append(s); });
    QObject::connect(job, &ImageExport::progress, job, [&](qint64 done, qint64 total) {
        CHECK(done <= total);
        lastDone = done;
        lastTotal = total;
    });
    const ImageExportResult r = requireResult<ImageExport, ImageExportResult>(job, kJobTimeoutMs);
    INFO((r ? QString() : why(r.error())).toStdString());
    REQUIRE(r);
    CHECK(stages == QList<ImageExport::Stage>{ImageExport::Stage::Reading, ImageExport::Stage::Downloading});
    CHECK(r->digest == original);
    CHECK(r->platforms.size() == 3);
    CHECK(r->manifests == 5); // the index, three images, one attestation manifest
    CHECK(r->downloaded == r->blobs);
    CHECK(lastDone == lastTotal);
    CHECK(lastTotal == r->totalBytes);
    CHECK(readJson(layout + QStringLiteral("/oci-layout")).value(QStringLiteral("imageLayoutVersion")).toString() ==
          QStringLiteral("1.0.0"));
    CHECK(refNamesIn(layout) == QStringList{QStringLiteral("1.27")});
    // Every manifest as the registry serves it: the index blob hashes to the registry's digest.
    QFile index(layout + QStringLiteral("/blobs/sha256/") + r->digest.hex());
    REQUIRE(index.open(QIODevice::ReadOnly));
    CHECK(Sha256Hasher::digestOf(index.readAll()) == r->digest);
    for (const QString &name : entriesOf(layout + QStringLiteral("/blobs/sha256"))) {
        CHECK_FALSE(name.endsWith(QStringLiteral(".part")));
    }

    // Another tag into the same layout adds an entry; the same tag again replaces its entry and fetches nothing.
    const ImageExportResult second = exportImage(client, QStringLiteral("library/nginx"), QStringLiteral("1.25"), layout);
    INFO((second ? QString() : why(second.error())).toStdString());
    REQUIRE(second);
    CHECK(refNamesIn(layout) == QStringList{QStringLiteral("1.25"), QStringLiteral("1.27")});
    const ImageExportResult again = exportImage(client, QStringLiteral("library/nginx"), QStringLiteral("1.27"), layout);
    REQUIRE(again);
    CHECK(again->downloaded == 0);
    CHECK(again->present == again->blobs);
    CHECK(refNamesIn(layout) == QStringList{QStringLiteral("1.25"), QStringLiteral("1.27")});

    // skopeo reads the layout and pushes it into another repository: the registry then serves the same digest.
    // --preserve-digests: skopeo would otherwise compress the sample images' uncompressed layers (new digests).
    skopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--preserve-digests"),
            QStringLiteral("--dest-tls-verify=false"), QStringLiteral("oci:%1:1.27").arg(layout), QStringLiteral("docker://%1/copied/nginx:1.27").arg(host)});
    CHECK(skopeoDigest(host, QStringLiteral("copied/nginx:1.27")) == original);
    skopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--preserve-digests"),
            QStringLiteral("--dest-tls-verify=false"), QStringLiteral("oci:%1:1.25").arg(layout), QStringLiteral("docker://%1/copied/nginx:1.25").arg(host)});
    CHECK(skopeoDigest(host, QStringLiteral("copied/nginx:1.25")) == second->digest);
}

TEST_CASE("Export: a docker-archive of one platform that skopeo reads", "[e2e][export]")
{
    const PeerKind kind = GENERATE(PeerKind::Minato, PeerKind::Reference);
    INFO(peerName(kind));
    Peer peer(kind);
    pushSamples(peer);
    const QString host = peer.hostPort();
    RegistryClient client(profileFor(peer.baseUrl(), 30000));
    QTemporaryDir dir;

    ImageExport::Options options;
    options.platform = Minato::Oci::Platform::parse(QStringLiteral("linux/arm64")).value();
    options.refName = host + QStringLiteral("/library/nginx:1.27");
    const QString archive = dir.filePath(QStringLiteral("nginx-arm64.tar"));
    const ImageExportResult r = exportImage(client, QStringLiteral("library/nginx"), QStringLiteral("1.27"), archive,
                                            options);
    INFO((r ? QString() : why(r.error())).toStdString());
    REQUIRE(r);
    REQUIRE(r->platform);
    CHECK(r->platform->architecture == QStringLiteral("arm64"));
    CHECK(r->archiveBytes == QFileInfo(archive).size());
    CHECK(entriesOf(dir.path()) == QStringList{QStringLiteral("nginx-arm64.tar")}); // no .part, no staging

    const ProcessResult inspect =
        skopeo({QStringLiteral("inspect"), QStringLiteral("docker-archive:") + archive});
    const QJsonObject info = QJsonDocument::fromJson(inspect.output.toUtf8()).object();
    CHECK(info.value(QStringLiteral("Architecture")).toString() == QStringLiteral("arm64"));
    CHECK(info.value(QStringLiteral("Layers")).toArray().size() == r->blobs - 1);
    // skopeo inspect does not show an archive's RepoTags: manifest.json as docker load reads it.
    const QJsonArray manifest = QJsonDocument::fromJson(tarMember(archive, QStringLiteral("manifest.json"))).array();
    REQUIRE(manifest.size() == 1);
    const QJsonObject entry = manifest.first().toObject();
    CHECK(entry.value(QStringLiteral("RepoTags")).toArray() == QJsonArray{host + QStringLiteral("/library/nginx:1.27")});
    CHECK(entry.value(QStringLiteral("Config")).toString() == r->configDigest.hex() + QStringLiteral(".json"));
    CHECK(entry.value(QStringLiteral("Layers")).toArray().size() == r->blobs - 1);
    const ProcessResult config = skopeo(
        {QStringLiteral("inspect"), QStringLiteral("--config"), QStringLiteral("--raw"), QStringLiteral("docker-archive:") + archive});
    CHECK(Sha256Hasher::digestOf(config.output.toUtf8()) == r->configDigest);
    skopeo({QStringLiteral("copy"), QStringLiteral("docker-archive:") + archive,
            QStringLiteral("oci:%1:arm64").arg(dir.filePath(QStringLiteral("converted")))});
    CHECK(QFileInfo::exists(dir.filePath(QStringLiteral("converted/index.json"))));

    // No --platform: linux/amd64. A single-platform image needs none.
    const ImageExportResult amd64 =
        exportImage(client, QStringLiteral("library/nginx"), QStringLiteral("1.27"), dir.filePath(QStringLiteral("a.tar")));
    REQUIRE(amd64);
    CHECK(amd64->platform->architecture == QStringLiteral("amd64"));
    const ImageExportResult alpine = exportImage(client, QStringLiteral("library/alpine"), QStringLiteral("3.19"),
                                                 dir.filePath(QStringLiteral("alpine.tar")));
    REQUIRE(alpine);
    CHECK_FALSE(alpine->platform);
    CHECK(alpine->digest == skopeoDigest(host, QStringLiteral("library/alpine:3.19")));

    // A platform the index lacks: the ones it has are named, and nothing is written.
    options.platform = Minato::Oci::Platform::parse(QStringLiteral("windows/amd64")).value();
    const QString missing = dir.filePath(QStringLiteral("windows.tar"));
    const ImageExportResult none = exportImage(client, QStringLiteral("library/nginx"), QStringLiteral("1.27"), missing,
                                               options);
    REQUIRE_FALSE(none);
    CHECK(none.error().kind() == ClientError::Kind::NotFound);
    CHECK(none.error().message().contains(QStringLiteral("linux/arm64/v8")));
    CHECK(none.error().message().contains(QStringLiteral("linux/arm/v7")));
    CHECK_FALSE(QFileInfo::exists(missing));
    CHECK(entriesOf(dir.path()).filter(QStringLiteral("windows")).isEmpty());
}

TEST_CASE("Export: cancel leaves no file under the final name and no temporary files", "[e2e][export]")
{
    const ImageExport::Stage when = GENERATE(ImageExport::Stage::Downloading, ImageExport::Stage::Writing);
    INFO((when == ImageExport::Stage::Writing ? "while writing the archive" : "while downloading"));
    Peer peer(PeerKind::Minato);
    SampleImages samples(peer.baseUrl());
    samples.setLayerScale(256 * 1024); // tools/ci-runner: five layers of several MiB
    QString error;
    REQUIRE(samples.pushDemoSet(&error));
    RegistryClient client(profileFor(peer.baseUrl(), 30000));
    QTemporaryDir dir;
    const QString archive = dir.filePath(QStringLiteral("cancelled.tar"));
    ImageExport::Options options;
    options.format = ImageExport::Format::DockerArchive;
    options.parallel = 1;
    auto *job = new ImageExport(&client, QStringLiteral("tools/ci-runner"), QStringLiteral("latest"), archive, options,
                                &client);
    std::optional<ImageExportResult> result;
    ImageExport::Stage stage = ImageExport::Stage::Reading;
    QObject::connect(job, &ImageExport::finished, job, [&result](const ImageExportResult &r) { result = r; });
    QObject::connect(job, &ImageExport::stageChanged, job, [&stage](ImageExport::Stage s) { stage = s; });
    QObject::connect(job, &ImageExport::progress, job, [&](qint64 done, qint64 total) {
        // Writing: the first progress comes as the writer thread starts.
        if (stage == when && (when == ImageExport::Stage::Writing || (done > 0 && done < total))) {
            job->cancel();
        }
    });
    QSignalSpy spy(job, &ImageExport::finished);
    job->start();
    if (!result) {
        REQUIRE(spy.wait(60000));
    }
    REQUIRE(result);
    CHECK(result->isCancelled());
    CHECK(stage == when);
    delete job;
    // The writer thread removes FILE.tar.part itself once it sees the cancel.
    CHECK(QTest::qWaitFor([&dir] { return entriesOf(dir.path()).isEmpty(); }, 10000));
    INFO(entriesOf(dir.path()).join(u' ').toStdString());
    CHECK(entriesOf(dir.path()).isEmpty());
}

TEST_CASE("Import: an OCI layout and a docker-archive written by skopeo", "[e2e][import]")
{
    const PeerKind kind = GENERATE(PeerKind::Minato, PeerKind::Reference);
    INFO(peerName(kind));
    Peer peer(kind);
    pushSamples(peer);
    const QString host = peer.hostPort();
    RegistryClient client(profileFor(peer.baseUrl(), 30000));
    QTemporaryDir dir;

    // An OCI layout of the whole index: pushed back under another name, every digest the same.
    const QString layout = dir.filePath(QStringLiteral("layout"));
    skopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--preserve-digests"),
            QStringLiteral("--src-tls-verify=false"), QStringLiteral("docker://%1/library/nginx:1.26").arg(host), QStringLiteral("oci:%1:1.26").arg(layout)});
    qint64 lastDone = -1;
    qint64 lastTotal = 0;
    auto *job = new ImageImport(&client, layout, QStringLiteral("imported/nginx"), QStringLiteral("1.26"), {}, &client);
    QObject::connect(job, &ImageImport::progress, job, [&](qint64 done, qint64 total) {
        lastDone = done;
        lastTotal = total;
    });
    const ImageImportResult fromLayout = requireResult<ImageImport, ImageImportResult>(job, kJobTimeoutMs);
    INFO((fromLayout ? QString() : why(fromLayout.error())).toStdString());
    REQUIRE(fromLayout);
    const Digest original = skopeoDigest(host, QStringLiteral("library/nginx:1.26"));
    CHECK(fromLayout->digest == original);
    CHECK(skopeoDigest(host, QStringLiteral("imported/nginx:1.26")) == original);
    CHECK(fromLayout->manifests == 5);
    CHECK(fromLayout->uploaded == fromLayout->blobs);
    CHECK(lastDone == lastTotal);
    CHECK(lastTotal == fromLayout->totalBytes);
    // Again: the repository has every blob, nothing is sent.
    const ImageImportResult again = importImage(client, layout, QStringLiteral("imported/nginx"), QStringLiteral("again"));
    REQUIRE(again);
    CHECK(again->skipped == again->blobs);
    CHECK(again->uploadedBytes == 0);
    CHECK(again->digest == original);

    // A docker-archive (uncompressed layers named by diff_id, a symlinked legacy layout): config digest kept.
    const QString archive = dir.filePath(QStringLiteral("api.tar"));
    skopeo({QStringLiteral("copy"), QStringLiteral("--src-tls-verify=false"),
            QStringLiteral("docker://%1/team-a/api:v1.2.3").arg(host),
            QStringLiteral("docker-archive:%1:team-a/api:v1.2.3").arg(archive)});
    const ImageImportResult fromArchive =
        importImage(client, archive, QStringLiteral("imported/api"), QStringLiteral("v1.2.3"));
    INFO((fromArchive ? QString() : why(fromArchive.error())).toStdString());
    REQUIRE(fromArchive);
    const Digest config = skopeoDigest(host, QStringLiteral("team-a/api:v1.2.3"), true);
    CHECK(fromArchive->configDigest == config);
    CHECK(skopeoDigest(host, QStringLiteral("imported/api:v1.2.3"), true) == config);
    CHECK(skopeoDigest(host, QStringLiteral("imported/api:v1.2.3")) == fromArchive->digest);
    CHECK(fromArchive->mediaType == QStringLiteral("application/vnd.docker.distribution.manifest.v2+json"));
    CHECK(fromArchive->blobs == 5); // config and four layers
    CHECK(fromArchive->sourceName.endsWith(QStringLiteral("team-a/api:v1.2.3")));

    // Our own docker-archive (layers as the registry stores them) goes back too, config and layers unchanged.
    const QString ours = dir.filePath(QStringLiteral("ours.tar"));
    const ImageExportResult exported = exportImage(client, QStringLiteral("team-a/web"), QStringLiteral("latest"), ours);
    REQUIRE(exported);
    const ImageImportResult back = importImage(client, ours, QStringLiteral("imported/web"), QStringLiteral("latest"));
    INFO((back ? QString() : why(back.error())).toStdString());
    REQUIRE(back);
    CHECK(back->configDigest == exported->configDigest);

    // A truncated archive is refused before anything is pushed.
    QFile whole(archive);
    REQUIRE(whole.open(QIODevice::ReadOnly));
    QFile cut(dir.filePath(QStringLiteral("cut.tar")));
    REQUIRE(cut.open(QIODevice::WriteOnly));
    cut.write(whole.read(whole.size() / 2));
    cut.close();
    const ImageImportResult truncated = importImage(client, cut.fileName(), QStringLiteral("imported/cut"), QStringLiteral("v1"));
    REQUIRE_FALSE(truncated);
    CHECK(truncated.error().message().contains(QStringLiteral("truncated")));
}
