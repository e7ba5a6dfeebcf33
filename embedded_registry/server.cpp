#include "server.h"

#include <QFile>
#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QThread>

#include <algorithm>

namespace Minato::Registry {

// One worker thread's share of the connections. Lives on its thread; its slots run there.
class ServerWorker final : public QObject
{
    Q_DISABLE_COPY_MOVE(ServerWorker)

public:
    ServerWorker(Server *server, std::shared_ptr<RequestHandler> handler, const ConnectionLimits &limits,
                 std::shared_ptr<ConnectionCounters> counters, bool tls, const QSslConfiguration &ssl)
        : m_server(server)
        , m_handler(std::move(handler))
        , m_limits(limits)
        , m_counters(std::move(counters))
        , m_tls(tls)
        , m_ssl(ssl)
    {}
    ~ServerWorker() override { abortAll(); } // on the worker thread, as it finishes

    // Connections handed to this worker and not finished yet; read by the listening thread to balance.
    std::atomic<int> load{0};

    void adopt(qintptr descriptor, bool reject)
    {
        QTcpSocket *socket = nullptr;
        QSslSocket *ssl = nullptr;
        if (m_tls) {
            ssl = new QSslSocket;
            socket = ssl;
        } else {
            socket = new QTcpSocket;
        }
        if (!socket->setSocketDescriptor(descriptor)) {
            qWarning("Minato::Registry::Server: cannot adopt an accepted socket: %s",
                     qPrintable(socket->errorString()));
            delete socket;
            release(reject);
            return;
        }
        // No Nagle: a response written as head then body would otherwise wait for the client's delayed ACK
        // (~40 ms) on keep-alive connections; measured: _catalog of 1,000 names went from ~23 to ~2,260
        // requests per second (ab -k, one connection). Go's net/http (the reference registry) sets it too.
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (ssl) {
            ssl->setSslConfiguration(m_ssl);
        }
        auto *connection = new Connection(socket, m_handler, m_limits, m_counters,
                                          reject ? Connection::Mode::RejectBusy : Connection::Mode::Serve, this);
        m_connections.append(connection);
        connect(connection, &Connection::finished, this, [this, connection, reject] {
            m_connections.removeOne(connection);
            release(reject);
        });
        if (ssl) {
            ssl->startServerEncryption(); // the handshake runs here, on the worker thread
        }
        connection->start();
        if (m_shuttingDown) {
            connection->shutdown();
        }
    }

    void beginShutdown()
    {
        m_shuttingDown = true;
        const auto connections = m_connections;
        for (const QPointer<Connection> &connection : connections) {
            if (connection) {
                connection->shutdown();
            }
        }
        checkDrained();
    }

    void abortAll()
    {
        const auto connections = m_connections;
        for (const QPointer<Connection> &connection : connections) {
            if (connection) {
                connection->abort();
            }
        }
        m_connections.clear();
        checkDrained();
    }

private:
    void release(bool reject)
    {
        if (!reject) {
            --m_counters->activeConnections;
        }
        --load;
        checkDrained();
    }

    void checkDrained()
    {
        if (m_shuttingDown && m_connections.isEmpty() && !m_drainedReported) {
            m_drainedReported = true;
            Server *server = m_server;
            QMetaObject::invokeMethod(
                server, [server] { server->onWorkerDrained(); }, Qt::QueuedConnection);
        }
    }

    Server *m_server;
    std::shared_ptr<RequestHandler> m_handler;
    ConnectionLimits m_limits;
    std::shared_ptr<ConnectionCounters> m_counters;
    bool m_tls;
    QSslConfiguration m_ssl;
    QList<QPointer<Connection>> m_connections;
    bool m_shuttingDown = false;
    bool m_drainedReported = false;
};

Server::Server(std::shared_ptr<RequestHandler> handler, QObject *parent)
    : QTcpServer(parent)
    , m_handler(std::move(handler))
    , m_counters(std::make_shared<ConnectionCounters>())
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &Server::abortWorkers);
}

Server::~Server()
{
    m_deadline.stop();
    close();
    joinWorkers();
}

bool Server::start(const ServerOptions &options)
{
    if (isRunning() || isListening()) {
        m_lastError = QStringLiteral("The server is already running.");
        return false;
    }
    m_options = options;
    m_tls = options.tls.enabled();
    if (m_tls) {
        if (!QSslSocket::supportsSsl()) {
            m_lastError = QStringLiteral("TLS is not available (no OpenSSL backend).");
            return false;
        }
        QList<QSslCertificate> chain = options.tls.certificateChain;
        if (chain.isEmpty()) {
            chain = QSslCertificate::fromPath(options.tls.certificatePath, QSsl::Pem);
            if (chain.isEmpty()) {
                m_lastError = QStringLiteral("Cannot read a PEM certificate from %1.").arg(options.tls.certificatePath);
                return false;
            }
        }
        QSslKey key = options.tls.privateKey;
        if (key.isNull()) {
            QFile file(options.tls.privateKeyPath);
            if (!file.open(QIODevice::ReadOnly)) {
                m_lastError = QStringLiteral("Cannot open the private key %1: %2")
                                  .arg(options.tls.privateKeyPath, file.errorString());
                return false;
            }
            const QByteArray pem = file.readAll();
            for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
                key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
                if (!key.isNull()) {
                    break;
                }
            }
            if (key.isNull()) {
                m_lastError = QStringLiteral("Cannot read a PEM private key from %1.").arg(options.tls.privateKeyPath);
                return false;
            }
        }
        m_sslConfiguration = QSslConfiguration::defaultConfiguration();
        m_sslConfiguration.setLocalCertificateChain(chain);
        m_sslConfiguration.setPrivateKey(key);
        m_sslConfiguration.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_sslConfiguration.setProtocol(QSsl::TlsV1_2OrLater);
        // HTTP/1.1 only: a client offering h2 by ALPN falls back to it.
        m_sslConfiguration.setAllowedNextProtocols({QByteArrayLiteral("http/1.1")});
    }
    if (!listen(options.address, options.port)) {
        m_lastError = errorString();
        return false;
    }
    m_port = serverPort();

    const int count = options.workerCount > 0 ? options.workerCount : std::max(1, QThread::idealThreadCount());
    for (int i = 0; i < count; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("registry-worker-%1").arg(i));
        auto *worker = new ServerWorker(this, m_handler, options.limits, m_counters, m_tls, m_sslConfiguration);
        worker->moveToThread(thread);
        // The worker (and every connection, a child of it) is destroyed on its own thread as the thread ends.
        connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        connect(thread, &QThread::finished, this, &Server::onThreadFinished, Qt::QueuedConnection);
        m_threads.push_back(thread);
        m_workers.push_back(worker);
        thread->start();
    }
    m_threadsRunning = count;
    m_stopping = false;
    m_lastError.clear();
    return true;
}

void Server::incomingConnection(qintptr socketDescriptor)
{
    ++m_counters->totalConnections;
    if (m_workers.empty() || m_stopping) {
        QTcpSocket refused;
        refused.setSocketDescriptor(socketDescriptor);
        refused.abort();
        return;
    }
    // The listening thread does nothing else: no socket object, no TLS, just the hand-over.
    const bool reject = m_counters->activeConnections.load() >= m_options.maxConnections;
    if (reject) {
        ++m_counters->rejectedConnections;
    } else {
        ++m_counters->activeConnections;
    }
    ServerWorker *worker = *std::min_element(m_workers.begin(), m_workers.end(),
                                             [](auto *a, auto *b) { return a->load.load() < b->load.load(); });
    ++worker->load;
    QMetaObject::invokeMethod(
        worker, [worker, socketDescriptor, reject] { worker->adopt(socketDescriptor, reject); }, Qt::QueuedConnection);
}

void Server::stop()
{
    if (!isRunning() || m_stopping) {
        return;
    }
    m_stopping = true;
    close();
    m_workersDraining = int(m_workers.size());
    for (ServerWorker *worker : m_workers) {
        QMetaObject::invokeMethod(
            worker, [worker] { worker->beginShutdown(); }, Qt::QueuedConnection);
    }
    m_deadline.start(m_options.stopDeadline);
}

void Server::abortWorkers()
{
    for (ServerWorker *worker : m_workers) {
        QMetaObject::invokeMethod(
            worker, [worker] { worker->abortAll(); }, Qt::QueuedConnection);
    }
}

void Server::onWorkerDrained()
{
    if (!m_stopping || --m_workersDraining > 0) {
        return;
    }
    m_deadline.stop();
    for (QThread *thread : m_threads) {
        thread->quit();
    }
}

void Server::onThreadFinished()
{
    if (--m_threadsRunning > 0 || !m_stopping) {
        return;
    }
    joinWorkers();
    m_stopping = false;
    emit stopped();
}

void Server::joinWorkers()
{
    for (QThread *thread : m_threads) {
        thread->quit();
    }
    for (QThread *thread : m_threads) {
        thread->wait(); // after finished() this returns at once; in the destructor it joins
        delete thread;
    }
    m_threads.clear();
    m_workers.clear(); // deleted on their threads (deleteLater on finished)
    m_port = 0;
}

ServerStats Server::stats() const
{
    ServerStats s;
    s.activeConnections = m_counters->activeConnections.load();
    s.totalConnections = m_counters->totalConnections.load();
    s.rejectedConnections = m_counters->rejectedConnections.load();
    s.totalRequests = m_counters->totalRequests.load();
    s.peakBufferedBytes = m_counters->peakBufferedBytes.load();
    s.sendFileBytes = m_counters->sendFileBytes.load();
    return s;
}

} // namespace Minato::Registry
