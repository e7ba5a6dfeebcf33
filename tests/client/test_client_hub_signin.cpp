// Docker Hub API sign-in is single-flight per DockerHubApi (dockerhubapi.h, signInShared): queries started
// together POST /v2/auth/token once and share its result; cancelling one leaves the others' sign-in alone.
// Against DockerHubStandIn (Docker Hub's web API cannot be reached from here; see dockerhubstandin.h).
#include "clienttestsupport.h"
#include "dockerhubstandin.h"

#include "client/dockerhubapi.h"
#include "client/registryclient.h"

#include "testsupport.h"

using namespace Minato::Client;
using namespace Minato::Test;

namespace {

const QString kUser = QStringLiteral("alice");
const QString kPat = QStringLiteral("dckr_pat_single-flight");

Credentials hubLogin(const QString &secret)
{
    Credentials c;
    c.username = kUser;
    c.secret = secret;
    c.isIdentityToken = false;
    return c;
}

ConnectionProfile hubProfile()
{
    ConnectionProfile p;
    p.name = QStringLiteral("hub");
    p.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:1")); // the registry itself is not asked here
    p.kind = ConnectionProfile::Kind::DockerHub;
    p.timeoutMs = 10000;
    return p;
}

int signIns(const DockerHubStandIn &hub)
{
    int n = 0;
    for (const StandInRequest &r : hub.server().requests()) {
        n += r.method == "POST" && r.path == "/v2/auth/token" ? 1 : 0;
    }
    return n;
}

// What a list query's finished() carried, waiting for it if it has not come yet; nullopt when it never did.
std::optional<ListResult> resultOf(QSignalSpy &finished)
{
    if (finished.isEmpty()) {
        finished.wait(20000);
    }
    if (finished.isEmpty()) {
        return std::nullopt;
    }
    return finished.first().first().value<ListResult>();
}

} // namespace

TEST_CASE("Docker Hub: queries started together sign in once and share the result", "[client][vendor][dockerhub]")
{
    DockerHubStandIn::Options options;
    options.users.insert(kUser, kPat);
    DockerHubStandIn hub(options);
    DockerHubStandIn::Repository app;
    app.namespaceName = kUser;
    app.name = QStringLiteral("app");
    app.isPrivate = true; // listed to its owner only: proves the token reached both queries
    DockerHubStandIn::Tag v1;
    v1.name = QStringLiteral("v1");
    app.tags.append(v1);
    hub.addRepository(app);
    REQUIRE(hub.listen());
    RegistryClient client(hubProfile());
    DockerHubApi api(&client);
    api.setBaseUrl(hub.baseUrl());

    SECTION("two parallel queries: one POST /v2/auth/token, both signed in")
    {
        client.setCredentials(hubLogin(kPat));
        auto *repos = api.repositories(kUser);
        auto *tags = api.tags(QStringLiteral("alice/app"));
        QSignalSpy reposFinished(repos, &DockerHubRepositoriesQuery::finished);
        QSignalSpy tagsFinished(tags, &DockerHubTagsQuery::finished);
        repos->start();
        tags->start();
        CHECK(api.isSigningIn());
        const auto reposResult = resultOf(reposFinished);
        const auto tagsResult = resultOf(tagsFinished);
        REQUIRE(reposResult);
        REQUIRE(tagsResult);
        REQUIRE(reposResult->hasValue());
        REQUIRE(tagsResult->hasValue());
        CHECK(reposResult->value().items == 1); // the private repository: signed in
        CHECK(tagsResult->value().items == 1);
        CHECK(signIns(hub) == 1);
        CHECK_FALSE(api.accessToken().isEmpty());
        CHECK(reposFinished.size() == 1);
        CHECK(tagsFinished.size() == 1);
    }

    SECTION("a refused sign-in: both get the same Auth error from one attempt")
    {
        client.setCredentials(hubLogin(QStringLiteral("dckr_pat_wrong")));
        auto *repos = api.repositories(kUser);
        auto *tags = api.tags(QStringLiteral("alice/app"));
        QSignalSpy reposFinished(repos, &DockerHubRepositoriesQuery::finished);
        QSignalSpy tagsFinished(tags, &DockerHubTagsQuery::finished);
        repos->start();
        tags->start();
        const auto reposResult = resultOf(reposFinished);
        const auto tagsResult = resultOf(tagsFinished);
        REQUIRE(reposResult);
        REQUIRE(tagsResult);
        REQUIRE_FALSE(reposResult->hasValue());
        REQUIRE_FALSE(tagsResult->hasValue());
        CHECK(reposResult->error().kind() == ClientError::Kind::Auth);
        CHECK(tagsResult->error().kind() == ClientError::Kind::Auth);
        CHECK(signIns(hub) == 1);
        CHECK(hub.server().requests().size() == 1); // nothing listed after a failed sign-in
    }

    SECTION("cancelling one waiter leaves the other's sign-in running; cancelling all cancels it")
    {
        client.setCredentials(hubLogin(kPat));
        auto *repos = api.repositories(kUser);
        auto *tags = api.tags(QStringLiteral("alice/app"));
        QSignalSpy reposFinished(repos, &DockerHubRepositoriesQuery::finished);
        QSignalSpy tagsFinished(tags, &DockerHubTagsQuery::finished);
        repos->start();
        tags->start();
        REQUIRE(api.isSigningIn());
        repos->cancel();
        REQUIRE(reposFinished.size() == 1);
        CHECK(reposFinished.first().first().value<ListResult>().isCancelled());
        CHECK(api.isSigningIn()); // still running for the tags query
        const auto tagsResult = resultOf(tagsFinished);
        REQUIRE(tagsResult);
        INFO((tagsResult->hasValue() ? QString() : tagsResult->error().technicalDetail()).toStdString());
        REQUIRE(tagsResult->hasValue());
        CHECK(tagsResult->value().items == 1);
        CHECK(signIns(hub) == 1);
        CHECK(reposFinished.size() == 1); // nothing late for the cancelled one

        // Without a token again: when every waiter is cancelled, the sign-in is too.
        api.forgetAccessToken();
        auto *a = api.tags(QStringLiteral("alice/app"));
        auto *b = api.tags(QStringLiteral("alice/app"));
        QSignalSpy aFinished(a, &DockerHubTagsQuery::finished);
        QSignalSpy bFinished(b, &DockerHubTagsQuery::finished);
        a->start();
        b->start();
        REQUIRE(api.isSigningIn());
        a->cancel();
        CHECK(api.isSigningIn());
        b->cancel();
        CHECK_FALSE(api.isSigningIn());
        REQUIRE(aFinished.size() == 1);
        REQUIRE(bFinished.size() == 1);
        CHECK(aFinished.first().first().value<ListResult>().isCancelled());
        CHECK(bFinished.first().first().value<ListResult>().isCancelled());
    }
}
