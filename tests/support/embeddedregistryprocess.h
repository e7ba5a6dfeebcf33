#pragma once

// minato-registry as a real process for end-to-end tests: `serve` on a free loopback port with a
// temporary root (or a given one), stopped with SIGTERM when the object is destroyed. Started with
// --tls-cert/--tls-key, baseUrl() is https://. The root outlives stop() and kill(): start() again serves the
// same data (on a new port), as a restarted server would.
//
//   EmbeddedRegistryProcess registry;
//   REQUIRE(registry.start());
//   runSkopeo({"copy", …, "docker://" + registry.hostPort() + "/team/app:v1", "--dest-tls-verify=false"});
//   registry.kill();          // SIGKILL: a crash, for crash-safety tests
//   REQUIRE(registry.start()); // same root

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace Minato::Test {

class EmbeddedRegistryProcess
{
public:
    EmbeddedRegistryProcess();
    ~EmbeddedRegistryProcess();
    EmbeddedRegistryProcess(const EmbeddedRegistryProcess &) = delete;
    EmbeddedRegistryProcess &operator=(const EmbeddedRegistryProcess &) = delete;

    // Starts the server (extra arguments appended) and waits for its banner; errorString() says why not.
    bool start(const QStringList &extraArguments = {});
    // SIGTERM and wait; returns the exit code (-1 when it had to be killed).
    int stop();
    // SIGKILL now (no shutdown at all: a crash) and wait until the process is gone.
    void kill();
    // The --listen address, "127.0.0.1:0" unless set ("[::1]:0" for IPv6). Takes effect at the next start().
    void setListenAddress(const QString &listen) { m_listen = listen; }
    // fsync before renames (the server's default); off unless set, since it is a throwaway registry (--no-fsync).
    // Takes effect at the next start().
    void setFsync(bool enabled) { m_fsync = enabled; }
    // The server's process id while it runs, else 0.
    qint64 pid() const { return m_process.processId(); }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    QString errorString() const { return m_error; }
    // What the server printed, as of the last start()/stop()/kill()/readOutput().
    QString output() const { return m_output; }
    // Collects what the server printed since (the request log, one line per request) and returns all of it.
    QString readOutput();

    quint16 port() const { return m_port; }
    // "127.0.0.1:PORT", or "[::1]:PORT" when listening there (as the server's banner says).
    QString hostPort() const { return m_host + u':' + QString::number(m_port); }
    // http:// or https://, as the server's banner says.
    QUrl baseUrl() const { return QUrl(m_scheme + QStringLiteral("://") + hostPort()); }
    QString root() const { return m_root.path(); }

private:
    // Appends the log file's new complete lines to m_output.
    void collect();

    QTemporaryDir m_root;
    QTemporaryDir m_logDir;
    QString m_logPath;
    qint64 m_logOffset = 0;
    int m_starts = 0;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_listen = QStringLiteral("127.0.0.1:0");
    QString m_host = QStringLiteral("127.0.0.1");
    QString m_scheme = QStringLiteral("http");
    bool m_fsync = false;
    QString m_error;
    QString m_output;
};

} // namespace Minato::Test
