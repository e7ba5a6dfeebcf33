#include "oci/imageconfig.h"

#include "testsupport.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using Minato::Oci::Digest;
using Minato::Oci::EnvVar;
using Minato::Oci::formatRfc3339;
using Minato::Oci::HealthCheck;
using Minato::Oci::HistoryLayer;
using Minato::Oci::ImageConfig;
using Minato::Oci::parseRfc3339;

namespace {

QString sha256Of(const QByteArray &bytes)
{
    return QStringLiteral("sha256:") +
           QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QDateTime utc(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}

// A small valid config to mutate in table-driven tests.
QJsonObject minimalConfig()
{
    return QJsonObject{
        {QStringLiteral("architecture"), QStringLiteral("amd64")},
        {QStringLiteral("os"), QStringLiteral("linux")},
        {QStringLiteral("rootfs"),
         QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                     {QStringLiteral("diff_ids"), QJsonArray{QStringLiteral("sha256:") + QString(64, u'a')}}}},
    };
}

QByteArray toBytes(const QJsonObject &obj)
{
    return QJsonDocument(obj).toJson(QJsonDocument::Compact);
}

QJsonObject withConfig(const QJsonObject &config)
{
    QJsonObject root = minimalConfig();
    root.insert(QStringLiteral("config"), config);
    return root;
}

// parse(toJson(c)) gives back c, apart from the bytes it came from.
void checkRoundTrip(const ImageConfig &config)
{
    auto again = ImageConfig::parse(config.toJson());
    REQUIRE(again.hasValue());
    ImageConfig expected = config;
    expected.raw = again->raw;
    expected.digest = again->digest;
    CHECK(again.value() == expected);
    CHECK(again->toJson() == config.toJson());
}

} // namespace

TEST_CASE("ImageConfig parses an nginx-like Docker config", "[config]")
{
    const QByteArray bytes = Minato::Test::readData(u"oci/config-docker-nginx.json");
    auto parsed = ImageConfig::parse(bytes);
    REQUIRE(parsed.hasValue());
    const ImageConfig &c = parsed.value();

    CHECK(c.raw == bytes);
    CHECK(c.digest.toString() == sha256Of(bytes));
    CHECK(c.architecture == QStringLiteral("amd64"));
    CHECK(c.os == QStringLiteral("linux"));
    CHECK(c.variant.isEmpty());
    CHECK(c.platformString() == QStringLiteral("linux/amd64"));
    REQUIRE(c.hasCreated());
    CHECK_FALSE(c.isEpoch());
    CHECK(*c.created == utc(2023, 11, 1, 3, 45, 27, 211));
    CHECK(c.created->offsetFromUtc() == 0);
    CHECK(c.author.isEmpty());

    CHECK(c.container.user.isEmpty());
    CHECK(c.container.exposedPorts == QStringList{QStringLiteral("80/tcp")});
    CHECK(c.container.env ==
          QStringList{QStringLiteral("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                      QStringLiteral("NGINX_VERSION=1.25.3"), QStringLiteral("NJS_VERSION=0.8.2"),
                      QStringLiteral("PKG_RELEASE=1~bookworm")});
    const auto env = c.envMap();
    CHECK(env.size() == 4);
    CHECK(env.value(QStringLiteral("NGINX_VERSION")) == QStringLiteral("1.25.3"));
    CHECK(env.value(QStringLiteral("PKG_RELEASE")) == QStringLiteral("1~bookworm"));
    CHECK(c.container.entrypoint == QStringList{QStringLiteral("/docker-entrypoint.sh")});
    CHECK(c.container.cmd == QStringList{QStringLiteral("nginx"), QStringLiteral("-g"), QStringLiteral("daemon off;")});
    CHECK(c.container.volumes.isEmpty());
    CHECK(c.container.workingDir.isEmpty());
    CHECK(c.container.labels ==
          QMap<QString, QString>{
              {QStringLiteral("maintainer"), QStringLiteral("NGINX Docker Maintainers <docker-maint@nginx.com>")}});
    CHECK(c.container.stopSignal == QStringLiteral("SIGQUIT"));
    CHECK_FALSE(c.container.argsEscaped.has_value());
    CHECK_FALSE(c.container.healthcheck.has_value());
    CHECK(c.container.onBuild.isEmpty());

    CHECK(c.rootfsType == QStringLiteral("layers"));
    REQUIRE(c.diffIds.size() == 7);
    CHECK(c.diffIds.first().toString() ==
          QStringLiteral("sha256:deb86c858ec8c8402684b6bf320e22135306218a5d81a251bdf7cea94eae07cd"));
    CHECK(c.diffIds.last().toString() ==
          QStringLiteral("sha256:e9541b2a0454e557a5f8bfc430ac213baba1f47262678b98ab7de36690dcd412"));

    REQUIRE(c.history.size() == 16);
    CHECK(c.history[0].createdBy.startsWith(QStringLiteral("/bin/sh -c #(nop) ADD file:")));
    CHECK_FALSE(c.history[0].emptyLayer);
    CHECK(*c.history[0].created == utc(2023, 11, 1, 0, 20, 55, 585));
    CHECK(c.history[1].emptyLayer);
    CHECK(c.history[2].createdBy.contains(QStringLiteral("<docker-maint@nginx.com>"))); // \u003c in the JSON
    CHECK(c.history[6].createdBy.contains(QStringLiteral("set -x && groupadd")));       // \u0026 in the JSON
    CHECK(c.history[15].createdBy == QStringLiteral("/bin/sh -c #(nop)  CMD [\"nginx\" \"-g\" \"daemon off;\"]"));

    // History ↔ layers: entries 0, 6, 7, 8, 9, 10, 11 made the seven layers; the rest are empty_layer.
    CHECK(c.historyMatchesLayers());
    const QList<HistoryLayer> rows = c.historyLayers();
    REQUIRE(rows.size() == 16);
    const int expectedLayer[16] = {0, -1, -1, -1, -1, -1, 1, 2, 3, 4, 5, 6, -1, -1, -1, -1};
    for (int i = 0; i < 16; ++i) {
        INFO("history " << i);
        CHECK(rows[i].historyIndex == i);
        CHECK(rows[i].layerIndex == expectedLayer[i]);
    }

    checkRoundTrip(c);
}

TEST_CASE("ImageConfig parses a buildkit OCI config with a 1970 created time", "[config]")
{
    const QByteArray bytes = Minato::Test::readData(u"oci/config-oci-buildkit-epoch.json");
    auto parsed = ImageConfig::parse(bytes);
    REQUIRE(parsed.hasValue());
    const ImageConfig &c = parsed.value();

    CHECK(c.digest.toString() == sha256Of(bytes));
    CHECK(c.hasCreated());
    CHECK(c.isEpoch());
    CHECK(ImageConfig::isPlaceholderTime(*c.created));
    CHECK(c.architecture == QStringLiteral("arm64"));
    CHECK(c.variant == QStringLiteral("v8"));
    CHECK(c.platformString() == QStringLiteral("linux/arm64/v8"));
    CHECK(c.platform().variant == QStringLiteral("v8"));

    CHECK(c.container.user == QStringLiteral("65532:65532"));
    CHECK(c.container.exposedPorts == QStringList{QStringLiteral("8080/tcp"), QStringLiteral("9090/tcp")});
    CHECK(c.container.volumes == QStringList{QStringLiteral("/var/lib/server")});
    CHECK(c.container.workingDir == QStringLiteral("/app"));
    CHECK(c.container.entrypoint == QStringList{QStringLiteral("/app/server")});
    CHECK(c.container.cmd == QStringList{QStringLiteral("--listen=:8080")});
    CHECK(c.container.argsEscaped == std::optional<bool>(true));
    CHECK(c.container.labels.value(QStringLiteral("org.opencontainers.image.revision")) == QStringLiteral("4f0c3e2"));
    CHECK(c.container.labels.size() == 2);

    // "GOMAXPROCS" has no '=': accepted, read as a name without a value.
    const QList<EnvVar> vars = c.envVars();
    REQUIRE(vars.size() == 3);
    CHECK(vars[1] ==
          EnvVar{QStringLiteral("SSL_CERT_FILE"), QStringLiteral("/etc/ssl/certs/ca-certificates.crt"), true});
    CHECK(vars[2] == EnvVar{QStringLiteral("GOMAXPROCS"), QString(), false});
    CHECK(c.envMap().contains(QStringLiteral("GOMAXPROCS")));

    REQUIRE(c.container.healthcheck.has_value());
    const HealthCheck &h = *c.container.healthcheck;
    CHECK(h.test == QStringList{QStringLiteral("CMD"), QStringLiteral("/app/server"), QStringLiteral("healthcheck")});
    CHECK(h.intervalNs == 30'000'000'000LL);
    CHECK(h.timeoutNs == 5'000'000'000LL);
    CHECK(h.startPeriodNs == 10'000'000'000LL);
    CHECK(h.startIntervalNs == 0);
    CHECK(h.retries == 3);

    REQUIRE(c.history.size() == 7);
    CHECK(c.history[2].comment == QStringLiteral("buildkit.dockerfile.v0"));
    CHECK(c.historyMatchesLayers());
    const QList<HistoryLayer> rows = c.historyLayers();
    const QList<HistoryLayer> expected = {{0, 0}, {1, 1}, {2, -1}, {3, 2}, {4, -1}, {5, -1}, {6, -1}};
    CHECK(rows == expected);

    checkRoundTrip(c);
}

TEST_CASE("ImageConfig without created or history", "[config]")
{
    auto parsed = ImageConfig::parse(Minato::Test::readData(u"oci/config-oci-nocreated.json"));
    REQUIRE(parsed.hasValue());
    const ImageConfig &c = parsed.value();
    CHECK_FALSE(c.hasCreated());
    CHECK_FALSE(c.isEpoch());
    CHECK(c.history.isEmpty());
    CHECK(c.diffIds.size() == 2);
    CHECK(c.container.cmd == QStringList{QStringLiteral("/bin/sh")});
    // Layers nobody describes still get rows, with historyIndex -1.
    CHECK(c.historyMatchesLayers());
    CHECK(c.historyLayers() == QList<HistoryLayer>{{-1, 0}, {-1, 1}});
    CHECK_FALSE(QString::fromUtf8(c.toJson()).contains(QStringLiteral("created")));
    checkRoundTrip(c);
}

TEST_CASE("ImageConfig parses a Windows config with os.version", "[config]")
{
    auto parsed = ImageConfig::parse(Minato::Test::readData(u"oci/config-windows.json"));
    REQUIRE(parsed.hasValue());
    const ImageConfig &c = parsed.value();
    CHECK(c.os == QStringLiteral("windows"));
    CHECK(c.osVersion == QStringLiteral("10.0.17763.5329"));
    CHECK(c.platform().osVersion == QStringLiteral("10.0.17763.5329"));
    CHECK(c.platformString() == QStringLiteral("windows(10.0.17763.5329)/amd64"));
    // "2024-01-09T17:42:13.4522451-08:00": the offset is kept, fractions cut to milliseconds.
    REQUIRE(c.created.has_value());
    CHECK(c.created->offsetFromUtc() == -8 * 3600);
    CHECK(c.created->time() == QTime(17, 42, 13, 452));
    CHECK(c.created->toUTC() == utc(2024, 1, 10, 1, 42, 13, 452));
    CHECK(c.container.user == QStringLiteral("ContainerUser"));
    CHECK(c.container.workingDir == QStringLiteral("C:\\app"));
    CHECK(c.container.cmd == QStringList{QStringLiteral("c:\\windows\\system32\\cmd.exe")});
    CHECK(c.container.argsEscaped == std::optional<bool>(true));
    CHECK(c.container.shell == QStringList{QStringLiteral("cmd"), QStringLiteral("/S"), QStringLiteral("/C")});
    CHECK(c.envMap().value(QStringLiteral("PATH")) ==
          QStringLiteral("C:\\Windows\\system32;C:\\Windows;C:\\Program Files\\PowerShell"));
    CHECK(c.historyLayers() == QList<HistoryLayer>{{0, 0}, {1, -1}, {2, 1}});
    CHECK(c.history[0].created->offsetFromUtc() == 0);
    checkRoundTrip(c);
}

TEST_CASE("ImageConfig accepts null for empty lists, maps and strings", "[config]")
{
    auto parsed = ImageConfig::parse(Minato::Test::readData(u"oci/config-nulls.json"));
    REQUIRE(parsed.hasValue());
    const ImageConfig &c = parsed.value();
    CHECK(c.author == QStringLiteral("Jane Doe <jane@example.com>"));
    CHECK(c.variant.isEmpty());
    CHECK(c.osFeatures.isEmpty());
    CHECK(*c.created == utc(2016, 6, 23, 21, 23, 37, 198));
    CHECK(c.created->offsetFromUtc() == 2 * 3600);
    CHECK(c.container.env.isEmpty());
    CHECK(c.container.labels.isEmpty());
    CHECK(c.container.exposedPorts.isEmpty());
    CHECK(c.container.volumes.isEmpty());
    CHECK(c.container.entrypoint.isEmpty());
    CHECK(c.container.cmd.isEmpty());
    CHECK(c.container.stopSignal.isEmpty());
    CHECK_FALSE(c.container.healthcheck.has_value());
    REQUIRE(c.history.size() == 1);
    // Go's zero time, as Docker writes for a history entry without a date.
    CHECK(*c.history[0].created == QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC));
    CHECK(ImageConfig::isPlaceholderTime(*c.history[0].created));
    CHECK_FALSE(ImageConfig::isPlaceholderTime(*c.created));
    CHECK(c.history[0].createdBy.isEmpty());
    CHECK_FALSE(c.history[0].emptyLayer);
    CHECK(c.historyLayers() == QList<HistoryLayer>{{0, 0}});

    // "config": null and "history": null too.
    QJsonObject root = minimalConfig();
    root.insert(QStringLiteral("config"), QJsonValue::Null);
    root.insert(QStringLiteral("history"), QJsonValue::Null);
    root.insert(QStringLiteral("created"), QJsonValue::Null);
    QJsonObject rootfs = root.value(QStringLiteral("rootfs")).toObject();
    rootfs.insert(QStringLiteral("diff_ids"), QJsonValue::Null);
    root.insert(QStringLiteral("rootfs"), rootfs);
    auto nulls = ImageConfig::parse(toBytes(root));
    REQUIRE(nulls.hasValue());
    CHECK(nulls->container == Minato::Oci::ContainerConfig());
    CHECK(nulls->history.isEmpty());
    CHECK(nulls->diffIds.isEmpty());
    CHECK_FALSE(nulls->hasCreated());
}

TEST_CASE("ImageConfig is lenient where Docker is", "[config]")
{
    // Docker's StrSlice: a single string for Entrypoint/Cmd/Shell reads as a one-element list.
    auto c = ImageConfig::parse(toBytes(withConfig(QJsonObject{
        {QStringLiteral("Cmd"), QStringLiteral("nginx -g 'daemon off;'")},
        {QStringLiteral("Entrypoint"), QStringLiteral("/entrypoint.sh")},
        {QStringLiteral("ExposedPorts"),
         QJsonObject{{QStringLiteral("53/udp"), QJsonValue::Null}, {QStringLiteral("8080"), QJsonObject()}}},
        {QStringLiteral("Env"),
         QJsonArray{QStringLiteral("A=1"), QStringLiteral("B"), QStringLiteral("A=2=3"), QStringLiteral("EMPTY=")}},
        {QStringLiteral("Hostname"), QStringLiteral("ignored")},
        {QStringLiteral("Memory"), 0},
    })));
    REQUIRE(c.hasValue());
    CHECK(c->container.cmd == QStringList{QStringLiteral("nginx -g 'daemon off;'")});
    CHECK(c->container.entrypoint == QStringList{QStringLiteral("/entrypoint.sh")});
    CHECK(c->container.exposedPorts == QStringList{QStringLiteral("53/udp"), QStringLiteral("8080")});
    // For a repeated name the last value wins; the value keeps any further '='.
    const auto env = c->envMap();
    CHECK(env.value(QStringLiteral("A")) == QStringLiteral("2=3"));
    CHECK(env.value(QStringLiteral("B")) == QString());
    CHECK(env.value(QStringLiteral("EMPTY")) == QString());
    CHECK(ImageConfig::splitEnv(QStringLiteral("EMPTY=")) == EnvVar{QStringLiteral("EMPTY"), QString(), true});
    CHECK(ImageConfig::splitEnv(QStringLiteral("B")) == EnvVar{QStringLiteral("B"), QString(), false});
    CHECK(ImageConfig::splitEnv(QStringLiteral("=x")) == EnvVar{QString(), QStringLiteral("x"), true});

    // An empty diff_ids (scratch image) and unknown top-level fields are fine.
    QJsonObject root = minimalConfig();
    root.insert(QStringLiteral("rootfs"), QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                                      {QStringLiteral("diff_ids"), QJsonArray()}});
    root.insert(QStringLiteral("docker_version"), QStringLiteral("24.0.7"));
    root.insert(QStringLiteral("moby.buildkit.buildinfo.v1"), QStringLiteral("e30="));
    auto scratch = ImageConfig::parse(toBytes(root));
    REQUIRE(scratch.hasValue());
    CHECK(scratch->diffIds.isEmpty());
}

TEST_CASE("ImageConfig history and layers that disagree", "[config]")
{
    const QString d1 = QStringLiteral("sha256:") + QString(64, u'1');
    const QString d2 = QStringLiteral("sha256:") + QString(64, u'2');
    const QString d3 = QStringLiteral("sha256:") + QString(64, u'3');
    const auto entry = [](bool empty) {
        QJsonObject e{{QStringLiteral("created_by"), QStringLiteral("step")}};
        if (empty) {
            e.insert(QStringLiteral("empty_layer"), true);
        }
        return e;
    };
    // Fewer non-empty entries than layers: the extra layers get rows without history.
    QJsonObject root = minimalConfig();
    root.insert(QStringLiteral("rootfs"), QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                                      {QStringLiteral("diff_ids"), QJsonArray{d1, d2, d3}}});
    root.insert(QStringLiteral("history"), QJsonArray{entry(false), entry(true)});
    auto fewer = ImageConfig::parse(toBytes(root));
    REQUIRE(fewer.hasValue());
    CHECK_FALSE(fewer->historyMatchesLayers());
    CHECK(fewer->historyLayers() == QList<HistoryLayer>{{0, 0}, {1, -1}, {-1, 1}, {-1, 2}});

    // More non-empty entries than layers: the surplus entries have no layer.
    root.insert(QStringLiteral("rootfs"), QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                                      {QStringLiteral("diff_ids"), QJsonArray{d1}}});
    root.insert(QStringLiteral("history"), QJsonArray{entry(false), entry(false), entry(true)});
    auto more = ImageConfig::parse(toBytes(root));
    REQUIRE(more.hasValue());
    CHECK_FALSE(more->historyMatchesLayers());
    CHECK(more->historyLayers() == QList<HistoryLayer>{{0, 0}, {1, -1}, {2, -1}});
}

TEST_CASE("ImageConfig rejects malformed configs with the field path", "[config]")
{
    struct Case
    {
        const char *name;
        QByteArray bytes;
        QString field;
        QString reasonContains;
    };
    const auto without = [](const QString &key) {
        QJsonObject root = minimalConfig();
        root.remove(key);
        return toBytes(root);
    };
    const auto with = [](const QString &key, const QJsonValue &value) {
        QJsonObject root = minimalConfig();
        root.insert(key, value);
        return toBytes(root);
    };
    const auto withRootfs = [](const QJsonValue &type, const QJsonValue &diffIds) {
        QJsonObject root = minimalConfig();
        root.insert(QStringLiteral("rootfs"),
                    QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("diff_ids"), diffIds}});
        return toBytes(root);
    };
    const auto inConfig = [](const QString &key, const QJsonValue &value) {
        return toBytes(withConfig(QJsonObject{{key, value}}));
    };
    const QString goodDigest = QStringLiteral("sha256:") + QString(64, u'b');
    const QJsonArray badEnv{QStringLiteral("A=1"), QStringLiteral("B=2"), QStringLiteral("C=3"), 4};
    const QJsonObject goodEntry{{QStringLiteral("created_by"), QStringLiteral("x")}};

    const Case cases[] = {
        {"not JSON", QByteArray("{\"architecture\":"), QString(), QStringLiteral("")},
        {"array document", QByteArray("[]"), QString(), QStringLiteral("object")},
        {"empty input", QByteArray(), QString(), QStringLiteral("")},
        {"architecture missing", without(QStringLiteral("architecture")), QStringLiteral("architecture"),
         QStringLiteral("required")},
        {"architecture a number", with(QStringLiteral("architecture"), 5), QStringLiteral("architecture"),
         QStringLiteral("must be a string")},
        {"architecture empty", with(QStringLiteral("architecture"), QString()), QStringLiteral("architecture"),
         QStringLiteral("")},
        {"os missing", without(QStringLiteral("os")), QStringLiteral("os"), QStringLiteral("required")},
        {"os null", with(QStringLiteral("os"), QJsonValue::Null), QStringLiteral("os"), QStringLiteral("")},
        {"variant a number", with(QStringLiteral("variant"), 8), QStringLiteral("variant"),
         QStringLiteral("must be a string")},
        {"os.features element", with(QStringLiteral("os.features"), QJsonArray{QStringLiteral("win32k"), 1}),
         QStringLiteral("[\"os.features\"][1]"), QStringLiteral("must be a string")},
        {"rootfs missing", without(QStringLiteral("rootfs")), QStringLiteral("rootfs"), QStringLiteral("required")},
        {"rootfs an array", with(QStringLiteral("rootfs"), QJsonArray()), QStringLiteral("rootfs"),
         QStringLiteral("must be an object")},
        {"rootfs.type wrong", withRootfs(QStringLiteral("layer"), QJsonArray()), QStringLiteral("rootfs.type"),
         QStringLiteral("must be \"layers\", not \"layer\"")},
        {"rootfs.type missing", withRootfs(QJsonValue::Undefined, QJsonArray()), QStringLiteral("rootfs.type"),
         QStringLiteral("required")},
        {"diff_ids an object", withRootfs(QStringLiteral("layers"), QJsonObject()), QStringLiteral("rootfs.diff_ids"),
         QStringLiteral("must be an array")},
        {"diff_ids[1] short",
         withRootfs(QStringLiteral("layers"), QJsonArray{goodDigest, QStringLiteral("sha256:abc")}),
         QStringLiteral("rootfs.diff_ids[1]"), QStringLiteral("64 hex characters")},
        {"diff_ids[0] a number", withRootfs(QStringLiteral("layers"), QJsonArray{1}),
         QStringLiteral("rootfs.diff_ids[0]"), QStringLiteral("must be a digest string, not a number")},
        {"diff_ids[0] uppercase", withRootfs(QStringLiteral("layers"), QJsonArray{goodDigest.toUpper()}),
         QStringLiteral("rootfs.diff_ids[0]"), QStringLiteral("")},
        {"config an array", with(QStringLiteral("config"), QJsonArray()), QStringLiteral("config"),
         QStringLiteral("must be an object")},
        {"config.Env[3] a number", inConfig(QStringLiteral("Env"), badEnv), QStringLiteral("config.Env[3]"),
         QStringLiteral("must be a string, not a number")},
        {"config.Env a string", inConfig(QStringLiteral("Env"), QStringLiteral("A=1")), QStringLiteral("config.Env"),
         QStringLiteral("must be an array")},
        {"config.Cmd a number", inConfig(QStringLiteral("Cmd"), 5), QStringLiteral("config.Cmd"),
         QStringLiteral("must be an array")},
        {"config.Entrypoint[0] null", inConfig(QStringLiteral("Entrypoint"), QJsonArray{QJsonValue::Null}),
         QStringLiteral("config.Entrypoint[0]"), QStringLiteral("must be a string, not null")},
        {"config.User a bool", inConfig(QStringLiteral("User"), true), QStringLiteral("config.User"),
         QStringLiteral("must be a string")},
        {"config.Labels value", inConfig(QStringLiteral("Labels"), QJsonObject{{QStringLiteral("com.example.n"), 1}}),
         QStringLiteral("config.Labels[\"com.example.n\"]"), QStringLiteral("must be a string")},
        {"config.Labels an array", inConfig(QStringLiteral("Labels"), QJsonArray()), QStringLiteral("config.Labels"),
         QStringLiteral("must be an object")},
        {"config.ExposedPorts value",
         inConfig(QStringLiteral("ExposedPorts"), QJsonObject{{QStringLiteral("80/tcp"), 1}}),
         QStringLiteral("config.ExposedPorts[\"80/tcp\"]"), QStringLiteral("must be an empty object {}, not a number")},
        {"config.ExposedPorts a list", inConfig(QStringLiteral("ExposedPorts"), QJsonArray{QStringLiteral("80/tcp")}),
         QStringLiteral("config.ExposedPorts"), QStringLiteral("must be an object")},
        {"config.Volumes empty key", inConfig(QStringLiteral("Volumes"), QJsonObject{{QString(), QJsonObject()}}),
         QStringLiteral("config.Volumes"), QStringLiteral("empty key")},
        {"config.ArgsEscaped a string", inConfig(QStringLiteral("ArgsEscaped"), QStringLiteral("true")),
         QStringLiteral("config.ArgsEscaped"), QStringLiteral("must be a boolean")},
        {"Healthcheck a list", inConfig(QStringLiteral("Healthcheck"), QJsonArray()),
         QStringLiteral("config.Healthcheck"), QStringLiteral("must be an object")},
        {"Healthcheck.Retries negative",
         inConfig(QStringLiteral("Healthcheck"), QJsonObject{{QStringLiteral("Retries"), -1}}),
         QStringLiteral("config.Healthcheck.Retries"), QStringLiteral("")},
        {"Healthcheck.Interval fractional",
         inConfig(QStringLiteral("Healthcheck"), QJsonObject{{QStringLiteral("Interval"), 1.5}}),
         QStringLiteral("config.Healthcheck.Interval"), QStringLiteral("")},
        {"Healthcheck.Test a number", inConfig(QStringLiteral("Healthcheck"), QJsonObject{{QStringLiteral("Test"), 1}}),
         QStringLiteral("config.Healthcheck.Test"), QStringLiteral("must be an array")},
        {"created not a date", with(QStringLiteral("created"), QStringLiteral("yesterday")), QStringLiteral("created"),
         QStringLiteral("RFC 3339")},
        {"created a number", with(QStringLiteral("created"), 0), QStringLiteral("created"),
         QStringLiteral("must be a string")},
        {"created without zone", with(QStringLiteral("created"), QStringLiteral("2024-05-01T12:00:00")),
         QStringLiteral("created"), QStringLiteral("time zone")},
        {"history an object", with(QStringLiteral("history"), QJsonObject()), QStringLiteral("history"),
         QStringLiteral("must be an array")},
        {"history[2] a string", with(QStringLiteral("history"), QJsonArray{goodEntry, goodEntry, QStringLiteral("x")}),
         QStringLiteral("history[2]"), QStringLiteral("must be an object")},
        {"history[1].created bad",
         with(QStringLiteral("history"),
              QJsonArray{goodEntry, QJsonObject{{QStringLiteral("created"), QStringLiteral("2024-02-30T00:00:00Z")}}}),
         QStringLiteral("history[1].created"), QStringLiteral("no such date")},
        {"history[0].empty_layer a string",
         with(QStringLiteral("history"),
              QJsonArray{QJsonObject{{QStringLiteral("empty_layer"), QStringLiteral("yes")}}}),
         QStringLiteral("history[0].empty_layer"), QStringLiteral("must be a boolean")},
        {"history[0].created_by a list",
         with(QStringLiteral("history"), QJsonArray{QJsonObject{{QStringLiteral("created_by"), QJsonArray()}}}),
         QStringLiteral("history[0].created_by"), QStringLiteral("must be a string")},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        auto parsed = ImageConfig::parse(c.bytes);
        REQUIRE_FALSE(parsed.hasValue());
        INFO("message: " << parsed.error().message().toStdString());
        CHECK(parsed.error().field == c.field);
        CHECK(parsed.error().reason.contains(c.reasonContains));
        CHECK_FALSE(parsed.error().reason.isEmpty());
    }
}

TEST_CASE("ImageConfig enforces its size limit", "[config]")
{
    // A config larger than the 4 MiB manifest default but within 8 MiB is accepted (long histories exist).
    constexpr qsizetype fiveMiB = qsizetype(5) * 1024 * 1024;
    QJsonObject root = minimalConfig();
    root.insert(QStringLiteral("author"), QString(fiveMiB, u'x'));
    const QByteArray big = toBytes(root);
    REQUIRE(big.size() > fiveMiB);
    auto accepted = ImageConfig::parse(big);
    REQUIRE(accepted.hasValue());
    CHECK(accepted->author.size() == fiveMiB);

    root.insert(QStringLiteral("author"), QString(ImageConfig::kMaxBytes, u'x'));
    auto rejected = ImageConfig::parse(toBytes(root));
    REQUIRE_FALSE(rejected.hasValue());
    CHECK(rejected.error().field.isEmpty());
    CHECK(rejected.error().reason.contains(QStringLiteral("8 MiB")));

    // Whitespace counts too: the limit is on the bytes received.
    QByteArray padded = toBytes(minimalConfig());
    padded.append(QByteArray(ImageConfig::kMaxBytes - padded.size(), ' '));
    CHECK(ImageConfig::parse(padded).hasValue());
    padded.append(' ');
    CHECK_FALSE(ImageConfig::parse(padded).hasValue());
}

TEST_CASE("RFC 3339 times as Go writes them", "[config]")
{
    struct Good
    {
        const char *text;
        QDateTime expected; // compared as instants
        int offsetSeconds;
    };
    const Good good[] = {
        {"2024-05-01T12:34:56Z", utc(2024, 5, 1, 12, 34, 56), 0},
        {"2024-05-01T12:34:56.5Z", utc(2024, 5, 1, 12, 34, 56, 500), 0},
        {"2024-05-01T12:34:56.05Z", utc(2024, 5, 1, 12, 34, 56, 50), 0},
        {"2024-05-01T12:34:56.123456789Z", utc(2024, 5, 1, 12, 34, 56, 123), 0},
        {"2024-05-01T12:34:56.9999999999Z", utc(2024, 5, 1, 12, 34, 56, 999), 0}, // cut, never rounded up
        {"2024-05-01T21:34:56+09:00", utc(2024, 5, 1, 12, 34, 56), 9 * 3600},
        {"2024-05-01T12:04:56-00:30", utc(2024, 5, 1, 12, 34, 56), -1800},
        {"2024-05-01T12:34:56+00:00", utc(2024, 5, 1, 12, 34, 56), 0},
        {"2024-05-01t12:34:56z", utc(2024, 5, 1, 12, 34, 56), 0},
        {"1970-01-01T00:00:00Z", utc(1970, 1, 1, 0, 0, 0), 0},
        {"0001-01-01T00:00:00Z", utc(1, 1, 1, 0, 0, 0), 0},
        {"2024-02-29T23:59:59.999+14:00", utc(2024, 2, 29, 9, 59, 59, 999), 14 * 3600},
    };
    for (const Good &g : good) {
        INFO(g.text);
        auto t = parseRfc3339(QString::fromLatin1(g.text), u"created");
        REQUIRE(t.hasValue());
        CHECK(t.value() == g.expected);
        CHECK(t->offsetFromUtc() == g.offsetSeconds);
        // formatRfc3339 writes it back; parsing that gives the same instant and offset.
        auto again = parseRfc3339(formatRfc3339(t.value()), u"created");
        REQUIRE(again.hasValue());
        CHECK(again.value() == t.value());
        CHECK(again->offsetFromUtc() == g.offsetSeconds);
    }
    CHECK(formatRfc3339(utc(2024, 5, 1, 12, 34, 56)) == QStringLiteral("2024-05-01T12:34:56Z"));
    CHECK(formatRfc3339(utc(2024, 5, 1, 12, 34, 56, 70)) == QStringLiteral("2024-05-01T12:34:56.070Z"));
    CHECK(formatRfc3339(parseRfc3339(u"2024-05-01T12:34:56-08:00", u"t").value()) ==
          QStringLiteral("2024-05-01T12:34:56-08:00"));
    CHECK(formatRfc3339(utc(1, 1, 1, 0, 0, 0)) == QStringLiteral("0001-01-01T00:00:00Z"));

    const char *const bad[] = {
        "",
        "2024-05-01",
        "2024-05-01T12:34:56",
        "2024-05-01 12:34:56Z",
        "2024-5-01T12:34:56Z",
        "2024-13-01T12:34:56Z",
        "2024-02-30T12:34:56Z",
        "2023-02-29T12:34:56Z",
        "0000-01-01T00:00:00Z",
        "2024-05-01T24:00:00Z",
        "2024-05-01T12:60:00Z",
        "2024-05-01T12:34:60Z",
        "2024-05-01T12:34:56.Z",
        "2024-05-01T12:34:56,5Z",
        "2024-05-01T12:34:56+0900",
        "2024-05-01T12:34:56+09",
        "2024-05-01T12:34:56+24:00",
        "2024-05-01T12:34:56+09:60",
        "2024-05-01T12:34:56Zx",
        "2024-05-01T12:34:56+09:00 ",
        " 2024-05-01T12:34:56Z",
        "+2024-05-01T12:34:56Z",
        "2024-05-01T12:34:56UTC",
        "２０２４-05-01T12:34:56Z",
    };
    for (const char *text : bad) {
        INFO(text);
        auto t = parseRfc3339(QString::fromUtf8(text), u"history[3].created");
        REQUIRE_FALSE(t.hasValue());
        CHECK(t.error().field == QStringLiteral("history[3].created"));
        CHECK(t.error().reason.contains(QStringLiteral("RFC 3339")));
    }
    CHECK_FALSE(parseRfc3339(QString(65, u'1'), u"t").hasValue());
}

TEST_CASE("ImageConfig built in code serialises and parses back", "[config]")
{
    ImageConfig c;
    c.architecture = QStringLiteral("arm");
    c.variant = QStringLiteral("v7");
    c.os = QStringLiteral("linux");
    c.created = parseRfc3339(u"2024-03-04T05:06:07.089+01:00", u"created").value();
    c.author = QStringLiteral("Minato tests");
    c.container.user = QStringLiteral("1000");
    c.container.env = {QStringLiteral("A=1"), QStringLiteral("B")};
    c.container.entrypoint = {QStringLiteral("/bin/tini"), QStringLiteral("--")};
    c.container.cmd = {QStringLiteral("app")};
    c.container.exposedPorts = {QStringLiteral("443/tcp"), QStringLiteral("53/udp")};
    c.container.volumes = {QStringLiteral("/data")};
    c.container.labels = {{QStringLiteral("a.b"), QStringLiteral("c")}};
    c.container.stopSignal = QStringLiteral("SIGTERM");
    c.container.argsEscaped = false;
    c.container.healthcheck = HealthCheck{{QStringLiteral("NONE")}, 0, 0, 0, 0, 0};
    c.container.onBuild = {QStringLiteral("RUN make")};
    c.diffIds = {Digest::parse(QStringLiteral("sha256:") + QString(64, u'c')).value()};
    c.history = {{std::nullopt, QStringLiteral("ADD rootfs"), QString(), QString(), false},
                 {c.created, QStringLiteral("CMD app"), QStringLiteral("me"), QStringLiteral("note"), true}};
    c.osFeatures = {QStringLiteral("f1")};

    const QByteArray json = c.toJson();
    const QJsonObject obj = QJsonDocument::fromJson(json).object();
    CHECK(obj.value(QStringLiteral("created")).toString() == QStringLiteral("2024-03-04T05:06:07.089+01:00"));
    CHECK(obj.value(QStringLiteral("rootfs")).toObject().value(QStringLiteral("type")).toString() ==
          QStringLiteral("layers"));
    CHECK(obj.value(QStringLiteral("config"))
              .toObject()
              .value(QStringLiteral("ExposedPorts"))
              .toObject()
              .contains(QStringLiteral("443/tcp")));
    CHECK(obj.value(QStringLiteral("config")).toObject().value(QStringLiteral("Healthcheck")).toObject() ==
          QJsonObject{{QStringLiteral("Test"), QJsonArray{QStringLiteral("NONE")}}});
    CHECK_FALSE(
        obj.value(QStringLiteral("history")).toArray().at(0).toObject().contains(QStringLiteral("empty_layer")));

    auto parsed = ImageConfig::parse(json);
    REQUIRE(parsed.hasValue());
    CHECK(parsed->raw == json);
    CHECK(parsed->digest.toString() == sha256Of(json));
    checkRoundTrip(parsed.value());
    ImageConfig expected = c;
    expected.raw = parsed->raw;
    expected.digest = parsed->digest;
    CHECK(parsed.value() == expected);

    // An empty config still writes the required fields.
    const QJsonObject empty = QJsonDocument::fromJson(ImageConfig().toJson()).object();
    CHECK(empty.keys() == QStringList{QStringLiteral("architecture"), QStringLiteral("os"), QStringLiteral("rootfs")});
}
