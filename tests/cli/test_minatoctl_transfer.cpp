// minatoctl export and import as a process against both real registries (the CNCF reference registry and
// minato-registry): a two-platform index pushed with skopeo is exported to an OCI layout (digest unchanged, progress
// lines on stderr), to a docker-archive of one platform (read by skopeo), refused for a platform it lacks; both are
// imported back under other names; usage errors exit 2.
#include "clitestsupport.h"
#include "ocilayout.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace Minato::Test;

TEST_CASE("minatoctl export and import: OCI layouts and docker-archives", "[cli][transfer]")
{
    const auto kind = GENERATE(AnyRegistry::Kind::Reference, AnyRegistry::Kind::Embedded);
    AnyRegistry registry(kind);
    INFO(registry.name().toStdString());
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    const QString host = registry.hostPort();
    QTemporaryDir dir;
    const OciLayoutIndex multi = OciLayoutIndex::build(dir.filePath(QStringLiteral("source")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("minatoctl export\n")}});
    REQUIRE(multi.ok);
    const ProcessResult push =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--dest-tls-verify=false"),
                   multi.skopeoReference(), QStringLiteral("docker://%1/cli/multi:v1").arg(host)});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);
    CliEnvironment env;
    const QString ref = host + QStringLiteral("/cli/multi:v1");

    // OCI layout: every platform, the registry's digest; progress as plain lines (stderr is not a terminal).
    const QString layout = dir.filePath(QStringLiteral("layout"));
    const CliRun exported = env.run({QStringLiteral("export"), ref, layout, QStringLiteral("--json")});
    INFO(exported.err.toStdString());
    REQUIRE(exported.exitCode == 0);
    const QJsonObject e = exported.json().object();
    CHECK(e.value(QStringLiteral("format")).toString() == QStringLiteral("oci-layout"));
    CHECK(e.value(QStringLiteral("digest")).toString() == multi.indexDigest);
    CHECK(e.value(QStringLiteral("platforms")).toArray().size() == 2);
    CHECK(e.value(QStringLiteral("name")).toString() == QStringLiteral("v1"));
    CHECK(e.value(QStringLiteral("blobs")).toInt() == 4);
    CHECK(exported.err.contains(QStringLiteral("downloading")));
    CHECK(exported.err.contains(QStringLiteral("100%")));
    CHECK_FALSE(exported.err.contains(u'\r'));
    CHECK(QFileInfo::exists(layout + QStringLiteral("/blobs/sha256/") + multi.indexDigest.mid(7)));

    // docker-archive of linux/arm64: skopeo reads it.
    const QString archive = dir.filePath(QStringLiteral("multi-arm64.tar"));
    const CliRun tar = env.run({QStringLiteral("export"), ref, archive, QStringLiteral("--platform"),
                                QStringLiteral("linux/arm64"), QStringLiteral("--progress"), QStringLiteral("none")});
    INFO(tar.err.toStdString());
    REQUIRE(tar.exitCode == 0);
    CHECK(tar.err.isEmpty());
    CHECK(tar.text().contains(QStringLiteral("docker-archive")));
    CHECK(tar.text().contains(QStringLiteral("linux/arm64/v8")));
    CHECK(tar.text().contains(multi.images.at(1).configDigest));
    const ProcessResult inspect = runSkopeo({QStringLiteral("inspect"), QStringLiteral("docker-archive:") + archive});
    INFO(inspect.output.toStdString());
    REQUIRE(inspect.exitCode == 0);
    CHECK(inspect.output.contains(QStringLiteral("\"Architecture\": \"arm64\"")));

    // A platform the index lacks: exit 3, what it offers named, no file.
    const QString windows = dir.filePath(QStringLiteral("windows.tar"));
    const CliRun missing = env.run({QStringLiteral("export"), ref, windows, QStringLiteral("--platform"),
                                    QStringLiteral("windows/amd64")});
    CHECK(missing.exitCode == 3);
    CHECK(missing.err.contains(QStringLiteral("linux/amd64")));
    CHECK(missing.err.contains(QStringLiteral("linux/arm64/v8")));
    CHECK_FALSE(QFileInfo::exists(windows));
    CHECK_FALSE(QFileInfo::exists(windows + QStringLiteral(".part")));

    // Import both back.
    const CliRun fromLayout = env.run({QStringLiteral("import"), layout, host + QStringLiteral("/cli/imported:v1"),
                                       QStringLiteral("--json")});
    INFO(fromLayout.err.toStdString());
    REQUIRE(fromLayout.exitCode == 0);
    const QJsonObject i = fromLayout.json().object();
    CHECK(i.value(QStringLiteral("digest")).toString() == multi.indexDigest);
    CHECK(i.value(QStringLiteral("manifests")).toInt() == 3);
    CHECK(i.value(QStringLiteral("blobs")).toInt() == 4);
    const CliRun inspected = env.run({QStringLiteral("inspect"), host + QStringLiteral("/cli/imported:v1"),
                                      QStringLiteral("--json")});
    REQUIRE(inspected.exitCode == 0);
    CHECK(inspected.json().object().value(QStringLiteral("digest")).toString() == multi.indexDigest);

    const CliRun fromTar = env.run({QStringLiteral("import"), archive, host + QStringLiteral("/cli/fromtar:arm64")});
    INFO(fromTar.err.toStdString());
    REQUIRE(fromTar.exitCode == 0);
    CHECK(fromTar.text().contains(QStringLiteral("Imported")));
    CHECK(fromTar.text().contains(multi.images.at(1).configDigest));
    CHECK(fromTar.text().contains(QStringLiteral("Docker")));

    // Usage errors.
    CHECK(env.run({QStringLiteral("import"), layout, ref + QStringLiteral("@") + multi.indexDigest}).exitCode == 2);
    CHECK(env.run({QStringLiteral("import"), dir.filePath(QStringLiteral("nothing")), ref}).exitCode == 2);
    CHECK(env.run({QStringLiteral("export"), ref, layout, QStringLiteral("--progress"), QStringLiteral("loud")})
              .exitCode == 2);
    CHECK(env.run({QStringLiteral("import"), layout, host + QStringLiteral("/cli/x:v1"), QStringLiteral("--name"),
                   QStringLiteral("nope")})
              .exitCode == 3);
    const CliRun help = env.run({QStringLiteral("--help")});
    CHECK(help.text().contains(QStringLiteral("export REF DIR|FILE.tar")));
    CHECK(help.text().contains(QStringLiteral("import DIR|FILE.tar REF")));
}
