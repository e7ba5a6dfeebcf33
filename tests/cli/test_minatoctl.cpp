#include "testsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run minatoctl(const QStringList &args)
{
    QProcess p;
    p.start(Minato::Test::binaryPath(u"minatoctl"), args);
    REQUIRE(p.waitForFinished(30000));
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

TEST_CASE("minatoctl answers --version and rejects unknown commands", "[cli]")
{
    const Run version = minatoctl({QStringLiteral("--version")});
    CHECK(version.exitCode == 0);
    CHECK(version.out.contains(QStringLiteral(MINATO_VERSION)));

    const Run unknown = minatoctl({QStringLiteral("no-such-command")});
    CHECK(unknown.exitCode == 2);
    CHECK(unknown.err.contains(QStringLiteral("unknown command")));
}

TEST_CASE("minatoctl ref explains references the way docker reads them", "[cli]")
{
    const Run run = minatoctl({QStringLiteral("ref"), QStringLiteral("--json"), QStringLiteral("alpine"),
                               QStringLiteral("ghcr.io/org/app:1.2"),
                               QStringLiteral("[::1]:5000/team/api@sha256:") + QString(64, u'a')});
    INFO(run.err.toStdString());
    REQUIRE(run.exitCode == 0);
    const QStringList lines = run.out.split(u'\n', Qt::SkipEmptyParts);
    REQUIRE(lines.size() == 3);

    const QJsonObject alpine = QJsonDocument::fromJson(lines[0].toUtf8()).object();
    CHECK(alpine.value(QStringLiteral("reference")).toString() == QStringLiteral("docker.io/library/alpine"));
    CHECK(alpine.value(QStringLiteral("pull")).toString() == QStringLiteral("docker.io/library/alpine:latest"));
    CHECK(alpine.value(QStringLiteral("registry")).toString() == QStringLiteral("registry-1.docker.io"));
    CHECK(alpine.value(QStringLiteral("familiar")).toString() == QStringLiteral("alpine"));

    const QJsonObject ghcr = QJsonDocument::fromJson(lines[1].toUtf8()).object();
    CHECK(ghcr.value(QStringLiteral("registry")).toString() == QStringLiteral("ghcr.io"));
    CHECK(ghcr.value(QStringLiteral("repository")).toString() == QStringLiteral("org/app"));
    CHECK(ghcr.value(QStringLiteral("tag")).toString() == QStringLiteral("1.2"));

    const QJsonObject v6 = QJsonDocument::fromJson(lines[2].toUtf8()).object();
    CHECK(v6.value(QStringLiteral("registry")).toString() == QStringLiteral("[::1]:5000"));
    CHECK(v6.value(QStringLiteral("digest")).toString() == QStringLiteral("sha256:") + QString(64, u'a'));
}

TEST_CASE("minatoctl ref names the problem with an invalid reference", "[cli]")
{
    const Run upper = minatoctl({QStringLiteral("ref"), QStringLiteral("docker.io/Team/App")});
    CHECK(upper.exitCode == 1);
    CHECK(upper.err.contains(QStringLiteral("lowercase")));

    const Run longTag = minatoctl({QStringLiteral("ref"), QStringLiteral("app:") + QString(129, u'x')});
    CHECK(longTag.exitCode == 1);
    CHECK(longTag.err.contains(QStringLiteral("tag")));
    CHECK(longTag.err.contains(QStringLiteral("128")));

    const Run none = minatoctl({QStringLiteral("ref")});
    CHECK(none.exitCode == 2);
}
