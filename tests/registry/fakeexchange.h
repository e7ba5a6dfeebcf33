#pragma once

// FakeExchange: an in-memory Exchange (our own seam, exchange.h) for driving RequestHandlers in tests without
// sockets. Body callbacks run synchronously, which the contract allows (a body already buffered completes at
// once); streamBody() delivers the body in small chunks to exercise sinks.
//
//   FakeExchange ex("PATCH", "/v2/a/blobs/uploads/ID", "bytes", {{"Content-Range", "0-4"}});
//   handler.handle(ex);
//   CHECK(ex.status == 202); CHECK(ex.header("Range") == "0-4"); CHECK(ex.responses == 1);

#include "embedded_registry/exchange.h"

#include <QJsonObject>

namespace Minato::Registry::Test {

class FakeExchange final : public Exchange
{
public:
    FakeExchange(const QByteArray &method, const QByteArray &target, QByteArray body = {}, HttpHeaders headers = {});

    // How the body arrives.
    qint64 chunkSize = 3;
    bool clientGone = false; // the client disconnects after half the body

    // The answer.
    int responses = 0; // respond*() calls; the contract wants exactly one
    int status = 0;
    HttpHeaders responseHeaders;
    QByteArray responseBody; // for respondStream, the `length` bytes read from the device
    bool streamed = false;
    bool bodyConsumed = false; // readBody/streamBody was called

    // Sends the body chunked (no Content-Length).
    void makeChunked()
    {
        m_request.contentLength = -1;
        m_request.chunked = true;
    }

    QByteArray header(QByteArrayView name) const { return responseHeaders.value(name); }
    QJsonObject json() const;
    // The first error code of an OCI error body, or "" when the body is not one.
    QString errorCode() const;

    const HttpRequest &request() const override { return m_request; }
    void readBody(qint64 maxBytes, std::function<void(const BodyResult &)> done) override;
    void streamBody(BodySink *sink, std::function<void(const BodyResult &)> done) override;
    void respond(int statusCode, HttpHeaders headers, QByteArray body = {}) override;
    void respondStream(int statusCode, HttpHeaders headers, std::unique_ptr<QIODevice> device, qint64 length) override;

private:
    HttpRequest m_request;
    QByteArray m_body;
};

} // namespace Minato::Registry::Test
