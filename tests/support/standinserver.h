#pragma once

// StandInServer: a tiny HTTP/1.1 server on QTcpServer for client tests that need a peer misbehaving in a
// precise way (never answering, HTML instead of JSON, a Link loop, 429, a redirect to another origin).
// DESIGN.md allows a stand-in only where no real peer can do it; each test says why it uses one.
//
//   StandInServer server;                                   // or StandInServer(QHostAddress("127.0.0.2"))
//   REQUIRE(server.listen());
//   server.setHandler([](const StandInRequest &r) {
//       if (r.path == "/v2/") return StandInResponse::json(200, "{}");
//       return StandInResponse::noAnswer();                 // keeps the connection open, silent
//   });
//   QUrl url = server.baseUrl();                            // http://127.0.0.1:PORT
//   server.requests();                                      // every request received, in order
//
// Keep-alive works (several requests per connection); bodies are read by Content-Length only. HEAD answers
// carry the headers (Content-Length of the body) without the body.
//
// https: useTls(certPath, keyPath) before listen() serves TLS (QSslServer, HTTP/1.1 only) with that
// certificate and unencrypted PEM key (testcertificates.h makes them); baseUrl() is then https://.
// A stand-in over TLS exists for the same reason as the plain one: a misbehaviour on cue (an https registry
// redirecting to http://) or a check no real peer reports (which headers reached the registry).

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>
#include <QUrl>

#include <functional>
#include <memory>

namespace Minato::Test {

struct StandInRequest
{
    QByteArray method;
    QByteArray target; // "/v2/a/tags/list?n=2"
    QByteArray path;   // "/v2/a/tags/list"
    QByteArray query;  // "n=2"
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const; // case-insensitive, empty when absent
    bool hasHeader(QByteArrayView name) const;
    QByteArray queryValue(const QByteArray &name) const; // percent-decoded; first occurrence
    QList<QByteArray> queryValues(const QByteArray &name) const;
};

struct StandInResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool silent = false; // never answer

    static StandInResponse json(int status, QByteArray body);
    static StandInResponse noAnswer();
    StandInResponse &withHeader(QByteArray name, QByteArray value);
};

class StandInServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StandInServer)

public:
    using Handler = std::function<StandInResponse(const StandInRequest &)>;

    explicit StandInServer(QHostAddress address = QHostAddress::LocalHost, QObject *parent = nullptr);
    ~StandInServer() override;

    // Serve https with this certificate and key (PEM; EC or RSA). Before listen(); false when unreadable.
    bool useTls(const QString &certPath, const QString &keyPath);
    bool listen();
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    quint16 port() const { return m_server->serverPort(); }
    QUrl baseUrl() const;
    const QList<StandInRequest> &requests() const { return m_requests; }
    void clearRequests() { m_requests.clear(); }

signals:
    void requestReceived(const Minato::Test::StandInRequest &request);

private:
    void onNewConnection();
    void process(QTcpSocket *socket);

    QHostAddress m_address;
    std::unique_ptr<QTcpServer> m_server; // a QSslServer after useTls()
    bool m_tls = false;
    Handler m_handler;
    QList<StandInRequest> m_requests;
};

} // namespace Minato::Test
