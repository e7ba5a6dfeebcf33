#pragma once

// minato-registry as a real process for end-to-end tests: `serve` on a free loopback port with a
// temporary root (or a given one), stopped with SIGTERM when the object is destroyed.
//
//   EmbeddedRegistryProcess registry;
//   REQUIRE(registry.start());
//   runSkopeo({"copy", …, "docker://" + registry.hostPort() + "/team/app:v1", "--dest-tls-verify=false"});

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
    QString errorString() const { return m_error; }
    QString output() const { return m_output; }

    quint16 port() const { return m_port; }
    QString hostPort() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }
    QUrl baseUrl() const { return QUrl(QStringLiteral("http://") + hostPort()); }
    QString root() const { return m_root.path(); }

private:
    QTemporaryDir m_root;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_error;
    QString m_output;
};

} // namespace Minato::Test
