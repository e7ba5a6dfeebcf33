// Token authentication of the embedded registry: the JWT and scope grammars, the signing key (OpenSSL), and
// the token service driven through FakeExchange over a real store — issuing, grants, refresh tokens, expiry,
// forgery, and what the registry answers to each kind of bearer.
#include "accesstestsupport.h"
#include "embedded_registry/jwt.h"
#include "embedded_registry/registry.h"
#include "embedded_registry/requestlog.h"
#include "embedded_registry/rulesauthorizer.h"
#include "embedded_registry/signingkey.h"
#include "embedded_registry/tokenservice.h"
#include "fakeexchange.h"

#include "oci/sha256.h"
#include "oci/wwwauthenticate.h"

#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <atomic>

using namespace Minato::Registry;
using namespace Minato::Registry::Test;

TEST_CASE("base64url and base32 encodings", "[registry][token]")
{
    CHECK(base64UrlEncode("\xfb\xff\xbf") == "-_-_");
    CHECK(base64UrlEncode("ab") == "YWI");
    CHECK(*base64UrlDecode("YWI") == "ab");
    CHECK(*base64UrlDecode("-_-_") == "\xfb\xff\xbf");
    CHECK_FALSE(base64UrlDecode("YWI="));  // no padding in JWS
    CHECK_FALSE(base64UrlDecode("+/+/"));  // the standard alphabet is not base64url
    CHECK_FALSE(base64UrlDecode("YWJjZ")); // a dangling character
    // RFC 4648 §10 test vectors.
    CHECK(base32Encode("") == "");
    CHECK(base32Encode("f") == "MY======");
    CHECK(base32Encode("fo") == "MZXQ====");
    CHECK(base32Encode("foob") == "MZXW6YQ=");
    CHECK(base32Encode("foobar") == "MZXW6YTBOI======");
}

TEST_CASE("CompactJwt: three base64url parts, JSON objects, alg present", "[registry][token]")
{
    const QByteArray header = base64UrlEncode(R"({"alg":"ES256","typ":"JWT"})");
    const QByteArray claims = base64UrlEncode(R"({"sub":"alice"})");
    const auto ok = CompactJwt::parse(header + '.' + claims + ".c2ln");
    REQUIRE(ok);
    CHECK(ok->header.value(QStringLiteral("alg")).toString() == QStringLiteral("ES256"));
    CHECK(ok->claims.value(QStringLiteral("sub")).toString() == QStringLiteral("alice"));
    CHECK(ok->signingInput == header + '.' + claims);
    CHECK(ok->signature == "sig");

    const QList<QByteArray> bad = {
        "",
        "abc",
        header + '.' + claims,
        header + '.' + claims + ".c2ln.extra",
        '.' + claims + ".c2ln",
        header + "..c2ln",
        header + '.' + claims + '.',
        header + '.' + claims + ".c2l=",
        base64UrlEncode("not json") + '.' + claims + ".c2ln",
        base64UrlEncode("[1]") + '.' + claims + ".c2ln",
        base64UrlEncode(R"({"typ":"JWT"})") + '.' + claims + ".c2ln",
        header + '.' + base64UrlEncode("\"str\"") + ".c2ln",
        header + '.' + QByteArray(CompactJwt::MaxLength, 'A') + ".c2ln",
    };
    for (const QByteArray &token : bad) {
        INFO(token.left(80).toStdString());
        CHECK_FALSE(CompactJwt::parse(token));
    }
}

TEST_CASE("TokenScope: type(class):name:actions", "[registry][token]")
{
    const auto push = TokenScope::parse(u"repository:team/app:pull,push");
    REQUIRE(push);
    CHECK(push->type == QStringLiteral("repository"));
    CHECK(push->name == QStringLiteral("team/app"));
    CHECK(push->actions == QStringList{QStringLiteral("pull"), QStringLiteral("push")});
    CHECK(push->toString() == QStringLiteral("repository:team/app:pull,push"));

    const auto plugin = TokenScope::parse(u"repository(plugin):vieux/sshfs:pull,pull");
    REQUIRE(plugin);
    CHECK(plugin->typeClass == QStringLiteral("plugin"));
    CHECK(plugin->actions == QStringList{QStringLiteral("pull")}); // de-duplicated
    CHECK(plugin->toString() == QStringLiteral("repository(plugin):vieux/sshfs:pull"));

    const auto hostName = TokenScope::parse(u"repository:localhost:5000/app:*");
    REQUIRE(hostName);
    CHECK(hostName->name == QStringLiteral("localhost:5000/app"));
    CHECK(TokenScope::parse(u"registry:catalog:*")->type == QStringLiteral("registry"));

    for (const QString &text : {QStringLiteral(""), QStringLiteral("repository"), QStringLiteral("repository:app"),
                                QStringLiteral("repository::pull"), QStringLiteral(":app:pull"),
                                QStringLiteral("repository:app:"), QStringLiteral("repository:app:pull,,push"),
                                QStringLiteral("repository:app:pu ll"), QStringLiteral("repository(:app:pull"),
                                QStringLiteral("repo\"x:app:pull"), QStringLiteral("repository:a\"b:pull")}) {
        INFO(text.toStdString());
        CHECK_FALSE(TokenScope::parse(text));
    }
    // Repeated parameters, and space-separated lists (the OAuth2 form).
    const auto list = TokenScope::parseList(
        {QStringLiteral("repository:a:pull repository:b:push"), QStringLiteral("registry:catalog:*")});
    REQUIRE(list);
    CHECK(list->size() == 3);
    CHECK_FALSE(TokenScope::parseList({QStringLiteral("repository:a:pull nonsense")}));
}

TEST_CASE("TokenClaims: JSON both ways, aud as a string or an array", "[registry][token]")
{
    TokenClaims claims;
    claims.issuer = QStringLiteral("iss");
    claims.subject = QStringLiteral("alice");
    claims.audience = {QStringLiteral("svc")};
    claims.expiresAt = 2000;
    claims.notBefore = 1000;
    claims.issuedAt = 1000;
    claims.id = QStringLiteral("jti");
    claims.access = {ResourceActions{QStringLiteral("repository"), QStringLiteral("a/b"), {QStringLiteral("pull")}}};
    const QJsonObject json = claims.toJson();
    CHECK(json.value(QStringLiteral("aud")).isString()); // distribution 2.8 reads a string
    const auto back = TokenClaims::fromJson(json);
    REQUIRE(back);
    CHECK(back->access == claims.access);
    CHECK(back->expiresAt == 2000);
    CHECK(back->audience == QStringList{QStringLiteral("svc")});

    auto list = json;
    list.insert(QStringLiteral("aud"), QJsonArray{QStringLiteral("x"), QStringLiteral("svc")});
    CHECK(TokenClaims::fromJson(list)->audience.contains(QStringLiteral("svc")));
    for (const auto &[key, value] :
         {std::pair{QStringLiteral("aud"), QJsonValue(3)}, std::pair{QStringLiteral("exp"), QJsonValue("soon")},
          std::pair{QStringLiteral("sub"), QJsonValue(QJsonArray{})},
          std::pair{QStringLiteral("access"), QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("type"), 1}}})}}) {
        auto broken = json;
        broken.insert(key, value);
        INFO(key.toStdString());
        CHECK_FALSE(TokenClaims::fromJson(broken));
    }
}

TEST_CASE("SigningKey: ES256 generated in memory, RSA from PEM files", "[registry][token]")
{
    const auto key = SigningKey::generate(QStringLiteral("test signer"));
    REQUIRE(key);
    CHECK(key->algorithm() == QStringLiteral("ES256"));
    const QByteArray signature = key->sign("payload");
    CHECK(signature.size() == 64); // r||s, not DER (RFC 7518 §3.4)
    CHECK(key->verify("payload", signature));
    CHECK_FALSE(key->verify("payloaD", signature));
    QByteArray flipped = signature;
    flipped[10] = static_cast<char>(flipped[10] ^ 1);
    CHECK_FALSE(key->verify("payload", flipped));
    CHECK_FALSE(key->verify("payload", signature.left(63)));
    CHECK(QRegularExpression(QStringLiteral("^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$")).match(key->keyId()).hasMatch());
    CHECK(key->certificatePem().startsWith("-----BEGIN CERTIFICATE-----\n"));
    const auto other = SigningKey::generate(QStringLiteral("test signer"));
    CHECK_FALSE(other->verify("payload", signature));
    CHECK(other->keyId() != key->keyId());

    // An operator's RSA key and certificate, made by the openssl command.
    QTemporaryDir dir;
    const QString keyPath = dir.filePath(QStringLiteral("key.pem"));
    const QString certPath = dir.filePath(QStringLiteral("cert.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), keyPath,
                   QStringLiteral("-out"), certPath, QStringLiteral("-days"), QStringLiteral("2"),
                   QStringLiteral("-subj"), QStringLiteral("/CN=tokens")});
    REQUIRE(openssl.waitForFinished(60000));
    REQUIRE(openssl.exitCode() == 0);
    const auto rsa = SigningKey::load(keyPath, certPath);
    INFO((rsa ? QString() : rsa.error().message()).toStdString());
    REQUIRE(rsa);
    CHECK(rsa->algorithm() == QStringLiteral("RS256"));
    CHECK(rsa->verify("data", rsa->sign("data")));

    // Refusals: a certificate of another key, no key at all, a missing file.
    QFile keyFile(keyPath);
    REQUIRE(keyFile.open(QIODevice::ReadOnly));
    CHECK_FALSE(SigningKey::fromPem(keyFile.readAll(), key->certificatePem()));
    CHECK_FALSE(SigningKey::fromPem("garbage", key->certificatePem()));
    CHECK_FALSE(SigningKey::load(dir.filePath(QStringLiteral("missing.pem")), certPath));
}

namespace {

struct TokenHarness : AccessHarness
{
    TokenHarness()
        : AccessHarness(Mode::Token)
    {}
};

Minato::Oci::BearerChallenge challengeOf(const FakeExchange &ex)
{
    const auto challenges = Minato::Oci::parseWwwAuthenticate(ex.header("WWW-Authenticate"));
    REQUIRE(challenges);
    REQUIRE(challenges->size() == 1);
    const auto bearer = Minato::Oci::BearerChallenge::fromChallenge(challenges->first());
    REQUIRE(bearer);
    return *bearer;
}

TokenClaims claimsOf(const QByteArray &token)
{
    const auto jwt = CompactJwt::parse(token);
    REQUIRE(jwt);
    const auto claims = TokenClaims::fromJson(jwt->claims);
    REQUIRE(claims);
    return *claims;
}

QStringList actionsOn(const TokenClaims &claims, const QString &name)
{
    for (const ResourceActions &resource : claims.access) {
        if (resource.name == name) {
            return resource.actions;
        }
    }
    return {};
}

} // namespace

TEST_CASE("Token auth: challenges name the realm, service and scope", "[registry][token]")
{
    TokenHarness h;
    auto probe = h.send("GET", "/v2/");
    CHECK(probe->status == 401);
    auto challenge = challengeOf(*probe);
    CHECK(challenge.realm == QStringLiteral("http://registry.test:5000/token"));
    CHECK(challenge.service == QStringLiteral("minato-registry"));
    CHECK(challenge.scopes.isEmpty());

    auto pull = h.send("GET", "/v2/team/app/manifests/v1");
    CHECK(pull->status == 401);
    CHECK(challengeOf(*pull).scope() == QStringLiteral("repository:team/app:pull"));
    auto push = h.send("POST", "/v2/team/app/blobs/uploads/");
    CHECK(challengeOf(*push).scope() == QStringLiteral("repository:team/app:pull,push"));
    auto catalog = h.send("GET", "/v2/_catalog");
    CHECK(catalog->status == 401);
    CHECK(challengeOf(*catalog).scope() == QStringLiteral("registry:catalog:*"));

    // A Host header that could inject text into the challenge is not used; Basic on the registry is refused.
    auto hostile = h.send("GET", "/v2/", {}, {}, HttpHeaders{{"Host", R"(evil", x="y)"}});
    CHECK(challengeOf(*hostile).realm == QStringLiteral("http://localhost/token"));
    auto basicAttempt = h.send("GET", "/v2/", basic("alice", "secret"));
    CHECK(basicAttempt->status == 401);
    CHECK(challengeOf(*basicAttempt).realm == QStringLiteral("http://registry.test:5000/token"));
}

TEST_CASE("Token auth: the endpoint grants what the rules allow of what was asked", "[registry][token]")
{
    TokenHarness h;
    const QByteArray alice = basic("alice", "secret");
    auto response = h.send("GET",
                           "/token?service=minato-registry&scope=repository:team/app:pull,push,delete"
                           "&scope=repository:secret/x:pull&scope=registry:catalog:*",
                           alice);
    REQUIRE(response->status == 200);
    const QJsonObject body = response->json();
    const QByteArray token = body.value(QStringLiteral("token")).toString().toLatin1();
    CHECK(body.value(QStringLiteral("access_token")).toString().toLatin1() == token);
    CHECK(body.value(QStringLiteral("expires_in")).toInt() == 300);
    CHECK(body.value(QStringLiteral("issued_at")).toString() == QStringLiteral("2027-01-15T08:00:00Z"));
    CHECK_FALSE(body.contains(QStringLiteral("refresh_token")));
    CHECK(response->header("Cache-Control") == "no-store");

    const auto jwt = CompactJwt::parse(token);
    REQUIRE(jwt);
    CHECK(jwt->header.value(QStringLiteral("alg")).toString() == QStringLiteral("ES256"));
    CHECK(jwt->header.value(QStringLiteral("kid")).toString() == h.key.keyId());
    CHECK(QByteArray::fromBase64(jwt->header.value(QStringLiteral("x5c")).toArray().first().toString().toLatin1()) ==
          h.key.certificateDer());
    CHECK(h.key.verify(jwt->signingInput, jwt->signature));
    const TokenClaims claims = claimsOf(token);
    CHECK(claims.subject == QStringLiteral("alice"));
    CHECK(claims.issuer == QStringLiteral("minato-registry"));
    CHECK(claims.audience == QStringList{QStringLiteral("minato-registry")});
    CHECK(claims.expiresAt == h.now + 300);
    // alice: pull and push on team/** (no delete), nothing on secret/x; the catalog for everyone.
    CHECK(actionsOn(claims, QStringLiteral("team/app")) == QStringList{QStringLiteral("pull"), QStringLiteral("push")});
    CHECK(actionsOn(claims, QStringLiteral("secret/x")).isEmpty());
    CHECK(actionsOn(claims, QStringLiteral("catalog")) == QStringList{QStringLiteral("*")});

    // Anonymous: public/* pull only. "*" asks for everything.
    const TokenClaims anonymous = claimsOf(h.token({}, {QStringLiteral("repository:public/x:*")}));
    CHECK(anonymous.subject.isEmpty());
    CHECK(actionsOn(anonymous, QStringLiteral("public/x")) == QStringList{QStringLiteral("pull")});
    // carol: everything.
    const TokenClaims carol = claimsOf(h.token(basic("carol", "pw3"), {QStringLiteral("repository:secret/x:*")}));
    CHECK(actionsOn(carol, QStringLiteral("secret/x")).size() == 3);
    // offline_token=true: a refresh token for an authenticated user.
    CHECK(h.send("GET", "/token?offline_token=true&scope=repository:team/app:pull", alice)
              ->json()
              .contains(QStringLiteral("refresh_token")));

    // Refusals.
    auto wrong = h.send("GET", "/token?scope=repository:team/app:pull", basic("alice", "nope"));
    CHECK(wrong->status == 401);
    CHECK(wrong->errorCode() == QStringLiteral("UNAUTHORIZED"));
    CHECK(wrong->json().value(QStringLiteral("error")).toString() == QStringLiteral("invalid_grant"));
    CHECK(wrong->header("WWW-Authenticate").startsWith("Basic "));
    CHECK(h.send("GET", "/token?scope=repository:team/app:pull", "Basic !!!")->status == 401);
    CHECK(h.send("GET", "/token?service=other&scope=repository:team/app:pull", alice)->status == 400);
    CHECK(h.send("GET", "/token?scope=repository:team/app", alice)->status == 400);
    CHECK(h.send("PUT", "/token", alice)->status == 405);
    // Nothing secret in the request log.
    for (const QString &line : std::as_const(h.lines)) {
        CHECK_FALSE(line.contains(QStringLiteral("secret")));
        CHECK_FALSE(line.contains(QString::fromLatin1(token.left(40))));
    }
}

TEST_CASE("Token auth: bearers are served by their grants, refused with the right status", "[registry][token]")
{
    TokenHarness h;
    const QByteArray carol = basic("carol", "pw3");
    const QByteArray carolAll =
        h.token(carol, {QStringLiteral("repository:team/app:*"), QStringLiteral("repository:secret/app:*"),
                        QStringLiteral("registry:catalog:*")});
    const QByteArray digest = h.pushBlob("team/app", "team layer", TokenHarness::bearer(carolAll));
    const QByteArray secret = h.pushBlob("secret/app", "secret layer", TokenHarness::bearer(carolAll));
    CHECK(h.send("GET", "/v2/", TokenHarness::bearer(carolAll))->status == 200);

    // bob may pull team/**: his pull token reads; a push is 403 (asking again would not help).
    const QByteArray bob = h.token(basic("bob", "hunter2"), {QStringLiteral("repository:team/app:pull,push")});
    CHECK(h.send("GET", "/v2/team/app/blobs/" + digest, TokenHarness::bearer(bob))->status == 200);
    auto bobPush = h.send("POST", "/v2/team/app/blobs/uploads/", TokenHarness::bearer(bob));
    CHECK(bobPush->status == 403);
    CHECK(bobPush->errorCode() == QStringLiteral("DENIED"));

    // carol's pull-only token on a delete she may do: 401 insufficient_scope naming the scope to ask for.
    const QByteArray carolPull = h.token(carol, {QStringLiteral("repository:team/app:pull")});
    auto narrow = h.send("DELETE", "/v2/team/app/blobs/" + digest, TokenHarness::bearer(carolPull));
    CHECK(narrow->status == 401);
    CHECK(challengeOf(*narrow).error == QStringLiteral("insufficient_scope"));
    CHECK(challengeOf(*narrow).scope() == QStringLiteral("repository:team/app:delete"));
    // An anonymous token on a private repository: 401 too — the client should sign in.
    const QByteArray anonymous = h.token({}, {QStringLiteral("repository:team/app:pull")});
    CHECK(claimsOf(anonymous).access.isEmpty());
    CHECK(h.send("GET", "/v2/", TokenHarness::bearer(anonymous))->status == 200);
    CHECK(h.send("GET", "/v2/team/app/blobs/" + digest, TokenHarness::bearer(anonymous))->status == 401);

    // The catalog needs registry:catalog:* and then lists what the token's user may pull.
    auto noCatalog = h.send("GET", "/v2/_catalog", TokenHarness::bearer(bob));
    CHECK(noCatalog->status == 401);
    CHECK(challengeOf(*noCatalog).error == QStringLiteral("insufficient_scope"));
    const QByteArray bobCatalog = h.token(basic("bob", "hunter2"), {QStringLiteral("registry:catalog:*")});
    CHECK(h.send("GET", "/v2/_catalog", TokenHarness::bearer(bobCatalog))
              ->json()
              .value(QStringLiteral("repositories"))
              .toArray() == QJsonArray{QStringLiteral("team/app")});

    // Mounts need pull on the source in the token: without it the mount becomes an upload session.
    const QByteArray alice = h.token(basic("alice", "secret"), {QStringLiteral("repository:team/x:pull,push"),
                                                                QStringLiteral("repository:secret/app:pull")});
    CHECK(h.send("POST", "/v2/team/x/blobs/uploads/?mount=" + secret + "&from=secret/app", TokenHarness::bearer(alice))
              ->status == 202);
    const QByteArray carolMount =
        h.token(carol, {QStringLiteral("repository:secret/y:pull,push"), QStringLiteral("repository:secret/app:pull")});
    CHECK(h.send("POST", "/v2/secret/y/blobs/uploads/?mount=" + secret + "&from=secret/app",
                 TokenHarness::bearer(carolMount))
              ->status == 201);
}

TEST_CASE("Token auth: expired, forged and foreign tokens are invalid_token", "[registry][token]")
{
    TokenHarness h;
    const QByteArray token = h.token(basic("carol", "pw3"), {QStringLiteral("repository:team/app:pull")});
    CHECK(h.send("GET", "/v2/team/app/tags/list", TokenHarness::bearer(token))->status == 404); // allowed, empty

    auto expectInvalid = [&h](const QByteArray &candidate) {
        auto ex = h.send("GET", "/v2/team/app/tags/list", TokenHarness::bearer(candidate));
        CHECK(ex->status == 401);
        CHECK(challengeOf(*ex).error == QStringLiteral("invalid_token"));
    };
    // A claim changed after signing (carol's token made to name another repository).
    const auto jwt = CompactJwt::parse(token);
    QJsonObject claims = jwt->claims;
    claims.insert(QStringLiteral("sub"), QStringLiteral("mallory"));
    const QByteArray tampered =
        CompactJwt::signingInputFor(jwt->header, claims) + '.' + base64UrlEncode(jwt->signature);
    expectInvalid(tampered);
    // alg "none" with no signature, and another key's signature.
    QJsonObject none = jwt->header;
    none.insert(QStringLiteral("alg"), QStringLiteral("none"));
    expectInvalid(CompactJwt::signingInputFor(none, jwt->claims) + ".AA");
    const auto other = SigningKey::generate(QStringLiteral("minato-registry"));
    const QByteArray input = CompactJwt::signingInputFor(jwt->header, jwt->claims);
    expectInvalid(input + '.' + base64UrlEncode(other->sign(input)));
    expectInvalid("not-a-token");
    // A refresh token is not an access token.
    auto offline = h.send("GET", "/token?offline_token=true", basic("carol", "pw3"));
    expectInvalid(offline->json().value(QStringLiteral("refresh_token")).toString().toLatin1());

    // Expiry: valid until exp, then invalid — also when it was verified (and cached) before.
    h.now += 299;
    CHECK(h.send("GET", "/v2/team/app/tags/list", TokenHarness::bearer(token))->status == 404);
    h.now += 1;
    expectInvalid(token);
}

TEST_CASE("Token auth: OAuth2 POST with password and refresh_token grants", "[registry][token]")
{
    TokenHarness h;
    const HttpHeaders form{{"Content-Type", "application/x-www-form-urlencoded"}};
    auto post = [&h, &form](const QByteArray &body) { return h.send("POST", "/token", {}, body, form); };

    auto login = post("grant_type=password&username=alice&password=secret&client_id=minato&access_type=offline"
                      "&service=minato-registry&scope=repository%3Ateam%2Fapp%3Apull%2Cpush+registry%3Acatalog%3A*");
    REQUIRE(login->status == 200);
    const QJsonObject body = login->json();
    const QByteArray refresh = body.value(QStringLiteral("refresh_token")).toString().toLatin1();
    REQUIRE_FALSE(refresh.isEmpty());
    CHECK(body.value(QStringLiteral("scope")).toString() ==
          QStringLiteral("repository:team/app:pull,push registry:catalog:*"));
    const QByteArray access = body.value(QStringLiteral("access_token")).toString().toLatin1();
    CHECK(h.send("POST", "/v2/team/app/blobs/uploads/", TokenHarness::bearer(access))->status == 202);

    // The refresh token buys new access tokens, and a rotated refresh token, without the password.
    h.now += 3600;
    auto renewed = post("grant_type=refresh_token&refresh_token=" + refresh +
                        "&client_id=minato&scope=repository%3Ateam%2Fapp%3Apull");
    REQUIRE(renewed->status == 200);
    CHECK(claimsOf(renewed->json().value(QStringLiteral("access_token")).toString().toLatin1()).subject ==
          QStringLiteral("alice"));
    CHECK(renewed->json().contains(QStringLiteral("refresh_token")));

    // Refusals: wrong password, an access token as refresh token, an expired refresh token, a bad form.
    CHECK(post("grant_type=password&username=alice&password=nope&client_id=minato")->status == 401);
    CHECK(post("grant_type=refresh_token&refresh_token=" + access + "&client_id=minato")->status == 401);
    CHECK(post("grant_type=password&username=alice&password=secret")->status == 400); // client_id missing
    CHECK(post("grant_type=authorization_code&code=x&client_id=minato")->status == 400);
    CHECK(post("grant_type=password&username=alice&password=secret&client_id=m&scope=bad")->status == 400);
    CHECK(h.send("POST", "/token", {}, "grant_type=password", HttpHeaders{{"Content-Type", "text/plain"}})->status ==
          400);
    h.now += 8 * 24 * 3600;
    CHECK(post("grant_type=refresh_token&refresh_token=" + refresh + "&client_id=minato")->status == 401);

    // A refresh token of a user who has since been removed is refused.
    TokenService::Options options;
    options.clock = [&h] { return h.now.load(); };
    TokenService withoutAlice(h.key, options, std::make_shared<PasswordVerifier>(QHash<QString, QByteArray>{}),
                              h.rules);
    const QByteArray fresh = post("grant_type=password&username=alice&password=secret&client_id=m&access_type=offline")
                                 ->json()
                                 .value(QStringLiteral("refresh_token"))
                                 .toString()
                                 .toLatin1();
    FakeExchange ex("POST", "/token", "grant_type=refresh_token&client_id=m&refresh_token=" + fresh, form);
    withoutAlice.handle(ex);
    CHECK(ex.status == 401);
}
