#include "embedded_registry/registryinfo.h"

#include "testsupport.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>

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

// Starts `minato-registry serve` on a free port and returns the port from its banner (0 on failure).
quint16 startServe(QProcess &p, const QString &root, QStringList extra = {})
{
    p.start(Minato::Test::binaryPath(u"minato-registry"),
            QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                        QStringLiteral("--root"), root, QStringLiteral("--no-fsync")} +
                extra);
    if (!p.waitForStarted(10000)) {
        return 0;
    }
    const QRegularExpression banner(QStringLiteral("serving http://127\\.0\\.0\\.1:(\\d+)"));
    QString out;
    for (int i = 0; i < 100 && !banner.match(out).hasMatch(); ++i) {
        p.waitForReadyRead(100);
        out += QString::fromUtf8(p.readAllStandardOutput());
    }
    return static_cast<quint16>(banner.match(out).captured(1).toUInt());
}

QByteArray rawGet(quint16 port, const QByteArray &path)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    REQUIRE(socket.waitForConnected(5000));
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray response;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(5000)) {
        response += socket.readAll();
    }
    response += socket.readAll();
    return response;
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
    CHECK(help.out.contains(QStringLiteral("--no-sendfile"))); // the buffered copy, for comparison (bench/)
}

TEST_CASE("minato-registry refuses unknown commands and bad options with a reason", "[registry]")
{
    const Run unknown = runRegistry({QStringLiteral("frobnicate")});
    CHECK(unknown.exitCode == 2);
    CHECK(unknown.err.contains(QStringLiteral("unknown command \"frobnicate\"")));
    const Run badListen = runRegistry({QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("nowhere:99999")});
    CHECK(badListen.exitCode == 2);
    CHECK(badListen.err.contains(QStringLiteral("port")));
    const Run halfTls = runRegistry({QStringLiteral("serve"), QStringLiteral("--tls-cert"), QStringLiteral("x.pem")});
    CHECK(halfTls.exitCode == 2);
    CHECK(halfTls.err.contains(QStringLiteral("--tls-key")));
}

TEST_CASE("minato-registry serve answers /v2/, logs requests, holds its root and stops on SIGTERM", "[registry]")
{
    QTemporaryDir root;
    QProcess server;
    const quint16 port = startServe(server, root.path());
    REQUIRE(port != 0);

    const QByteArray response = rawGet(port, "/v2/");
    CHECK(response.startsWith("HTTP/1.1 200"));
    CHECK(response.contains("Docker-Distribution-API-Version: registry/2.0"));

    // A second server on the same root is refused, naming the holder.
    const Run second = runRegistry({QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                    QStringLiteral("--root"), root.path()});
    CHECK(second.exitCode == 1);
    CHECK(second.err.contains(QStringLiteral("in use")));

    server.terminate(); // SIGTERM: graceful stop, exit 0
    REQUIRE(server.waitForFinished(15000));
    CHECK(server.exitStatus() == QProcess::NormalExit);
    CHECK(server.exitCode() == 0);
    const QString log = QString::fromUtf8(server.readAllStandardOutput());
    CHECK(log.contains(QStringLiteral("GET /v2/ 200")));
    CHECK(log.contains(QStringLiteral("stopping")));
}
