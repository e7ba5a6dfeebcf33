// ProfileStore on a real QSettings INI file in a temporary directory: add, find by name and by host (Docker Hub
// under all its names), update, rename, remove, persistence across instances, refusal of duplicates and of URLs
// carrying user info (so no secret can reach the file), and a settings file that cannot be written.
#include "testsupport.h"

#include "client/profilestore.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>

using namespace Minato::Client;
using Kind = ProfileStore::Error::Kind;

namespace {

ConnectionProfile profile(const QString &name, const QString &url)
{
    ConnectionProfile p;
    p.name = name;
    p.baseUrl = QUrl(url, QUrl::StrictMode);
    p.kind = ConnectionProfile::guessKind(p.baseUrl);
    return p;
}

} // namespace

TEST_CASE("ProfileStore keeps connections in QSettings", "[client][profiles]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("profiles.ini"));
    {
        ProfileStore store(path);
        CHECK(store.profiles().isEmpty());
        CHECK(store.fileName() == path);

        ConnectionProfile lab = profile(QStringLiteral("lab"), QStringLiteral("https://registry.lab.example:5000"));
        lab.allowInsecureTls = true;
        lab.allowPlainHttp = true;
        lab.caCertificateFile = QStringLiteral("/etc/ssl/lab-ca.pem");
        lab.timeoutMs = 5000;
        REQUIRE(store.add(lab).ok());
        REQUIRE(store.add(profile(QStringLiteral("hub"), QStringLiteral("https://registry-1.docker.io"))).ok());
        REQUIRE(store
                    .add(profile(QStringLiteral("jfrog"),
                                 QStringLiteral("https://jfrog.example/artifactory/api/docker/local")))
                    .ok());
    }
    ProfileStore store(path); // a new instance reads what the first one wrote
    const QList<ConnectionProfile> all = store.profiles();
    REQUIRE(all.size() == 3);
    CHECK(all.at(0).name == QStringLiteral("lab")); // in the order of adding
    CHECK(all.at(0).allowInsecureTls);
    CHECK(all.at(0).allowPlainHttp);
    CHECK_FALSE(all.at(1).allowPlainHttp); // absent: no consent
    CHECK(all.at(0).caCertificateFile == QStringLiteral("/etc/ssl/lab-ca.pem"));
    CHECK(all.at(0).timeoutMs == 5000);
    CHECK(all.at(1).kind == ConnectionProfile::Kind::DockerHub);
    CHECK(all.at(2).kind == ConnectionProfile::Kind::Artifactory);
    CHECK(all.at(2).pathPrefix() == QStringLiteral("/artifactory/api/docker/local"));

    CHECK(store.find(QStringLiteral("LAB"))->baseUrl.port() == 5000);
    CHECK_FALSE(store.find(QStringLiteral("nope")));
    CHECK(store.findByHost(QStringLiteral("registry.lab.example:5000"))->name == QStringLiteral("lab"));
    CHECK_FALSE(store.findByHost(QStringLiteral("registry.lab.example")));
    CHECK(store.findByHost(QStringLiteral("docker.io"))->name == QStringLiteral("hub"));
    CHECK(store.findByHost(QStringLiteral("index.docker.io"))->name == QStringLiteral("hub"));
    CHECK(store.findByHost(QStringLiteral("jfrog.example"))->name == QStringLiteral("jfrog"));

    SECTION("update and rename")
    {
        ConnectionProfile changed = *store.find(QStringLiteral("lab"));
        changed.name = QStringLiteral("lab2");
        changed.allowInsecureTls = false;
        REQUIRE(store.update(QStringLiteral("lab"), changed).ok());
        CHECK_FALSE(store.find(QStringLiteral("lab")));
        CHECK_FALSE(store.find(QStringLiteral("lab2"))->allowInsecureTls);
        CHECK(store.profiles().at(0).name == QStringLiteral("lab2")); // keeps its place
        changed.name = QStringLiteral("hub");
        CHECK(store.update(QStringLiteral("lab2"), changed).kind == Kind::Duplicate);
        CHECK(store.update(QStringLiteral("missing"), changed).kind == Kind::NotFound);
    }

    SECTION("remove")
    {
        REQUIRE(store.remove(QStringLiteral("hub")).ok());
        CHECK(store.profiles().size() == 2);
        CHECK_FALSE(store.findByHost(QStringLiteral("docker.io")));
        CHECK(store.remove(QStringLiteral("hub")).kind == Kind::NotFound);
    }

    SECTION("refusals: duplicates, invalid profiles, user info in the URL")
    {
        CHECK(store.add(profile(QStringLiteral("Lab"), QStringLiteral("http://other:1"))).kind == Kind::Duplicate);
        CHECK(store.add(profile(QString(), QStringLiteral("http://other:1"))).kind == Kind::Invalid);
        CHECK(store.add(profile(QStringLiteral("ftp"), QStringLiteral("ftp://other"))).kind == Kind::Invalid);
        const ProfileStore::Error secret =
            store.add(profile(QStringLiteral("leak"), QStringLiteral("https://alice:hunter2@other.example")));
        CHECK(secret.kind == Kind::Invalid);
        CHECK(secret.message.contains(QStringLiteral("password")));
        QFile file(path);
        REQUIRE(file.open(QIODevice::ReadOnly));
        CHECK_FALSE(file.readAll().contains("hunter2"));
        CHECK(store.profiles().size() == 3);
    }
}

TEST_CASE("ProfileStore: a given QSettings, unknown kinds, invalid entries, and an unwritable file",
          "[client][profiles]")
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("given.ini")), QSettings::IniFormat);
    settings.beginWriteArray(QStringLiteral("connections"), 2);
    settings.setArrayIndex(0);
    settings.setValue(QStringLiteral("name"), QStringLiteral("future"));
    settings.setValue(QStringLiteral("baseUrl"), QStringLiteral("https://future.example"));
    settings.setValue(QStringLiteral("kind"), QStringLiteral("some-kind-from-a-later-version"));
    settings.setArrayIndex(1);
    settings.setValue(QStringLiteral("name"), QStringLiteral("broken"));
    settings.setValue(QStringLiteral("baseUrl"), QStringLiteral("not a url"));
    settings.endArray();

    ProfileStore store(&settings);
    const QList<ConnectionProfile> all = store.profiles();
    REQUIRE(all.size() == 1);
    CHECK(all.at(0).kind == ConnectionProfile::Kind::Generic);
    CHECK(all.at(0).timeoutMs == ConnectionProfile::DefaultTimeoutMs);
    for (ConnectionProfile::Kind kind : {ConnectionProfile::Kind::Generic, ConnectionProfile::Kind::Ecr,
                                         ConnectionProfile::Kind::Harbor, ConnectionProfile::Kind::Artifactory}) {
        CHECK(ProfileStore::kindFromId(ProfileStore::kindId(kind)) == kind);
    }

    // A settings file in a directory that cannot be created: the failure is reported, not swallowed.
    QFile blocker(dir.filePath(QStringLiteral("file")));
    REQUIRE(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    ProfileStore unwritable(dir.filePath(QStringLiteral("file/sub/profiles.ini")));
    const ProfileStore::Error e = unwritable.add(profile(QStringLiteral("x"), QStringLiteral("https://x.example")));
    CHECK(e.kind == Kind::Storage);
}
