// Retention against real registries — minato-registry and the CNCF reference registry (delete enabled): images
// with hand-built configs whose `created` dates are known, an index whose platforms differ in date, an artifact
// without a date, a tag naming the same image as a tag the rules keep. RetentionPlanQuery must list exactly the
// expected tags for deletion and delete nothing itself; BulkDelete of the plan's tags must then leave exactly
// the expected tags (minato-registry deletes tags alone; the reference registry deletes by digest and refuses the
// tag whose image a kept tag names).
#include "embeddedregistryprocess.h"
#include "httpfetch.h"
#include "referenceregistry.h"
#include "registrycontent.h"

#include "client/bulkdelete.h"
#include "client/registryclient.h"
#include "client/retention.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

using namespace Minato::Client;
using namespace Minato::Test;
using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;

namespace {

constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";
const QDateTime kNow = QDateTime(QDate(2024, 6, 1), QTime(12, 0), Qt::UTC);

class Peer
{
public:
    explicit Peer(bool minato)
    {
        if (minato) {
            m_minato = std::make_unique<EmbeddedRegistryProcess>();
        } else {
            m_reference = std::make_unique<ReferenceRegistry>();
        }
    }
    void start()
    {
        const bool ok = m_minato ? m_minato->start() : m_reference->start();
        INFO((m_minato ? m_minato->errorString() : m_reference->errorString()).toStdString());
        REQUIRE(ok);
    }
    bool isMinato() const { return m_minato != nullptr; }
    QUrl baseUrl() const { return m_minato ? m_minato->baseUrl() : m_reference->baseUrl(); }
    std::string name() const { return m_minato ? "minato-registry" : "reference registry"; }

private:
    std::unique_ptr<EmbeddedRegistryProcess> m_minato;
    std::unique_ptr<ReferenceRegistry> m_reference;
};

struct Image
{
    QByteArray manifest;
    Digest digest;
    QString architecture;
};

// An image whose config says `created` (empty: no created at all), pushed as `reference` (empty: by digest).
Image pushImage(const QUrl &base, const QString &repository, const QString &reference, const QString &seed,
                const QString &created, const QString &architecture = QStringLiteral("amd64"))
{
    QJsonObject config{{QStringLiteral("architecture"), architecture},
                       {QStringLiteral("os"), QStringLiteral("linux")},
                       {QStringLiteral("rootfs"), QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                                              {QStringLiteral("diff_ids"), QJsonArray()}}},
                       {QStringLiteral("author"), seed}};
    if (!created.isEmpty()) {
        config.insert(QStringLiteral("created"), created);
    }
    const QByteArray configBytes = QJsonDocument(config).toJson(QJsonDocument::Compact);
    const QByteArray layer = "retention layer of " + seed.toUtf8();
    pushBlob(base, repository, configBytes);
    pushBlob(base, repository, layer);
    Image image;
    image.architecture = architecture;
    image.manifest =
        QJsonDocument(
            QJsonObject{
                {QStringLiteral("schemaVersion"), 2},
                {QStringLiteral("mediaType"), QString::fromLatin1(kOciManifest)},
                {QStringLiteral("config"),
                 descriptorOf(QStringLiteral("application/vnd.oci.image.config.v1+json"), configBytes)},
                {QStringLiteral("layers"),
                 QJsonArray{descriptorOf(QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"), layer)}}})
            .toJson(QJsonDocument::Compact);
    image.digest = Sha256Hasher::digestOf(image.manifest);
    putManifest(base, repository, reference.isEmpty() ? image.digest.toString() : reference, image.manifest,
                kOciManifest);
    return image;
}

// An artifact (empty config, no date), tagged `tag`.
void pushArtifact(const QUrl &base, const QString &repository, const QString &tag)
{
    pushBlob(base, repository, "{}");
    const QByteArray content = "retention artifact";
    pushBlob(base, repository, content);
    const QByteArray manifest =
        QJsonDocument(
            QJsonObject{
                {QStringLiteral("schemaVersion"), 2},
                {QStringLiteral("mediaType"), QString::fromLatin1(kOciManifest)},
                {QStringLiteral("artifactType"), QStringLiteral("application/vnd.example.notes")},
                {QStringLiteral("config"), descriptorOf(QStringLiteral("application/vnd.oci.empty.v1+json"), "{}")},
                {QStringLiteral("layers"), QJsonArray{descriptorOf(QStringLiteral("text/plain"), content)}}})
            .toJson(QJsonDocument::Compact);
    putManifest(base, repository, tag, manifest, kOciManifest);
}

Digest pushIndex(const QUrl &base, const QString &repository, const QString &tag, const QList<Image> &children)
{
    QJsonArray manifests;
    for (const Image &child : children) {
        QJsonObject d = descriptorOf(QString::fromLatin1(kOciManifest), child.manifest);
        d.insert(QStringLiteral("platform"), QJsonObject{{QStringLiteral("os"), QStringLiteral("linux")},
                                                         {QStringLiteral("architecture"), child.architecture}});
        manifests.append(d);
    }
    const QByteArray index = QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                                       {QStringLiteral("mediaType"), QString::fromLatin1(kOciIndex)},
                                                       {QStringLiteral("manifests"), manifests}})
                                 .toJson(QJsonDocument::Compact);
    putManifest(base, repository, tag, index, kOciIndex);
    return Sha256Hasher::digestOf(index);
}

QString why(const ClientError &e)
{
    return e.message() + QStringLiteral(" | ") + e.technicalDetail();
}

const RetentionItem *itemOf(const RetentionPlan &plan, const QString &tag)
{
    for (const RetentionItem &item : plan.items) {
        if (item.tag == tag) {
            return &item;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("Retention: the plan lists exactly what the rules delete, and BulkDelete applies it", "[client][retention]")
{
    Peer peer(GENERATE(true, false));
    INFO(peer.name());
    peer.start();
    const QUrl base = peer.baseUrl();
    const QString repo = QStringLiteral("keep/app");
    pushImage(base, repo, QStringLiteral("v1"), QStringLiteral("v1"), QStringLiteral("2024-01-01T00:00:00Z"));
    const Image v2 =
        pushImage(base, repo, QStringLiteral("v2"), QStringLiteral("v2"), QStringLiteral("2024-02-01T00:00:00Z"));
    putManifest(base, repo, QStringLiteral("stable"), v2.manifest, kOciManifest); // not a candidate: kept
    pushImage(base, repo, QStringLiteral("v3"), QStringLiteral("v3"), QStringLiteral("2024-05-10T00:00:00Z"));
    pushImage(base, repo, QStringLiteral("v4"), QStringLiteral("v4"), QStringLiteral("2024-05-15T00:00:00Z"));
    const Image v5 =
        pushImage(base, repo, QStringLiteral("v5"), QStringLiteral("v5"), QStringLiteral("2024-05-20T08:30:00+02:00"));
    putManifest(base, repo, QStringLiteral("latest"), v5.manifest, kOciManifest);
    // An index: its linux/amd64 image's date counts (2024-01-15), not the newer arm64 one.
    const Image amd64 =
        pushImage(base, repo, {}, QStringLiteral("multi amd64"), QStringLiteral("2024-01-15T00:00:00Z"));
    const Image arm64 = pushImage(base, repo, {}, QStringLiteral("multi arm64"), QStringLiteral("2024-05-30T00:00:00Z"),
                                  QStringLiteral("arm64"));
    pushIndex(base, repo, QStringLiteral("v0-multi"), {arm64, amd64});
    pushArtifact(base, repo, QStringLiteral("v0-notes"));
    pushImage(base, repo, QStringLiteral("v0-undated"), QStringLiteral("undated"), {});
    const QStringList before = tagList(base, repo);
    REQUIRE(before.size() == 10);

    RegistryClient client(profileFor(base));
    RetentionRules rules;
    rules.keepLast = 2;
    rules.olderThanSeconds = 30 * 86400;
    rules.match = QRegularExpression(QStringLiteral("^v"));
    RetentionPlanQuery::Options options;
    options.now = kNow;
    options.parallel = 3;
    auto *query = new RetentionPlanQuery(&client, repo, rules, options, &client);
    QList<QPair<int, int>> progress;
    QObject::connect(query, &RetentionPlanQuery::progress, query, [&progress](int done, int total) {
        progress.append({done, total});
    });
    const RetentionPlanResult plan = requireResult<RetentionPlanQuery, RetentionPlanResult>(query);
    INFO((plan ? QString() : why(plan.error())).toStdString());
    REQUIRE(plan);

    // Exactly these, newest first; the dry run deleted nothing.
    CHECK(plan->toDelete() == QStringList{QStringLiteral("v2"), QStringLiteral("v0-multi"), QStringLiteral("v1")});
    CHECK(tagList(base, repo) == before);
    QStringList order;
    for (const RetentionItem &item : plan->items) {
        order.append(item.tag);
    }
    // stable and latest are not candidates: a HEAD each, dated by the tag whose image they name.
    CHECK(order == QStringList{"v5", "latest", "v4", "v3", "v2", "stable", "v0-multi", "v1", "v0-undated", "v0-notes"});
    CHECK(plan->dateSource == QStringLiteral("image configs"));
    QString reasons;
    for (const RetentionItem &item : plan->items) {
        reasons += item.tag + QStringLiteral(": ") + item.reason + u'\n';
    }
    INFO((plan->notes.join(u'\n') + u'\n' + reasons).toStdString());
    CHECK(plan->notes.isEmpty());
    CHECK(plan->now == kNow);
    REQUIRE(itemOf(plan.value(), QStringLiteral("v5")));
    CHECK(itemOf(plan.value(), QStringLiteral("v5"))->created == QDateTime(QDate(2024, 5, 20), QTime(6, 30), Qt::UTC));
    CHECK(itemOf(plan.value(), QStringLiteral("v5"))->reason == QStringLiteral("among the 2 newest"));
    CHECK(itemOf(plan.value(), QStringLiteral("v3"))->reason == QStringLiteral("newer than 30 days"));
    CHECK(itemOf(plan.value(), QStringLiteral("v0-multi"))->created ==
          QDateTime(QDate(2024, 1, 15), QTime(0, 0), Qt::UTC));
    CHECK(itemOf(plan.value(), QStringLiteral("v1"))->reason ==
          QStringLiteral("older than 30 days, not among the 2 newest"));
    CHECK(itemOf(plan.value(), QStringLiteral("v2"))->sharesWithKept == QStringList{QStringLiteral("stable")});
    CHECK(itemOf(plan.value(), QStringLiteral("v2"))
              ->reason.contains(QStringLiteral("shares its image with kept tag stable")));
    CHECK(itemOf(plan.value(), QStringLiteral("v2"))->digest == v2.digest);
    CHECK(itemOf(plan.value(), QStringLiteral("stable"))->reason == QStringLiteral("does not match ^v"));
    CHECK(itemOf(plan.value(), QStringLiteral("stable"))->digest == v2.digest);
    CHECK(itemOf(plan.value(), QStringLiteral("stable"))->created ==
          QDateTime(QDate(2024, 2, 1), QTime(0, 0), Qt::UTC));
    CHECK(itemOf(plan.value(), QStringLiteral("v0-notes"))->action == RetentionItem::Action::Keep);
    CHECK(itemOf(plan.value(), QStringLiteral("v0-notes"))->reason.startsWith(QStringLiteral("no created date: kept")));
    CHECK(itemOf(plan.value(), QStringLiteral("v0-undated"))->action == RetentionItem::Action::Keep);
    // Every tag needed a request: 8 candidates read, 2 others HEADed.
    REQUIRE_FALSE(progress.isEmpty());
    CHECK(progress.first() == QPair<int, int>(0, 10));
    CHECK(progress.last() == QPair<int, int>(10, 10));

    // Applying: the plan's tags, one BulkDelete.
    const BulkDeleteResult applied =
        requireResult<BulkDelete, BulkDeleteResult>(new BulkDelete(&client, repo, plan->toDelete(), {}, &client));
    REQUIRE(applied);
    REQUIRE(applied->items.size() == 3);
    if (peer.isMinato()) {
        // The OCI tag delete: each name alone; stable keeps v2's image.
        CHECK(applied->deleted == 3);
        CHECK(tagList(base, repo) == QStringList{"latest", "stable", "v0-notes", "v0-undated", "v3", "v4", "v5"});
    } else {
        // By digest: v0-multi and v1 go with their images; v2 is refused, stable names its image.
        CHECK(applied->deleted == 2);
        CHECK(applied->failed == 1);
        REQUIRE_FALSE(applied->items.at(0));
        CHECK(applied->items.at(0).error().message().contains(QStringLiteral("stable")));
        CHECK(tagList(base, repo) == QStringList{"latest", "stable", "v0-notes", "v0-undated", "v2", "v3", "v4", "v5"});
    }
    CHECK(httpFetch("HEAD", urlOn(base, QStringLiteral("/v2/%1/manifests/stable").arg(repo)),
                    {{"Accept", manifestAccept()}})
              .header("Docker-Content-Digest") == v2.digest.toString().toLatin1());
}

TEST_CASE("Retention: keepLast alone, olderThan alone, and refusals", "[client][retention]")
{
    Peer peer(GENERATE(true, false));
    INFO(peer.name());
    peer.start();
    const QUrl base = peer.baseUrl();
    const QString repo = QStringLiteral("keep/simple");
    for (int day = 1; day <= 5; ++day) {
        pushImage(base, repo, QStringLiteral("b%1").arg(day), QStringLiteral("simple %1").arg(day),
                  QStringLiteral("2024-05-%1T00:00:00Z").arg(day, 2, 10, QLatin1Char('0')));
    }
    RegistryClient client(profileFor(base));
    RetentionPlanQuery::Options options;
    options.now = QDateTime(QDate(2024, 5, 6), QTime(0, 0), Qt::UTC);
    auto planWith = [&](const RetentionRules &rules) {
        return requireResult<RetentionPlanQuery, RetentionPlanResult>(
            new RetentionPlanQuery(&client, repo, rules, options, &client));
    };

    RetentionRules count;
    count.keepLast = 2;
    const RetentionPlanResult byCount = planWith(count);
    INFO((byCount ? QString() : why(byCount.error())).toStdString());
    REQUIRE(byCount);
    CHECK(byCount->toDelete() == QStringList{"b3", "b2", "b1"});

    RetentionRules age;
    age.olderThanSeconds = 3 * 86400 + 3600; // b1 (5 days) and b2 (4 days) are older
    const RetentionPlanResult byAge = planWith(age);
    REQUIRE(byAge);
    CHECK(byAge->toDelete() == QStringList{"b2", "b1"});

    RetentionRules none;
    const RetentionPlanResult refused = planWith(none);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind() == ClientError::Kind::InvalidRequest);
    CHECK(refused.error().technicalDetail().contains(QStringLiteral("no rule")));

    const RetentionPlanResult missing = requireResult<RetentionPlanQuery, RetentionPlanResult>(
        new RetentionPlanQuery(&client, QStringLiteral("keep/none"), count, options, &client));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind() == ClientError::Kind::NotFound);
    CHECK(tagList(base, repo).size() == 5);

    SECTION("cancel while dates are read: Cancelled once, nothing deleted")
    {
        auto *query = new RetentionPlanQuery(&client, repo, count, options, &client);
        int finishedCount = 0;
        // After the first tag: inside the provider's own signal, the case that must not pull it from under itself.
        QObject::connect(query, &RetentionPlanQuery::progress, query, [query](int done, int) {
            if (done >= 1) {
                query->cancel();
            }
        });
        QObject::connect(query, &RetentionPlanQuery::finished, query,
                         [&finishedCount](const RetentionPlanResult &) { ++finishedCount; });
        const RetentionPlanResult r = requireResult<RetentionPlanQuery, RetentionPlanResult>(query);
        CHECK(r.isCancelled());
        CHECK(finishedCount == 1);
        CHECK(tagList(base, repo).size() == 5);
    }
}
