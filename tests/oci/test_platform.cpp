#include "oci/platform.h"

#include "testsupport.h"

#include <QJsonDocument>

using Minato::Oci::Platform;

namespace {

Platform make(const char *os, const char *arch, const char *variant = "", const char *osVersion = "")
{
    Platform p;
    p.os = QString::fromLatin1(os);
    p.architecture = QString::fromLatin1(arch);
    p.variant = QString::fromLatin1(variant);
    p.osVersion = QString::fromLatin1(osVersion);
    return p;
}

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

TEST_CASE("Platform parses and normalises specifiers", "[platform]")
{
    struct Case
    {
        QString input;
        Platform expected;
        QString printed;
    };
    const Case cases[] = {
        {QStringLiteral("linux/amd64"), make("linux", "amd64"), QStringLiteral("linux/amd64")},
        {QStringLiteral("linux/arm64/v8"), make("linux", "arm64", "v8"), QStringLiteral("linux/arm64/v8")},
        {QStringLiteral("linux/arm/v7"), make("linux", "arm", "v7"), QStringLiteral("linux/arm/v7")},
        {QStringLiteral("Linux/X86_64"), make("linux", "amd64"), QStringLiteral("linux/amd64")},
        {QStringLiteral("linux/x86-64"), make("linux", "amd64"), QStringLiteral("linux/amd64")},
        {QStringLiteral("linux/aarch64"), make("linux", "arm64"), QStringLiteral("linux/arm64")},
        {QStringLiteral("linux/aarch64/8"), make("linux", "arm64", "v8"), QStringLiteral("linux/arm64/v8")},
        {QStringLiteral("linux/arm64/v8.0"), make("linux", "arm64", "v8"), QStringLiteral("linux/arm64/v8")},
        {QStringLiteral("linux/armhf"), make("linux", "arm", "v7"), QStringLiteral("linux/arm/v7")},
        {QStringLiteral("linux/armel"), make("linux", "arm", "v6"), QStringLiteral("linux/arm/v6")},
        {QStringLiteral("linux/armv7l"), make("linux", "arm", "v7"), QStringLiteral("linux/arm/v7")},
        {QStringLiteral("linux/armv6l"), make("linux", "arm", "v6"), QStringLiteral("linux/arm/v6")},
        {QStringLiteral("linux/arm/7"), make("linux", "arm", "v7"), QStringLiteral("linux/arm/v7")},
        {QStringLiteral("linux/i386"), make("linux", "386"), QStringLiteral("linux/386")},
        {QStringLiteral("linux/i686"), make("linux", "386"), QStringLiteral("linux/386")},
        {QStringLiteral("linux/386"), make("linux", "386"), QStringLiteral("linux/386")},
        {QStringLiteral("linux/ppc64el"), make("linux", "ppc64le"), QStringLiteral("linux/ppc64le")},
        {QStringLiteral("linux/s390x"), make("linux", "s390x"), QStringLiteral("linux/s390x")},
        {QStringLiteral("linux/riscv64"), make("linux", "riscv64"), QStringLiteral("linux/riscv64")},
        {QStringLiteral("macos/arm64"), make("darwin", "arm64"), QStringLiteral("darwin/arm64")},
        {QStringLiteral("unknown/unknown"), make("unknown", "unknown"), QStringLiteral("unknown/unknown")},
        {QStringLiteral(" linux/amd64 "), make("linux", "amd64"), QStringLiteral("linux/amd64")},
        {QStringLiteral("windows(10.0.17763)/amd64"), make("windows", "amd64", "", "10.0.17763"),
         QStringLiteral("windows(10.0.17763)/amd64")},
        {QStringLiteral("windows/amd64:10.0.17763.5329"), make("windows", "amd64", "", "10.0.17763.5329"),
         QStringLiteral("windows(10.0.17763.5329)/amd64")},
    };
    for (const Case &c : cases) {
        INFO("input: " << c.input.toStdString());
        auto p = Platform::parse(c.input);
        REQUIRE(p.hasValue());
        CHECK(*p == c.expected);
        CHECK(p->toString() == c.printed);
        // toString() round-trips through parse().
        CHECK(Platform::parse(p->toString()).value() == *p);
    }
}

TEST_CASE("Platform rejects malformed specifiers", "[platform]")
{
    struct Case
    {
        QString input;
        QString reasonContains;
    };
    const Case cases[] = {
        {QString(), QStringLiteral("is empty")},
        {QStringLiteral("   "), QStringLiteral("is empty")},
        {QStringLiteral("linux"), QStringLiteral("not os/architecture")},
        {QStringLiteral("linux/arm/v7/extra"), QStringLiteral("not os/architecture")},
        {QStringLiteral("linux//v7"), QStringLiteral("architecture \"\"")},
        {QStringLiteral("/amd64"), QStringLiteral("the os \"\"")},
        {QStringLiteral("linux/arm/"), QStringLiteral("the variant \"\"")},
        {QStringLiteral("linux/am d64"), QStringLiteral("architecture")},
        {QStringLiteral("linux/amd64:"), QStringLiteral("after ':' is empty")},
        {QStringLiteral("windows()/amd64"), QStringLiteral("in parentheses is empty")},
        {QStringLiteral("windows(10/amd64"), QStringLiteral("os(version)")},
        {QStringLiteral("windows(1)/amd64:2"), QStringLiteral("os(version)")},
        {QStringLiteral("windows/amd64:1 0"), QStringLiteral("os version")},
        {QStringLiteral("lin\u00fcx/amd64"), QStringLiteral("the os")},
    };
    for (const Case &c : cases) {
        INFO("input: " << c.input.toStdString());
        auto p = Platform::parse(c.input);
        REQUIRE_FALSE(p.hasValue());
        CHECK(p.error().field == QStringLiteral("platform"));
        INFO("reason: " << p.error().reason.toStdString());
        CHECK(p.error().reason.contains(c.reasonContains));
    }
}

TEST_CASE("Platform matching treats aliases and default variants as equal", "[platform]")
{
    struct Case
    {
        const char *have;
        const char *want;
        bool matches;
    };
    const Case cases[] = {
        {"linux/arm64", "linux/arm64/v8", true},
        {"linux/arm64/v8", "linux/arm64", true},
        {"linux/arm64/v8", "linux/aarch64", true},
        {"linux/arm64/v8", "linux/arm64/v9", false},
        {"linux/arm", "linux/arm/v7", true},
        {"linux/arm/v7", "linux/armhf", true},
        {"linux/arm/v6", "linux/arm", true}, // containerd: a v7 CPU (arm's default) runs v6 code
        {"linux/arm/v6", "linux/armel", true},
        {"linux/arm/v5", "linux/arm/v7", true},
        {"linux/amd64", "linux/x86_64", true},
        {"linux/amd64", "linux/amd64/v1", true},
        {"linux/amd64/v3", "linux/amd64", false},
        {"linux/amd64", "linux/arm64", false},
        {"linux/amd64", "windows/amd64", false},
        {"linux/386", "linux/i386", true},
        {"windows(10.0.17763.5329)/amd64", "windows/amd64", true},
        {"windows(10.0.17763.5329)/amd64", "windows(10.0.17763.5329)/amd64", true},
        {"windows(10.0.20348.2402)/amd64", "windows(10.0.17763.5329)/amd64", false},
        {"windows/amd64", "windows(10.0.17763.5329)/amd64", false},
        {"unknown/unknown", "linux/amd64", false},
    };
    for (const Case &c : cases) {
        INFO(c.have << " vs " << c.want);
        const Platform have = Platform::parse(QString::fromLatin1(c.have)).value();
        const Platform want = Platform::parse(QString::fromLatin1(c.want)).value();
        CHECK(have.matches(want) == c.matches);
    }
    // matches() normalises un-normalised structs too (as read from JSON).
    CHECK(make("Linux", "aarch64").matches(make("linux", "arm64", "v8")));
    CHECK(make("linux", "arm64", "8").matches(make("linux", "arm64")));
    CHECK(Platform::defaultVariant(u"arm64") == QStringLiteral("v8"));
    CHECK(Platform::defaultVariant(u"arm") == QStringLiteral("v7"));
    CHECK(Platform::defaultVariant(u"s390x").isEmpty());
}

TEST_CASE("Platform::matches follows containerd's compatibility, matchesExactly does not", "[platform]")
{
    struct Case
    {
        const char *have; // the index entry
        const char *want; // what the machine is
        bool matches;
        bool exactly;
    };
    const Case cases[] = {
        // arm: a higher variant runs the lower ones.
        {"linux/arm/v7", "linux/arm/v7", true, true},
        {"linux/arm/v6", "linux/arm/v7", true, false},
        {"linux/arm/v5", "linux/arm/v7", true, false},
        {"linux/arm/v8", "linux/arm/v7", false, false},
        {"linux/arm/v8", "linux/arm/v8", true, true},
        {"linux/arm/v7", "linux/arm/v8", true, false},
        {"linux/arm/v5", "linux/arm/v8", true, false},
        {"linux/arm/v7", "linux/arm/v6", false, false},
        {"linux/arm/v5", "linux/arm/v6", true, false},
        {"linux/arm", "linux/arm/v8", true, false}, // none is v7
        {"linux/arm", "linux/arm/v6", false, false},
        // amd64 micro-architecture levels.
        {"linux/amd64", "linux/amd64/v3", true, false},
        {"linux/amd64/v1", "linux/amd64/v3", true, false},
        {"linux/amd64/v2", "linux/amd64/v3", true, false},
        {"linux/amd64/v3", "linux/amd64/v3", true, true},
        {"linux/amd64/v4", "linux/amd64/v3", false, false},
        {"linux/amd64/v2", "linux/amd64", false, false},
        // arm64: v8 is none; other variants compare exactly.
        {"linux/arm64", "linux/arm64/v8", true, true},
        {"linux/arm64/v8", "linux/arm64", true, true},
        {"linux/arm64/v8.1", "linux/arm64", false, false},
        // Nothing crosses architectures.
        {"linux/arm/v7", "linux/arm64/v8", false, false},
        {"linux/386", "linux/amd64", false, false},
        // Windows: major.minor.build decides; the revision is a patch level.
        {"windows(10.0.17763.5329)/amd64", "windows(10.0.17763)/amd64", true, false},
        {"windows(10.0.17763.5329)/amd64", "windows(10.0.17763.1)/amd64", true, false},
        {"windows(10.0.17763)/amd64", "windows(10.0.17763.5329)/amd64", true, false},
        {"windows(10.0.20348.2402)/amd64", "windows(10.0.17763)/amd64", false, false},
        {"windows(10.0.17763.5329)/amd64", "windows(10.0)/amd64", false, false},
        {"windows(10.0)/amd64", "windows(10.0)/amd64", true, true},
    };
    for (const Case &c : cases) {
        INFO(c.have << " vs " << c.want);
        const Platform have = Platform::parse(QString::fromLatin1(c.have)).value();
        const Platform want = Platform::parse(QString::fromLatin1(c.want)).value();
        CHECK(have.matches(want) == c.matches);
        CHECK(have.matchesExactly(want) == c.exactly);
        CHECK((have.compatibilityRank(want) >= 0) == c.matches);
    }
}

TEST_CASE("Platform unknown/unknown and empty", "[platform]")
{
    CHECK(make("unknown", "unknown").isUnknown());
    CHECK_FALSE(make("linux", "unknown").isUnknown());
    CHECK(Platform().isEmpty());
    CHECK(Platform().toString().isEmpty());
    CHECK_FALSE(make("linux", "amd64").isEmpty());
}

TEST_CASE("Platform JSON round trip keeps every field", "[platform]")
{
    const QJsonObject obj = object(R"({"architecture":"amd64","os":"windows","os.version":"10.0.17763.5329",
        "os.features":["win32k"],"variant":"v1","features":["sse4"]})");
    auto p = Platform::fromJson(obj, u"manifests[0].platform");
    REQUIRE(p.hasValue());
    CHECK(p->architecture == QStringLiteral("amd64"));
    CHECK(p->os == QStringLiteral("windows"));
    CHECK(p->osVersion == QStringLiteral("10.0.17763.5329"));
    CHECK(p->osFeatures == QStringList{QStringLiteral("win32k")});
    CHECK(p->variant == QStringLiteral("v1"));
    CHECK(p->features == QStringList{QStringLiteral("sse4")});
    CHECK(p->toJson() == obj);
    CHECK(Platform::fromJson(p->toJson(), u"").value() == *p);

    // Values are kept as written; normalisation is explicit.
    auto raw = Platform::fromJson(object(R"({"architecture":"aarch64","os":"Linux","variant":null})"), u"");
    REQUIRE(raw.hasValue());
    CHECK(raw->architecture == QStringLiteral("aarch64"));
    CHECK(raw->variant.isEmpty());
    CHECK(raw->normalized() == make("linux", "arm64"));
    CHECK(raw->toJson() == object(R"({"architecture":"aarch64","os":"Linux"})"));
}

TEST_CASE("Platform JSON rejects missing fields and wrong types with the path", "[platform]")
{
    struct Case
    {
        const char *json;
        QString field;
        QString reasonContains;
    };
    const Case cases[] = {
        {R"({"os":"linux"})", QStringLiteral("manifests[1].platform.architecture"), QStringLiteral("missing")},
        {R"({"architecture":"amd64"})", QStringLiteral("manifests[1].platform.os"), QStringLiteral("missing")},
        {R"({"architecture":"","os":"linux"})", QStringLiteral("manifests[1].platform.architecture"),
         QStringLiteral("must not be empty")},
        {R"({"architecture":7,"os":"linux"})", QStringLiteral("manifests[1].platform.architecture"),
         QStringLiteral("must be a string, not a number")},
        {R"({"architecture":"amd64","os":"linux","variant":["v8"]})", QStringLiteral("manifests[1].platform.variant"),
         QStringLiteral("not an array")},
        {R"({"architecture":"amd64","os":"windows","os.version":10})",
         QStringLiteral("manifests[1].platform[\"os.version\"]"), QStringLiteral("must be a string")},
        {R"({"architecture":"amd64","os":"windows","os.features":"win32k"})",
         QStringLiteral("manifests[1].platform[\"os.features\"]"), QStringLiteral("array of strings")},
        {R"({"architecture":"amd64","os":"windows","os.features":["a",1]})",
         QStringLiteral("manifests[1].platform[\"os.features\"][1]"), QStringLiteral("must be a string")},
        {R"({"architecture":"amd64","os":"linux","features":{}})", QStringLiteral("manifests[1].platform.features"),
         QStringLiteral("array of strings")},
    };
    for (const Case &c : cases) {
        INFO("json: " << c.json);
        auto p = Platform::fromJson(object(c.json), u"manifests[1].platform");
        REQUIRE_FALSE(p.hasValue());
        CHECK(p.error().field == c.field);
        INFO("reason: " << p.error().reason.toStdString());
        CHECK(p.error().reason.contains(c.reasonContains));
    }
}
