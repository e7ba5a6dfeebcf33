#pragma once

// Server: the registry's HTTP/1.1 listener. The listening thread only accepts; each accepted descriptor goes to
// the least-loaded of N worker threads (each with its own event loop), which creates the socket there (and runs
// the TLS handshake there when TLS is configured) and serves it with a Connection.
//
//   auto server = std::make_unique<Server>(std::make_shared<MyHandler>());
//   ServerOptions options;
//   options.port = 0;                                   // any free port
//   options.tls.certificatePath = "cert.pem";           // optional
//   options.tls.privateKeyPath = "key.pem";
//   if (!server->start(options)) qWarning() << server->lastError();
//   qInfo() << "listening on" << server->port();
//   …
//   QObject::connect(server.get(), &Server::stopped, app, [] { … });
//   server->stop();                                     // graceful, never blocks; stopped() follows
//
// The handler is called on the worker threads, concurrently (see exchange.h). Destroying a running Server
// aborts every connection and joins the workers (the destructor is the one place that waits).

#include "connection.h"
#include "exchange.h"

#include <QHostAddress>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>
#include <QTcpServer>
#include <QTimer>

#include <chrono>
#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace Minato::Registry {

class ServerWorker;

struct TlsOptions
{
    // Either in memory…
    QList<QSslCertificate> certificateChain; // leaf first
    QSslKey privateKey;
    // …or PEM files, read by start() when the in-memory fields are empty.
    QString certificatePath;
    QString privateKeyPath;

    bool enabled() const { return !certificateChain.isEmpty() || !certificatePath.isEmpty(); }
};

struct ServerOptions
{
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0;    // 0: any free port; see Server::port()
    int workerCount = 0; // 0: QThread::idealThreadCount()
    TlsOptions tls;
    ConnectionLimits limits; // head size, timeouts, buffers (connection.h)
    // Connections beyond this many are answered 503 with Retry-After and closed.
    int maxConnections = 512;
    // stop(): exchanges in flight get this long to finish before their connections are aborted.
    std::chrono::milliseconds stopDeadline{10'000};
};

struct ServerStats
{
    qint64 activeConnections = 0;
    qint64 totalConnections = 0;
    qint64 rejectedConnections = 0;
    qint64 totalRequests = 0;
    qint64 peakBufferedBytes = 0; // most unread request bytes one connection held in memory at once
    qint64 sendFileBytes = 0;     // response body bytes sent with sendfile(2) (ConnectionLimits::sendFile)
};

class Server final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Server)

public:
    explicit Server(std::shared_ptr<RequestHandler> handler, QObject *parent = nullptr);
    ~Server() override;

    // Listens and starts the workers. False (see lastError()) when the address cannot be bound, the TLS
    // certificate or key cannot be read, or the server is already running.
    bool start(const ServerOptions &options);
    // Graceful: stops accepting, closes idle keep-alive connections at once, lets exchanges in flight finish
    // until options.stopDeadline, aborts the rest, stops the workers, then emits stopped(). Never blocks.
    void stop();

    bool isRunning() const { return !m_threads.empty(); }
    bool isStopping() const { return m_stopping; }
    // The bound port (the one chosen by the system when options.port was 0); 0 when not listening.
    quint16 port() const { return m_port; }
    const ServerOptions &options() const { return m_options; }
    QString lastError() const { return m_lastError; }
    int workerCount() const { return int(m_threads.size()); }
    ServerStats stats() const;

signals:
    void stopped();

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    friend class ServerWorker;
    void onWorkerDrained();
    void onThreadFinished();
    void abortWorkers();
    void joinWorkers();

    std::shared_ptr<RequestHandler> m_handler;
    std::shared_ptr<ConnectionCounters> m_counters;
    ServerOptions m_options;
    QSslConfiguration m_sslConfiguration;
    bool m_tls = false;
    std::vector<QThread *> m_threads;
    std::vector<ServerWorker *> m_workers; // each lives on its thread; deleted there when it finishes
    QTimer m_deadline;
    bool m_stopping = false;
    int m_workersDraining = 0;
    int m_threadsRunning = 0;
    quint16 m_port = 0;
    QString m_lastError;
};

} // namespace Minato::Registry
