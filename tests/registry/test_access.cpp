// Access control of the embedded registry: the access configuration and htpasswd parsers, repository globs,
// the rules × actions table, the password verifier (crypt_r, cache, rate limit), and the handler's Basic
// authentication driven through FakeExchange over a real store.
#include "accesstestsupport.h"
#include "embedded_registry/accessconfig.h"
#include "embedded_registry/authenticator.h"
#include "embedded_registry/passwordverifier.h"
#include "embedded_registry/registry.h"
#include "embedded_registry/requestlog.h"
#include "embedded_registry/rulesauthorizer.h"
#include "fakeexchange.h"

#include "oci/sha256.h"

#include "testsupport.h"

#include <QJsonArray>
#include <QTemporaryDir>

#include <atomic>

using namespace Minato::Registry;
using namespace Minato::Registry::Test;

TEST_CASE("htpasswd: bcrypt entries, comments and blank lines", "[registry][access]")
{
    const QByteArray text = QByteArray("# users\n\nalice:") + aliceHash + "\r\n  \nbob:" + bobHash +
                            "\ncarol:$2b$04$36KOwDgn0x/v2b5jL.GujOrd9H4LRfF9PNEbWUvWtTibSlLEAKGyS\n" +
                            "dave:$2a$04$36KOwDgn0x/v2b5jL.GujOrd9H4LRfF9PNEbWUvWtTibSlLEAKGyS";
    const auto users = parseHtpasswd(text);
    REQUIRE(users);
    CHECK(users->size() == 4);
    CHECK(users->value(QStringLiteral("alice")) == aliceHash);
    CHECK(users->value(QStringLiteral("bob")) == bobHash);
}

TEST_CASE("htpasswd: other schemes and malformed lines are refused with the line", "[registry][access]")
{
    const auto md5 =
        parseHtpasswd("alice:" + QByteArray(aliceHash) + "\nmd5user:$apr1$hSF/AEdp$kFw5/Zd/dyuWmOTqEEppN1\n",
                      QStringLiteral("users.htpasswd"));
    REQUIRE_FALSE(md5);
    CHECK(md5.error().field == QStringLiteral("users.htpasswd line 2"));
    CHECK(md5.error().reason.contains(QStringLiteral("htpasswd -B")));
    CHECK_FALSE(md5.error().message().contains(QStringLiteral("apr1"))); // the hash is not echoed

    CHECK_FALSE(parseHtpasswd("sha:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n"));
    CHECK_FALSE(parseHtpasswd("plain:password\n"));
    CHECK_FALSE(parseHtpasswd("no-colon-here\n"));
    CHECK_FALSE(parseHtpasswd(":" + QByteArray(aliceHash)));
    CHECK_FALSE(parseHtpasswd("alice:" + QByteArray(aliceHash) + "\nalice:" + bobHash)); // twice
    CHECK_FALSE(parseHtpasswd("alice:$2y$04$short"));
    CHECK(parseHtpasswd("# only comments\n\n")->isEmpty());
}

TEST_CASE("Access config: a full document parses", "[registry][access]")
{
    const AccessConfig config = parsed(teamConfig());
    CHECK(config.auth == AccessConfig::Auth::Basic);
    CHECK_FALSE(config.anonymousPull);
    CHECK(config.users.size() == 3);
    CHECK(config.groups.value(QStringLiteral("readers")) ==
          QStringList{QStringLiteral("bob"), QStringLiteral("alice")});
    REQUIRE(config.rules.size() == 5);
    CHECK(config.rules.at(0).kind == AccessRule::Kind::Group);
    CHECK(config.rules.at(2).actions == QList<Access>{Access::Pull, Access::Push, Access::Delete});
    CHECK(config.rules.at(3).kind == AccessRule::Kind::Anonymous);
    CHECK(config.rules.at(4).kind == AccessRule::Kind::AnyUser);

    const AccessConfig none = parsed(R"({"auth": "none", "anonymousPull": true})");
    CHECK(none.auth == AccessConfig::Auth::None);
    CHECK(none.anonymousPull);
}

TEST_CASE("Access config: users from an htpasswd file next to the config", "[registry][access]")
{
    QTemporaryDir dir;
    QFile htpasswd(dir.filePath(QStringLiteral("users")));
    REQUIRE(htpasswd.open(QIODevice::WriteOnly));
    htpasswd.write("alice:" + QByteArray(aliceHash) + '\n');
    htpasswd.close();
    QFile json(dir.filePath(QStringLiteral("access.json")));
    REQUIRE(json.open(QIODevice::WriteOnly));
    json.write(
        R"({"users": "users", "rules": [{"subject": "user:alice", "repositories": "**", "actions": ["pull"]}]})");
    json.close();
    const auto config = AccessConfig::load(json.fileName());
    REQUIRE(config);
    CHECK(config->users.value(QStringLiteral("alice")) == aliceHash);

    const auto shortcut = AccessConfig::fromHtpasswdFile(htpasswd.fileName());
    REQUIRE(shortcut);
    RulesAuthorizer all(*shortcut);
    CHECK(all.allowedActions(QStringLiteral("alice"), QStringLiteral("any/repo/at/all")) ==
          QList<Access>{Access::Pull, Access::Push, Access::Delete});
    CHECK(all.allowedActions(QString(), QStringLiteral("any")).isEmpty());

    const auto missing = AccessConfig::load(dir.filePath(QStringLiteral("nope.json")));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message().contains(QStringLiteral("cannot read")));
}

TEST_CASE("Access config: strict parsing names the field", "[registry][access]")
{
    const QByteArray user = QByteArray(R"({"name": "alice", "bcrypt": ")") + aliceHash + R"("})";
    struct Case
    {
        QByteArray json;
        QString field;
    };
    const QList<Case> cases = {
        {"[]", {}},
        {"{", {}},
        {R"({"auth": "digest"})", QStringLiteral("auth")},
        {R"({"auth": "token"})", QStringLiteral("users")}, // token auth needs users too
        {R"({"auth": "basic"})", QStringLiteral("users")},
        {R"({"anonymousPul": true})", QStringLiteral("anonymousPul")},
        {R"({"auth": "none", "anonymousPull": "yes"})", QStringLiteral("anonymousPull")},
        {R"({"users": 3})", QStringLiteral("users")},
        {R"({"users": [{"name": "alice", "bcrypt": "$apr1$x"}]})", QStringLiteral("users[0].bcrypt")},
        {R"({"users": [{"name": "", "bcrypt": "x"}]})", QStringLiteral("users[0].name")},
        {R"({"users": [{"name": "alice", "password": "x"}]})", QStringLiteral("users[0].password")},
        {R"({"users": [)" + user + ", " + user + "]}", QStringLiteral("users[1].name")},
        {R"({"users": [)" + user + R"(], "groups": {"dev": ["zed"]}})", QStringLiteral("groups.dev[0]")},
        {R"({"users": [)" + user + R"(], "groups": {"dev": "alice"}})", QStringLiteral("groups.dev")},
        {R"({"users": [)" + user + R"(], "rules": {}})", QStringLiteral("rules")},
        {R"({"users": [)" + user +
             R"(], "rules": [{"subject": "user:zed", "repositories": "*", "actions": ["pull"]}]})",
         QStringLiteral("rules[0].subject")},
        {R"({"users": [)" + user + R"(], "rules": [{"subject": "group:x", "repositories": "*", "actions": ["pull"]}]})",
         QStringLiteral("rules[0].subject")},
        {R"({"users": [)" + user + R"(], "rules": [{"subject": "root", "repositories": "*", "actions": ["pull"]}]})",
         QStringLiteral("rules[0].subject")},
        {R"({"users": [)" + user + R"(], "rules": [{"subject": "*", "repositories": "", "actions": ["pull"]}]})",
         QStringLiteral("rules[0].repositories")},
        {R"({"users": [)" + user + R"(], "rules": [{"subject": "*", "repositories": "*", "actions": []}]})",
         QStringLiteral("rules[0].actions")},
        {R"({"users": [)" + user +
             R"(], "rules": [{"subject": "*", "repositories": "*", "actions": ["pull", "read"]}]})",
         QStringLiteral("rules[0].actions[1]")},
        {R"({"users": [)" + user +
             R"(], "rules": [{"subject": "*", "repositories": "*", "actions": ["pull"], "x": 1}]})",
         QStringLiteral("rules[0].x")},
    };
    for (const Case &c : cases) {
        INFO(c.json.toStdString());
        const auto config = AccessConfig::parse(c.json, QStringLiteral("/nonexistent"));
        REQUIRE_FALSE(config);
        CHECK(config.error().field == c.field);
        CHECK_FALSE(config.error().reason.isEmpty());
    }
}

TEST_CASE("Repository globs: * within a component, ** across", "[registry][access]")
{
    struct Case
    {
        const char16_t *pattern;
        const char16_t *name;
        bool match;
    };
    const Case cases[] = {
        {u"team/*", u"team/app", true},
        {u"team/*", u"team/a/b", false},
        {u"team/*", u"team", false},
        {u"team/*", u"teamx/app", false},
        {u"team/**", u"team/a/b", true},
        {u"team/**", u"team/app", true},
        {u"team/**", u"team", false},
        {u"**", u"a/b/c", true},
        {u"*", u"alpine", true},
        {u"*", u"library/alpine", false},
        {u"*/app", u"team/app", true},
        {u"*/app", u"a/b/app", false},
        {u"**/app", u"a/b/app", true},
        {u"**/app", u"app", false},
        {u"team/app", u"team/app", true},
        {u"team/app", u"team/app2", false},
        {u"team/*-dev", u"team/x-dev", true},
        {u"team/*-dev", u"team/x", false},
        {u"a/**/z", u"a/b/c/z", true},
        {u"a/*/z", u"a/b/c/z", false},
        {u"**-dev", u"x/y-dev", true},
    };
    for (const Case &c : cases) {
        INFO(QString::fromUtf16(c.pattern).toStdString() + " vs " + QString::fromUtf16(c.name).toStdString());
        CHECK(matchRepositoryGlob(QStringView(c.pattern), QStringView(c.name)) == c.match);
    }
}

TEST_CASE("Rules: who may do what on which repository", "[registry][access]")
{
    const RulesAuthorizer rules(parsed(teamConfig()));
    using A = QList<Access>;
    const A none;
    const A pull{Access::Pull};
    const A pullPush{Access::Pull, Access::Push};
    const A all{Access::Pull, Access::Push, Access::Delete};
    struct Case
    {
        QString user; // "" anonymous, "bob" reader, "alice" writer, "carol" admin
        QString repository;
        A expected;
    };
    const QList<Case> cases = {
        {{}, QStringLiteral("team/app"), none},
        {{}, QStringLiteral("public/base"), pull},
        {{}, QStringLiteral("public/a/b"), none},
        {{}, QStringLiteral("scratch/x"), none}, // "*" is authenticated users only
        {QStringLiteral("bob"), QStringLiteral("team/app"), pull},
        {QStringLiteral("bob"), QStringLiteral("team/a/b"), pull},
        {QStringLiteral("bob"), QStringLiteral("other/app"), none},
        {QStringLiteral("bob"), QStringLiteral("public/base"), none}, // "anonymous" is anonymous requests only
        {QStringLiteral("bob"), QStringLiteral("scratch/x"), pullPush},
        {QStringLiteral("alice"), QStringLiteral("team/app"), pullPush},
        {QStringLiteral("alice"), QStringLiteral("other/app"), none},
        {QStringLiteral("alice"), QStringLiteral("scratch/x"), pullPush},
        {QStringLiteral("carol"), QStringLiteral("team/app"), all},
        {QStringLiteral("carol"), QStringLiteral("anything/at/all"), all},
        {QStringLiteral("mallory"), QStringLiteral("scratch/x"), none}, // not a configured user
    };
    for (const Case &c : cases) {
        INFO(c.user.toStdString() + " on " + c.repository.toStdString());
        CHECK(rules.allowedActions(c.user, c.repository) == c.expected);
        for (const Access access : {Access::Pull, Access::Push, Access::Delete}) {
            CHECK(rules.allows(c.user, c.repository, access) == c.expected.contains(access));
        }
    }

    AccessConfig open = parsed(R"({"auth": "none", "anonymousPull": true})");
    const RulesAuthorizer anonymousPull(open);
    CHECK(anonymousPull.allowedActions(QString(), QStringLiteral("any/thing")) == pull);
}

TEST_CASE("PasswordVerifier: crypt_r, constant-time compare, cache of verified credentials", "[registry][access]")
{
    CHECK(PasswordVerifier::checkBcrypt("secret", aliceHash));
    CHECK_FALSE(PasswordVerifier::checkBcrypt("Secret", aliceHash));
    CHECK_FALSE(PasswordVerifier::checkBcrypt("secret", "$2y$04$broken"));

    auto now = std::make_shared<std::atomic<qint64>>(1000);
    PasswordVerifier::Options options;
    options.clock = [now] { return now->load(); };
    PasswordVerifier verifier({{QStringLiteral("alice"), aliceHash}, {QStringLiteral("bob"), bobHash}}, options);
    const QHostAddress client(QStringLiteral("192.0.2.1"));
    using O = PasswordVerifier::Outcome;

    CHECK(verifier.verify(client, QStringLiteral("alice"), "secret").outcome == O::Ok);
    CHECK(verifier.cryptCalls() == 1);
    // The second verification of the same credentials does not run bcrypt.
    CHECK(verifier.verify(client, QStringLiteral("alice"), "secret").outcome == O::Ok);
    CHECK(verifier.verify(client, QStringLiteral("alice"), "secret").outcome == O::Ok);
    CHECK(verifier.cryptCalls() == 1);
    // Another password, or the same password for another user, is not the cached entry.
    CHECK(verifier.verify(client, QStringLiteral("alice"), "secret2").outcome == O::Invalid);
    CHECK(verifier.verify(client, QStringLiteral("bob"), "secret").outcome == O::Invalid);
    CHECK(verifier.cryptCalls() == 3);
    // Failures are not cached: each one costs a bcrypt run.
    CHECK(verifier.verify(client, QStringLiteral("bob"), "secret").outcome == O::Invalid);
    CHECK(verifier.cryptCalls() == 4);
    // Unknown users run bcrypt too (against a dummy hash), so they take as long.
    CHECK(verifier.verify(client, QStringLiteral("zed"), "secret").outcome == O::Invalid);
    CHECK(verifier.cryptCalls() == 5);
    // After 5 minutes the entry expires and bcrypt runs again.
    now->fetch_add(5 * 60 * 1000 + 1);
    CHECK(verifier.verify(client, QStringLiteral("alice"), "secret").outcome == O::Ok);
    CHECK(verifier.cryptCalls() == 6);
}

TEST_CASE("PasswordVerifier: failed logins are rate-limited per client address", "[registry][access]")
{
    auto now = std::make_shared<std::atomic<qint64>>(0);
    PasswordVerifier::Options options;
    options.clock = [now] { return now->load(); };
    options.maxFailures = 3;
    PasswordVerifier verifier({{QStringLiteral("alice"), aliceHash}}, options);
    const QHostAddress attacker(QStringLiteral("192.0.2.66"));
    const QHostAddress other(QStringLiteral("192.0.2.7"));
    using O = PasswordVerifier::Outcome;

    for (int i = 0; i < 3; ++i) {
        CHECK(verifier.verify(attacker, QStringLiteral("alice"), "guess").outcome == O::Invalid);
        now->fetch_add(1000);
    }
    const int calls = verifier.cryptCalls();
    const auto limited = verifier.verify(attacker, QStringLiteral("alice"), "secret");
    CHECK(limited.outcome == O::RateLimited);
    CHECK(limited.retryAfterSeconds == 57); // the first failure (t=0) leaves the 60 s window at t=60 s
    CHECK(verifier.cryptCalls() == calls);  // no bcrypt while limited
    // Another address is not affected.
    CHECK(verifier.verify(other, QStringLiteral("alice"), "secret").outcome == O::Ok);
    // Credentials verified before still pass from the limited address; guesses do not.
    CHECK(verifier.verify(attacker, QStringLiteral("alice"), "secret").outcome == O::Ok);
    CHECK(verifier.verify(attacker, QStringLiteral("alice"), "guess2").outcome == O::RateLimited);
    // Once the oldest failure ages out, the address may guess again.
    now->store(60 * 1000);
    CHECK(verifier.verify(attacker, QStringLiteral("alice"), "guess3").outcome == O::Invalid);
}

namespace {

constexpr char challenge[] = R"(Basic realm="minato-registry")";

struct AuthHarness : AccessHarness
{
    AuthHarness()
        : AccessHarness(Mode::Basic)
    {}
};

} // namespace

TEST_CASE("Basic auth: /v2/ asks for credentials, a wrong password is 401, a refusal 403", "[registry][access]")
{
    AuthHarness h;
    const QByteArray alice = basic("alice", "secret");
    const QByteArray bob = basic("bob", "hunter2");

    auto probe = h.send("GET", "/v2/");
    CHECK(probe->status == 401);
    CHECK(probe->header("WWW-Authenticate") == challenge);
    CHECK(probe->errorCode() == QStringLiteral("UNAUTHORIZED"));
    CHECK(h.send("GET", "/v2/", alice)->status == 200);

    auto wrong = h.send("GET", "/v2/", basic("alice", "nope"));
    CHECK(wrong->status == 401);
    CHECK(wrong->header("WWW-Authenticate") == challenge);
    CHECK(h.send("GET", "/v2/team/app/tags/list", basic("alice", "nope"))->status == 401);
    CHECK(h.send("GET", "/v2/", "Bearer abc")->status == 401);
    CHECK(h.send("GET", "/v2/", "Basic !!notbase64")->status == 401);
    CHECK(h.send("GET", "/v2/", "Basic " + QByteArray("nocolon").toBase64())->status == 401);

    // alice (dev) pushes to team/**; bob (reader) may pull but not push; anonymous gets the challenge.
    const QByteArray digest = h.pushBlob("team/app", "layer bytes", alice);
    CHECK(h.send("GET", "/v2/team/app/blobs/" + digest, bob)->status == 200);
    auto denied = h.send("POST", "/v2/team/app/blobs/uploads/", bob);
    CHECK(denied->status == 403);
    CHECK(denied->errorCode() == QStringLiteral("DENIED"));
    CHECK_FALSE(denied->responseHeaders.contains("WWW-Authenticate"));
    auto anonymous = h.send("GET", "/v2/team/app/blobs/" + digest);
    CHECK(anonymous->status == 401);
    CHECK(anonymous->header("WWW-Authenticate") == challenge);
    CHECK(h.send("DELETE", "/v2/team/app/blobs/" + digest, alice)->status == 403);
    CHECK(h.send("DELETE", "/v2/team/app/blobs/" + digest, basic("carol", "pw3"))->status == 202);

    // The request log names the authenticated user, "-" for anonymous; never the password.
    REQUIRE(h.lines.size() >= 3);
    CHECK(h.lines.at(0).endsWith(QStringLiteral(" -")));
    CHECK(h.lines.at(1).endsWith(QStringLiteral(" alice")));
    for (const QString &line : std::as_const(h.lines)) {
        CHECK_FALSE(line.contains(QStringLiteral("secret")));
        CHECK_FALSE(line.contains(QStringLiteral("hunter2")));
    }
    // bcrypt ran once per distinct valid credential (plus the wrong ones), not once per request.
    CHECK(h.verifier->cryptCalls() <= 6);
}

TEST_CASE("Basic auth: catalog and mounts follow pull rights, failures are rate-limited", "[registry][access]")
{
    AuthHarness h;
    const QByteArray carol = basic("carol", "pw3");
    const QByteArray bob = basic("bob", "hunter2");
    const QByteArray digest = h.pushBlob("secret/app", "hidden layer", carol);
    h.pushBlob("team/app", "team layer", carol);

    // The catalog lists only what the user may pull.
    CHECK(h.send("GET", "/v2/_catalog", carol)->json().value(QStringLiteral("repositories")).toArray() ==
          QJsonArray{QStringLiteral("secret/app"), QStringLiteral("team/app")});
    CHECK(h.send("GET", "/v2/_catalog", bob)->json().value(QStringLiteral("repositories")).toArray() ==
          QJsonArray{QStringLiteral("team/app")});
    CHECK(h.send("GET", "/v2/_catalog")->json().value(QStringLiteral("repositories")).toArray().isEmpty());

    // alice may push to team/x but not pull secret/app: the mount falls back to an upload session.
    const QByteArray alice = basic("alice", "secret");
    CHECK(h.send("POST", "/v2/team/x/blobs/uploads/?mount=" + digest + "&from=secret/app", alice)->status == 202);
    CHECK(h.send("POST", "/v2/secret/x/blobs/uploads/?mount=" + digest + "&from=secret/app", carol)->status == 201);

    // Five failures from one address, then 429 with Retry-After for new guesses; verified credentials pass.
    for (int i = 0; i < 5; ++i) {
        CHECK(h.send("GET", "/v2/", basic("bob", "guess"))->status == 401);
    }
    auto limited = h.send("GET", "/v2/", basic("carol", "guess"));
    CHECK(limited->status == 429);
    CHECK(limited->errorCode() == QStringLiteral("TOOMANYREQUESTS"));
    CHECK(limited->header("Retry-After").toInt() > 0);
    CHECK(h.send("GET", "/v2/", bob)->status == 200);
}
