#pragma once

// ForwardProxyStandIn: a tiny HTTP forward proxy (no CONNECT) that records each request it relays. Clients
// send absolute-form requests ("GET http://127.0.0.1:5000/v2/ HTTP/1.1"); the stand-in rewrites the request
// line to origin form, drops Proxy-Authorization and Proxy-Connection, opens a connection to the target
// and relays the answer bytes back as they come. With requireCredentials() set, a request without the right
// Proxy-Authorization gets 407 with a Basic Proxy-Authenticate challenge and is not relayed.
//
//   ForwardProxyStandIn proxy;
//   REQUIRE(proxy.listen());
//   profile.proxy.mode = ProxySetting::Mode::Http;
//   profile.proxy.url = proxy.url();                      // http://127.0.0.1:PORT
//   … run a query …
//   proxy.requests();                                     // every request relayed (or refused), in order
//
// Why a stand-in: no HTTP proxy package is installed on these machines (squid, tinyproxy); the registry
// behind it is real. CONNECT (https through the proxy) answers 501. Requests with bodies are relayed by
// Content-Length only; one client connection relays to one target at a time.

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
    QByteArray target; // as received: "http://127.0.0.1:5000/v2/"
    QList<QPair<QByteArray, QByteArray>> headers;
    bool relayed = false; // false: refused with 407 (or 501 for CONNECT, 400 for an origin-form target)

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

    QHostAddress m_address;
    QTcpServer m_server;
    QByteArray m_expectedAuthorization;
    QList<ProxiedRequest> m_requests;
};

} // namespace Minato::Test
