#pragma once

// Connection: one HTTP/1.1 connection (RFC 9112) on one socket, living on one of the server's worker threads.
//
//   auto *c = new Connection(socket, handler, limits, counters, Connection::Mode::Serve, worker);
//   QObject::connect(c, &Connection::finished, worker, [...] { …count it out… });
//   c->start();                      // reads heads, calls handler->handle(exchange) for each request
//   …
//   c->shutdown();                   // graceful: finish the exchange in flight, then close
//   c->abort();                      // at once: a pending body callback gets ClientGone
//
// It implements the wire side of Exchange (exchange.h): requests are read one at a time, so requests
// pipelined behind the one in flight wait in the socket (in order) and responses leave in order. Bodies
// stream in bounded pieces both ways (see ConnectionLimits); memory per connection stays well under 1 MiB
// whatever the body size. A file response on a plain-HTTP socket goes out with sendfile(2) on Linux (see
// ConnectionLimits::sendFile and stepSendFile()). The Connection deletes itself (deleteLater) once its socket
// is closed and no handler still holds its exchange; finished() is emitted once, when the socket is closed.

#include "exchange.h"
#include "requestparser.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace Minato::Registry {

struct ConnectionLimits
{
    ParserLimits parser;
    // Between requests on a keep-alive connection: close when no byte of a next request arrives in time.
    std::chrono::milliseconds idleTimeout{60'000};
    // The whole head must arrive within this time from its first byte (and from accept for the first
    // request): the slowloris defence. An expired partial head is answered 408 (RFC 9110 §15.5.9).
    std::chrono::milliseconds headerTimeout{30'000};
    // A body being read that receives no byte, or a response the client stops taking, for this long: close.
    std::chrono::milliseconds bodyTimeout{60'000};
    // After answering without reading a request body, keep reading (and dropping) for at most this long
    // before closing, so that the client reads the answer instead of a reset (RFC 9112 §9.6).
    std::chrono::milliseconds lingerTimeout{2'000};
    // A request body left unread by the handler is read and dropped after the response when it is known to be
    // at most this large; a larger or chunked one closes the connection instead.
    qint64 maxDiscardBytes = 1024 * 1024;
    // Qt's own read buffer for the socket (QAbstractSocket::setReadBufferSize): what the kernel hands over
    // beyond it stays in the kernel, and TCP flow control slows the client down.
    qint64 socketReadBufferBytes = 512 * 1024;
    // Size of each read of a body from the socket and of each piece of a streamed response.
    qint64 chunkBytes = 256 * 1024;
    // A response streamed from a plain file (QFile) on a plain-HTTP socket is sent with Linux sendfile(2): the
    // kernel moves page-cache pages to the socket, no copy through user space. TLS connections, other devices
    // and other systems always copy. `minato-registry --no-sendfile` turns it off, for comparison.
    bool sendFile = true;
};

// Counters shared by the connections of one server; every field is updated from several threads.
struct ConnectionCounters
{
    std::atomic<qint64> activeConnections{0};   // accepted and not yet closed (not counting rejected ones)
    std::atomic<qint64> totalConnections{0};    // ever accepted, rejected ones included
    std::atomic<qint64> rejectedConnections{0}; // answered 503 because of the connection limit
    std::atomic<qint64> totalRequests{0};       // heads parsed (including ones answered with an error)
    std::atomic<qint64> peakBufferedBytes{0};   // most unread request bytes held in memory by one connection
    std::atomic<qint64> sendFileBytes{0};       // response body bytes sent with sendfile(2)

    void notePeakBuffered(qint64 bytes)
    {
        qint64 seen = peakBufferedBytes.load(std::memory_order_relaxed);
        while (bytes > seen && !peakBufferedBytes.compare_exchange_weak(seen, bytes, std::memory_order_relaxed)) {
        }
    }
};

class ConnectionExchange;

class Connection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Connection)

public:
    enum class Mode {
        Serve,      // requests go to the handler
        RejectBusy, // every request is answered 503 with Retry-After, then the connection closes
    };

    // Takes ownership of socket (connected, possibly still in its TLS handshake) and reparents it.
    Connection(QTcpSocket *socket, std::shared_ptr<RequestHandler> handler, const ConnectionLimits &limits,
               std::shared_ptr<ConnectionCounters> counters, Mode mode, QObject *parent = nullptr);
    ~Connection() override;

    void start();
    // Graceful: an idle connection closes now; one with an exchange in flight answers it with
    // `Connection: close` (when the response has not started yet) and closes after it.
    void shutdown();
    // Closes now. A pending body callback receives ClientGone; an exchange still waiting for its response
    // keeps this object alive until respond*() is called (and ignored).
    void abort();

    bool isClosed() const { return m_phase == Phase::Closed; }
    // The most unread request bytes this connection has held in memory at once (Qt's socket buffer included).
    qint64 peakBufferedBytes() const { return m_peakBuffered; }

signals:
    void finished();

private:
    friend class ConnectionExchange;

    enum class Phase {
        Head,     // reading a request head (or idle between requests)
        Exchange, // a handler owns the current request
        Discard,  // response sent; dropping the unread rest of the request body
        Closing,  // flushing the last response before closing
        Linger,   // flushed; dropping input for a short while before closing
        Closed,
    };
    enum class TimerKind { None, Idle, Head, Body, Send, Linger };
    enum class BodyMode { None, Length, Chunked };
    enum class BodyOp { None, Read, Stream };

    // Exchange implementation (called through ConnectionExchange).
    void readBody(qint64 maxBytes, std::function<void(const BodyResult &)> done);
    void streamBody(BodySink *sink, std::function<void(const BodyResult &)> done);
    void beginBody(BodyOp op, qint64 maxBytes, BodySink *sink, std::function<void(const BodyResult &)> done);
    void respond(int status, HttpHeaders headers, QByteArray body);
    void respondStream(int status, HttpHeaders headers, std::unique_ptr<QIODevice> device, qint64 length);

    void pump();
    void schedulePump();
    void step();
    void stepHead();
    void stepBody();
    void stepStream();
    void stepSendFile();
    void sendFileWakeChunk();
    void endStream();
    void postPump();
    void stepDiscard();
    void stepClosing();
    void startExchange(HttpRequest request);
    void finishExchange();
    void completeBody(BodyResult result);
    bool deliverBody(QByteArrayView data);
    // Points *out at up to max unread bytes: from m_buffer (returns 1; the caller removes what it used) or
    // read from the socket into m_scratch (returns 2); 0 when nothing is there.
    int takeInput(qint64 max, QByteArrayView *out);
    void noteBuffered(qint64 extra);

    // Marks the exchange answered and resets the body state; false when the answer must not be written
    // (a second respond, or the connection already closed).
    bool beginResponse(const HttpHeaders &headers);
    // Writes a status line and fields; decides Content-Length and Connection. Returns whether a body follows.
    bool writeHead(int status, HttpHeaders &headers, qint64 contentLength, bool explicitHeadLength);
    void answerError(int status, const QByteArray &reason, HttpHeaders extra = {});
    bool decideCloseBeforeResponse(const HttpHeaders &headers);
    void beginClose(bool linger);
    void setTimer(TimerKind kind, std::chrono::milliseconds timeout);
    void onTimeout();
    void onSocketGone();
    void maybeDelete();

    QTcpSocket *m_socket;
    std::shared_ptr<RequestHandler> m_handler;
    ConnectionLimits m_limits;
    std::shared_ptr<ConnectionCounters> m_counters;
    Mode m_mode;
    QTimer m_timer;
    TimerKind m_timerKind = TimerKind::None;

    Phase m_phase = Phase::Head;
    bool m_firstRequest = true;
    bool m_shutdownRequested = false;
    bool m_lingerAfterFlush = false;
    bool m_finishedEmitted = false;
    bool m_deleteScheduled = false;
    bool m_pumping = false;
    bool m_pumpAgain = false;
    bool m_pumpScheduled = false;
    bool m_waitingForDevice = false;

    QByteArray m_buffer;  // bytes taken from the socket and not consumed yet (a head, the start of a body…)
    QByteArray m_scratch; // reusable buffer for body reads and response pieces
    qint64 m_peakBuffered = 0;

    // The current exchange.
    std::unique_ptr<ConnectionExchange> m_exchange;
    std::vector<std::unique_ptr<ConnectionExchange>> m_retired; // destroyed at the next outermost pump()
    bool m_responded = false;
    bool m_closeAfterResponse = false;
    bool m_continueSent = false;
    BodyMode m_bodyMode = BodyMode::None;
    qint64 m_bodyRemaining = 0; // Length mode
    qint64 m_bodyReceived = 0;  // body bytes consumed (decoded for chunked)
    bool m_bodyComplete = true;
    bool m_bodyMalformed = false;
    ChunkedDecoder m_chunked;
    BodyOp m_bodyOp = BodyOp::None;
    qint64 m_readMax = 0;
    QByteArray m_readBuffer;
    BodySink *m_sink = nullptr;
    BodyError m_bodyError = BodyError::None;
    std::function<void(const BodyResult &)> m_bodyDone;
    std::unique_ptr<QIODevice> m_stream;
    qint64 m_streamRemaining = 0;
    // sendfile(2) streaming: m_stream's descriptor (-1: the buffered path) and the offset of its next byte (the
    // file position itself is not moved; the QFile is only read from again after a fallback seek).
    int m_sendFileFd = -1;
    qint64 m_sendFileOffset = 0;
};

} // namespace Minato::Registry
