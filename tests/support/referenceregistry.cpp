#include "referenceregistry.h"

#include "ocilayout.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

namespace Minato::Test {

quint16 freeLoopbackPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0)) {
        return 0;
    }
    return server.serverPort();
}

ReferenceRegistry::ReferenceRegistry()
    : ReferenceRegistry(Options{})
{}

ReferenceRegistry::ReferenceRegistry(Options options)
    : m_options(std::move(options))
{}

ReferenceRegistry::~ReferenceRegistry()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
}

QString ReferenceRegistry::hostPort() const
{
    return QStringLiteral("127.0.0.1:%1").arg(m_port);
}

QUrl ReferenceRegistry::baseUrl() const
{
    return QUrl(QStringLiteral("http://") + hostPort());
}

QString ReferenceRegistry::storageDir() const
{
    return m_dir.filePath(QStringLiteral("storage"));
}

bool ReferenceRegistry::start()
{
    if (!QFile::exists(executable())) {
        m_error = QStringLiteral("%1 is missing: install the docker-registry package (make deps)").arg(executable());
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    m_port = freeLoopbackPort();
    if (m_port == 0) {
        m_error = QStringLiteral("no free loopback port");
        return false;
    }

    QString auth;
    if (!m_options.htpasswdUser.isEmpty()) {
        const QString htpasswd = m_dir.filePath(QStringLiteral("htpasswd"));
        if (!writeHtpasswd(htpasswd, m_options.htpasswdUser, m_options.htpasswdPassword)) {
            m_error = QStringLiteral("htpasswd failed");
            return false;
        }
        auth = QStringLiteral("auth:\n  htpasswd:\n    realm: minato-test\n    path: %1\n").arg(htpasswd);
    }
    if (!m_options.tokenRealm.isEmpty()) {
        auth = QStringLiteral("auth:\n  token:\n    realm: %1\n    service: %2\n    issuer: %3\n"
                              "    rootcertbundle: %4\n")
                   .arg(m_options.tokenRealm, m_options.tokenService, m_options.tokenIssuer,
                        m_options.tokenRootCertBundle);
    }

    const QString config =
        QStringLiteral("version: 0.1\n"
                       "log:\n  level: error\n  accesslog:\n    disabled: true\n"
                       "storage:\n  filesystem:\n    rootdirectory: %1\n"
                       "  delete:\n    enabled: %2\n"
                       "http:\n  addr: 127.0.0.1:%3\n"
                       "%4")
            .arg(storageDir(), m_options.deleteEnabled ? QStringLiteral("true") : QStringLiteral("false"))
            .arg(m_port)
            .arg(auth);
    const QString configPath = m_dir.filePath(QStringLiteral("config.yml"));
    QFile cf(configPath);
    if (!cf.open(QIODevice::WriteOnly) || cf.write(config.toUtf8()) < 0) {
        m_error = QStringLiteral("cannot write the registry config");
        return false;
    }
    cf.close();

    m_process = std::make_unique<QProcess>();
    // Into a file, never a pipe: distribution logs every 404 (a HEAD before each upload) at level error, and a pipe
    // the test does not drain (a blocking skopeo run, no event loop) fills up and stalls the registry mid-request.
    const QString logPath = m_dir.filePath(QStringLiteral("registry.log"));
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardOutputFile(logPath, QIODevice::Truncate);
    m_process->start(executable(), {QStringLiteral("serve"), configPath});
    if (!m_process->waitForStarted(10000)) {
        m_error = QStringLiteral("docker-registry did not start: ") + m_process->errorString();
        return false;
    }
    // Wait until the port accepts connections (the registry binds after reading its config).
    const QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired()) {
        if (m_process->state() == QProcess::NotRunning) {
            QFile log(logPath);
            m_error = QStringLiteral("docker-registry exited: ") +
                      (log.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(log.readAll()) : QString());
            return false;
        }
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, m_port);
        if (probe.waitForConnected(200)) {
            return true;
        }
        QThread::msleep(50); // test support only: polling a child process's port
    }
    m_error = QStringLiteral("docker-registry did not listen on %1 within 20 s").arg(hostPort());
    return false;
}

} // namespace Minato::Test
