#include "embedded_registry/registryinfo.h"

#include "testsupport.h"

#include <QProcess>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runRegistry(const QStringList &args)
{
    QProcess p;
    p.start(Minato::Test::binaryPath(u"minato-registry"), args);
    REQUIRE(p.waitForFinished(30000));
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

TEST_CASE("minato-registry reports its version and the spec it implements", "[registry]")
{
    CHECK(Minato::Registry::serverName() == QStringLiteral("minato-registry/" MINATO_VERSION));
    const Run version = runRegistry({QStringLiteral("--version")});
    CHECK(version.exitCode == 0);
    CHECK(version.out.contains(QStringLiteral(MINATO_VERSION)));
    const Run help = runRegistry({QStringLiteral("--help")});
    CHECK(help.exitCode == 0);
    CHECK(help.out.contains(QStringLiteral("distribution-spec 1.1")));
}

TEST_CASE("minato-registry refuses unknown commands and says serve is not built yet", "[registry]")
{
    const Run unknown = runRegistry({QStringLiteral("frobnicate")});
    CHECK(unknown.exitCode == 2);
    CHECK(unknown.err.contains(QStringLiteral("unknown command \"frobnicate\"")));
    const Run serve = runRegistry({QStringLiteral("serve"), QStringLiteral("--addr"), QStringLiteral("127.0.0.1:0")});
    CHECK(serve.exitCode == 3);
    CHECK(serve.err.contains(QStringLiteral("not built yet")));
}
