#pragma once

// What the app suites share: an AppSession on temporary files (settings INI, digest cache) with an in-memory
// credential store — never the person's settings or keychain — and a wait that keeps the event loop turning.
//
//   TestSession s;                          // s.session: an AppSession with no connections
//   s.addConnection(u"lab"_s, registry.baseUrl());
//   REQUIRE(waitUntil([&] { return pane->model()->totalCount() == 7; }));

#include "app/appsession.h"
#include "app/application.h"

#include "client/memorycredentialstore.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

namespace Minato::Test {

inline void initAppOnce()
{
    static bool done = false;
    if (!done) {
        Minato::App::initApplication(*qApp);
        done = true;
    }
}

// Turns the event loop until `done` holds or `ms` pass.
inline bool waitUntil(const std::function<bool()> &done, int ms = 20000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > ms) {
            return false;
        }
        QTest::qWait(10);
    }
    return true;
}

struct TestSession
{
    QTemporaryDir dir;
    Client::MemoryCredentialStore credentials;
    std::unique_ptr<App::AppSession> session;

    TestSession()
    {
        initAppOnce();
        App::AppSession::Options options;
        options.settingsFile = dir.filePath(QStringLiteral("minato.ini"));
        options.cacheDirectory = dir.filePath(QStringLiteral("cache"));
        options.credentials = &credentials;
        session = std::make_unique<App::AppSession>(options);
    }

    bool addConnection(const QString &name, const QUrl &url)
    {
        Client::ConnectionProfile p;
        p.name = name;
        p.baseUrl = url;
        QString failure = QStringLiteral("not called");
        session->addConnection(p, std::nullopt, [&failure](const QString &error) { failure = error; });
        return failure.isEmpty();
    }
};

} // namespace Minato::Test
