// Errors and problems told in place: the one rule for "Edit connection…" in the panes' error banners, and a
// docker/podman login file that cannot be read, named in the status bar.
#include "app/appsession.h"
#include "app/errorbanner.h"
#include "app/mainwindow.h"
#include "app/repositoriespane.h"
#include "app/tagspane.h"

#include "client/clienterror.h"
#include "client/credentialstore.h"

#include "apptestsupport.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QVBoxLayout>

#include <catch2/catch.hpp>

using namespace Minato::App;
using Minato::Client::ClientError;
using Minato::Test::TestSession;
using Minato::Test::waitUntil;

namespace {

const QByteArray kDenied = R"({"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]})";

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size()) {
        return {};
    }
    return path;
}

// A session on temporary files whose docker and podman login files are the given ones (not the person's).
struct LoginFileSession
{
    QTemporaryDir dir;
    Minato::Client::MemoryCredentialStore keychain;
    std::unique_ptr<AppSession> session;

    explicit LoginFileSession(const Minato::Client::DockerConfig::Sources &sources)
    {
        Minato::Test::initAppOnce();
        AppSession::Options options;
        options.settingsFile = dir.filePath(QStringLiteral("minato.ini"));
        options.cacheDirectory = dir.filePath(QStringLiteral("cache"));
        options.credentials = &keychain;
        options.dockerConfig = sources;
        session = std::make_unique<AppSession>(options);
    }
};

} // namespace

TEST_CASE("ErrorBanner: one rule decides when a failure offers Edit connection…", "[app][errors]")
{
    // What the connection's settings can fix: the login, TLS material, the address or proxy, a missing sign-in.
    CHECK(ErrorBanner::connectionCanFix(ClientError::authFailed({})));
    CHECK(ErrorBanner::connectionCanFix(ClientError::authRequired({})));
    CHECK(ErrorBanner::connectionCanFix(ClientError::credentialStore(QStringLiteral("The keychain is locked."), {})));
    CHECK(ErrorBanner::connectionCanFix(ClientError::notFoundOrPrivate(false, {})));
    CHECK(ErrorBanner::connectionCanFix(ClientError::tls({})));
    CHECK(ErrorBanner::connectionCanFix(
        ClientError::tls(ClientError::TlsProblem::Untrusted, QStringLiteral("registry.example.com"), {}, {})));
    CHECK(ErrorBanner::connectionCanFix(ClientError::transport(QStringLiteral("Connection refused"))));
    CHECK(ErrorBanner::connectionCanFix(ClientError::fromHttp(403, kDenied, {}, {})));

    // What they cannot: the registry's own trouble, names that do not exist, limits, bad answers, local files.
    CHECK_FALSE(ErrorBanner::connectionCanFix(ClientError::timeout({})));
    CHECK_FALSE(ErrorBanner::connectionCanFix(ClientError::fromHttp(500, {}, {}, {})));
    CHECK_FALSE(ErrorBanner::connectionCanFix(ClientError::fromHttp(404, {}, {}, {})));
    CHECK_FALSE(ErrorBanner::connectionCanFix(ClientError::fromHttp(429, {}, "7", {})));
    CHECK_FALSE(ErrorBanner::connectionCanFix(
        ClientError::fromHttp(405, R"({"errors":[{"code":"UNSUPPORTED","message":"no"}]})", {}, {})));
    CHECK_FALSE(ErrorBanner::connectionCanFix(ClientError::invalid(ClientError::Invalid::BadContent, {})));
    CHECK_FALSE(ErrorBanner::connectionCanFix(ClientError::invalidRequest({})));
    CHECK_FALSE(ErrorBanner::connectionCanFix(ClientError::localFile(QStringLiteral("/tmp/x"), {}, {})));
    CHECK_FALSE(ErrorBanner::connectionCanFix(ClientError::cancelled()));

    QWidget host; // a pane: it lays the banner out at its width
    auto *layout = new QVBoxLayout(&host);
    auto *bannerIn = new ErrorBanner(&host);
    ErrorBanner &banner = *bannerIn;
    layout->addWidget(bannerIn);
    layout->addStretch(1);
    host.resize(900, 200);
    host.show();
    REQUIRE(QTest::qWaitForWindowExposed(&host));
    banner.showClientError(ClientError::authFailed({}));
    CHECK(banner.isVisible());
    CHECK(banner.message() == ClientError::authFailed({}).message());
    REQUIRE(banner.actionButton()->isVisible());
    CHECK(banner.actionButton()->text() == QStringLiteral("Edit connection…"));
    // Wide: the buttons beside the sentence. Narrow: under it, so that the banner never widens its pane.
    auto *text = banner.findChild<QLabel *>(QStringLiteral("errorText"));
    const auto buttonTop = [&] { return banner.actionButton()->mapTo(&banner, QPoint()).y(); };
    QApplication::sendPostedEvents();
    CHECK(buttonTop() < text->geometry().bottom());
    CHECK(banner.minimumSizeHint().width() < 200);
    host.resize(200, 300);
    QApplication::sendPostedEvents();
    CHECK(banner.width() <= 200);
    CHECK(buttonTop() > text->geometry().bottom());
    CHECK(banner.retryButton()->isVisible());

    banner.showClientError(ClientError::timeout({}));
    CHECK(banner.actionButton()->isHidden());
    CHECK_FALSE(banner.retryButton()->isHidden());
}

TEST_CASE("Panes: a registry that cannot be reached offers Edit connection… beside Retry", "[app][errors]")
{
    TestSession s;
    // Nothing listens on the discard port: the connection is refused (Transport), the address may be wrong.
    REQUIRE(s.addConnection(QStringLiteral("nowhere"), QUrl(QStringLiteral("http://127.0.0.1:9"))));
    // The panes on their own: in the window, the action opens the (modal) connection dialog.
    RepositoriesPane pane;
    pane.setSession(s.session.get());
    pane.show();
    REQUIRE(QTest::qWaitForWindowExposed(&pane));
    RepositoriesPane *repos = &pane;
    repos->showConnection(QStringLiteral("nowhere"));
    REQUIRE(waitUntil([&] { return !repos->isLoading(); }));
    ErrorBanner *banner = repos->banner();
    REQUIRE(banner->isVisible());
    CHECK(banner->retryButton()->isVisible());
    REQUIRE(banner->actionButton()->isVisible());
    CHECK(banner->actionButton()->text() == QStringLiteral("Edit connection…"));
    QSignalSpy edit(repos, &RepositoriesPane::editConnectionRequested);
    banner->actionButton()->click();
    REQUIRE(edit.size() == 1);
    CHECK(edit.first().at(0).toString() == QStringLiteral("nowhere"));

    // The tags pane follows the same rule.
    TagsPane tagsPane;
    tagsPane.setSession(s.session.get());
    tagsPane.show();
    REQUIRE(QTest::qWaitForWindowExposed(&tagsPane));
    TagsPane *tags = &tagsPane;
    tags->showRepository(QStringLiteral("nowhere"), QStringLiteral("team/app"));
    REQUIRE(waitUntil([&] { return !tags->isLoading(); }));
    REQUIRE(tags->banner()->isVisible());
    CHECK(tags->banner()->actionButton()->isVisible());
}

TEST_CASE("AppSession: an unreadable docker config.json is named in the status bar, the other login files still count",
          "[app][errors]")
{
    QTemporaryDir files;
    REQUIRE(files.isValid());
    Minato::Client::DockerConfig::Sources sources;
    // A missing comma on line 3.
    sources.dockerConfig =
        writeFile(files, QStringLiteral("config.json"),
                  "{\n  \"auths\": {\n    \"ghcr.io\": {\"auth\": \"YTpi\"} \"quay.io\": {}\n  }\n}\n");
    sources.podmanAuthFiles = {
        writeFile(files, QStringLiteral("auth.json"),
                  R"({"auths": {"registry.example.com": {"auth": ")" + QByteArray("alice:s3cret").toBase64()
                      + R"("}}})"),
        files.filePath(QStringLiteral("missing.json")), // not there: nothing to say
    };
    LoginFileSession s(sources);

    const QString problem = s.session->loginFileProblem();
    INFO(problem.toStdString());
    CHECK(problem.startsWith(
        QStringLiteral("Could not read logins from %1: line 3, column ").arg(sources.dockerConfig)));
    CHECK(problem.contains(QStringLiteral("is not valid JSON")));
    CHECK(problem.endsWith(QStringLiteral("Minato uses its own keychain logins meanwhile.")));
    CHECK_FALSE(problem.contains(QStringLiteral("auth.json")));
    CHECK_FALSE(problem.contains(QStringLiteral("missing.json")));

    // podman's file was still read, in front of the session's own store.
    std::optional<Minato::Client::CredentialResult> found;
    QObject context;
    s.session->credentialStore()->lookup(u"registry.example.com", &context,
                                         [&found](const Minato::Client::CredentialResult &r) { found = r; });
    REQUIRE(waitUntil([&] { return found.has_value(); }, 5000));
    REQUIRE(found->ok());
    CHECK(found->credentials().username == QStringLiteral("alice"));

    // The window says it in its status bar, and keeps saying it.
    MainWindow window(s.session.get());
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto *note = window.statusBar()->findChild<QWidget *>(QStringLiteral("loginFileProblem"));
    REQUIRE(note);
    CHECK(note->isVisible());
    auto *text = note->findChild<QLabel *>(QStringLiteral("loginFileProblemText"));
    REQUIRE(text);
    CHECK(text->text() == problem);
    CHECK(window.statusBar()->currentMessage().isEmpty());

    // Files that read well: no note, the usual "Ready".
    sources.dockerConfig = writeFile(files, QStringLiteral("good.json"), R"({"auths": {}})");
    LoginFileSession fine(sources);
    CHECK(fine.session->loginFileProblem().isEmpty());
    MainWindow calm(fine.session.get());
    CHECK_FALSE(calm.statusBar()->findChild<QWidget *>(QStringLiteral("loginFileProblem")));
    CHECK(calm.statusBar()->currentMessage() == QStringLiteral("Ready"));
}
