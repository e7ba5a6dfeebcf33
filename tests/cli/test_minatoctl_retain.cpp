// minatoctl retain as a process against both real registries (the CNCF reference registry and minato-registry):
// images whose configs carry known `created` dates (days before now) are pushed with plain HTTP requests; then
// --dry-run (the table, the summary, JSON objects, nothing deleted), the real run (the plan, then a line per
// tag; minato-registry deletes each tag alone, the reference registry refuses the tag whose image a kept tag
// names), and the usage errors (no rule, a bad age, a tag in REPO) and a missing repository.
#include "clitestsupport.h"
#include "registrycontent.h"

#include "oci/sha256.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Minato::Test;
using Minato::Oci::Sha256Hasher;

namespace {

constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";

// An image created `daysAgo` days before now, tagged `tag`; its manifest bytes.
QByteArray pushImage(const QUrl &base, const QString &repository, const QString &tag, int daysAgo)
{
    const QByteArray config =
        QJsonDocument(
            QJsonObject{
                {QStringLiteral("architecture"), QStringLiteral("amd64")},
                {QStringLiteral("os"), QStringLiteral("linux")},
                {QStringLiteral("created"), QDateTime::currentDateTimeUtc().addDays(-daysAgo).toString(Qt::ISODate)},
                {QStringLiteral("rootfs"), QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                                       {QStringLiteral("diff_ids"), QJsonArray()}}},
                {QStringLiteral("author"), repository + u':' + tag}})
            .toJson(QJsonDocument::Compact);
    const QByteArray layer = "retain layer " + repository.toUtf8() + ':' + tag.toUtf8();
    pushBlob(base, repository, config);
    pushBlob(base, repository, layer);
    const QByteArray manifest =
        QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                  {QStringLiteral("mediaType"), QString::fromLatin1(kOciManifest)},
                                  {QStringLiteral("config"),
                                   descriptorOf(QStringLiteral("application/vnd.oci.image.config.v1+json"), config)},
                                  {QStringLiteral("layers"),
                                   QJsonArray{descriptorOf(
                                       QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"), layer)}}})
            .toJson(QJsonDocument::Compact);
    putManifest(base, repository, tag, manifest, kOciManifest);
    return manifest;
}

// The table's row of a tag: its cells (split on runs of two spaces or more).
QStringList rowOf(const QString &text, const QString &tag)
{
    static const QRegularExpression gap(QStringLiteral("\\s{2,}"));
    const QStringList lines = text.split(u'\n');
    for (const QString &line : lines) {
        const QStringList cells = line.split(gap);
        if (cells.size() >= 5 && cells.first() == tag) {
            return cells;
        }
    }
    return {};
}

} // namespace

TEST_CASE("minatoctl retain: dry run, the real run, and refusals", "[cli][write][retain]")
{
    const auto kind = GENERATE(AnyRegistry::Kind::Reference, AnyRegistry::Kind::Embedded);
    AnyRegistry registry(kind);
    INFO(registry.name().toStdString());
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    const QString host = registry.hostPort();
    const QUrl base(QStringLiteral("http://") + host);
    const QString repo = QStringLiteral("cli/keep");
    const QByteArray v1 = pushImage(base, repo, QStringLiteral("v1"), 60);
    pushImage(base, repo, QStringLiteral("v2"), 45);
    pushImage(base, repo, QStringLiteral("v3"), 10);
    const QByteArray v4 = pushImage(base, repo, QStringLiteral("v4"), 2);
    putManifest(base, repo, QStringLiteral("latest"), v4, kOciManifest);
    // not matched by ^v: kept, and v1 shares its image
    putManifest(base, repo, QStringLiteral("stable"), v1, kOciManifest);
    const QStringList before = tagList(base, repo);
    REQUIRE(before.size() == 6);
    CliEnvironment env;
    const QStringList rule{
        host + u'/' + repo,    QStringLiteral("--keep"),  QStringLiteral("1"), QStringLiteral("--older-than"),
        QStringLiteral("30d"), QStringLiteral("--match"), QStringLiteral("^v")};

    // The dry run: a table, newest first, and the summary; nothing deleted.
    const CliRun dry = env.run(QStringList{QStringLiteral("retain")} + rule + QStringList{QStringLiteral("--dry-run")});
    INFO(dry.err.toStdString());
    INFO(dry.text().toStdString());
    REQUIRE(dry.exitCode == 0);
    const QString text = dry.text();
    CHECK(text.contains(QStringLiteral("TAG")));
    CHECK(text.contains(QStringLiteral("REASON")));
    CHECK(text.contains(QStringLiteral("would delete 2 of 6 tags")));
    CHECK(rowOf(text, QStringLiteral("v4")).value(3) == QStringLiteral("keep"));
    CHECK(rowOf(text, QStringLiteral("v4")).value(4) == QStringLiteral("the newest"));
    CHECK(rowOf(text, QStringLiteral("v3")).value(4) == QStringLiteral("newer than 30 days"));
    CHECK(rowOf(text, QStringLiteral("v2")).value(3) == QStringLiteral("delete"));
    CHECK(rowOf(text, QStringLiteral("v1")).value(3) == QStringLiteral("delete"));
    CHECK(rowOf(text, QStringLiteral("v1")).value(4).contains(QStringLiteral("shares its image with kept tag stable")));
    CHECK(rowOf(text, QStringLiteral("v1")).value(2) ==
          QStringLiteral("sha256:") + Sha256Hasher::digestOf(v1).hex().left(12));
    CHECK(rowOf(text, QStringLiteral("stable")).value(4) == QStringLiteral("does not match ^v"));
    CHECK(text.indexOf(QStringLiteral("\nv4 ")) < text.indexOf(QStringLiteral("\nv3 ")));
    CHECK(text.indexOf(QStringLiteral("\nv2 ")) < text.indexOf(QStringLiteral("\nv1 ")));
    CHECK(tagList(base, repo) == before);

    const CliRun json = env.run(QStringList{QStringLiteral("retain")} + rule +
                                QStringList{QStringLiteral("--dry-run"), QStringLiteral("--json")});
    REQUIRE(json.exitCode == 0);
    const QJsonObject o = json.json().object();
    CHECK(o.value(QStringLiteral("dryRun")).toBool());
    CHECK(o.value(QStringLiteral("toDelete")).toInt() == 2);
    CHECK(o.value(QStringLiteral("total")).toInt() == 6);
    CHECK(o.value(QStringLiteral("dateSource")).toString() == QStringLiteral("image configs"));
    QStringList toDelete;
    for (const QJsonValue &v : o.value(QStringLiteral("tags")).toArray()) {
        const QJsonObject t = v.toObject();
        if (t.value(QStringLiteral("action")).toString() == QStringLiteral("delete")) {
            toDelete.append(t.value(QStringLiteral("tag")).toString());
        }
        if (t.value(QStringLiteral("tag")).toString() == QStringLiteral("v1")) {
            CHECK(t.value(QStringLiteral("sharesImageWith")).toArray() == QJsonArray{QStringLiteral("stable")});
            CHECK(t.value(QStringLiteral("digest")).toString() == Sha256Hasher::digestOf(v1).toString());
            CHECK_FALSE(t.value(QStringLiteral("created")).toString().isEmpty());
        }
    }
    CHECK(toDelete == QStringList{QStringLiteral("v2"), QStringLiteral("v1")});
    CHECK(tagList(base, repo) == before);

    // Refusals: no rule, a bad age, a bad pattern, a tag in REPO — usage (2); a missing repository — not found (3).
    const CliRun noRule = env.run({QStringLiteral("retain"), host + u'/' + repo, QStringLiteral("--match"),
                                   QStringLiteral("^v"), QStringLiteral("--dry-run")});
    CHECK(noRule.exitCode == 2);
    CHECK(noRule.err.contains(QStringLiteral("--keep")));
    CHECK(env.run({QStringLiteral("retain"), host + u'/' + repo, QStringLiteral("--older-than"), QStringLiteral("30")})
              .exitCode == 2);
    CHECK(env.run({QStringLiteral("retain"), host + u'/' + repo, QStringLiteral("--keep"), QStringLiteral("-1")})
              .exitCode == 2);
    CHECK(env.run({QStringLiteral("retain"), host + u'/' + repo, QStringLiteral("--keep"), QStringLiteral("1"),
                   QStringLiteral("--match"), QStringLiteral("(")})
              .exitCode == 2);
    const CliRun tagged = env.run({QStringLiteral("retain"), host + u'/' + repo + QStringLiteral(":v1"),
                                   QStringLiteral("--keep"), QStringLiteral("1")});
    CHECK(tagged.exitCode == 2);
    CHECK(tagged.err.contains(QStringLiteral("whole repository")));
    CHECK(env.run({QStringLiteral("retain"), host + QStringLiteral("/cli/none"), QStringLiteral("--keep"),
                   QStringLiteral("1"), QStringLiteral("--dry-run")})
              .exitCode == 3);
    CHECK(tagList(base, repo) == before);

    // The real run: the plan, then the deletes.
    const CliRun real = env.run(QStringList{QStringLiteral("retain")} + rule);
    INFO(real.err.toStdString());
    INFO(real.text().toStdString());
    CHECK(real.text().contains(QStringLiteral("deleting 2 of 6 tags")));
    CHECK(rowOf(real.text(), QStringLiteral("v2")).value(3) == QStringLiteral("delete"));
    if (kind == AnyRegistry::Kind::Embedded) {
        CHECK(real.exitCode == 0);
        CHECK(real.text().contains(QStringLiteral("2 of 2 deleted, 0 failed.")));
        CHECK(tagList(base, repo) == QStringList{"latest", "stable", "v3", "v4"});
    } else {
        // Deletes by digest only: v2 goes with its image; v1's image is stable's too, so v1 is refused.
        CHECK(real.exitCode == 1);
        CHECK(real.text().contains(QStringLiteral("1 of 2 deleted, 1 failed.")));
        CHECK(real.err.contains(QStringLiteral("v1")));
        CHECK(tagList(base, repo) == QStringList{"latest", "stable", "v1", "v3", "v4"});
    }

    // --json of a real run: the plan and a result per tag in one object.
    pushImage(base, QStringLiteral("cli/json"), QStringLiteral("old"), 20);
    pushImage(base, QStringLiteral("cli/json"), QStringLiteral("new"), 1);
    const CliRun realJson = env.run({QStringLiteral("retain"), host + QStringLiteral("/cli/json"),
                                     QStringLiteral("--keep"), QStringLiteral("1"), QStringLiteral("--json")});
    INFO(realJson.err.toStdString());
    REQUIRE(realJson.exitCode == 0);
    const QJsonObject r = realJson.json().object();
    CHECK_FALSE(r.value(QStringLiteral("dryRun")).toBool());
    CHECK(r.value(QStringLiteral("deleted")).toInt() == 1);
    CHECK(r.value(QStringLiteral("failed")).toInt() == 0);
    const QJsonArray results = r.value(QStringLiteral("results")).toArray();
    REQUIRE(results.size() == 1);
    CHECK(results.at(0).toObject().value(QStringLiteral("tag")).toString() == QStringLiteral("old"));
    CHECK(results.at(0).toObject().value(QStringLiteral("ok")).toBool());
    CHECK(tagList(base, QStringLiteral("cli/json")) == QStringList{"new"});
}
