// minato-registry against real peers: skopeo pushes images built here, pulls them back, inspects, lists
// and deletes; the bytes and digests must survive unchanged. Minato's own client reads the same registry.
#include "embeddedregistryprocess.h"
#include "httpfetch.h"
#include "ocilayout.h"

#include "client/registryclient.h"
#include "client/tagsquery.h"
#include "oci/digest.h"
#include "oci/manifest.h"
#include "oci/mediatype.h"
#include "oci/routes.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Minato::Test;
using namespace Minato::Oci;

TEST_CASE("skopeo pushes to and pulls from minato-registry with digests preserved", "[e2e]")
{
    EmbeddedRegistryProcess registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const OciLayoutImage image = OciLayoutImage::build(
        dir.filePath(QStringLiteral("layout")), QStringLiteral("v1"),
        {{QStringLiteral("etc/motd"), QByteArray("minato\n")}, {QStringLiteral("bin/tool"), QByteArray(300000, 'z')}});
    REQUIRE(image.ok);
    const QString repo = QStringLiteral("docker://%1/e2e/app").arg(registry.hostPort());

    // Push the OCI image as it is.
    ProcessResult push = runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"),
                                    image.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);

    // The registry serves the exact bytes, with its digest.
    const Routes routes;
    const HttpResult get =
        httpFetch("GET", urlOn(registry.baseUrl(), routes.path(Endpoint::GetManifest, u"e2e/app", u"v1")),
                  {{"Accept", manifestAccept()}});
    REQUIRE(get.status == 200);
    CHECK(get.body == image.manifest);
    CHECK(get.header("Content-Type") == "application/vnd.oci.image.manifest.v1+json");
    CHECK(get.header("Docker-Content-Digest") == image.manifestDigest.toLatin1());

    // skopeo inspect sees the same digest and config.
    const ProcessResult inspect =
        runSkopeo({QStringLiteral("inspect"), QStringLiteral("--tls-verify=false"), repo + QStringLiteral(":v1")});
    INFO(inspect.output.toStdString());
    REQUIRE(inspect.exitCode == 0);
    const QJsonObject inspected = QJsonDocument::fromJson(inspect.output.toUtf8()).object();
    CHECK(inspected.value(QStringLiteral("Digest")).toString() == image.manifestDigest);
    CHECK(inspected.value(QStringLiteral("Architecture")).toString() == QStringLiteral("amd64"));

    // A Docker schema 2 conversion under another tag, then list-tags.
    push = runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"), QStringLiteral("--format"),
                      QStringLiteral("v2s2"), image.skopeoReference(), repo + QStringLiteral(":v1-docker")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);
    const ProcessResult tags = runSkopeo({QStringLiteral("list-tags"), QStringLiteral("--tls-verify=false"), repo});
    INFO(tags.output.toStdString());
    REQUIRE(tags.exitCode == 0);
    const QJsonArray tagList =
        QJsonDocument::fromJson(tags.output.toUtf8()).object().value(QStringLiteral("Tags")).toArray();
    CHECK(tagList == QJsonArray{QStringLiteral("v1"), QStringLiteral("v1-docker")});

    // Pull back into a fresh OCI layout: every blob identical.
    const QString pulled = dir.filePath(QStringLiteral("pulled"));
    const ProcessResult pull =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--src-tls-verify=false"), repo + QStringLiteral(":v1"),
                   QStringLiteral("oci:") + pulled + QStringLiteral(":v1")});
    INFO(pull.output.toStdString());
    REQUIRE(pull.exitCode == 0);
    for (const QString &digest : {image.manifestDigest, image.configDigest, image.layerDigest}) {
        const QByteArray bytes = readFile(pulled + QStringLiteral("/blobs/sha256/") + digest.mid(7));
        CHECK(Sha256Hasher::digestOf(bytes).toString() == digest);
    }

    // Minato's client lists the same tags.
    Minato::Client::ConnectionProfile profile;
    profile.baseUrl = registry.baseUrl();
    Minato::Client::RegistryClient client(profile);
    auto *query = client.tags(QStringLiteral("e2e/app"));
    QStringList listed;
    QObject::connect(query, &Minato::Client::TagsQuery::pageReady, query,
                     [&listed](const QStringList &page) { listed += page; });
    QSignalSpy finished(query, &Minato::Client::TagsQuery::finished);
    query->start();
    REQUIRE(finished.wait(15000));
    CHECK(listed == QStringList{QStringLiteral("v1"), QStringLiteral("v1-docker")});

    // Delete by digest with skopeo: the manifest is gone.
    const ProcessResult del = runSkopeo({QStringLiteral("delete"), QStringLiteral("--tls-verify=false"),
                                         repo + QStringLiteral("@") + image.manifestDigest});
    INFO(del.output.toStdString());
    REQUIRE(del.exitCode == 0);
    const HttpResult gone = httpFetch(
        "GET", urlOn(registry.baseUrl(), routes.path(Endpoint::GetManifest, u"e2e/app", image.manifestDigest)),
        {{"Accept", manifestAccept()}});
    CHECK(gone.status == 404);

    CHECK(registry.stop() == 0);
    CHECK(registry.output().contains(QStringLiteral("PUT /v2/e2e/app/manifests/v1 201")));
}
