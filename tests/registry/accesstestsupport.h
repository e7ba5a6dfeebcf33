#pragma once

// Shared by the access-control suites: users with cheap bcrypt hashes, a team configuration, helpers.
//   alice writes team/** (group dev), bob reads team/**, carol administers everything, anonymous pulls
//   public/*, every authenticated user pulls and pushes scratch/*.

#include "embedded_registry/accessconfig.h"

#include <catch2/catch.hpp>

#include <QByteArray>
#include <QString>

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

} // namespace Minato::Registry::Test
