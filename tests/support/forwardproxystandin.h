#pragma once

// ForwardProxyStandIn: a tiny HTTP forward proxy that records each request it relays. Clients send
// absolute-form requests ("GET http://127.0.0.1:5000/v2/ HTTP/1.1"); the stand-in rewrites the request
// line to origin form, drops Proxy-Authorization and Proxy-Connection, opens a connection to the target
// and relays the answer bytes back as they come. https goes through CONNECT ("CONNECT 127.0.0.1:5443
// HTTP/1.1", RFC 9110 §9.3.6): the stand-in connects to host:port, answers 200 and from then on tunnels the
// bytes both ways untouched (the TLS session is the client's and the server's; the proxy sees only the
// CONNECT). With requireCredentials() set, a request or CONNECT without the right Proxy-Authorization gets
// 407 with a Basic Proxy-Authenticate challenge and is not relayed.
//
//   ForwardProxyStandIn proxy;
//   REQUIRE(proxy.listen());
//   profile.proxy.mode = ProxySetting::Mode::Http;
//   profile.proxy.url = proxy.url();                      // http://127.0.0.1:PORT
//   … run a query …
//   proxy.requests();                                     // every request relayed (or refused), in order
//
// Why a stand-in: no HTTP proxy package is installed on these machines (squid, tinyproxy); the registry
// behind it is real. Requests with bodies are relayed by Content-Length only; one client connection relays
// to one target at a time.

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>
#include <QUrl>

namespace Minato::Test {

struct ProxiedRequest
{
    QByteArray method;
    QByteArray target; // as received: "http://127.0.0.1:5000/v2/", or "127.0.0.1:5443" for CONNECT
    QList<QPair<QByteArray, QByteArray>> headers;
    bool relayed = false; // false: refused with 407 (or 400 for an origin-form target); CONNECT: tunnel opened

    QByteArray header(QByteArrayView name) const; // case-insensitive, empty when absent
};

class ForwardProxyStandIn final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ForwardProxyStandIn)

public:
    explicit ForwardProxyStandIn(const QHostAddress &address = QHostAddress::LocalHost, QObject *parent = nullptr);
    ~ForwardProxyStandIn() override;

    bool listen();
    QUrl url() const; // http://127.0.0.1:PORT
    // Demand Basic proxy credentials (407 otherwise).
    void requireCredentials(const QByteArray &user, const QByteArray &password);
    const QList<ProxiedRequest> &requests() const { return m_requests; }

private:
    void onNewConnection();
    void process(QTcpSocket *client);
    // CONNECT: a tunnel from client to host:port; early = bytes the client sent after the CONNECT's head.
    void openTunnel(QTcpSocket *client, const QString &host, quint16 port, QByteArray early);

    QHostAddress m_address;
    QTcpServer m_server;
    QByteArray m_expectedAuthorization;
    QList<ProxiedRequest> m_requests;
};

} // namespace Minato::Test
