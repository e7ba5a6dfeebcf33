// minatoctl as a process against both real registries (the CNCF reference registry and minato-registry):
// skopeo pushes a generated single-arch image and a two-platform OCI index, then probe, ls, tags, inspect,
// manifest and config are checked in text and --json forms — digests against skopeo's, layer sizes against
// the layout, raw bytes hashing to their digests — and the exit codes of not-found and connection refused.
#include "clitestsupport.h"
#include "ocilayout.h"

#include "oci/sha256.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>

using namespace Minato::Test;

namespace {

QString sha256(const QByteArray &bytes)
{
    return Minato::Oci::Sha256Hasher::digestOf(bytes).toString();
}

QStringList jsonStrings(const QJsonArray &array)
{
    QStringList out;
    for (const QJsonValue &v : array) {
        out.append(v.toString());
    }
    return out;
}

struct Pushed
{
    OciLayoutImage single;
    OciLayoutIndex multi;
};

Pushed pushImages(const QTemporaryDir &dir, const QString &hostPort)
{
    Pushed p;
    p.single = OciLayoutImage::build(dir.filePath(QStringLiteral("single")), QStringLiteral("v1"),
                                     {{QStringLiteral("etc/motd"), QByteArray("minatoctl single\n")},
                                      {QStringLiteral("bin/tool"), QByteArray(70000, 's')}});
    INFO(p.single.error.toStdString());
    REQUIRE(p.single.ok);
    p.multi = OciLayoutIndex::build(dir.filePath(QStringLiteral("multi")), QStringLiteral("v1"),
                                    {{QStringLiteral("etc/motd"), QByteArray("minatoctl multi\n")}});
    INFO(p.multi.error.toStdString());
    REQUIRE(p.multi.ok);
    const QString repo = QStringLiteral("docker://%1/cli/").arg(hostPort);
    ProcessResult push = runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"),
                                    p.single.skopeoReference(), repo + QStringLiteral("single:v1")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);
    push = runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--dest-tls-verify=false"),
                      p.multi.skopeoReference(), repo + QStringLiteral("multi:v1")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);
    // What skopeo itself reads back is the digest the inspection must report.
    const ProcessResult digest =
        runSkopeo({QStringLiteral("inspect"), QStringLiteral("--tls-verify=false"), QStringLiteral("--format"),
                   QStringLiteral("{{.Digest}}"), repo + QStringLiteral("single:v1")});
    REQUIRE(digest.exitCode == 0);
    REQUIRE(digest.output.trimmed() == p.single.manifestDigest);
    return p;
}

} // namespace

TEST_CASE("minatoctl reads images pushed by skopeo from both registries", "[cli][registry]")
{
    const auto kind = GENERATE(AnyRegistry::Kind::Reference, AnyRegistry::Kind::Embedded);
    AnyRegistry registry(kind);
    INFO(registry.name().toStdString());
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const Pushed pushed = pushImages(dir, registry.hostPort());
    const OciLayoutImage &single = pushed.single;
    const OciLayoutIndex &multi = pushed.multi;
    const QString host = registry.hostPort();
    const QString singleRef = host + QStringLiteral("/cli/single:v1");
    const QString multiRef = host + QStringLiteral("/cli/multi:v1");
    CliEnvironment env;

    SECTION("probe")
    {
        const CliRun text = env.run({QStringLiteral("probe"), host});
        INFO(text.err.toStdString());
        REQUIRE(text.exitCode == 0);
        CHECK(text.text().contains(QStringLiteral("http://") + host));
        CHECK(text.text().contains(QRegularExpression(QStringLiteral("Catalog\\s+yes"))));
        const CliRun json = env.run({QStringLiteral("probe"), host, QStringLiteral("--json")});
        REQUIRE(json.exitCode == 0);
        const QJsonObject o = json.json().object();
        CHECK(o.value(QStringLiteral("catalog")).toBool());
        CHECK(o.value(QStringLiteral("url")).toString() == QStringLiteral("http://") + host);
        CHECK(o.value(QStringLiteral("auth")).toString() == QStringLiteral("anonymous"));
    }

    SECTION("ls and tags, text and JSON, with a filter and small pages")
    {
        const CliRun text = env.run({QStringLiteral("ls"), host, QStringLiteral("--page-size"), QStringLiteral("1")});
        INFO(text.err.toStdString());
        REQUIRE(text.exitCode == 0);
        CHECK(text.text().split(u'\n', Qt::SkipEmptyParts) ==
              QStringList{QStringLiteral("cli/multi"), QStringLiteral("cli/single")});
        const CliRun json = env.run({QStringLiteral("ls"), host, QStringLiteral("--json")});
        REQUIRE(json.exitCode == 0);
        CHECK(jsonStrings(json.json().array()) ==
              QStringList{QStringLiteral("cli/multi"), QStringLiteral("cli/single")});
        const CliRun filtered = env.run({QStringLiteral("ls"), host, QStringLiteral("--filter"),
                                         QStringLiteral("^cli/s"), QStringLiteral("--json")});
        REQUIRE(filtered.exitCode == 0);
        CHECK(jsonStrings(filtered.json().array()) == QStringList{QStringLiteral("cli/single")});
        CHECK(env.run({QStringLiteral("ls"), host, QStringLiteral("--filter"), QStringLiteral("(")}).exitCode == 2);

        const CliRun tags = env.run({QStringLiteral("tags"), host + QStringLiteral("/cli/single")});
        REQUIRE(tags.exitCode == 0);
        CHECK(tags.text() == QStringLiteral("v1\n"));
        const CliRun tagsJson =
            env.run({QStringLiteral("tags"), host + QStringLiteral("/cli/multi"), QStringLiteral("--json")});
        REQUIRE(tagsJson.exitCode == 0);
        CHECK(jsonStrings(tagsJson.json().array()) == QStringList{QStringLiteral("v1")});
    }

    SECTION("inspect a single-platform image")
    {
        const CliRun json = env.run({QStringLiteral("inspect"), singleRef, QStringLiteral("--json")});
        INFO(json.err.toStdString());
        REQUIRE(json.exitCode == 0);
        const QJsonObject o = json.json().object();
        CHECK(o.value(QStringLiteral("digest")).toString() == single.manifestDigest);
        CHECK_FALSE(o.value(QStringLiteral("index")).toBool());
        CHECK(o.value(QStringLiteral("mediaType")).toString() ==
              QStringLiteral("application/vnd.oci.image.manifest.v1+json"));
        const QJsonObject image = o.value(QStringLiteral("image")).toObject();
        CHECK(image.value(QStringLiteral("digest")).toString() == single.manifestDigest);
        CHECK(image.value(QStringLiteral("platform")).toString() == QStringLiteral("linux/amd64"));
        const QJsonArray layers = image.value(QStringLiteral("layers")).toArray();
        REQUIRE(layers.size() == 1);
        CHECK(layers.at(0).toObject().value(QStringLiteral("digest")).toString() == single.layerDigest);
        CHECK(layers.at(0).toObject().value(QStringLiteral("size")).toInteger() == single.layerSize);
        CHECK(image.value(QStringLiteral("layersSize")).toInteger() == single.layerSize);
        CHECK(image.value(QStringLiteral("totalSize")).toInteger() == single.layerSize + single.config.size());
        const QJsonObject config = image.value(QStringLiteral("config")).toObject();
        CHECK(config.value(QStringLiteral("digest")).toString() == single.configDigest);
        CHECK(config.value(QStringLiteral("created")).toString() == QStringLiteral("2024-01-01T00:00:00Z"));
        CHECK(jsonStrings(config.value(QStringLiteral("cmd")).toArray()) == QStringList{QStringLiteral("/bin/sh")});
        CHECK(jsonStrings(config.value(QStringLiteral("env")).toArray()) ==
              QStringList{QStringLiteral("PATH=/usr/bin:/bin")});

        const CliRun text = env.run({QStringLiteral("inspect"), singleRef});
        REQUIRE(text.exitCode == 0);
        const QString t = text.text();
        CHECK(t.contains(single.manifestDigest));
        CHECK(t.contains(single.layerDigest));
        CHECK(t.contains(QStringLiteral("%1 bytes").arg(single.layerSize)));
        CHECK(t.contains(QStringLiteral("linux/amd64")));
        CHECK(t.contains(QRegularExpression(QStringLiteral("Cmd\\s+\\[\"/bin/sh\"\\]"))));
        CHECK(t.contains(QStringLiteral("2024-01-01T00:00:00Z")));

        // The same image by digest.
        const CliRun byDigest =
            env.run({QStringLiteral("inspect"), host + QStringLiteral("/cli/single@") + single.manifestDigest,
                     QStringLiteral("--json")});
        REQUIRE(byDigest.exitCode == 0);
        CHECK(byDigest.json().object().value(QStringLiteral("digest")).toString() == single.manifestDigest);
    }

    SECTION("inspect a multi-platform index, with and without --platform")
    {
        const CliRun json = env.run({QStringLiteral("inspect"), multiRef, QStringLiteral("--json")});
        INFO(json.err.toStdString());
        REQUIRE(json.exitCode == 0);
        const QJsonObject o = json.json().object();
        CHECK(o.value(QStringLiteral("digest")).toString() == multi.indexDigest);
        CHECK(o.value(QStringLiteral("index")).toBool());
        CHECK(o.value(QStringLiteral("image")).isNull());
        QStringList platforms;
        for (const QJsonValue &v : o.value(QStringLiteral("platforms")).toArray()) {
            platforms.append(v.toObject().value(QStringLiteral("platform")).toString());
        }
        CHECK(platforms == QStringList{QStringLiteral("linux/amd64"), QStringLiteral("linux/arm64/v8")});
        CHECK(o.value(QStringLiteral("attestations")).toArray().isEmpty());

        const CliRun text = env.run({QStringLiteral("inspect"), multiRef});
        REQUIRE(text.exitCode == 0);
        CHECK(text.text().contains(QStringLiteral("--platform")));
        CHECK(text.text().contains(multi.images.at(1).manifestDigest));

        const CliRun arm = env.run({QStringLiteral("inspect"), multiRef, QStringLiteral("--platform"),
                                    QStringLiteral("linux/arm64"), QStringLiteral("--json")});
        INFO(arm.err.toStdString());
        REQUIRE(arm.exitCode == 0);
        const QJsonObject image = arm.json().object().value(QStringLiteral("image")).toObject();
        const OciLayoutImage &armImage = multi.images.at(1);
        CHECK(image.value(QStringLiteral("digest")).toString() == armImage.manifestDigest);
        CHECK(image.value(QStringLiteral("platform")).toString() == QStringLiteral("linux/arm64/v8"));
        CHECK(image.value(QStringLiteral("layersSize")).toInteger() == armImage.layerSize);
        CHECK(image.value(QStringLiteral("config")).toObject().value(QStringLiteral("digest")).toString() ==
              armImage.configDigest);

        const CliRun missing =
            env.run({QStringLiteral("inspect"), multiRef, QStringLiteral("--platform"), QStringLiteral("linux/s390x")});
        CHECK(missing.exitCode == 3);
        CHECK(missing.err.contains(QStringLiteral("linux/arm64/v8")));
    }

    SECTION("manifest and config print the exact bytes")
    {
        const CliRun manifest = env.run({QStringLiteral("manifest"), singleRef});
        REQUIRE(manifest.exitCode == 0);
        CHECK(manifest.out == single.manifest);
        CHECK(sha256(manifest.out) == single.manifestDigest);
        const CliRun index = env.run({QStringLiteral("manifest"), multiRef});
        REQUIRE(index.exitCode == 0);
        CHECK(index.out == multi.index);
        CHECK(sha256(index.out) == multi.indexDigest);
        const CliRun child = env.run(
            {QStringLiteral("manifest"), multiRef, QStringLiteral("--platform"), QStringLiteral("linux/amd64")});
        REQUIRE(child.exitCode == 0);
        CHECK(child.out == multi.images.at(0).manifest);
        const CliRun byDigest = env.run(
            {QStringLiteral("manifest"), host + QStringLiteral("/cli/multi@") + multi.images.at(1).manifestDigest});
        REQUIRE(byDigest.exitCode == 0);
        CHECK(sha256(byDigest.out) == multi.images.at(1).manifestDigest);

        const CliRun config = env.run({QStringLiteral("config"), singleRef});
        REQUIRE(config.exitCode == 0);
        CHECK(config.out == single.config);
        CHECK(sha256(config.out) == single.configDigest);
        const CliRun needsPlatform = env.run({QStringLiteral("config"), multiRef});
        CHECK(needsPlatform.exitCode == 2);
        CHECK(needsPlatform.out.isEmpty());
        CHECK(needsPlatform.err.contains(QStringLiteral("--platform")));
        const CliRun armConfig = env.run(
            {QStringLiteral("config"), multiRef, QStringLiteral("--platform"), QStringLiteral("linux/arm64/v8")});
        REQUIRE(armConfig.exitCode == 0);
        CHECK(armConfig.out == multi.images.at(1).config);
    }

    SECTION("not found is exit status 3")
    {
        const CliRun noRepo = env.run({QStringLiteral("tags"), host + QStringLiteral("/cli/nope")});
        CHECK(noRepo.exitCode == 3);
        CHECK(noRepo.out.isEmpty());
        const CliRun noRepoJson =
            env.run({QStringLiteral("tags"), host + QStringLiteral("/cli/nope"), QStringLiteral("--json")});
        CHECK(noRepoJson.exitCode == 3);
        CHECK(noRepoJson.out.isEmpty()); // no half-written array for scripts to misread
        CHECK(env.run({QStringLiteral("inspect"), host + QStringLiteral("/cli/single:nope")}).exitCode == 3);
        CHECK(env.run({QStringLiteral("manifest"), host + QStringLiteral("/cli/single@sha256:") + QString(64, u'1')})
                  .exitCode == 3);
        CHECK(env.run({QStringLiteral("config"), host + QStringLiteral("/cli/nope:v1")}).exitCode == 3);
    }
}

TEST_CASE("minatoctl: connection refused is exit status 5, usage errors 2", "[cli]")
{
    CliEnvironment env;
    const QString closed = QStringLiteral("127.0.0.1:%1").arg(freeLoopbackPort());
    const CliRun probe = env.run({QStringLiteral("probe"), closed});
    CHECK(probe.exitCode == 5);
    CHECK(probe.err.contains(QStringLiteral("Could not reach")));
    CHECK(env.run({QStringLiteral("inspect"), closed + QStringLiteral("/a/b:c"), QStringLiteral("--json")}).exitCode ==
          5);
    CHECK(env.run({QStringLiteral("ls"), closed}).exitCode == 5);

    CHECK(env.run({QStringLiteral("inspect")}).exitCode == 2);
    CHECK(env.run({QStringLiteral("inspect"), QStringLiteral("127.0.0.1:1/UPPER:x")}).exitCode == 2);
    CHECK(env.run({QStringLiteral("inspect"), closed + QStringLiteral("/a:b"), QStringLiteral("--platform"),
                   QStringLiteral("/")})
              .exitCode == 2);
    CHECK(
        env.run({QStringLiteral("tags"), closed + QStringLiteral("/a"), QStringLiteral("--no-such-option")}).exitCode ==
        2);
    CHECK(env.run({QStringLiteral("tags"), closed + QStringLiteral("/a"), QStringLiteral("--username"),
                   QStringLiteral("u")})
              .exitCode == 2);

    const CliRun help = env.run({QStringLiteral("--help")});
    CHECK(help.exitCode == 0);
    for (const char *code : {"3  not found", "4  authentication", "5  network", "6  TLS"}) {
        CHECK(help.text().contains(QLatin1String(code)));
    }
}
