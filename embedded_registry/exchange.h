#pragma once

// The seam between the HTTP layer (server, connection, request parser) and the registry's handlers.
//
// The HTTP layer parses a request's head, then calls RequestHandler::handle(exchange) on the connection's
// worker thread. The handler inspects exchange.request(), optionally consumes the body (readBody() into
// memory with a cap, or streamBody() into a BodySink such as an upload's temp file), and answers exactly
// once with respond() or respondStream(). Everything about the wire — keep-alive, pipelining, chunked
// decoding, `Expect: 100-continue` (sent when the handler asks for the body, never when it answers first),
// HEAD (no body, same Content-Length), limits and timeouts — stays in the HTTP layer.
//
//   void BlobHandler::handle(Exchange &ex) {
//       if (ex.request().method == "PUT") {
//           ex.streamBody(sink, [&ex, sink](const BodyResult &r) {
//               if (!r.ok) { if (r.error != BodyError::ClientGone) ex.respond(400, …); return; }
//               ex.respond(201, headers);
//           });
//           return;
//       }
//       ex.respondStream(200, headers, std::move(file), size);
//   }
//
// Threading: handle() is called concurrently from several worker threads (one per connection at a time);
// the callbacks of one exchange run on that exchange's worker thread. An Exchange stays valid until
// respond*() has been called, or until a body callback reporting BodyError::ClientGone has returned (after
// that, nothing may be called on it).

#include <QByteArray>
#include <QHostAddress>
#include <QIODevice>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <memory>

namespace Minato::Registry {

class AccessGrants;

// Header fields in arrival order; names compare case-insensitively.
class HttpHeaders
{
public:
    HttpHeaders() = default;
    HttpHeaders(std::initializer_list<QPair<QByteArray, QByteArray>> fields)
        : m_fields(fields)
    {}

    // The first value of a field, or an empty QByteArray (isNull()) when absent.
    QByteArray value(QByteArrayView name) const;
    // All values of a field in order (e.g. several WWW-Authenticate lines).
    QList<QByteArray> values(QByteArrayView name) const;
    bool contains(QByteArrayView name) const;
    void add(QByteArray name, QByteArray value);
    // Replaces every field of that name with one value.
    void set(QByteArray name, QByteArray value);
    void remove(QByteArrayView name);
    const QList<QPair<QByteArray, QByteArray>> &fields() const { return m_fields; }
    bool isEmpty() const { return m_fields.isEmpty(); }

private:
    QList<QPair<QByteArray, QByteArray>> m_fields;
};

struct HttpRequest
{
    QByteArray method;    // "GET", as sent (methods are case-sensitive, RFC 9110 §9.1)
    QByteArray target;    // the raw request-target: "/v2/team/app/tags/list?n=10"
    QByteArray path;      // target before '?', still percent-encoded
    QByteArray query;     // target after '?', without it; empty when none
    int versionMinor = 1; // HTTP/1.<minor>
    HttpHeaders headers;
    qint64 contentLength = -1; // -1 when no Content-Length was sent
    bool chunked = false;      // Transfer-Encoding: chunked
    bool expectContinue = false;
    bool keepAlive = true; // after this exchange, per the version and Connection header
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    bool secure = false; // arrived over TLS

    bool hasBody() const { return chunked || contentLength > 0; }
    bool isHead() const { return method == "HEAD"; }
};

enum class BodyError {
    None,
    TooLarge,   // more than readBody()'s maxBytes: answer 413
    Malformed,  // bad chunked encoding: the connection closes after the response
    SinkFailed, // BodySink::write() returned false (disk full, I/O error): answer 500 or the sink's reason
    ClientGone, // the client disconnected or timed out: do not respond
};

struct BodyResult
{
    bool ok = false;
    BodyError error = BodyError::None;
    qint64 bytes = 0; // body bytes received (decoded, for chunked)
    QByteArray body;  // readBody() only
};

// Receives a streamed request body as it arrives, on the exchange's worker thread.
class BodySink
{
public:
    virtual ~BodySink() = default;
    // Returns false to stop: the body callback then reports SinkFailed and the rest is discarded.
    virtual bool write(const char *data, qint64 size) = 0;
};

class Exchange
{
public:
    virtual ~Exchange() = default;

    virtual const HttpRequest &request() const = 0;

    // Collects the whole body in memory; more than maxBytes → done({ok=false, TooLarge}) as soon as it is
    // known (Content-Length) or reached (chunked). A request without a body completes at once with ok.
    virtual void readBody(qint64 maxBytes, std::function<void(const BodyResult &)> done) = 0;
    // Streams the body into sink (which must outlive the call to done). Memory stays bounded.
    virtual void streamBody(BodySink *sink, std::function<void(const BodyResult &)> done) = 0;

    // Answers with an in-memory body; Content-Length is set by the HTTP layer. For HEAD the body is not
    // sent; pass headers with Content-Length set explicitly to advertise a size without a body.
    // If the handler answers without consuming a request body, the HTTP layer discards or closes.
    virtual void respond(int status, HttpHeaders headers, QByteArray body = {}) = 0;
    // Answers with `length` bytes read from device (open, positioned at the first byte to send), in bounded
    // chunks paced by the socket's bytesWritten: memory stays flat whatever the size. Takes ownership.
    virtual void respondStream(int status, HttpHeaders headers, std::unique_ptr<QIODevice> device, qint64 length) = 0;

    // The authenticated user of this request, recorded by the handler after authentication (authenticator.h)
    // and read by its endpoints and by decorators such as RequestLog; empty for an anonymous request.
    // Stored here by default so that existing exchanges need no change; a decorator overrides setUser() to
    // pass the name on to the exchange it wraps.
    virtual void setUser(const QString &user) { m_user = user; }
    const QString &user() const { return m_user; }
    // What the request's bearer token grants (authenticator.h); nullptr without a token. Set and read by the
    // handler only.
    void setGrants(std::shared_ptr<const AccessGrants> grants) { m_grants = std::move(grants); }
    const std::shared_ptr<const AccessGrants> &grants() const { return m_grants; }

private:
    QString m_user;
    std::shared_ptr<const AccessGrants> m_grants;
};

class RequestHandler
{
public:
    virtual ~RequestHandler() = default;
    // Called on a worker thread once a request's head is complete; must lead to exactly one respond*().
    // Thread-safe: called concurrently from several workers.
    virtual void handle(Exchange &exchange) = 0;
};

} // namespace Minato::Registry
