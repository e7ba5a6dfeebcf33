#include "embeddedregistryprocess.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QThread>

#ifdef Q_OS_UNIX
#include <csignal>
#endif

namespace Minato::Test {

EmbeddedRegistryProcess::EmbeddedRegistryProcess() = default;

EmbeddedRegistryProcess::~EmbeddedRegistryProcess()
{
    stop();
}

bool EmbeddedRegistryProcess::start(const QStringList &extraArguments)
{
    const QString exe = QDir(QStringLiteral(MINATO_BIN_DIR)).filePath(QStringLiteral("minato-registry"));
    // The server writes into a file, never a pipe: a pipe that the test does not drain (a long blocking call,
    // no event loop) would fill up and stall the server on its next log line.
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_logPath = m_logDir.filePath(QStringLiteral("server-%1.log").arg(++m_starts));
    m_process.setStandardOutputFile(m_logPath, QIODevice::Truncate);
    m_logOffset = 0;
    m_output.clear();
    m_error.clear();
    m_port = 0;
    QStringList arguments{QStringLiteral("serve"), QStringLiteral("--listen"), m_listen, QStringLiteral("--root"),
                          m_root.path()};
    if (!m_fsync) {
        arguments.append(QStringLiteral("--no-fsync"));
    }
    m_process.start(exe, arguments + extraArguments);
    if (!m_process.waitForStarted(10000)) {
        m_error = QStringLiteral("minato-registry did not start: ") + m_process.errorString();
        return false;
    }
    const QRegularExpression banner(QStringLiteral("serving (https?)://(\\[[0-9a-fA-F:.]+\\]|[0-9.]+):(\\d+)"));
    for (int i = 0; i < 200; ++i) {
        if (banner.match(m_output).hasMatch() || m_process.state() == QProcess::NotRunning) {
            break;
        }
        QThread::msleep(50); // test support only: polling the log file for the banner
        collect();
    }
    collect();
    const QRegularExpressionMatch match = banner.match(m_output);
    m_scheme = match.hasMatch() ? match.captured(1) : QStringLiteral("http");
    m_host = match.hasMatch() ? match.captured(2) : QStringLiteral("127.0.0.1");
    m_port = static_cast<quint16>(match.captured(3).toUInt());
    if (m_port == 0) {
        m_error = QStringLiteral("minato-registry did not report a port: ") + m_output;
        return false;
    }
    return true;
}

int EmbeddedRegistryProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning) {
        collect();
        return m_process.exitCode();
    }
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    collect();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

void EmbeddedRegistryProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning) {
        return;
    }
#ifdef Q_OS_UNIX
    ::kill(static_cast<pid_t>(m_process.processId()), SIGKILL);
#else
    m_process.kill();
#endif
    // Reaps it: a zombie would still count as a running process to the root's lock file.
    m_process.waitForFinished(10000);
    collect();
}

QString EmbeddedRegistryProcess::readOutput()
{
    collect();
    return m_output;
}

void EmbeddedRegistryProcess::collect()
{
    QFile log(m_logPath);
    if (m_logPath.isEmpty() || !log.open(QIODevice::ReadOnly) || !log.seek(m_logOffset)) {
        return;
    }
    const QByteArray more = log.readAll();
    // Only whole lines: a line being written stays for the next call.
    const qsizetype end = more.lastIndexOf('\n') + 1;
    m_output += QString::fromUtf8(more.left(end));
    m_logOffset += end;
}

} // namespace Minato::Test
