#include "oci/wwwauthenticate.h"

#include "testsupport.h"

using Minato::Oci::AuthChallenge;
using Minato::Oci::AuthParam;
using Minato::Oci::BasicChallenge;
using Minato::Oci::BearerChallenge;
using Minato::Oci::findChallenge;
using Minato::Oci::parseWwwAuthenticate;
using Minato::Oci::quoteHeaderString;
using Minato::Oci::wwwAuthenticateMaxChallenges;
using Minato::Oci::wwwAuthenticateMaxParams;

namespace {

QList<AuthParam> params(std::initializer_list<std::pair<const char *, const char *>> list)
{
    QList<AuthParam> out;
    for (const auto &[name, value] : list) {
        out.append(AuthParam{QString::fromUtf8(name), QString::fromUtf8(value)});
    }
    return out;
}

} // namespace

// Headers as these registries send them (written from their documented/observed shapes).
TEST_CASE("WWW-Authenticate: real registries' Bearer and Basic challenges", "[wwwauthenticate]")
{
    struct Case
    {
        const char *registry;
        QByteArray header;
        QString realm;
        QString service;
        QStringList scopes;
        QString error;
    };
    const Case cases[] = {
        {"Docker Hub",
         R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",)"
         R"(scope="repository:library/alpine:pull")",
         QStringLiteral("https://auth.docker.io/token"),
         QStringLiteral("registry.docker.io"),
         {QStringLiteral("repository:library/alpine:pull")},
         QString()},
        {"GHCR",
         R"(Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull")",
         QStringLiteral("https://ghcr.io/token"),
         QStringLiteral("ghcr.io"),
         {QStringLiteral("repository:user/image:pull")},
         QString()},
        {"Quay",
         R"(Bearer realm="https://quay.io/v2/auth",service="quay.io")",
         QStringLiteral("https://quay.io/v2/auth"),
         QStringLiteral("quay.io"),
         {},
         QString()},
        {"Harbor push",
         R"(Bearer realm="https://harbor.example.com/service/token",service="harbor-registry",)"
         R"(scope="repository:library/nginx:pull,push")",
         QStringLiteral("https://harbor.example.com/service/token"),
         QStringLiteral("harbor-registry"),
         {QStringLiteral("repository:library/nginx:pull,push")},
         QString()},
        {"ACR",
         R"(Bearer realm="https://myregistry.azurecr.io/oauth2/token",service="myregistry.azurecr.io")",
         QStringLiteral("https://myregistry.azurecr.io/oauth2/token"),
         QStringLiteral("myregistry.azurecr.io"),
         {},
         QString()},
        {"GAR",
         R"(Bearer realm="https://europe-docker.pkg.dev/v2/token",service="europe-docker.pkg.dev",)"
         R"(scope="repository:proj/repo/img:pull")",
         QStringLiteral("https://europe-docker.pkg.dev/v2/token"),
         QStringLiteral("europe-docker.pkg.dev"),
         {QStringLiteral("repository:proj/repo/img:pull")},
         QString()},
        {"distribution insufficient scope",
         R"(Bearer realm="https://auth.example/token",service="registry.example",)"
         R"(scope="repository:a/b:pull repository:a/b:push",error="insufficient_scope")",
         QStringLiteral("https://auth.example/token"),
         QStringLiteral("registry.example"),
         {QStringLiteral("repository:a/b:pull"), QStringLiteral("repository:a/b:push")},
         QStringLiteral("insufficient_scope")},
        {"catalog scope",
         R"(bearer realm="http://127.0.0.1:5001/auth", service="Docker registry", scope="registry:catalog:*")",
         QStringLiteral("http://127.0.0.1:5001/auth"),
         QStringLiteral("Docker registry"),
         {QStringLiteral("registry:catalog:*")},
         QString()},
        {"tokens, uppercase names, BWS",
         R"(BEARER REALM = "https://a.example/t" , Service= svc)",
         QStringLiteral("https://a.example/t"),
         QStringLiteral("svc"),
         {},
         QString()},
    };
    for (const Case &c : cases) {
        INFO(c.registry);
        auto challenges = parseWwwAuthenticate(c.header);
        REQUIRE(challenges.hasValue());
        REQUIRE(challenges->size() == 1);
        auto bearer = BearerChallenge::fromChallenge(challenges->first());
        REQUIRE(bearer.hasValue());
        CHECK(bearer->realm == c.realm);
        CHECK(bearer->service == c.service);
        CHECK(bearer->scopes == c.scopes);
        CHECK(bearer->error == c.error);
        CHECK(bearer->isInsufficientScope() == (c.error == u"insufficient_scope"));
    }

    struct BasicCase
    {
        const char *registry;
        QByteArray header;
        QString realm;
        QString service;
    };
    const BasicCase basics[] = {
        {"ECR", R"(Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com")",
         QStringLiteral("https://123456789012.dkr.ecr.us-east-1.amazonaws.com/"), QStringLiteral("ecr.amazonaws.com")},
        {"distribution htpasswd", R"(Basic realm="Registry Realm")", QStringLiteral("Registry Realm"), QString()},
        {"basic without realm", "Basic", QString(), QString()},
        {"charset param", R"(Basic realm="WallyWorld", charset="UTF-8")", QStringLiteral("WallyWorld"), QString()},
    };
    for (const BasicCase &c : basics) {
        INFO(c.registry);
        auto challenges = parseWwwAuthenticate(c.header);
        REQUIRE(challenges.hasValue());
        REQUIRE(challenges->size() == 1);
        auto basic = BasicChallenge::fromChallenge(challenges->first());
        REQUIRE(basic.hasValue());
        CHECK(basic->realm == c.realm);
        CHECK(challenges->first().param(u"service").value_or(QString()) == c.service);
        CHECK_FALSE(BearerChallenge::fromChallenge(challenges->first()).hasValue());
    }
}

TEST_CASE("WWW-Authenticate: challenge lists, token68 and quoting", "[wwwauthenticate]")
{
    struct Case
    {
        const char *name;
        QByteArray header;
        QList<AuthChallenge> expected;
    };
    const Case cases[] = {
        {"two challenges",
         R"(Basic realm="simple", Newauth realm="apps", type=1, title="Login to \"apps\"")",
         {{QStringLiteral("Basic"), {}, params({{"realm", "simple"}})},
          {QStringLiteral("Newauth"), {}, params({{"realm", "apps"}, {"type", "1"}, {"title", "Login to \"apps\""}})}}},
        {"token68 then params",
         R"(Negotiate a87421000492aa874209af8bc028==, Bearer realm="r")",
         {{QStringLiteral("Negotiate"), QStringLiteral("a87421000492aa874209af8bc028=="), {}},
          {QStringLiteral("Bearer"), {}, params({{"realm", "r"}})}}},
        {"token68 with slash and plus", "Custom ab/c+d=", {{QStringLiteral("Custom"), QStringLiteral("ab/c+d="), {}}}},
        {"scheme only, several",
         "Negotiate, NTLM",
         {{QStringLiteral("Negotiate"), {}, {}}, {QStringLiteral("NTLM"), {}, {}}}},
        {"comma inside a quoted value",
         R"(Bearer realm="https://a/t",scope="repository:x:pull,push")",
         {{QStringLiteral("Bearer"), {}, params({{"realm", "https://a/t"}, {"scope", "repository:x:pull,push"}})}}},
        {"escapes",
         R"(X a="\\back\\slash", b="q\"uote", c="\x")",
         {{QStringLiteral("X"), {}, params({{"a", "\\back\\slash"}, {"b", "q\"uote"}, {"c", "x"}})}}},
        {"empty quoted value",
         R"(Bearer realm="", service="s")",
         {{QStringLiteral("Bearer"), {}, params({{"realm", ""}, {"service", "s"}})}}},
        {"duplicate param keeps first",
         R"(Bearer realm="a", REALM="b")",
         {{QStringLiteral("Bearer"), {}, params({{"realm", "a"}})}}},
        {"empty elements and tabs",
         " ,\t, Basic\trealm=x ,, ,Bearer realm=y,",
         {{QStringLiteral("Basic"), {}, params({{"realm", "x"}})},
          {QStringLiteral("Bearer"), {}, params({{"realm", "y"}})}}},
        {"joined lines",
         "Basic realm=\"a\"\nBearer realm=\"b\"",
         {{QStringLiteral("Basic"), {}, params({{"realm", "a"}})},
          {QStringLiteral("Bearer"), {}, params({{"realm", "b"}})}}},
        {"a lone name= is a token68", "Bearer realm=", {{QStringLiteral("Bearer"), QStringLiteral("realm="), {}}}},
        {"utf-8 realm",
         "Basic realm=\"レジストリ\"",
         {{QStringLiteral("Basic"), {}, params({{"realm", "レジストリ"}})}}},
        {"empty header", "", {}},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        auto challenges = parseWwwAuthenticate(c.header);
        REQUIRE(challenges.hasValue());
        CHECK(*challenges == c.expected);
    }

    auto lines =
        parseWwwAuthenticate(QList<QByteArray>{R"(Basic realm="r")", R"(Bearer realm="https://t",service="s")"});
    REQUIRE(lines.hasValue());
    REQUIRE(lines->size() == 2);
    auto bearer = findChallenge(*lines, u"BEARER");
    REQUIRE(bearer.has_value());
    CHECK(bearer->param(u"Service") == QStringLiteral("s"));
    CHECK_FALSE(findChallenge(*lines, u"Digest").has_value());
}

TEST_CASE("WWW-Authenticate: the server's challenges are escaped and read back", "[wwwauthenticate]")
{
    BearerChallenge b;
    b.realm = QStringLiteral("https://127.0.0.1:5000/token");
    b.service = QStringLiteral("minato-registry");
    b.scopes = {QStringLiteral("repository:a/b:pull,push"), QStringLiteral("repository:c:pull")};
    CHECK(b.toHeaderValue() == QByteArray(R"(Bearer realm="https://127.0.0.1:5000/token",service="minato-registry",)"
                                          R"(scope="repository:a/b:pull,push repository:c:pull")"));
    b.error = QStringLiteral("insufficient_scope");
    b.errorDescription = QStringLiteral("needs \"push\" on a\\b");
    const QByteArray withError = b.toHeaderValue();
    CHECK(withError.endsWith(R"(,error="insufficient_scope",error_description="needs \"push\" on a\\b")"));
    auto parsed = parseWwwAuthenticate(withError);
    REQUIRE(parsed.hasValue());
    auto back = BearerChallenge::fromChallenge(parsed->first());
    REQUIRE(back.hasValue());
    CHECK(*back == b);

    BearerChallenge minimal;
    minimal.realm = QStringLiteral("r");
    CHECK(minimal.toHeaderValue() == QByteArray(R"(Bearer realm="r")"));

    CHECK(BasicChallenge{QStringLiteral("Minato \"local\"")}.toHeaderValue() ==
          QByteArray(R"(Basic realm="Minato \"local\"")"));
    CHECK(BasicChallenge{QStringLiteral("a\r\nSet-Cookie: x")}.toHeaderValue() ==
          QByteArray(R"(Basic realm="aSet-Cookie: x")"));
    CHECK(quoteHeaderString(QStringLiteral("tab\tok\x7f")) == QByteArray("\"tab\tok\""));
    CHECK(quoteHeaderString(QStringLiteral("日本")) == QStringLiteral("\"日本\"").toUtf8());

    AuthChallenge generic{QStringLiteral("Newauth"), {}, params({{"realm", "apps"}, {"type", "1"}})};
    CHECK(generic.toHeaderValue() == QByteArray(R"(Newauth realm="apps",type="1")"));
    AuthChallenge token{QStringLiteral("Negotiate"), QStringLiteral("abc=="), {}};
    CHECK(token.toHeaderValue() == QByteArray("Negotiate abc=="));
}

TEST_CASE("WWW-Authenticate: malformed headers and wrong schemes fail with a reason", "[wwwauthenticate]")
{
    struct Case
    {
        QByteArray header;
        QString reasonContains;
    };
    QByteArray manyChallenges;
    for (int i = 0; i <= wwwAuthenticateMaxChallenges; ++i) {
        manyChallenges += "Basic, ";
    }
    QByteArray manyParams = "Bearer ";
    for (int i = 0; i <= wwwAuthenticateMaxParams; ++i) {
        manyParams += "p" + QByteArray::number(i) + "=1,";
    }
    const Case cases[] = {
        {"=realm", QStringLiteral("expected an auth scheme at position 0")},
        {"\"Bearer\" realm=x", QStringLiteral("expected an auth scheme")},
        {"Bearer realm=\"https://a", QStringLiteral("not closed by '\"'")},
        {"Bearer realm=\"a\\", QStringLiteral("not closed by '\"'")},
        {"Bearer realm=\"a\rb\"", QStringLiteral("control character 0x0d")},
        {"Bearer realm=\"a\"x", QStringLiteral("unexpected 'x' after a parameter")},
        {"Bearer realm=a b=c", QStringLiteral("unexpected 'b'")},
        {"Bearer realm=,service=x", QStringLiteral("\"service\" must be followed by a space")},
        {"Bearer realm=\"a\", =x", QStringLiteral("expected an auth scheme")},
        {"Bearer realm x", QStringLiteral("needs '=' and a value")},
        {"Bearer;realm=x", QStringLiteral("must be followed by a space")},
        {"Bearer realm=@", QStringLiteral("has no value")},
        {manyChallenges, QStringLiteral("more than 32 challenges")},
        {manyParams, QStringLiteral("more than 64 parameters")},
        {"Basic realm=\"" + QByteArray(70000, 'a') + "\"", QStringLiteral("more than the 65536 accepted")},
    };
    for (const Case &c : cases) {
        INFO("header: " << c.header.left(80).toStdString());
        auto challenges = parseWwwAuthenticate(c.header);
        REQUIRE_FALSE(challenges.hasValue());
        CHECK(challenges.error().field == QStringLiteral("WWW-Authenticate header"));
        CHECK(challenges.error().reason.contains(c.reasonContains));
    }

    auto secondLine = parseWwwAuthenticate(QList<QByteArray>{"Basic realm=a", "Bearer realm=\"x"});
    REQUIRE_FALSE(secondLine.hasValue());
    CHECK(secondLine.error().field == QStringLiteral("WWW-Authenticate header 2"));

    auto noRealm =
        BearerChallenge::fromChallenge(AuthChallenge{QStringLiteral("Bearer"), {}, params({{"service", "s"}})});
    REQUIRE_FALSE(noRealm.hasValue());
    CHECK(noRealm.error().reason.contains(QStringLiteral("no realm")));
    auto emptyRealm =
        BearerChallenge::fromChallenge(AuthChallenge{QStringLiteral("bearer"), {}, params({{"realm", ""}})});
    CHECK_FALSE(emptyRealm.hasValue());
    auto wrongScheme = BasicChallenge::fromChallenge(AuthChallenge{QStringLiteral("Bearer"), {}, {}});
    REQUIRE_FALSE(wrongScheme.hasValue());
    CHECK(wrongScheme.error().reason.contains(QStringLiteral("not Basic")));
}

TEST_CASE("WWW-Authenticate errors keep untrusted text out of the format string", "[wwwauthenticate]")
{
    // '%' is a token character, so a scheme may hold "%2F"; with too many parameters a chained .arg() used
    // to put the parameter limit into the scheme's "%2".
    QByteArray header = "Bear%2Fer%1 ";
    for (int i = 0; i < 200; ++i) {
        header += (i ? ", p" : "p") + QByteArray::number(i) + "=x";
    }
    const auto challenges = Minato::Oci::parseWwwAuthenticate(header);
    REQUIRE_FALSE(challenges.hasValue());
    const QString reason = challenges.error().reason;
    INFO(reason.toStdString());
    CHECK(reason.contains(QStringLiteral("the \"Bear%2Fer%1\" challenge has more than")));

    // A missing parameter name after the scheme: scheme, position and character all in one .arg().
    const auto noName = Minato::Oci::parseWwwAuthenticate("Bearer%2%3 =y");
    REQUIRE_FALSE(noName.hasValue());
    INFO(noName.error().reason.toStdString());
    CHECK(noName.error().reason.contains(QStringLiteral("\"Bearer%2%3\"")));
}
