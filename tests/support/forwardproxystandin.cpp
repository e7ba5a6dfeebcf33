#include "forwardproxystandin.h"

#include <QPointer>
#include <QTcpSocket>

namespace Minato::Test {

namespace {

void answer(QTcpSocket *client, const QByteArray &statusLine, const QList<QByteArray> &extraHeaders = {})
{
    QByteArray out = "HTTP/1.1 " + statusLine + "\r\n";
    for (const QByteArray &h : extraHeaders) {
        out += h + "\r\n";
    }
    out += "Content-Length: 0\r\n\r\n";
    client->write(out);
}

} // namespace

QByteArray ProxiedRequest::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0) {
            return h.second;
        }
    }
    return {};
}

ForwardProxyStandIn::ForwardProxyStandIn(const QHostAddress &address, QObject *parent)
    : QObject(parent)
    , m_address(address)
{
    connect(&m_server, &QTcpServer::newConnection, this, &ForwardProxyStandIn::onNewConnection);
}

ForwardProxyStandIn::~ForwardProxyStandIn() = default;

bool ForwardProxyStandIn::listen()
{
    return m_server.listen(m_address, 0);
}

QUrl ForwardProxyStandIn::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_address.toString());
    url.setPort(m_server.serverPort());
    return url;
}

void ForwardProxyStandIn::requireCredentials(const QByteArray &user, const QByteArray &password)
{
    m_expectedAuthorization = "Basic " + (user + ':' + password).toBase64();
}

void ForwardProxyStandIn::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        client->setParent(this);
        connect(client, &QTcpSocket::readyRead, this, [this, client]() { process(client); });
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
    }
}

void ForwardProxyStandIn::openTunnel(QTcpSocket *client, const QString &host, quint16 port, QByteArray early)
{
    // RFC 9110 §9.3.6: once the target is connected, answer 2xx (no Content-Length) and from then on relay
    // the bytes both ways, untouched, until either side closes.
    auto *upstream = new QTcpSocket(client);
    client->setProperty("tunnel", QVariant::fromValue(upstream));
    QPointer<QTcpSocket> guardedClient(client);
    connect(upstream, &QTcpSocket::connected, client, [guardedClient, upstream, early]() {
        if (!guardedClient) {
            return;
        }
        guardedClient->write("HTTP/1.1 200 Connection established\r\n\r\n");
        if (!early.isEmpty()) {
            upstream->write(early);
        }
    });
    connect(upstream, &QTcpSocket::readyRead, client, [guardedClient, upstream]() {
        if (guardedClient) {
            guardedClient->write(upstream->readAll());
        }
    });
    connect(upstream, &QTcpSocket::disconnected, client, [guardedClient]() {
        if (guardedClient) {
            guardedClient->disconnectFromHost();
        }
    });
    connect(upstream, &QAbstractSocket::errorOccurred, client, [guardedClient, upstream](QAbstractSocket::SocketError) {
        if (guardedClient && upstream->state() != QAbstractSocket::ConnectedState) {
            answer(guardedClient, "502 Bad Gateway", {"Connection: close"});
            guardedClient->disconnectFromHost();
        }
    });
    upstream->connectToHost(host, port);
}

void ForwardProxyStandIn::process(QTcpSocket *client)
{
    if (auto *tunnel = client->property("tunnel").value<QTcpSocket *>()) {
        tunnel->write(client->readAll()); // buffered by QTcpSocket until the target is connected
        return;
    }
    QByteArray buffer = client->property("buffer").toByteArray() + client->readAll();
    for (;;) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            break;
        }
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        ProxiedRequest request;
        request.method = requestLine.value(0);
        request.target = requestLine.value(1);
        const QByteArray version = requestLine.value(2, "HTTP/1.1");
        qsizetype contentLength = 0;
        QByteArray forwardedHeaders;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            const QByteArray name = line.left(colon).trimmed();
            const QByteArray value = line.mid(colon + 1).trimmed();
            request.headers.append(qMakePair(name, value));
            if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
                contentLength = value.toLongLong();
            }
            if (name.compare("proxy-authorization", Qt::CaseInsensitive) != 0 &&
                name.compare("proxy-connection", Qt::CaseInsensitive) != 0) {
                forwardedHeaders += name + ": " + value + "\r\n";
            }
        }
        if (buffer.size() < end + 4 + contentLength) {
            break;
        }
        const QByteArray body = buffer.mid(end + 4, contentLength);
        buffer.remove(0, end + 4 + contentLength);

        const QUrl target = QUrl::fromEncoded(request.target, QUrl::StrictMode);
        if (request.method == "CONNECT") {
            // authority-form: "host:port" ("[::1]:5000").
            const QUrl authority = QUrl::fromEncoded("tcp://" + request.target, QUrl::StrictMode);
            if (!authority.isValid() || authority.host().isEmpty() || authority.port() <= 0 ||
                !authority.path().isEmpty()) {
                m_requests.append(request);
                answer(client, "400 Bad Request");
                continue;
            }
            if (!m_expectedAuthorization.isEmpty() &&
                request.header("Proxy-Authorization") != m_expectedAuthorization) {
                m_requests.append(request);
                answer(client, "407 Proxy Authentication Required", {"Proxy-Authenticate: Basic realm=\"stand-in\""});
                continue;
            }
            request.relayed = true;
            m_requests.append(request);
            // Whatever followed the CONNECT's head already belongs to the tunnel.
            openTunnel(client, authority.host(), static_cast<quint16>(authority.port()), buffer);
            client->setProperty("buffer", QByteArray());
            return;
        }
        if (!target.isValid() || target.scheme() != u"http" || target.host().isEmpty()) {
            m_requests.append(request);
            answer(client, "400 Bad Request");
            continue;
        }
        if (!m_expectedAuthorization.isEmpty() && request.header("Proxy-Authorization") != m_expectedAuthorization) {
            m_requests.append(request);
            answer(client, "407 Proxy Authentication Required", {"Proxy-Authenticate: Basic realm=\"stand-in\""});
            continue;
        }
        request.relayed = true;
        m_requests.append(request);

        // One upstream connection per client connection and target (host:port).
        const QString upstreamKey = target.host() + u':' + QString::number(target.port(80));
        QPointer<QTcpSocket> upstream = client->property("upstream").value<QTcpSocket *>();
        if (upstream && client->property("upstreamKey").toString() != upstreamKey) {
            upstream->disconnectFromHost();
            upstream = nullptr;
        }
        if (!upstream) {
            upstream = new QTcpSocket(client);
            QPointer<QTcpSocket> guardedClient(client);
            connect(upstream, &QTcpSocket::readyRead, client, [upstream, guardedClient]() {
                if (upstream && guardedClient) {
                    guardedClient->write(upstream->readAll());
                }
            });
            connect(upstream, &QTcpSocket::disconnected, client, [guardedClient]() {
                if (guardedClient) {
                    guardedClient->disconnectFromHost();
                }
            });
            upstream->connectToHost(target.host(), static_cast<quint16>(target.port(80)));
            client->setProperty("upstream", QVariant::fromValue(upstream.data()));
            client->setProperty("upstreamKey", upstreamKey);
        }
        QByteArray originForm = target.path(QUrl::FullyEncoded).toUtf8();
        if (originForm.isEmpty()) {
            originForm = "/";
        }
        if (target.hasQuery()) {
            originForm += '?' + target.query(QUrl::FullyEncoded).toUtf8();
        }
        // Written before the connection is up: QTcpSocket buffers it until connected.
        upstream->write(request.method + ' ' + originForm + ' ' + version + "\r\n" + forwardedHeaders + "\r\n" + body);
    }
    client->setProperty("buffer", buffer);
}

} // namespace Minato::Test
