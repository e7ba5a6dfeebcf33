// Retention where the vendor's tag API gives the dates: Harbor's artifacts API (the HarborStandIn, built from
// Harbor's swagger; no Harbor runs here) lists digests and dates, so the plan makes no registry request per tag,
// and applying it through BulkDelete removes each tag name alone through Harbor's tag API.
#include "clienttestsupport.h"
#include "harborstandin.h"

#include "client/bulkdelete.h"
#include "client/registryclient.h"
#include "client/retention.h"

#include "testsupport.h"

using namespace Minato::Client;
using namespace Minato::Test;

namespace {

QString digestOf(char c)
{
    return QStringLiteral("sha256:") + QString(64, QLatin1Char(c));
}

HarborStandIn::Artifact artifact(char digest, const QStringList &tags, const QString &created, const QString &pushTime)
{
    HarborStandIn::Artifact a;
    a.digest = digestOf(digest);
    a.size = 1000;
    a.pushTime = pushTime;
    a.manifestMediaType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    a.tags = tags;
    a.os = QStringLiteral("linux");
    a.architecture = QStringLiteral("amd64");
    a.created = created;
    return a;
}

int registryRequests(const StandInServer &server)
{
    int n = 0;
    for (const StandInRequest &r : server.requests()) {
        if (r.path.startsWith("/v2/")) {
            ++n;
        }
    }
    return n;
}

} // namespace

TEST_CASE("Retention on Harbor: dates from the artifacts API, deletes through its tag API", "[client][retention]")
{
    HarborStandIn::Options harborOptions;
    harborOptions.users.insert(QStringLiteral("alice"), QStringLiteral("Harbor12345"));
    HarborStandIn harbor(harborOptions);
    harbor.addProject(QStringLiteral("library"), true);
    const QString push = QStringLiteral("2024-05-31T00:00:00.000Z");
    harbor.addRepository(
        QStringLiteral("library/team/app"),
        {artifact('a', {QStringLiteral("v1"), QStringLiteral("stable")}, QStringLiteral("2024-01-01T00:00:00Z"), push),
         artifact('b', {QStringLiteral("v2")}, QStringLiteral("2024-05-25T00:00:00Z"), push),
         artifact('c', {QStringLiteral("v3")}, QStringLiteral("2024-03-01T00:00:00Z"), push),
         // No config date: Harbor's push time is the date.
         artifact('d', {QStringLiteral("v4")}, {}, QStringLiteral("2024-02-01T00:00:00.000Z"))});
    REQUIRE(harbor.listen());

    ConnectionProfile profile;
    profile.name = QStringLiteral("harbor stand-in");
    profile.baseUrl = harbor.baseUrl();
    profile.kind = ConnectionProfile::Kind::Harbor;
    profile.timeoutMs = 10000;
    RegistryClient client(profile);
    Credentials alice;
    alice.username = QStringLiteral("alice");
    alice.secret = QStringLiteral("Harbor12345");
    alice.isIdentityToken = false;
    client.setCredentials(alice);

    RetentionRules rules;
    rules.keepLast = 1;
    rules.match = QRegularExpression(QStringLiteral("^v"));
    RetentionPlanQuery::Options options;
    options.now = QDateTime(QDate(2024, 6, 1), QTime(0, 0), Qt::UTC);
    const auto plan = runToEnd<RetentionPlanQuery, RetentionPlanResult>(
        new RetentionPlanQuery(&client, QStringLiteral("library/team/app"), rules, options, &client));
    REQUIRE(plan);
    INFO((*plan ? QString() : plan->error().technicalDetail()).toStdString());
    REQUIRE(*plan);
    const RetentionPlan &p = plan->value();
    CHECK(p.dateSource == QStringLiteral("Harbor API"));
    CHECK(p.toDelete() == QStringList{"v3", "v4", "v1"});
    QStringList order;
    for (const RetentionItem &item : p.items) {
        order.append(item.tag);
    }
    // stable has v1's date (same artifact) and sorts after it by name.
    CHECK(order == QStringList{"v2", "v3", "v4", "v1", "stable"});
    CHECK(p.items.at(3).sharesWithKept == QStringList{"stable"});
    CHECK(p.items.at(2).created == QDateTime(QDate(2024, 2, 1), QTime(0, 0), Qt::UTC));
    // Everything came from the artifacts listing: not one registry request.
    CHECK(registryRequests(harbor.server()) == 0);

    const auto applied = runToEnd<BulkDelete, BulkDeleteResult>(
        new BulkDelete(&client, QStringLiteral("library/team/app"), p.toDelete(), {}, &client));
    REQUIRE(applied);
    REQUIRE(*applied);
    CHECK(applied->value().deleted == 3);
    for (const DeleteResult &r : applied->value().items) {
        REQUIRE(r);
        CHECK(r->method == DeleteOutcome::Method::VendorTag);
    }
    CHECK(harbor.deletedTags() == QStringList{"library/team/app:v3", "library/team/app:v4", "library/team/app:v1"});
}
