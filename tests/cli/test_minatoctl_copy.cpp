// minatoctl cp as a process between the two real registries (minato-registry and the CNCF reference registry):
// a two-platform index pushed with skopeo is copied whole (digest checked with `skopeo inspect --raw`), then
// one platform of it (a new index, and the output says so), then again (nothing sent); progress lines on a pipe;
// usage errors and a missing source with their exit codes.
#include "clitestsupport.h"
#include "ocilayout.h"
#include "registrycontent.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace Minato::Test;

TEST_CASE("minatoctl cp: an index between registries, a platform subset, a second run", "[cli][copy]")
{
    AnyRegistry minato(AnyRegistry::Kind::Embedded);
    AnyRegistry reference(AnyRegistry::Kind::Reference);
    INFO(minato.errorString().toStdString() + reference.errorString().toStdString());
    REQUIRE(minato.start());
    REQUIRE(reference.start());
    QTemporaryDir dir;
    const OciLayoutIndex multi =
        OciLayoutIndex::build(dir.path(), QStringLiteral("v1"), {{QStringLiteral("hello.txt"), "copied"}});
    INFO(multi.error.toStdString());
    REQUIRE(multi.ok);
    const ProcessResult push = runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"),
                                          QStringLiteral("--dest-tls-verify=false"), multi.skopeoReference(),
                                          QStringLiteral("docker://%1/team/app:v1").arg(minato.hostPort())});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);
    CliEnvironment env;

    // Every platform, the source's tag (DST names none), JSON out, progress lines on stderr (not a terminal).
    const CliRun all = env.run({QStringLiteral("cp"), QStringLiteral("%1/team/app:v1").arg(minato.hostPort()),
                                QStringLiteral("%1/mirror/app").arg(reference.hostPort()), QStringLiteral("--json")});
    INFO(all.err.toStdString());
    REQUIRE(all.exitCode == 0);
    const QJsonObject o = all.json().object();
    CHECK(o.value(QStringLiteral("digest")).toString() == multi.indexDigest);
    CHECK(o.value(QStringLiteral("target")).toString() == QStringLiteral("%1/mirror/app:v1").arg(reference.hostPort()));
    CHECK(o.value(QStringLiteral("manifestsPushed")).toInt() == 3);
    CHECK(o.value(QStringLiteral("blobsCopied")).toInt() == 4);
    CHECK(o.value(QStringLiteral("platforms")).toArray().size() == 2);
    CHECK(all.err.contains(QStringLiteral("copied")));
    CHECK(skopeoDigest(reference.hostPort(), QStringLiteral("mirror/app:v1")).toString() == multi.indexDigest);

    // Again, under another tag: every blob is there already.
    const CliRun again = env.run({QStringLiteral("cp"), QStringLiteral("%1/team/app:v1").arg(minato.hostPort()),
                                  QStringLiteral("%1/mirror/app:again").arg(reference.hostPort()),
                                  QStringLiteral("--json"), QStringLiteral("--progress"), QStringLiteral("none")});
    INFO(again.err.toStdString());
    REQUIRE(again.exitCode == 0);
    CHECK(again.json().object().value(QStringLiteral("blobsCopied")).toInt() == 0);
    CHECK(again.json().object().value(QStringLiteral("blobsPresent")).toInt() == 4);
    CHECK(again.json().object().value(QStringLiteral("bytesSent")).toInt() == 0);
    CHECK(again.err.isEmpty() == false); // the plan line is still printed

    // One platform: a new index, and the text output says so.
    const CliRun one = env.run({QStringLiteral("cp"), QStringLiteral("%1/team/app:v1").arg(minato.hostPort()),
                                QStringLiteral("%1/mirror/app:arm64").arg(reference.hostPort()),
                                QStringLiteral("--platform"), QStringLiteral("linux/arm64")});
    INFO(one.err.toStdString());
    REQUIRE(one.exitCode == 0);
    CHECK(one.err.contains(QStringLiteral("NEW index")));
    CHECK(one.text().contains(QStringLiteral("Rewritten")));
    CHECK(one.text().contains(multi.indexDigest));
    CHECK(skopeoDigest(reference.hostPort(), QStringLiteral("mirror/app:arm64")).toString() != multi.indexDigest);

    // Errors: usage (2), a source that does not exist (3).
    CHECK(env.run({QStringLiteral("cp"), QStringLiteral("%1/team/app:v1").arg(minato.hostPort())}).exitCode == 2);
    CHECK(env.run({QStringLiteral("cp"), QStringLiteral("%1/team/app:v1").arg(minato.hostPort()),
                   QStringLiteral("%1/x/y").arg(reference.hostPort()), QStringLiteral("--platform"),
                   QStringLiteral("not a platform")})
              .exitCode == 2);
    CHECK(env.run({QStringLiteral("cp"), QStringLiteral("%1/team/app:v1").arg(minato.hostPort()),
                   QStringLiteral("%1/x/y").arg(reference.hostPort()), QStringLiteral("--all-platforms"),
                   QStringLiteral("--platform"), QStringLiteral("linux/amd64")})
              .exitCode == 2);
    const CliRun missing = env.run({QStringLiteral("cp"), QStringLiteral("%1/team/none:v1").arg(minato.hostPort()),
                                    QStringLiteral("%1/x/y").arg(reference.hostPort())});
    CHECK(missing.exitCode == 3);
}
