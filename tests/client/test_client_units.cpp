// Pure parts of src/client: error sentences and Retry-After, scope arithmetic, connection profiles.
#include "client/authsession.h"
#include "client/capabilitiesprobe.h"
#include "client/clienterror.h"
#include "client/connectionprofile.h"
#include "client/credentialsource.h"

#include "testsupport.h"

#include <QTest>

using namespace Minato::Client;

TEST_CASE("ClientError picks a kind from the HTTP answer and words it", "[client][units]")
{
    const auto notFound = ClientError::fromHttp(
        404, R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]})", {}, {});
    CHECK(notFound.kind() == ClientError::Kind::NotFound);
    CHECK(notFound.hasRegistryCode(Minato::Oci::ErrorCode::NameUnknown));
    CHECK(notFound.technicalDetail().contains(QStringLiteral("NAME_UNKNOWN")));

    const auto denied = ClientError::fromHttp(403, R"({"errors":[{"code":"DENIED"}]})", {}, {});
    CHECK(denied.kind() == ClientError::Kind::Registry);
    CHECK(denied.message().contains(QStringLiteral("permission")));

    const auto proxy = ClientError::fromHttp(502, "<html>Bad gateway</html>", {}, {});
    CHECK(proxy.kind() == ClientError::Kind::Http);
    CHECK(proxy.message().contains(QStringLiteral("502")));

    const auto limited = ClientError::fromHttp(429, {}, "120", {});
    CHECK(limited.retryAfterSeconds() == 120);

    for (const auto &e :
         {ClientError::timeout({}), ClientError::cancelled(), ClientError::tls({}), ClientError::transport({}),
          ClientError::authFailed({}), ClientError::authRequired({}), ClientError::notFoundOrPrivate(false, {}),
          ClientError::invalidRequest({}), ClientError::invalid(ClientError::Invalid::TooLarge, {})}) {
        INFO(e.kindName().toStdString());
        CHECK_FALSE(e.message().isEmpty());
    }
}

TEST_CASE("Retry-After: seconds or an HTTP date", "[client][units]")
{
    CHECK(ClientError::parseRetryAfter("30") == 30);
    CHECK(ClientError::parseRetryAfter(" 0 ") == 0);
    CHECK_FALSE(ClientError::parseRetryAfter("").has_value());
    CHECK_FALSE(ClientError::parseRetryAfter("-5").has_value());
    CHECK_FALSE(ClientError::parseRetryAfter("soon").has_value());
    CHECK(ClientError::parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT") == 0); // in the past
    const QByteArray future =
        QLocale::c()
            .toString(QDateTime::currentDateTimeUtc().addSecs(600), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
            .toLatin1();
    const auto seconds = ClientError::parseRetryAfter(future);
    REQUIRE(seconds);
    CHECK(*seconds > 590);
    CHECK(*seconds <= 600);
}

TEST_CASE("Scopes merge per resource and cover subsets", "[client][units]")
{
    CHECK(AuthSession::mergeScopes({QStringLiteral("repository:a/b:pull")}, {QStringLiteral("repository:a/b:push")}) ==
          QStringList{QStringLiteral("repository:a/b:pull,push")});
    CHECK(AuthSession::mergeScopes({QStringLiteral("repository:localhost:5000/x:pull")}, {}) ==
          QStringList{QStringLiteral("repository:localhost:5000/x:pull")});
    CHECK(AuthSession::scopesCover({QStringLiteral("repository:a:pull,push")}, {QStringLiteral("repository:a:pull")}));
    CHECK_FALSE(AuthSession::scopesCover({QStringLiteral("repository:a:pull")}, {QStringLiteral("repository:a:push")}));
    CHECK_FALSE(AuthSession::scopesCover({QStringLiteral("repository:a:pull")}, {QStringLiteral("repository:b:pull")}));
    CHECK(AuthSession::scopesCover({QStringLiteral("registry:catalog:*")}, {QStringLiteral("registry:catalog:*")}));
    CHECK(AuthSession::scopesCover({}, {}));
}

TEST_CASE("AuthSession caches tokens per realm, service and scope", "[client][units]")
{
    AuthSession session(QUrl(QStringLiteral("https://r.example")));
    CHECK(session.authorizationFor({QStringLiteral("repository:a:pull")}).isEmpty());
    session.noteBearerChallenge(QStringLiteral("https://auth.example/token"), QStringLiteral("svc"));
    session.storeToken(QStringLiteral("https://auth.example/token"), QStringLiteral("svc"),
                       {QStringLiteral("repository:a:pull,push")}, "T1", 0, false);
    CHECK(session.authorizationFor({QStringLiteral("repository:a:pull")}) == "Bearer T1");
    CHECK(session.authorizationFor({QStringLiteral("repository:a:delete")}).isEmpty());
    CHECK(session.heldScopes(QStringLiteral("https://auth.example/token"), QStringLiteral("svc"),
                             {QStringLiteral("repository:a:delete")}) ==
          QStringList{QStringLiteral("repository:a:pull,push")});
    session.dropToken("T1");
    CHECK(session.authorizationFor({QStringLiteral("repository:a:pull")}).isEmpty());

    // Basic is sent up front only once challenged and once credentials were looked up.
    session.setCredentials(Credentials{QStringLiteral("u"), QStringLiteral("p"), false});
    session.noteBasicChallenge();
    CHECK(session.authorizationFor({}).isEmpty());
    bool answered = false;
    session.requestCredentials(&session, [&](const CredentialLookup &c) { answered = c.credentials.has_value(); });
    CHECK(answered);
    CHECK(session.authorizationFor({}) == "Basic " + QByteArray("u:p").toBase64());
}

TEST_CASE("ConnectionProfile: prefix, origin, kind", "[client][units]")
{
    ConnectionProfile p;
    p.baseUrl = QUrl(QStringLiteral("https://jfrog.example.com:8443/artifactory/api/docker/local/"));
    CHECK(p.validate().isEmpty());
    CHECK(p.pathPrefix() == QStringLiteral("/artifactory/api/docker/local"));
    CHECK(p.urlFor(p.routes().path(Minato::Oci::Endpoint::Base)).toString() ==
          QStringLiteral("https://jfrog.example.com:8443/artifactory/api/docker/local/v2/"));
    CHECK(p.origin().toString() == QStringLiteral("https://jfrog.example.com:8443"));
    CHECK(ConnectionProfile::guessKind(p.baseUrl) == ConnectionProfile::Kind::Artifactory);
    CHECK(ConnectionProfile::guessKind(QUrl(QStringLiteral("https://ghcr.io"))) == ConnectionProfile::Kind::Ghcr);
    CHECK(ConnectionProfile::guessKind(QUrl(QStringLiteral("https://x.azurecr.io"))) == ConnectionProfile::Kind::Acr);
    CHECK(ConnectionProfile::guessKind(QUrl(QStringLiteral("https://registry-1.docker.io"))) ==
          ConnectionProfile::Kind::DockerHub);
    CHECK(sameOrigin(QUrl(QStringLiteral("https://a.example/x")), QUrl(QStringLiteral("https://A.example:443/y"))));
    CHECK_FALSE(sameOrigin(QUrl(QStringLiteral("https://a.example")), QUrl(QStringLiteral("http://a.example"))));
    CHECK_FALSE(
        sameOrigin(QUrl(QStringLiteral("http://127.0.0.1:5000")), QUrl(QStringLiteral("http://127.0.0.2:5000"))));

    ConnectionProfile bad;
    bad.baseUrl = QUrl(QStringLiteral("ftp://x"));
    CHECK_FALSE(bad.validate().isEmpty());
}

TEST_CASE("Docker Hub rate-limit headers", "[client][units]")
{
    const auto limit = CapabilitiesProbe::parseRateLimit("100;w=21600");
    REQUIRE(limit);
    CHECK(limit->first == 100);
    CHECK(limit->second == 21600);
    CHECK_FALSE(CapabilitiesProbe::parseRateLimit("").has_value());
}

namespace {

// A credential helper whose secret changes with every call, as ECR's tokens do.
class RotatingSource final : public CredentialSource
{
public:
    void lookup(const QUrl &, QObject *, Callback done) override
    {
        ++calls;
        done(CredentialLookup::found(Credentials{QStringLiteral("AWS"), QStringLiteral("token-%1").arg(calls), false}));
    }
    int calls = 0;
};

} // namespace

TEST_CASE("AuthSession asks the source again once credentials have aged", "[client][units]")
{
    AuthSession session(QUrl(QStringLiteral("https://123.dkr.ecr.example")));
    auto source = std::make_shared<RotatingSource>();
    session.setCredentialSource(source);
    session.setCredentialsMaxAge(100);
    session.noteBasicChallenge();
    QString secret;
    auto ask = [&]() {
        session.requestCredentials(&session, [&](const CredentialLookup &c) { secret = c.credentials->secret; });
    };
    ask();
    ask(); // within the age: the same answer, no second call
    CHECK(source->calls == 1);
    CHECK(secret == QStringLiteral("token-1"));
    CHECK(session.authorizationFor({}) == "Basic " + QByteArray("AWS:token-1").toBase64());

    QTest::qWait(150);
    // Aged: not sent pre-emptively any more (the challenge leads to a fresh lookup), and asked again.
    CHECK(session.authorizationFor({}).isEmpty());
    ask();
    CHECK(source->calls == 2);
    CHECK(secret == QStringLiteral("token-2"));
    CHECK(session.authorizationFor({}) == "Basic " + QByteArray("AWS:token-2").toBase64());
}
