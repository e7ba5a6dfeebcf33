#pragma once

// RequestLog: a RequestHandler decorator that writes one line per request — method, path (query
// redacted), status, body bytes, milliseconds, user — and counts requests and bytes for status displays.
//
//   auto logged = std::make_shared<RequestLog>(registry.handler(), [](const QString &line) {
//       QTextStream(stdout) << line << Qt::endl;
//   });
//   Server server(logged);
//
// The line is written when the response starts (its size is known then). Query strings are cut from the
// logged path: they may carry upload digests and, for token requests, credentials-like parameters.
// Called concurrently from the server's worker threads; the sink must be thread-safe.

#include "exchange.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace Minato::Registry {

class RequestLog final : public RequestHandler
{
public:
    using Sink = std::function<void(const QString &line)>;

    RequestLog(std::shared_ptr<RequestHandler> inner, Sink sink);

    void handle(Exchange &exchange) override;

    qint64 requestCount() const { return m_requests.load(); }
    qint64 bytesSent() const { return m_bytesSent.load(); }

    // "GET /v2/team/app/manifests/v1 200 1234 B 3 ms -"; exposed for tests.
    static QString formatLine(const HttpRequest &request, int status, qint64 bytes, qint64 ms, const QString &user);

private:
    friend class LoggedExchange;
    void record(const HttpRequest &request, int status, qint64 bytes, qint64 ms, const QString &user);

    std::shared_ptr<RequestHandler> m_inner;
    Sink m_sink;
    std::atomic<qint64> m_requests{0};
    std::atomic<qint64> m_bytesSent{0};
};

} // namespace Minato::Registry
