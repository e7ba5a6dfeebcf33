// DockerConfig over config.json and auth.json files written by the tests, in the shapes docker and podman
// write them.
#include "credentialtestsupport.h"

#include "client/dockerconfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace Minato::Client;
using Minato::Test::ScopedEnv;

namespace {

QByteArray basicAuth(const QString &user, const QString &password)
{
    return (user + u':' + password).toUtf8().toBase64();
}

QString writeFile(const QTemporaryDir &dir, const QString &relative, const QByteArray &contents)
{
    const QString path = dir.filePath(relative);
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    REQUIRE(file.write(contents) == contents.size());
    return path;
}

DockerConfig parseOk(const QByteArray &json)
{
    const auto config = DockerConfig::parse(json, QStringLiteral("/fixture/config.json"));
    INFO((config ? std::string() : config.error().message().toStdString()));
    REQUIRE(config.hasValue());
    return config.value();
}

QString parseError(const QByteArray &json)
{
    const auto config = DockerConfig::parse(json, QStringLiteral("/fixture/config.json"));
    REQUIRE_FALSE(config.hasValue());
    return config.error().message();
}

} // namespace

TEST_CASE("credentials: auths with an auth field, as docker login writes them", "[client][credentials][dockerconfig]")
{
    const QString password = QStringLiteral("pa:ss-\u00e9\u6e2f"); // a colon in the password stays in it
    const DockerConfig config = parseOk(R"({
        "auths": {
            "https://index.docker.io/v1/": {"auth": ")" +
                                        basicAuth(QStringLiteral("alice"), password) + R"("},
            "ghcr.io": {"auth": ")" + basicAuth(QStringLiteral("bob"), QStringLiteral("ghp_x")) +
                                        R"(", "email": "b@x"}
        },
        "HttpHeaders": {"User-Agent": "Docker-Client"},
        "psFormat": "table {{.ID}}"
    })");
    for (const QString &hub : {QStringLiteral("docker.io"), QStringLiteral("index.docker.io"),
                               QStringLiteral("https://index.docker.io/v1/")}) {
        const auto credentials = config.auth(hub);
        REQUIRE(credentials.has_value());
        CHECK(credentials->username == "alice");
        CHECK(credentials->secret == password);
        CHECK_FALSE(credentials->isIdentityToken);
    }
    REQUIRE(config.auth(u"https://ghcr.io").has_value());
    CHECK(config.auth(u"ghcr.io")->username == "bob");
    CHECK_FALSE(config.auth(u"quay.io").has_value());
    CHECK(config.authFile(u"ghcr.io") == "/fixture/config.json");
    CHECK(config.authRegistries() == QStringList{QStringLiteral("docker.io"), QStringLiteral("ghcr.io")});
    CHECK(config.credsStore().isEmpty());
}

TEST_CASE("credentials: auths with username/password fields and URL keys", "[client][credentials][dockerconfig]")
{
    const DockerConfig config = parseOk(R"({"auths": {
        "http://localhost:5000/v2/": {"username": "carol", "password": "pw1"},
        "registry.example.com:8443": {"username": "dave", "password": "pw2", "auth": ""}
    }})");
    REQUIRE(config.auth(u"localhost:5000").has_value());
    CHECK(config.auth(u"localhost:5000")->username == "carol");
    CHECK(config.auth(u"localhost:5000")->secret == "pw1");
    CHECK(config.auth(u"https://registry.example.com:8443/v2/")->secret == "pw2");
    CHECK_FALSE(config.auth(u"registry.example.com").has_value()); // the port is part of the key
}

TEST_CASE("credentials: auths with an identity token", "[client][credentials][dockerconfig]")
{
    const DockerConfig config = parseOk(R"({"auths": {
        "myregistry.azurecr.io": {"auth": ")" +
                                        basicAuth(QStringLiteral("00000000-0000-0000-0000-000000000000"), {}) +
                                        R"(", "identitytoken": "eyJhbGciOi.refresh"}
    }})");
    const auto credentials = config.auth(u"myregistry.azurecr.io");
    REQUIRE(credentials.has_value());
    CHECK(credentials->isIdentityToken);
    CHECK(credentials->secret == "eyJhbGciOi.refresh");
    CHECK(credentials->username == "00000000-0000-0000-0000-000000000000");
}

TEST_CASE("credentials: credsStore and credHelpers, and empty auths entries that are not logins",
          "[client][credentials][dockerconfig]")
{
    const DockerConfig config = parseOk(R"({
        "auths": {"https://index.docker.io/v1/": {}, "ghcr.io": {}},
        "credsStore": "desktop",
        "credHelpers": {
            "gcr.io": "gcloud",
            "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login",
            "index.docker.io": "pass"
        }
    })");
    CHECK(config.credsStore() == "desktop");
    CHECK(config.credHelper(u"gcr.io") == "gcloud");
    CHECK(config.credHelper(u"123456789012.dkr.ecr.eu-west-1.amazonaws.com") == "ecr-login");
    CHECK(config.credHelper(u"docker.io") == "pass");
    CHECK(config.credHelper(u"ghcr.io").isEmpty());
    CHECK(config.credHelpers().size() == 3);
    CHECK(config.authRegistries().isEmpty());
}

TEST_CASE("credentials: podman's auth.json joins docker's config.json, docker's first",
          "[client][credentials][dockerconfig]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString docker = writeFile(dir, QStringLiteral("docker/config.json"),
                                     R"({"auths": {
        "ghcr.io": {"auth": ")" + basicAuth(QStringLiteral("from-docker"), QStringLiteral("d")) +
                                         R"("}}})");
    const QString podman = writeFile(dir, QStringLiteral("runtime/containers/auth.json"),
                                     R"({"auths": {
        "ghcr.io": {"auth": ")" + basicAuth(QStringLiteral("from-podman"), QStringLiteral("p")) +
                                         R"("},
        "quay.io": {"auth": ")" + basicAuth(QStringLiteral("quay-user"), QStringLiteral("q")) +
                                         R"("},
        "registry.example.com/team": {"auth": ")" +
                                         basicAuth(QStringLiteral("team"), QStringLiteral("t")) + R"("}
    }, "credHelpers": {"podman.example": "secretservice"}})");

    DockerConfig::Sources sources;
    sources.dockerConfig = docker;
    sources.podmanAuthFiles = {podman, dir.filePath(QStringLiteral("missing/auth.json"))};
    const auto config = DockerConfig::load(sources);
    REQUIRE(config.hasValue());
    CHECK(config->files() == QStringList{docker, podman});
    CHECK(config->auth(u"ghcr.io")->username == "from-docker");
    CHECK(config->auth(u"quay.io")->username == "quay-user");
    CHECK(config->authFile(u"quay.io") == podman);
    CHECK(config->auth(u"registry.example.com")->username == "team"); // a namespace login, as a fallback
    CHECK(config->credHelper(u"podman.example") == "secretservice");

    SECTION("the environment chooses the files")
    {
        const ScopedEnv dockerConfig("DOCKER_CONFIG", dir.filePath(QStringLiteral("docker")));
        const ScopedEnv runtime("XDG_RUNTIME_DIR", dir.filePath(QStringLiteral("runtime")));
        const ScopedEnv configHome("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")));
        const ScopedEnv authFile("REGISTRY_AUTH_FILE", QString());
        const DockerConfig::Sources fromEnv = DockerConfig::Sources::fromEnvironment();
        CHECK(fromEnv.dockerConfig == docker);
        CHECK(fromEnv.podmanAuthFiles ==
              QStringList{podman, dir.filePath(QStringLiteral("config/containers/auth.json"))});
        const auto loaded = DockerConfig::load();
        REQUIRE(loaded.hasValue());
        CHECK(loaded->auth(u"quay.io").has_value());
    }
    SECTION("REGISTRY_AUTH_FILE replaces podman's default files")
    {
        const QString custom = writeFile(dir, QStringLiteral("custom.json"), R"({"auths": {
            "custom.example": {"username": "u", "password": "p"}}})");
        const ScopedEnv dockerConfig("DOCKER_CONFIG", dir.filePath(QStringLiteral("nowhere")));
        const ScopedEnv authFile("REGISTRY_AUTH_FILE", custom);
        const DockerConfig::Sources fromEnv = DockerConfig::Sources::fromEnvironment();
        CHECK(fromEnv.podmanAuthFiles == QStringList{custom});
        const auto loaded = DockerConfig::load();
        REQUIRE(loaded.hasValue());
        CHECK(loaded->files() == QStringList{custom});
        CHECK(loaded->auth(u"custom.example")->username == "u");
    }
    SECTION("no files at all is an empty configuration")
    {
        DockerConfig::Sources none;
        none.dockerConfig = dir.filePath(QStringLiteral("nope/config.json"));
        const auto empty = DockerConfig::load(none);
        REQUIRE(empty.hasValue());
        CHECK(empty->files().isEmpty());
        CHECK(empty->authRegistries().isEmpty());
    }
}

TEST_CASE("credentials: Malformed files are errors naming the file and the problem",
          "[client][credentials][dockerconfig]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString broken = writeFile(dir, QStringLiteral("config.json"), R"({"auths": {"ghcr.io": {"auth": "x"})");
    DockerConfig::Sources sources;
    sources.dockerConfig = broken;
    const auto config = DockerConfig::load(sources);
    REQUIRE_FALSE(config.hasValue());
    CHECK(config.error().message().startsWith(broken + QStringLiteral(": line 1, column 36 is not valid JSON")));
    // Where to look in an editor: the line and column of the mistake, not a byte offset.
    CHECK(parseError("{\n  \"auths\": {\n    \"ghcr.io\": {\"auth\": x}\n  }\n}")
              .contains(QStringLiteral("line 3, column 25 is not valid JSON")));

    CHECK(parseError("[]").contains(QStringLiteral("top level must be a JSON object")));
    CHECK(parseError(R"({"auths": []})").contains(QStringLiteral("\"auths\" must be an object")));
    CHECK(
        parseError(R"({"auths": {"ghcr.io": "x"}})").contains(QStringLiteral("auths[\"ghcr.io\"] must be an object")));
    CHECK(parseError(R"({"auths": {"ghcr.io": {"auth": "%%%not base64"}}})")
              .contains(QStringLiteral("auths[\"ghcr.io\"].auth is not valid base64")));
    CHECK(parseError(R"({"auths": {"ghcr.io": {"auth": ")" + QByteArray("no-colon").toBase64() + R"("}}})")
              .contains(QStringLiteral("\"user:password\"")));
    CHECK(parseError(R"({"auths": {"ghcr.io": {"username": 5, "password": "x"}}})")
              .contains(QStringLiteral("auths[\"ghcr.io\"].username must be a string")));
    CHECK(parseError(R"({"credsStore": true})").contains(QStringLiteral("credsStore must be a string")));
    CHECK(parseError(R"({"credHelpers": {"gcr.io": 1}})").contains(QStringLiteral("credHelpers[\"gcr.io\"]")));
    CHECK(parseError(R"({"credHelpers": []})").contains(QStringLiteral("\"credHelpers\" must be an object")));
    CHECK(parseError("{").startsWith(QStringLiteral("/fixture/config.json: ")));

    const auto unreadable = DockerConfig::loadFile(dir.filePath(QStringLiteral("absent.json")));
    REQUIRE_FALSE(unreadable.hasValue());
    CHECK(unreadable.error().message().startsWith(dir.filePath(QStringLiteral("absent.json"))));
}
