// RepositorySearch (src/client/repositorysearch.h) and the searches under it: Docker Hub's search API and
// Harbor's /api/v2.0/search against their stand-ins (DockerHubStandIn, HarborStandIn: the documented shapes —
// Docker Hub API reference "Search repositories", Harbor API v2.0 swagger "search" with the Search and
// SearchRepository models; neither service can be reached from here), and the bounded catalog walk against a
// StandInServer whose _catalog never ends (a real registry cannot be made to page forever on cue).
#include "clienttestsupport.h"
#include "dockerhubstandin.h"
#include "harborstandin.h"
#include "standinserver.h"
#include "vendortestsupport.h"

#include "client/harborapi.h"
#include "client/registryclient.h"
#include "client/repositorysearch.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <catch2/catch.hpp>

using namespace Minato::Client;
using namespace Minato::Test;

namespace {

struct Run
{
    std::optional<RepositorySearchResult> result;
    QList<RepositorySearchHit> hits; // in the order handed over
    int finishedCount = 0;
};

Run runSearch(RepositorySearch *search)
{
    Run run;
    QObject::connect(search, &RepositorySearch::hitsReady, search,
                     [&run](const QList<RepositorySearchHit> &hits) { run.hits.append(hits); });
    run.result = runToEnd<RepositorySearch, RepositorySearchResult>(search, 20000, &run.finishedCount);
    return run;
}

QStringList repositoriesOf(const QList<RepositorySearchHit> &hits)
{
    QStringList out;
    for (const RepositorySearchHit &h : hits) {
        out.append(h.repository);
    }
    return out;
}

DockerHubStandIn::Repository hubRepository(const QString &ns, const QString &name, int stars, qint64 pulls)
{
    DockerHubStandIn::Repository r;
    r.namespaceName = ns;
    r.name = name;
    r.description = QStringLiteral("the %1 image").arg(name);
    r.stars = stars;
    r.pulls = pulls;
    return r;
}

// A registry whose _catalog pages never end: page k lists team/app-<k>-a, team/app-<k>-b, other/x-<k>, and
// always links to page k+1.
StandInResponse endlessCatalog(const StandInRequest &r)
{
    if (r.path != "/v2/_catalog") {
        return StandInResponse::json(404, R"({"errors":[{"code":"NOT_FOUND","message":"no"}]})");
    }
    const int page = r.queryValue("last").isEmpty() ? 0 : r.queryValue("last").split('-').last().toInt();
    const QByteArray k = QByteArray::number(page + 1);
    QJsonArray names{QStringLiteral("team/app-%1-a").arg(page + 1), QStringLiteral("team/app-%1-b").arg(page + 1),
                     QStringLiteral("other/x-%1").arg(page + 1)};
    return StandInResponse::json(
               200, QJsonDocument(QJsonObject{{QStringLiteral("repositories"), names}}).toJson(QJsonDocument::Compact))
        .withHeader("Link", "</v2/_catalog?n=3&last=other/x-" + k + ">; rel=\"next\"");
}

} // namespace

TEST_CASE("Search: a name matches every word of the text, case-insensitively", "[client][search]")
{
    CHECK(RepositorySearch::matches(QStringLiteral("team-a/api"), QStringLiteral("API")));
    CHECK(RepositorySearch::matches(QStringLiteral("team-a/api"), QStringLiteral("team  api")));
    CHECK_FALSE(RepositorySearch::matches(QStringLiteral("team-a/api"), QStringLiteral("team web")));
    CHECK_FALSE(RepositorySearch::matches(QStringLiteral("team-a/api"), QStringLiteral("   ")));
}

TEST_CASE("Search: Docker Hub's search API, with stars and pulls, pins first and merged", "[client][search][dockerhub]")
{
    DockerHubStandIn hub({});
    DockerHubStandIn::Repository official =
        hubRepository(QStringLiteral("library"), QStringLiteral("postgres"), 14000, 1000000000);
    official.official = true;
    hub.addRepository(official);
    hub.addRepository(hubRepository(QStringLiteral("bitnami"), QStringLiteral("postgresql"), 250, 5000000));
    hub.addRepository(hubRepository(QStringLiteral("library"), QStringLiteral("redis"), 12000, 900000000));
    REQUIRE(hub.listen());
    // The registry side is never asked: any request reaching it would be a mistake.
    StandInServer registry;
    REQUIRE(registry.listen());
    ConnectionProfile profile = profileFor(registry.baseUrl(), ConnectionProfile::Kind::DockerHub);
    profile.name = QStringLiteral("Docker Hub");
    RegistryClient client(profile);

    RepositorySearch::Options options;
    options.dockerHubBaseUrl = hub.baseUrl();
    options.pinned = {QStringLiteral("library/postgres"), QStringLiteral("library/redis")};

    SECTION("one page: the pinned match at once, then the hub's hits")
    {
        const Run run = runSearch(new RepositorySearch(&client, QStringLiteral("postgres"), options, &client));
        REQUIRE(run.result);
        REQUIRE(run.result->hasValue());
        CHECK(run.finishedCount == 1);
        REQUIRE(run.hits.size() == 3);
        CHECK(run.hits[0].repository == QStringLiteral("library/postgres"));
        CHECK(run.hits[0].sources == RepositorySearchHit::Pinned);
        CHECK_FALSE(run.hits[0].stars.has_value());
        // Found again by the hub: handed over once more with both sources and what the hub knows.
        CHECK(run.hits[1].repository == QStringLiteral("library/postgres"));
        CHECK(run.hits[1].sources == (RepositorySearchHit::Pinned | RepositorySearchHit::DockerHubSearch));
        CHECK(run.hits[1].stars == 14000);
        CHECK(run.hits[1].pulls == 1000000000);
        CHECK(run.hits[1].official);
        CHECK(run.hits[1].description == official.description);
        CHECK(run.hits[2].repository == QStringLiteral("bitnami/postgresql"));
        CHECK(run.hits[2].sources == RepositorySearchHit::DockerHubSearch);
        CHECK(run.hits[2].stars == 250);
        for (const RepositorySearchHit &h : run.hits) {
            CHECK(h.connection == QStringLiteral("Docker Hub"));
        }
        const RepositorySearchSummary &s = run.result->value();
        CHECK(s.hits == 2); // distinct repositories
        CHECK(s.total == 2);
        CHECK_FALSE(s.truncated);
        const auto sent = requestsTo(hub.server(), "/v2/search/repositories/");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].queryValue("query") == "postgres");
        CHECK(sent[0].queryValue("page_size") == "100"); // maxHits 100: the hub's largest page
        CHECK(registry.requests().isEmpty());
    }
    SECTION("the page size is the hit limit, at most 100; more on the hub says truncated")
    {
        options.maxHits = 1;
        options.pinned.clear();
        const Run run = runSearch(new RepositorySearch(&client, QStringLiteral("postgres"), options, &client));
        REQUIRE(run.result);
        REQUIRE(run.result->hasValue());
        CHECK(repositoriesOf(run.hits) == QStringList{QStringLiteral("library/postgres")});
        CHECK(run.result->value().truncated);
        CHECK(run.result->value().total == 2);
        options.maxHits = 5000;
        const Run large = runSearch(new RepositorySearch(&client, QStringLiteral("postgres"), options, &client));
        REQUIRE(large.result);
        REQUIRE(large.result->hasValue());
        const auto sent = requestsTo(hub.server(), "/v2/search/repositories/");
        REQUIRE(sent.size() == 2);
        CHECK(sent[0].queryValue("page_size") == "1");
        CHECK(sent[1].queryValue("page_size") == "100"); // the hub answers 400 above 100
    }
    SECTION("a malformed answer is InvalidResponse, and the pins already handed over stay")
    {
        hub.setOverride([](const StandInRequest &r) -> std::optional<StandInResponse> {
            if (r.path.startsWith("/v2/search/")) {
                return StandInResponse::json(200, R"({"count": 1, "results": {"repo_name": "x"}})");
            }
            return std::nullopt;
        });
        const Run run = runSearch(new RepositorySearch(&client, QStringLiteral("postgres"), options, &client));
        REQUIRE(run.result);
        REQUIRE_FALSE(run.result->hasValue());
        CHECK(run.result->error().kind() == ClientError::Kind::InvalidResponse);
        CHECK(run.result->error().invalidReason() == ClientError::Invalid::BadContent);
        CHECK(repositoriesOf(run.hits) == QStringList{QStringLiteral("library/postgres")});
    }
    SECTION("cancelled while the hub is asked: Cancelled once, nothing after")
    {
        hub.setOverride(
            [](const StandInRequest &) -> std::optional<StandInResponse> { return StandInResponse::noAnswer(); });
        auto *search = new RepositorySearch(&client, QStringLiteral("postgres"), options, &client);
        std::optional<RepositorySearchResult> result;
        int finished = 0;
        QObject::connect(search, &RepositorySearch::finished, search, [&](const RepositorySearchResult &r) {
            result = r;
            ++finished;
        });
        QSignalSpy asked(&hub.server(), &StandInServer::requestReceived);
        search->start();
        REQUIRE(asked.wait(5000));
        search->cancel();
        REQUIRE(result);
        CHECK(result->isCancelled());
        QSignalSpy spy(search, &RepositorySearch::finished);
        CHECK_FALSE(spy.wait(300));
        CHECK(finished == 1);
    }
}

TEST_CASE("Search: Harbor's /api/v2.0/search, with the login where the project is private", "[client][search][harbor]")
{
    HarborStandIn::Options harborOptions;
    harborOptions.users.insert(QStringLiteral("alice"), QStringLiteral("Harbor12345"));
    HarborStandIn harbor(harborOptions);
    harbor.addProject(QStringLiteral("library"), true);
    harbor.addProject(QStringLiteral("secret"), false);
    harbor.addRepository(QStringLiteral("library/api-gateway"), {HarborStandIn::Artifact(), HarborStandIn::Artifact()});
    harbor.addRepository(QStringLiteral("library/web"), {});
    harbor.addRepository(QStringLiteral("secret/team/api"), {HarborStandIn::Artifact()});
    harbor.setPullCount(QStringLiteral("library/api-gateway"), 42);
    REQUIRE(harbor.listen());
    RepositorySearch::Options options;

    SECTION("anonymous: public projects only, pulls and artifact counts")
    {
        RegistryClient client(profileFor(harbor.baseUrl(), ConnectionProfile::Kind::Harbor));
        const Run run = runSearch(new RepositorySearch(&client, QStringLiteral("api"), options, &client));
        REQUIRE(run.result);
        REQUIRE(run.result->hasValue());
        REQUIRE(run.hits.size() == 1);
        CHECK(run.hits[0].repository == QStringLiteral("library/api-gateway"));
        CHECK(run.hits[0].pulls == 42);
        CHECK(run.hits[0].artifacts == 2);
        CHECK(run.hits[0].sources == RepositorySearchHit::HarborSearch);
        const auto sent = requestsTo(harbor.server(), "/api/v2.0/search");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].queryValue("q") == "api");
        CHECK_FALSE(sent[0].hasHeader("Authorization"));
    }
    SECTION("signed in: the private project's repository too, Basic sent")
    {
        RegistryClient client(profileFor(harbor.baseUrl(), ConnectionProfile::Kind::Harbor));
        client.setCredentials(login(QStringLiteral("alice"), QStringLiteral("Harbor12345")));
        const Run run = runSearch(new RepositorySearch(&client, QStringLiteral("api"), options, &client));
        REQUIRE(run.result);
        REQUIRE(run.result->hasValue());
        CHECK(repositoriesOf(run.hits) ==
              QStringList{QStringLiteral("library/api-gateway"), QStringLiteral("secret/team/api")});
        CHECK(run.result->value().hits == 2);
        const auto sent = requestsTo(harbor.server(), "/api/v2.0/search");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].header("Authorization") == "Basic " + QByteArrayLiteral("alice:Harbor12345").toBase64());

        options.maxHits = 1;
        const Run limited = runSearch(new RepositorySearch(&client, QStringLiteral("api"), options, &client));
        REQUIRE(limited.result);
        REQUIRE(limited.result->hasValue());
        CHECK(limited.hits.size() == 1);
        CHECK(limited.result->value().truncated);
    }
    SECTION("a wrong password is Auth")
    {
        RegistryClient client(profileFor(harbor.baseUrl(), ConnectionProfile::Kind::Harbor));
        client.setCredentials(login(QStringLiteral("alice"), QStringLiteral("wrong")));
        const Run run = runSearch(new RepositorySearch(&client, QStringLiteral("api"), options, &client));
        REQUIRE(run.result);
        REQUIRE_FALSE(run.result->hasValue());
        CHECK(run.result->error().kind() == ClientError::Kind::Auth);
    }
    SECTION("the answer's shape: a short repository_name gets its project, a malformed body is InvalidResponse")
    {
        const auto parsed = HarborSearchQuery::parse(
            R"({"project": [], "repository": [{"project_name": "p", "repository_name": "app", "pull_count": 3}]})", 10);
        REQUIRE(std::holds_alternative<HarborSearchPage>(parsed));
        const HarborSearchPage &page = std::get<HarborSearchPage>(parsed);
        REQUIRE(page.hits.size() == 1);
        CHECK(page.hits[0].repository == QStringLiteral("p/app"));
        CHECK(page.hits[0].pulls == 3);
        CHECK_FALSE(page.hits[0].artifacts.has_value());
        CHECK(std::holds_alternative<HarborSearchPage>(HarborSearchQuery::parse(R"({"project": null})", 10)));
        CHECK(std::holds_alternative<QString>(HarborSearchQuery::parse(R"({"repository": [{"pull_count": 1}]})", 10)));

        StandInServer broken;
        broken.setHandler([](const StandInRequest &) { return StandInResponse::json(200, "<html>login</html>"); });
        REQUIRE(broken.listen());
        RegistryClient client(profileFor(broken.baseUrl(), ConnectionProfile::Kind::Harbor));
        const Run run = runSearch(new RepositorySearch(&client, QStringLiteral("api"), options, &client));
        REQUIRE(run.result);
        REQUIRE_FALSE(run.result->hasValue());
        CHECK(run.result->error().kind() == ClientError::Kind::InvalidResponse);
    }
}

TEST_CASE("Search: other registries walk the catalog, bounded in pages and names, and filter it",
          "[client][search][catalog]")
{
    StandInServer registry;
    registry.setHandler(endlessCatalog);
    REQUIRE(registry.listen());
    RegistryClient client(profileFor(registry.baseUrl(), ConnectionProfile::Kind::Generic));
    RepositorySearch::Options options;
    options.catalogPageSize = 3;

    SECTION("at most catalogPages pages, then truncated")
    {
        options.catalogPages = 4;
        const Run run = runSearch(new RepositorySearch(&client, QStringLiteral("APP b"), options, &client));
        REQUIRE(run.result);
        REQUIRE(run.result->hasValue());
        CHECK(repositoriesOf(run.hits) == QStringList{QStringLiteral("team/app-1-b"), QStringLiteral("team/app-2-b"),
                                                      QStringLiteral("team/app-3-b"), QStringLiteral("team/app-4-b")});
        for (const RepositorySearchHit &h : run.hits) {
            CHECK(h.sources == RepositorySearchHit::Catalog);
        }
        const RepositorySearchSummary &s = run.result->value();
        CHECK(s.truncated);
        CHECK(s.catalogPages == 4);
        CHECK(s.catalogNames == 12);
        CHECK(requestsTo(registry, "/v2/_catalog").size() == 4);
        CHECK(requestsTo(registry, "/v2/_catalog")[0].queryValue("n") == "3");
    }
    SECTION("at most catalogNames names, then the listing is stopped")
    {
        options.catalogPages = 100;
        options.catalogNames = 7;
        const Run run = runSearch(new RepositorySearch(&client, QStringLiteral("team"), options, &client));
        REQUIRE(run.result);
        REQUIRE(run.result->hasValue());
        CHECK(repositoriesOf(run.hits) == QStringList{QStringLiteral("team/app-1-a"), QStringLiteral("team/app-1-b"),
                                                      QStringLiteral("team/app-2-a"), QStringLiteral("team/app-2-b"),
                                                      QStringLiteral("team/app-3-a")});
        CHECK(run.result->value().catalogNames == 7);
        CHECK(run.result->value().truncated);
        CHECK(requestsTo(registry, "/v2/_catalog").size() == 3);
    }
    SECTION("no catalog (404): the pins are searched, a note says why, no failure")
    {
        StandInServer closed;
        closed.setHandler([](const StandInRequest &) {
            return StandInResponse::json(404, R"({"errors":[{"code":"UNSUPPORTED","message":"no catalog"}]})");
        });
        REQUIRE(closed.listen());
        RegistryClient ghcr(profileFor(closed.baseUrl(), ConnectionProfile::Kind::Ghcr));
        options.pinned = {QStringLiteral("org/app"), QStringLiteral("org/tool")};
        const Run run = runSearch(new RepositorySearch(&ghcr, QStringLiteral("app"), options, &ghcr));
        REQUIRE(run.result);
        REQUIRE(run.result->hasValue());
        CHECK(repositoriesOf(run.hits) == QStringList{QStringLiteral("org/app")});
        CHECK(run.hits[0].sources == RepositorySearchHit::Pinned);
        CHECK_FALSE(run.result->value().note.isEmpty());
    }
    SECTION("a registry that fails (500) fails the search, with its error")
    {
        StandInServer failing;
        failing.setHandler([](const StandInRequest &) { return StandInResponse::json(500, "{}"); });
        REQUIRE(failing.listen());
        RegistryClient broken(profileFor(failing.baseUrl(), ConnectionProfile::Kind::Generic));
        const Run run = runSearch(new RepositorySearch(&broken, QStringLiteral("app"), options, &broken));
        REQUIRE(run.result);
        REQUIRE_FALSE(run.result->hasValue());
        CHECK(run.result->error().httpStatus() == 500);
    }
    SECTION("an empty text is refused at once")
    {
        const Run run = runSearch(new RepositorySearch(&client, QStringLiteral("  "), options, &client));
        REQUIRE(run.result);
        REQUIRE_FALSE(run.result->hasValue());
        CHECK(run.result->error().kind() == ClientError::Kind::InvalidRequest);
        CHECK(registry.requests().isEmpty());
    }
}
