// minatoctl tag and rm as a process against both real registries (the CNCF reference registry — delete enabled
// and disabled — and minato-registry): skopeo pushes a generated image and a two-platform index, extra tags are
// PUT with the same bytes; then tag within and across repositories (digests checked with inspect and
// `skopeo inspect --raw`), rm --plan (text and JSON, nothing deleted), rm of a tag (minato-registry: the tag
// only; reference registry: refused while another tag names the image, by digest when alone), rm of several
// tags as one job, and the exit codes of usage errors, not found and delete disabled.
#include "clitestsupport.h"
#include "registrycontent.h"
#include "ocilayout.h"


#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace Minato::Test;

namespace {

constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";

QStringList jsonStrings(const QJsonArray &array)
{
    QStringList out;
    for (const QJsonValue &v : array) {
        out.append(v.toString());
    }
    return out;
}

void skopeoPush(const QString &from, const QString &to, bool all = false)
{
    QStringList args{QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false")};
    if (all) {
        args.append(QStringLiteral("--all"));
    }
    args += {from, to};
    const ProcessResult push = runSkopeo(args);
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);
}

QStringList tagsOf(const CliEnvironment &env, const QString &repository)
{
    const CliRun r = env.run({QStringLiteral("tags"), repository, QStringLiteral("--json")});
    INFO(r.err.toStdString());
    REQUIRE(r.exitCode == 0);
    QStringList tags = jsonStrings(r.json().array());
    tags.sort();
    return tags;
}

struct Images
{
    OciLayoutImage v1;
    OciLayoutImage v2;
    OciLayoutIndex multi;
};

Images pushImages(const QTemporaryDir &dir, const QString &hostPort)
{
    Images p;
    p.v1 = OciLayoutImage::build(dir.filePath(QStringLiteral("v1")), QStringLiteral("v1"),
                                 {{QStringLiteral("etc/motd"), QByteArray("minatoctl write v1\n")}});
    REQUIRE(p.v1.ok);
    p.v2 = OciLayoutImage::build(dir.filePath(QStringLiteral("v2")), QStringLiteral("v2"),
                                 {{QStringLiteral("etc/motd"), QByteArray("minatoctl write v2\n")}});
    REQUIRE(p.v2.ok);
    p.multi = OciLayoutIndex::build(dir.filePath(QStringLiteral("multi")), QStringLiteral("v1"),
                                    {{QStringLiteral("etc/motd"), QByteArray("minatoctl write multi\n")}});
    REQUIRE(p.multi.ok);
    const QString repo = QStringLiteral("docker://%1/cli/").arg(hostPort);
    skopeoPush(p.v1.skopeoReference(), repo + QStringLiteral("app:v1"));
    skopeoPush(p.v2.skopeoReference(), repo + QStringLiteral("app:v2"));
    skopeoPush(p.multi.skopeoReference(), repo + QStringLiteral("multi:v1"), true);
    // Another tag for the same manifest bytes, with a plain PUT.
    putManifest(QUrl(QStringLiteral("http://") + hostPort), QStringLiteral("cli/app"), QStringLiteral("v1-alias"),
                p.v1.manifest, kOciManifest);
    return p;
}

} // namespace

TEST_CASE("minatoctl tag: another name for an image, within and across repositories", "[cli][write]")
{
    const auto kind = GENERATE(AnyRegistry::Kind::Reference, AnyRegistry::Kind::Embedded);
    AnyRegistry registry(kind);
    INFO(registry.name().toStdString());
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const Images images = pushImages(dir, registry.hostPort());
    const QString host = registry.hostPort();
    CliEnvironment env;

    const CliRun within =
        env.run({QStringLiteral("tag"), host + QStringLiteral("/cli/app:v1"), QStringLiteral("stable")});
    INFO(within.err.toStdString());
    REQUIRE(within.exitCode == 0);
    CHECK(within.text().contains(QStringLiteral("Tagged")));
    CHECK(within.text().contains(images.v1.manifestDigest));
    const CliRun inspect =
        env.run({QStringLiteral("inspect"), host + QStringLiteral("/cli/app:stable"), QStringLiteral("--json")});
    REQUIRE(inspect.exitCode == 0);
    CHECK(inspect.json().object().value(QStringLiteral("digest")).toString() == images.v1.manifestDigest);

    const CliRun across = env.run({QStringLiteral("tag"), host + QStringLiteral("/cli/app:v1"),
                                   QStringLiteral("cli/copy:v1"), QStringLiteral("--json")});
    INFO(across.err.toStdString());
    REQUIRE(across.exitCode == 0);
    const QJsonObject o = across.json().object();
    CHECK(o.value(QStringLiteral("digest")).toString() == images.v1.manifestDigest);
    CHECK(o.value(QStringLiteral("mountedBlobs")).toInt() == 2);
    CHECK(o.value(QStringLiteral("target")).toString() == host + QStringLiteral("/cli/copy:v1"));
    CHECK(skopeoDigest(host, QStringLiteral("cli/copy:v1")).toString() == images.v1.manifestDigest);

    const CliRun index = env.run({QStringLiteral("tag"), host + QStringLiteral("/cli/multi:v1"),
                                  host + QStringLiteral("/other/multi:latest"), QStringLiteral("--json")});
    INFO(index.err.toStdString());
    REQUIRE(index.exitCode == 0);
    CHECK(index.json().object().value(QStringLiteral("digest")).toString() == images.multi.indexDigest);
    CHECK(index.json().object().value(QStringLiteral("childManifests")).toInt() == 2);

    CHECK(env.run({QStringLiteral("tag"), host + QStringLiteral("/cli/app:v1"),
                   QStringLiteral("elsewhere.example:5000/cli/app:v1")})
              .exitCode == 2);
    CHECK(env.run({QStringLiteral("tag"), host + QStringLiteral("/cli/app:v1"), QStringLiteral("cli/app")}).exitCode ==
          2);
    CHECK(env.run({QStringLiteral("tag"), host + QStringLiteral("/cli/app:nope"), QStringLiteral("x")}).exitCode == 3);
}

TEST_CASE("minatoctl rm: the plan, a tag, a refusal, several tags", "[cli][write]")
{
    const auto kind = GENERATE(AnyRegistry::Kind::Reference, AnyRegistry::Kind::Embedded);
    AnyRegistry registry(kind);
    INFO(registry.name().toStdString());
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const Images images = pushImages(dir, registry.hostPort());
    const QString host = registry.hostPort();
    const QString app = host + QStringLiteral("/cli/app");
    CliEnvironment env;
    const QStringList allTags{QStringLiteral("v1"), QStringLiteral("v1-alias"), QStringLiteral("v2")};

    // --plan: what would go, nothing deleted.
    const CliRun plan = env.run({QStringLiteral("rm"), app + QStringLiteral(":v1"), QStringLiteral("--plan")});
    INFO(plan.err.toStdString());
    REQUIRE(plan.exitCode == 0);
    CHECK(plan.text().contains(QStringLiteral("Other tags")));
    CHECK(plan.text().contains(QStringLiteral("v1-alias")));
    CHECK(plan.text().contains(images.v1.manifestDigest));
    CHECK(plan.text().contains(QStringLiteral("Nothing was deleted")));
    const CliRun planJson = env.run(
        {QStringLiteral("rm"), app + QStringLiteral(":v1"), QStringLiteral("--plan"), QStringLiteral("--json")});
    REQUIRE(planJson.exitCode == 0);
    const QJsonObject p = planJson.json().object();
    CHECK(jsonStrings(p.value(QStringLiteral("otherTags")).toArray()) == QStringList{QStringLiteral("v1-alias")});
    CHECK(p.value(QStringLiteral("tagsComplete")).toBool());
    CHECK(p.value(QStringLiteral("digest")).toString() == images.v1.manifestDigest);
    CHECK(tagsOf(env, app) == allTags);

    // Usage: a repository without a tag is never taken for :latest.
    CHECK(env.run({QStringLiteral("rm"), app}).exitCode == 2);
    CHECK(env.run({QStringLiteral("rm"), app + QStringLiteral(":nope")}).exitCode == 3);
    const CliRun help = env.run({QStringLiteral("rm"), QStringLiteral("--help")});
    CHECK(help.text().contains(QStringLiteral("THIS DELETES")));

    const CliRun v1 = env.run({QStringLiteral("rm"), app + QStringLiteral(":v1")});
    if (kind == AnyRegistry::Kind::Embedded) {
        INFO(v1.err.toStdString());
        REQUIRE(v1.exitCode == 0);
        CHECK(v1.text().contains(QStringLiteral("Deleting:")));
        CHECK(v1.text().contains(QStringLiteral("tag v1 deleted (registry API); the image stays")));
        CHECK(tagsOf(env, app) == QStringList{QStringLiteral("v1-alias"), QStringLiteral("v2")});
    } else {
        CHECK(v1.exitCode == 1);
        CHECK(v1.err.contains(QStringLiteral("cannot be deleted alone")));
        CHECK(v1.err.contains(QStringLiteral("v1-alias")));
        CHECK(v1.err.contains(app + u'@' + images.v1.manifestDigest));
        CHECK(tagsOf(env, app) == allTags);
    }

    const CliRun v2 = env.run({QStringLiteral("rm"), app + QStringLiteral(":v2"), QStringLiteral("--json")});
    INFO(v2.err.toStdString());
    REQUIRE(v2.exitCode == 0);
    const QJsonObject deleted = v2.json().object().value(QStringLiteral("deleted")).toObject();
    CHECK(deleted.value(QStringLiteral("method")).toString() ==
          (kind == AnyRegistry::Kind::Embedded ? QStringLiteral("tag") : QStringLiteral("manifest")));
    CHECK(jsonStrings(deleted.value(QStringLiteral("removedTags")).toArray()) == QStringList{QStringLiteral("v2")});
    CHECK_FALSE(tagsOf(env, app).contains(QStringLiteral("v2")));

    // Several tags as one job: a result each, in order; the exit status of the first failure.
    for (const QString &tag : {QStringLiteral("b1"), QStringLiteral("b2")}) {
        REQUIRE(env.run({QStringLiteral("tag"), app + QStringLiteral(":v1-alias"), tag}).exitCode == 0);
    }
    QStringList bulk{QStringLiteral("rm"), app + QStringLiteral(":b1"), QStringLiteral("b2")};
    if (kind == AnyRegistry::Kind::Reference) {
        // Every tag on the image is in the job, so the digest-only registry deletes it once.
        bulk += {QStringLiteral("v1"), QStringLiteral("v1-alias")};
    }
    bulk += {QStringLiteral("missing"), QStringLiteral("--json")};
    const CliRun many = env.run(bulk);
    INFO(many.err.toStdString());
    CHECK(many.exitCode == 3);
    const QJsonObject summary = many.json().object();
    const QJsonArray items = summary.value(QStringLiteral("items")).toArray();
    REQUIRE(items.size() == bulk.size() - 2); // "rm" and "--json" are not tags
    CHECK(summary.value(QStringLiteral("failed")).toInt() == 1);
    CHECK(items.at(0).toObject().value(QStringLiteral("tag")).toString() == QStringLiteral("b1"));
    CHECK(items.at(0).toObject().value(QStringLiteral("ok")).toBool());
    CHECK(items.at(1).toObject().value(QStringLiteral("ok")).toBool());
    CHECK_FALSE(items.last().toObject().value(QStringLiteral("ok")).toBool());
    if (kind == AnyRegistry::Kind::Reference) {
        const QJsonObject first = items.at(0).toObject().value(QStringLiteral("deleted")).toObject();
        CHECK(first.value(QStringLiteral("method")).toString() == QStringLiteral("manifest"));
        CHECK(
            jsonStrings(first.value(QStringLiteral("removedTags")).toArray()) ==
            QStringList{QStringLiteral("b1"), QStringLiteral("b2"), QStringLiteral("v1"), QStringLiteral("v1-alias")});
        CHECK(items.at(1).toObject().value(QStringLiteral("deleted")).toObject().value(QStringLiteral("method")) ==
              QStringLiteral("already-removed"));
        CHECK(tagsOf(env, app).isEmpty());
    } else {
        CHECK(tagsOf(env, app) == QStringList{QStringLiteral("v1-alias")});
    }
}

TEST_CASE("minatoctl rm on a registry with delete disabled says how to enable it", "[cli][write]")
{
    ReferenceRegistry::Options options;
    options.deleteEnabled = false;
    ReferenceRegistry registry(options);
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const Images images = pushImages(dir, registry.hostPort());
    const QString app = registry.hostPort() + QStringLiteral("/cli/app");
    CliEnvironment env;
    for (const QString &ref : {app + QStringLiteral(":v2"), app + u'@' + images.v2.manifestDigest}) {
        const CliRun r = env.run({QStringLiteral("rm"), ref});
        CHECK(r.exitCode == 1);
        CHECK(r.err.contains(QStringLiteral("REGISTRY_STORAGE_DELETE_ENABLED=true")));
    }
    CHECK(tagsOf(env, app).contains(QStringLiteral("v2")));
}
