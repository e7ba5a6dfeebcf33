#include "standinserver.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpSocket>
#include <QUrl>

namespace Minato::Test {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 202:
        return "Accepted";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 307:
        return "Temporary Redirect";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 429:
        return "Too Many Requests";
    default:
        return "Status";
    }
}

} // namespace

QByteArray StandInRequest::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0) {
            return h.second;
        }
    }
    return {};
}

bool StandInRequest::hasHeader(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    return false;
}

QList<QByteArray> StandInRequest::queryValues(const QByteArray &name) const
{
    QList<QByteArray> values;
    for (const QByteArray &pair : query.split('&')) {
        const qsizetype eq = pair.indexOf('=');
        const QByteArray key = QByteArray::fromPercentEncoding(eq < 0 ? pair : pair.left(eq));
        if (key == name) {
            QByteArray value = eq < 0 ? QByteArray() : pair.mid(eq + 1);
            value.replace('+', ' ');
            values.append(QByteArray::fromPercentEncoding(value));
        }
    }
    return values;
}

QByteArray StandInRequest::queryValue(const QByteArray &name) const
{
    const QList<QByteArray> values = queryValues(name);
    return values.isEmpty() ? QByteArray() : values.first();
}

StandInResponse StandInResponse::json(int status, QByteArray body)
{
    StandInResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers.append(qMakePair(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")));
    return r;
}

StandInResponse StandInResponse::noAnswer()
{
    StandInResponse r;
    r.silent = true;
    return r;
}

StandInResponse &StandInResponse::withHeader(QByteArray name, QByteArray value)
{
    headers.append(qMakePair(std::move(name), std::move(value)));
    return *this;
}

StandInServer::StandInServer(QHostAddress address, QObject *parent)
    : QObject(parent)
    , m_address(std::move(address))
    , m_server(std::make_unique<QTcpServer>())
{
    connect(m_server.get(), &QTcpServer::newConnection, this, &StandInServer::onNewConnection);
}

StandInServer::~StandInServer() = default;

bool StandInServer::useTls(const QString &certPath, const QString &keyPath)
{
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(certPath, QSsl::Pem);
    QFile keyFile(keyPath);
    if (certificates.isEmpty() || !keyFile.open(QIODevice::ReadOnly) || m_server->isListening()) {
        return false;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key(pem, QSsl::Ec, QSsl::Pem);
    if (key.isNull()) {
        key = QSslKey(pem, QSsl::Rsa, QSsl::Pem);
    }
    if (key.isNull()) {
        return false;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(certificates.first());
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    auto server = std::make_unique<QSslServer>();
    server->setSslConfiguration(configuration);
    // QSslServer (6.4) hands a socket over once its handshake is done: pendingConnectionAvailable, not
    // newConnection (emitted when the TCP connection arrives).
    connect(server.get(), &QSslServer::pendingConnectionAvailable, this, &StandInServer::onNewConnection);
    m_server = std::move(server);
    m_tls = true;
    return true;
}

bool StandInServer::listen()
{
    return m_server->listen(m_address, 0);
}

QUrl StandInServer::baseUrl() const
{
    QUrl url;
    url.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(m_address.toString());
    url.setPort(port());
    return url;
}

void StandInServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket]() { process(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void StandInServer::process(QTcpSocket *socket)
{
    QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    for (;;) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            break;
        }
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        StandInRequest request;
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        request.method = requestLine.value(0);
        request.target = requestLine.value(1);
        const qsizetype q = request.target.indexOf('?');
        request.path = q < 0 ? request.target : request.target.left(q);
        request.query = q < 0 ? QByteArray() : request.target.mid(q + 1);
        qsizetype contentLength = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0) {
                request.headers.append(qMakePair(line.left(colon).trimmed(), line.mid(colon + 1).trimmed()));
                if (line.left(colon).trimmed().compare("content-length", Qt::CaseInsensitive) == 0) {
                    contentLength = line.mid(colon + 1).trimmed().toLongLong();
                }
            }
        }
        if (buffer.size() < end + 4 + contentLength) {
            break;
        }
        request.body = buffer.mid(end + 4, contentLength);
        buffer.remove(0, end + 4 + contentLength);

        m_requests.append(request);
        emit requestReceived(request);
        const StandInResponse response = m_handler ? m_handler(request) : StandInResponse::json(404, "{}");
        if (response.silent) {
            continue;
        }
        QByteArray out =
            "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
        for (const auto &h : response.headers) {
            out += h.first + ": " + h.second + "\r\n";
        }
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n\r\n";
        if (request.method != "HEAD") {
            out += response.body;
        }
        socket->write(out);
    }
    socket->setProperty("buffer", buffer);
}

} // namespace Minato::Test
