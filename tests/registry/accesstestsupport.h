#pragma once

// Shared by the access-control suites: users with cheap bcrypt hashes, a team configuration, helpers.
//   alice writes team/** (group dev), bob reads team/**, carol administers everything, anonymous pulls
//   public/*, every authenticated user pulls and pushes scratch/*.

#include "embedded_registry/accessconfig.h"
#include "embedded_registry/passwordverifier.h"
#include "embedded_registry/registry.h"
#include "embedded_registry/requestlog.h"
#include "embedded_registry/rulesauthorizer.h"
#include "embedded_registry/signingkey.h"
#include "embedded_registry/tokenservice.h"
#include "fakeexchange.h"

#include "oci/sha256.h"

#include <catch2/catch.hpp>

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <atomic>
#include <memory>

namespace Minato::Registry::Test {

// `htpasswd -bnBC 4 NAME PASSWORD`: cost 4 keeps the suite fast; crypt_r verifies any cost.
constexpr char aliceHash[] = "$2y$04$Mh65MJupqPlUmKWyuhHbfuBHft8d8YpzSP2oIlsFMmjgw1.tEsQdy"; // secret
constexpr char bobHash[] = "$2y$04$uux4ViJrFzEZDxp2lau7Ku88u8c3KotgrRbupbqw4zAl4QXeR9dvm";   // hunter2
constexpr char carolHash[] = "$2y$04$36KOwDgn0x/v2b5jL.GujOrd9H4LRfF9PNEbWUvWtTibSlLEAKGyS"; // pw3

inline QByteArray basic(const QByteArray &user, const QByteArray &password)
{
    return "Basic " + (user + ':' + password).toBase64();
}

// alice writes team/** (group dev), bob reads team/**, carol administers everything, anonymous pulls public/*.
inline QByteArray teamConfig()
{
    return QByteArray(R"({
        "auth": "basic",
        "anonymousPull": false,
        "users": [{"name": "alice", "bcrypt": ")") +
           aliceHash + R"("}, {"name": "bob", "bcrypt": ")" + bobHash + R"("},
                  {"name": "carol", "bcrypt": ")" +
           carolHash + R"("}],
        "groups": {"dev": ["alice"], "readers": ["bob", "alice"]},
        "rules": [
            {"subject": "group:readers", "repositories": "team/**", "actions": ["pull"]},
            {"subject": "group:dev", "repositories": "team/**", "actions": ["push"]},
            {"subject": "user:carol", "repositories": "**", "actions": ["pull", "push", "delete"]},
            {"subject": "anonymous", "repositories": "public/*", "actions": ["pull"]},
            {"subject": "*", "repositories": "scratch/*", "actions": ["pull", "push"]}
        ]
    })";
}

inline AccessConfig parsed(const QByteArray &json)
{
    auto config = AccessConfig::parse(json, QStringLiteral("/nonexistent"));
    INFO((config ? QString() : config.error().message()).toStdString());
    REQUIRE(config);
    return *config;
}

// A registry over a temporary store with teamConfig(), behind Basic or token authentication, driven through
// FakeExchange and a RequestLog (whose lines are kept). Token mode: the clock is `now` (seconds), and
// token() fetches one from the service's endpoint.
struct AccessHarness
{
    enum class Mode { Basic, Token };

    explicit AccessHarness(Mode m)
        : mode(m)
    {
        RegistryOptions options;
        options.fsync = false;
        registry = std::make_unique<Registry>(dir.path(), options);
        REQUIRE(registry->isOpen());
        QByteArray json = teamConfig();
        if (mode == Mode::Token) {
            json.replace(R"("auth": "basic")", R"("auth": "token")");
        }
        config = parsed(json);
        rules = std::make_shared<RulesAuthorizer>(config);
        registry->setAuthorizer(rules);
        PasswordVerifier::Options verifierOptions;
        verifierOptions.maxFailures = 5;
        verifier = std::make_shared<PasswordVerifier>(config.users, verifierOptions);
        if (mode == Mode::Basic) {
            registry->setAuthenticator(std::make_shared<BasicAuthenticator>(verifier));
        } else {
            TokenService::Options tokenOptions;
            tokenOptions.clock = [this] { return now.load(); };
            key = *SigningKey::generate(QStringLiteral("minato-registry"));
            tokens = std::make_shared<TokenService>(key, tokenOptions, verifier, rules);
            registry->setTokenService(tokens);
        }
        log = std::make_shared<RequestLog>(registry->handler(), [this](const QString &line) { lines.append(line); });
    }

    std::unique_ptr<FakeExchange> send(const QByteArray &method, const QByteArray &target,
                                       const QByteArray &authorization = {}, const QByteArray &body = {},
                                       HttpHeaders headers = {})
    {
        if (!authorization.isEmpty()) {
            headers.add("Authorization", authorization);
        }
        if (!headers.contains("Host")) {
            headers.add("Host", "registry.test:5000");
        }
        auto ex = std::make_unique<FakeExchange>(method, target, body, std::move(headers));
        log->handle(*ex);
        CHECK(ex->responses == 1);
        return ex;
    }

    // Token mode: GET /token with Basic credentials (or none), the scopes as repeated parameters.
    QByteArray token(const QByteArray &credentials, const QStringList &scopes)
    {
        QByteArray target = "/token?service=minato-registry";
        for (const QString &scope : scopes) {
            target += "&scope=" + QUrl::toPercentEncoding(scope);
        }
        auto ex = send("GET", target, credentials);
        REQUIRE(ex->status == 200);
        return ex->json().value(QStringLiteral("token")).toString().toLatin1();
    }

    static QByteArray bearer(const QByteArray &token) { return "Bearer " + token; }

    // Monolithic upload (POST ?digest=); the digest.
    QByteArray pushBlob(const QByteArray &name, const QByteArray &bytes, const QByteArray &authorization)
    {
        const QByteArray digest = Minato::Oci::Sha256Hasher::digestOf(bytes).toString().toLatin1();
        auto ex = send("POST", "/v2/" + name + "/blobs/uploads/?digest=" + digest, authorization, bytes);
        REQUIRE(ex->status == 201);
        return digest;
    }

    Mode mode;
    QTemporaryDir dir;
    std::unique_ptr<Registry> registry;
    AccessConfig config;
    std::shared_ptr<RulesAuthorizer> rules;
    std::shared_ptr<PasswordVerifier> verifier;
    SigningKey key = *SigningKey::generate(QStringLiteral("unused"));
    std::shared_ptr<TokenService> tokens;
    std::shared_ptr<RequestLog> log;
    QStringList lines;
    std::atomic<qint64> now{1'800'000'000};
};

} // namespace Minato::Registry::Test
