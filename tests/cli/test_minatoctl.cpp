#include "testsupport.h"

#include <QProcess>

TEST_CASE("minatoctl answers --version and rejects unknown commands", "[cli]")
{
    QProcess p;
    p.start(Minato::Test::binaryPath(u"minatoctl"), {QStringLiteral("--version")});
    REQUIRE(p.waitForFinished(30000));
    CHECK(p.exitCode() == 0);
    CHECK(QString::fromUtf8(p.readAllStandardOutput()).contains(QStringLiteral(MINATO_VERSION)));

    p.start(Minato::Test::binaryPath(u"minatoctl"), {QStringLiteral("no-such-command")});
    REQUIRE(p.waitForFinished(30000));
    CHECK(p.exitCode() == 2);
    CHECK(QString::fromUtf8(p.readAllStandardError()).contains(QStringLiteral("unknown command")));
}
