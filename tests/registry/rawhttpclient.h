#pragma once

// Test helpers for the HTTP layer over loopback: Probe re-emits events from the server's worker threads on the
// test thread (for QSignalSpy), RawClient drives one QTcpSocket by hand to see the wire as it is (pipelining,
// heads, closes). Used by test_http_server.cpp and test_blob_download.cpp.
#include "embedded_registry/exchange.h"
#include "embedded_registry/requestparser.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QSignalSpy>
#include <QTcpSocket>

#include <optional>

namespace Minato::Registry::Test {

// Events from the handler (on worker threads), re-emitted on the test thread for QSignalSpy.
class Probe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Probe)

public:
    Probe() = default;
    void notify(const QString &what)
    {
        QMetaObject::invokeMethod(
            this, [this, what] { emit happened(what); }, Qt::QueuedConnection);
    }

signals:
    void happened(const QString &what);
};

struct RawResponse
{
    int status = 0;
    HttpHeaders headers;
    QByteArray body;
};

// A hand-driven HTTP client over one QTcpSocket.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        QObject::connect(&m_socket, &QIODevice::readyRead, &m_pulse, [this] { emit m_pulse.happened({}); });
        QObject::connect(&m_socket, &QAbstractSocket::disconnected, &m_pulse, [this] { emit m_pulse.happened({}); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    bool waitConnected()
    {
        if (m_socket.state() == QAbstractSocket::ConnectedState) {
            return true;
        }
        QSignalSpy spy(&m_socket, &QAbstractSocket::connected);
        return spy.wait(5000);
    }
    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    QTcpSocket &socket() { return m_socket; }
    QByteArray &buffered() { return m_buffer; }

    // Reads what has arrived, waiting up to ms for more; false when nothing more can come.
    bool fill(int ms)
    {
        if (m_socket.bytesAvailable() == 0) {
            if (m_socket.state() != QAbstractSocket::ConnectedState) {
                return false;
            }
            QSignalSpy spy(&m_pulse, &Probe::happened);
            if (m_socket.bytesAvailable() == 0 && !spy.wait(ms)) {
                return false;
            }
        }
        const QByteArray got = m_socket.readAll();
        m_buffer += got;
        return !got.isEmpty() || m_socket.state() == QAbstractSocket::ConnectedState;
    }

    std::optional<RawResponse> read(bool headRequest = false, int ms = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        qsizetype end = -1;
        while ((end = RequestParser::findHeadEnd(m_buffer)) < 0) {
            if (timer.elapsed() > ms || !fill(int(qMax<qint64>(1, ms - timer.elapsed())))) {
                return std::nullopt;
            }
        }
        RawResponse response;
        const QList<QByteArray> lines = m_buffer.first(end - 4).split('\n');
        const QByteArray statusLine = lines.first().trimmed();
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            return std::nullopt;
        }
        response.status = statusLine.mid(9, 3).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            response.headers.add(line.first(colon), line.mid(colon + 1).trimmed());
        }
        qint64 length = 0;
        if (!headRequest && response.status >= 200 && response.status != 204 && response.status != 304) {
            length = response.headers.value("Content-Length").toLongLong();
        }
        while (m_buffer.size() < end + length) {
            if (timer.elapsed() > ms || !fill(int(qMax<qint64>(1, ms - timer.elapsed())))) {
                return std::nullopt;
            }
        }
        response.body = m_buffer.mid(end, length);
        m_buffer.remove(0, end + length);
        return response;
    }

    bool waitClosed(int ms)
    {
        QElapsedTimer timer;
        timer.start();
        while (m_socket.state() != QAbstractSocket::UnconnectedState) {
            if (timer.elapsed() > ms) {
                return false;
            }
            QSignalSpy spy(&m_pulse, &Probe::happened);
            if (m_socket.state() != QAbstractSocket::UnconnectedState) {
                spy.wait(int(qMax<qint64>(1, ms - timer.elapsed())));
            }
            m_buffer += m_socket.readAll();
        }
        return true;
    }

private:
    QTcpSocket m_socket;
    Probe m_pulse;
    QByteArray m_buffer;
};

} // namespace Minato::Registry::Test
