// The Docker token flow (distribution docs/spec/auth/token.md) against TokenRegistryStandIn: a stand-in,
// because the reference registry's token auth needs a certificate chain and an external token server,
// and Minato's own registry gets its token endpoint in a later slice — these tests then move to it.
#include "clienttestsupport.h"
#include "tokenregistrystandin.h"

#include "client/capabilitiesprobe.h"
#include "client/pingquery.h"
#include "client/registryclient.h"
#include "client/tagsquery.h"

#include "testsupport.h"

using namespace Minato::Client;
using namespace Minato::Test;

namespace {

ConnectionProfile profileFor(const TokenRegistryStandIn &registry)
{
    ConnectionProfile p;
    p.name = QStringLiteral("token stand-in");
    p.baseUrl = registry.baseUrl();
    return p;
}

std::optional<ListResult> listTags(RegistryClient &client, const QString &repository, QStringList *tags = nullptr)
{
    QList<QStringList> chunks;
    auto r = runList<TagsQuery, ListResult>(client.tags(repository), chunks);
    if (tags) {
        *tags = flatten(chunks);
    }
    return r;
}

} // namespace

TEST_CASE("Bearer: anonymous pull of a public repository, token cached per scope", "[client][bearer]")
{
    TokenRegistryStandIn registry({});
    REQUIRE(registry.listen());
    registry.addRepository(QStringLiteral("library/public"), {QStringLiteral("v1"), QStringLiteral("v2")});
    RegistryClient client(profileFor(registry));

    const auto ping = runToEnd<PingQuery, PingResult>(client.ping());
    REQUIRE(ping);
    REQUIRE(ping->hasValue());
    CHECK(ping->value().authScheme == AuthSession::Scheme::Bearer);
    CHECK(ping->value().realm == registry.baseUrl().toString() + QStringLiteral("/token"));
    CHECK(ping->value().service == QStringLiteral("minato-test"));

    QStringList tags;
    const auto r = listTags(client, QStringLiteral("library/public"), &tags);
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(tags == QStringList{QStringLiteral("v1"), QStringLiteral("v2")});
    REQUIRE(registry.tokenRequests().size() == 1);
    CHECK(registry.tokenRequests().first().account.isEmpty());
    CHECK(registry.tokenRequests().first().service == "minato-test");
    CHECK(registry.tokenRequests().first().scopes == QStringList{QStringLiteral("repository:library/public:pull")});

    // The second listing sends the cached token up front: no token request, no 401.
    const qsizetype before = registry.server().requests().size();
    const auto again = listTags(client, QStringLiteral("library/public"));
    REQUIRE(again);
    REQUIRE(again->hasValue());
    CHECK(registry.tokenRequests().size() == 1);
    CHECK(registry.server().requests().size() == before + 1);
}

TEST_CASE("Bearer: a private or missing repository read anonymously is 'not found, or private'", "[client][bearer]")
{
    TokenRegistryStandIn registry({});
    REQUIRE(registry.listen());
    registry.addRepository(QStringLiteral("alice/private"), {QStringLiteral("dev")}, QStringLiteral("alice"));
    RegistryClient client(profileFor(registry));

    for (const QString &name : {QStringLiteral("alice/private"), QStringLiteral("nobody/missing")}) {
        INFO(name.toStdString());
        registry.server();
        const int tokensBefore = static_cast<int>(registry.tokenRequests().size());
        const qsizetype requestsBefore = registry.server().requests().size();
        const auto r = listTags(client, name);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::NotFoundOrPrivate);
        CHECK(r->error().message().contains(QStringLiteral("sign in")));
        CHECK_FALSE(r->error().message().contains(QStringLiteral("password")));
        // One token request, one retry: no loop.
        CHECK(registry.tokenRequests().size() == tokensBefore + 1);
        CHECK(registry.server().requests().size() == requestsBefore + 3);
    }
}

TEST_CASE("Bearer: signing in at the token endpoint", "[client][bearer]")
{
    TokenRegistryStandIn::Options options;
    options.users.insert(QStringLiteral("alice"), QStringLiteral("s3cret"));
    options.answerAccessToken = true; // OAuth2-style answer
    options.expiresIn = 0;            // absent: 60 s assumed
    TokenRegistryStandIn registry(options);
    REQUIRE(registry.listen());
    registry.addRepository(QStringLiteral("alice/private"), {QStringLiteral("dev")}, QStringLiteral("alice"));
    RegistryClient client(profileFor(registry));

    SECTION("the owner reads a private repository; the token is reused")
    {
        client.setCredentials(Credentials{QStringLiteral("alice"), QStringLiteral("s3cret"), false});
        QStringList tags;
        const auto r = listTags(client, QStringLiteral("alice/private"), &tags);
        REQUIRE(r);
        REQUIRE(r->hasValue());
        CHECK(tags == QStringList{QStringLiteral("dev")});
        REQUIRE(registry.tokenRequests().size() == 1);
        CHECK(registry.tokenRequests().first().account == QStringLiteral("alice"));
        CHECK(client.authSession()->cachedTokenCount() == 1);
        REQUIRE(listTags(client, QStringLiteral("alice/private"))->hasValue());
        CHECK(registry.tokenRequests().size() == 1);
    }

    SECTION("scope upgrade: a delete after a pull asks one token for pull and delete together")
    {
        client.setCredentials(Credentials{QStringLiteral("alice"), QStringLiteral("s3cret"), false});
        REQUIRE(listTags(client, QStringLiteral("alice/private"))->hasValue());
        const auto caps =
            runToEnd<CapabilitiesProbe, CapabilitiesResult>(client.probeCapabilities(QStringLiteral("alice/private")));
        REQUIRE(caps);
        REQUIRE(caps->hasValue());
        INFO(caps->value().notes.join(u'\n').toStdString());
        CHECK(caps->value().authScheme == AuthSession::Scheme::Bearer);
        CHECK(caps->value().deleteEnabled == true);
        bool upgraded = false;
        for (const auto &t : registry.tokenRequests()) {
            upgraded = upgraded || t.scopes.contains(QStringLiteral("repository:alice/private:delete,pull"));
        }
        CHECK(upgraded);
    }

    SECTION("a missing repository, signed in: not found or no access — not a password problem")
    {
        client.setCredentials(Credentials{QStringLiteral("alice"), QStringLiteral("s3cret"), false});
        const auto r = listTags(client, QStringLiteral("alice/missing"));
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::NotFoundOrPrivate);
        CHECK(r->error().message().contains(QStringLiteral("no access")));
    }

    SECTION("a wrong password is refused by the token endpoint: Auth")
    {
        client.setCredentials(Credentials{QStringLiteral("alice"), QStringLiteral("nope"), false});
        const auto r = listTags(client, QStringLiteral("alice/private"));
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::Auth);
        CHECK(registry.tokenRequests().size() == 1);
        CHECK(r->error().technicalDetail().contains(QStringLiteral("/token?…")));
        CHECK_FALSE(r->error().technicalDetail().contains(QStringLiteral("nope")));
    }
}
