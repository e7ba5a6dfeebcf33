// minatoctl's ls and tags through the vendors' own APIs (src/client/vendorapi.h): a Docker Hub namespace
// listing and tag details from the hub API, Harbor's repositories and artifacts, GCR's tag list with its
// manifest object and child tree, ACR's _manifests — and the fallbacks: the catalog for registries without
// such an API, the registry's tag list when the vendor API refuses.
// Why stand-ins: none of these services can be reached from this machine (no internet), and no Harbor runs
// here; DESIGN.md allows a stand-in for exactly such remote services (see tests/support/*standin.h for the
// documented shapes they follow). The stand-ins run in this process, so minatoctl is awaited with a
// QSignalSpy (the event loop keeps serving), never with waitForFinished.
#include "acrstandin.h"
#include "clitestsupport.h"
#include "dockerhubstandin.h"
#include "gcrstandin.h"
#include "harborstandin.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>

using namespace Minato::Test;

namespace {

const QString kDigestA = QStringLiteral("sha256:") + QString(64, u'a');
const QString kDigestB = QStringLiteral("sha256:") + QString(64, u'b');
const QString kImageType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");

// minatoctl run while this process keeps answering as the stand-ins.
CliRun runServing(CliEnvironment &env, const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.setProcessEnvironment(env.environment());
    QSignalSpy done(&p, &QProcess::finished);
    p.start(binaryPath(u"minatoctl"), args);
    REQUIRE(p.waitForStarted(10000));
    if (!input.isEmpty()) {
        p.write(input);
    }
    p.closeWriteChannel();
    if (done.isEmpty() && !done.wait(60000)) {
        p.kill();
        p.waitForFinished();
        FAIL("minatoctl " << args.join(u' ').toStdString() << " did not finish");
    }
    CliRun r{p.exitCode(), p.readAllStandardOutput(), QString::fromUtf8(p.readAllStandardError())};
    return r;
}

void addConnection(CliEnvironment &env, const QString &name, const QUrl &url, const QString &kind)
{
    const CliRun r = env.run(
        {QStringLiteral("connections"), QStringLiteral("add"), name, url.toString(), QStringLiteral("--kind"), kind});
    INFO(r.err.toStdString());
    REQUIRE(r.exitCode == 0);
}

QStringList jsonStrings(const QJsonArray &array)
{
    QStringList out;
    for (const QJsonValue &v : array) {
        out.append(v.toString());
    }
    return out;
}

QStringList lines(const CliRun &r)
{
    return r.text().split(u'\n', Qt::SkipEmptyParts);
}

QList<StandInRequest> requestsTo(const StandInServer &server, const QByteArray &pathStart)
{
    QList<StandInRequest> out;
    for (const StandInRequest &r : server.requests()) {
        if (r.path.startsWith(pathStart)) {
            out.append(r);
        }
    }
    return out;
}

QJsonObject byName(const QJsonArray &array, const QString &name)
{
    for (const QJsonValue &v : array) {
        if (v.toObject().value(QStringLiteral("name")).toString() == name) {
            return v.toObject();
        }
    }
    return {};
}

} // namespace

TEST_CASE("minatoctl ls and tags on a Docker Hub connection use the hub API", "[cli][vendor][dockerhub]")
{
    DockerHubStandIn hub({});
    DockerHubStandIn::Repository app;
    app.namespaceName = QStringLiteral("team");
    app.name = QStringLiteral("app");
    DockerHubStandIn::Tag v1;
    v1.name = QStringLiteral("v1");
    v1.fullSize = 31337;
    v1.lastUpdated = QStringLiteral("2024-05-02T09:14:33.123456Z");
    v1.digest = kDigestA;
    v1.mediaType = kImageType;
    DockerHubStandIn::Image amd64;
    amd64.architecture = QStringLiteral("amd64");
    amd64.os = QStringLiteral("linux");
    amd64.size = 31337;
    amd64.digest = kDigestA;
    v1.images = {amd64};
    app.tags = {v1};
    hub.addRepository(app);
    DockerHubStandIn::Repository tool;
    tool.namespaceName = QStringLiteral("team");
    tool.name = QStringLiteral("tool");
    hub.addRepository(tool);
    DockerHubStandIn::Repository other;
    other.namespaceName = QStringLiteral("other");
    other.name = QStringLiteral("thing");
    hub.addRepository(other);
    REQUIRE(hub.listen());

    CliEnvironment env;
    env.environment().insert(QStringLiteral("MINATO_DOCKERHUB_API_URL"), hub.baseUrl().toString());
    // The registry side is never contacted: listing and tag details come from the hub API.
    addConnection(env, QStringLiteral("hub"), QUrl(QStringLiteral("http://127.0.0.1:9")), QStringLiteral("dockerhub"));

    const CliRun byPath =
        runServing(env, {QStringLiteral("ls"), QStringLiteral("127.0.0.1:9/team"), QStringLiteral("--json")});
    INFO(byPath.err.toStdString());
    REQUIRE(byPath.exitCode == 0);
    CHECK(jsonStrings(byPath.json().array()) == QStringList{QStringLiteral("team/app"), QStringLiteral("team/tool")});
    const CliRun byOption = runServing(
        env, {QStringLiteral("ls"), QStringLiteral("hub"), QStringLiteral("--namespace"), QStringLiteral("team")});
    REQUIRE(byOption.exitCode == 0);
    CHECK(lines(byOption) == QStringList{QStringLiteral("team/app"), QStringLiteral("team/tool")});
    CHECK(runServing(env, {QStringLiteral("ls"), QStringLiteral("127.0.0.1:9/team"), QStringLiteral("--namespace"),
                           QStringLiteral("other")})
              .exitCode == 2);

    // Anonymous, without a namespace: a sentence, exit status 2, no request.
    const CliRun none = runServing(env, {QStringLiteral("ls"), QStringLiteral("hub")});
    CHECK(none.exitCode == 2);
    CHECK(none.err.contains(QStringLiteral("Docker Hub has no catalog: name a namespace (hub/NAME")));

    const CliRun text = runServing(env, {QStringLiteral("tags"), QStringLiteral("127.0.0.1:9/team/app")});
    INFO(text.err.toStdString());
    REQUIRE(text.exitCode == 0);
    const QStringList rows = lines(text);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].startsWith(QStringLiteral("CREATED")));
    CHECK(rows[0].endsWith(QStringLiteral("TAG")));
    CHECK(rows[1].startsWith(QStringLiteral("2024-05-02T09:14:33Z")));
    CHECK(rows[1].contains(QStringLiteral("30.6 KiB")));
    CHECK(rows[1].endsWith(QStringLiteral("  v1")));

    const CliRun json =
        runServing(env, {QStringLiteral("tags"), QStringLiteral("127.0.0.1:9/team/app"), QStringLiteral("--json")});
    REQUIRE(json.exitCode == 0);
    const QJsonObject o = byName(json.json().array(), QStringLiteral("v1"));
    CHECK(o.value(QStringLiteral("digest")).toString() == kDigestA);
    CHECK(o.value(QStringLiteral("size")).toInteger() == 31337);
    CHECK(o.value(QStringLiteral("created")).toString() == QStringLiteral("2024-05-02T09:14:33Z"));
    CHECK(o.value(QStringLiteral("platforms")).toArray() == QJsonArray{QStringLiteral("linux/amd64")});
    CHECK(requestsTo(hub.server(), "/v2/namespaces/team/repositories/app/tags").size() == 2);
}

TEST_CASE("minatoctl ls lists Harbor's repositories, tags prints artifact details", "[cli][vendor][harbor]")
{
    HarborStandIn harbor({});
    harbor.addProject(QStringLiteral("library"), true);
    harbor.addProject(QStringLiteral("tools"), true);
    HarborStandIn::Artifact image;
    image.digest = kDigestA;
    image.size = 2048;
    image.pushTime = QStringLiteral("2024-03-01T10:00:00.000Z");
    image.manifestMediaType = kImageType;
    image.tags = {QStringLiteral("v1"), QStringLiteral("stable")};
    image.os = QStringLiteral("linux");
    image.architecture = QStringLiteral("arm64");
    image.created = QStringLiteral("2024-02-28T08:30:00Z");
    harbor.addRepository(QStringLiteral("library/team/app"), {image});
    harbor.addRepository(QStringLiteral("tools/lint"), {});
    REQUIRE(harbor.listen());
    CliEnvironment env;
    addConnection(env, QStringLiteral("harbor"), harbor.baseUrl(), QStringLiteral("harbor"));
    const QString host = harbor.baseUrl().authority();

    const CliRun all = runServing(env, {QStringLiteral("ls"), QStringLiteral("harbor"), QStringLiteral("--json")});
    INFO(all.err.toStdString());
    REQUIRE(all.exitCode == 0);
    CHECK(jsonStrings(all.json().array()) ==
          QStringList{QStringLiteral("library/team/app"), QStringLiteral("tools/lint")});
    const CliRun project = runServing(
        env, {QStringLiteral("ls"), QStringLiteral("harbor"), QStringLiteral("--namespace"), QStringLiteral("tools")});
    REQUIRE(project.exitCode == 0);
    CHECK(lines(project) == QStringList{QStringLiteral("tools/lint")});
    CHECK(requestsTo(harbor.server(), "/v2/_catalog").isEmpty());

    const CliRun tags =
        runServing(env, {QStringLiteral("tags"), host + QStringLiteral("/library/team/app"), QStringLiteral("--json")});
    INFO(tags.err.toStdString());
    REQUIRE(tags.exitCode == 0);
    const QJsonArray array = tags.json().array();
    REQUIRE(array.size() == 2);
    const QJsonObject stable = byName(array, QStringLiteral("stable"));
    CHECK(stable.value(QStringLiteral("digest")).toString() == kDigestA);
    CHECK(stable.value(QStringLiteral("size")).toInteger() == 2048);
    CHECK(stable.value(QStringLiteral("created")).toString() == QStringLiteral("2024-02-28T08:30:00Z"));
    CHECK(stable.value(QStringLiteral("mediaType")).toString() == kImageType);
    CHECK(stable.value(QStringLiteral("platforms")).toArray() == QJsonArray{QStringLiteral("linux/arm64")});
}

TEST_CASE("minatoctl on GCR: tag details from the tag list, ls walks a project", "[cli][vendor][gcr]")
{
    GcrStandIn gcr({});
    GcrStandIn::Image image;
    image.digest = kDigestB;
    image.size = 1048576;
    image.mediaType = kImageType;
    image.tags = {QStringLiteral("v1")};
    image.createdMs = 1690000000000;
    image.uploadedMs = 1690000100000;
    gcr.addRepository(QStringLiteral("proj/app"), {image});
    gcr.addRepository(QStringLiteral("proj/team/api"), {image});
    REQUIRE(gcr.listen());
    CliEnvironment env;
    addConnection(env, QStringLiteral("gcr"), gcr.baseUrl(), QStringLiteral("gar"));
    const QString host = gcr.baseUrl().authority();

    const CliRun tags = runServing(env, {QStringLiteral("tags"), host + QStringLiteral("/proj/app")});
    INFO(tags.err.toStdString());
    REQUIRE(tags.exitCode == 0);
    const QStringList rows = lines(tags);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].startsWith(QStringLiteral("2023-07-22T04:26:40Z")));
    CHECK(rows[1].contains(QStringLiteral("1.0 MiB")));
    CHECK(rows[1].endsWith(QStringLiteral("  v1")));

    const CliRun walk =
        runServing(env, {QStringLiteral("ls"), host + QStringLiteral("/proj"), QStringLiteral("--json")});
    INFO(walk.err.toStdString());
    REQUIRE(walk.exitCode == 0);
    CHECK(jsonStrings(walk.json().array()) == QStringList{QStringLiteral("proj/app"), QStringLiteral("proj/team/api")});
}

TEST_CASE("minatoctl on ACR: tag details with metadata_read, names from the tag list without it", "[cli][vendor][acr]")
{
    AcrStandIn::Options options;
    options.users.insert(QStringLiteral("registry-user"), QStringLiteral("acr-password"));
    options.anonymousPull = true;
    AcrStandIn acr(options);
    AcrStandIn::Manifest older;
    older.digest = kDigestA;
    older.imageSize = 500;
    older.createdTime = QStringLiteral("2024-01-01T00:00:00.0000000Z");
    older.lastUpdateTime = older.createdTime;
    older.mediaType = kImageType;
    older.tags = {QStringLiteral("v1")};
    older.architecture = QStringLiteral("amd64");
    older.os = QStringLiteral("linux");
    AcrStandIn::Manifest newer = older;
    newer.digest = kDigestB;
    newer.imageSize = 700;
    newer.createdTime = QStringLiteral("2024-06-01T12:30:00.0000000Z");
    newer.lastUpdateTime = newer.createdTime;
    newer.tags = {QStringLiteral("v2")};
    acr.addRepository(QStringLiteral("team/app"), {older, newer});
    REQUIRE(acr.listen());
    CliEnvironment env;
    addConnection(env, QStringLiteral("acr"), acr.baseUrl(), QStringLiteral("acr"));
    const QString repo = acr.baseUrl().authority() + QStringLiteral("/team/app");

    SECTION("signed in: newest first, with details")
    {
        const CliRun r =
            runServing(env,
                       {QStringLiteral("tags"), repo, QStringLiteral("--json"), QStringLiteral("--username"),
                        QStringLiteral("registry-user"), QStringLiteral("--password-stdin")},
                       "acr-password\n");
        INFO(r.err.toStdString());
        REQUIRE(r.exitCode == 0);
        const QJsonArray array = r.json().array();
        REQUIRE(array.size() == 2);
        CHECK(array[0].toObject().value(QStringLiteral("name")).toString() == QStringLiteral("v2"));
        CHECK(array[0].toObject().value(QStringLiteral("size")).toInteger() == 700);
        CHECK(array[0].toObject().value(QStringLiteral("created")).toString() ==
              QStringLiteral("2024-06-01T12:30:00Z"));
        CHECK(array[1].toObject().value(QStringLiteral("digest")).toString() == kDigestA);
        CHECK(r.err.isEmpty());
    }
    SECTION("anonymous pull has no metadata_read: a warning, then the names")
    {
        const CliRun r = runServing(env, {QStringLiteral("tags"), repo});
        INFO(r.err.toStdString());
        REQUIRE(r.exitCode == 0);
        CHECK(r.err.contains(QStringLiteral("warning")));
        CHECK(r.err.contains(QStringLiteral("Azure Container Registry")));
        const QStringList rows = lines(r);
        REQUIRE(rows.size() == 3);
        CHECK(rows[1].startsWith(QStringLiteral("?")));
        CHECK(rows[1].endsWith(QStringLiteral("  v1")));
        CHECK(rows[2].endsWith(QStringLiteral("  v2")));

        const CliRun json = runServing(env, {QStringLiteral("tags"), repo, QStringLiteral("--json")});
        REQUIRE(json.exitCode == 0);
        const QJsonObject v1 = byName(json.json().array(), QStringLiteral("v1"));
        CHECK(v1.value(QStringLiteral("digest")).isNull());
        CHECK(v1.value(QStringLiteral("size")).isNull());
    }
    SECTION("--names-only: the registry's tag list, strings")
    {
        const CliRun r =
            runServing(env, {QStringLiteral("tags"), repo, QStringLiteral("--names-only"), QStringLiteral("--json")});
        INFO(r.err.toStdString());
        REQUIRE(r.exitCode == 0);
        CHECK(jsonStrings(r.json().array()) == QStringList{QStringLiteral("v1"), QStringLiteral("v2")});
        CHECK(requestsTo(acr.server(), "/acr/v1/").isEmpty());
    }
}

TEST_CASE("minatoctl ls: a namespace on a registry without namespaces is a usage error", "[cli][vendor]")
{
    CliEnvironment env;
    const CliRun r = env.run({QStringLiteral("ls"), QStringLiteral("127.0.0.1:9/team")});
    CHECK(r.exitCode == 2);
    CHECK(r.err.contains(QStringLiteral("no namespaces")));
}
