#include "connection.h"

#include "oci/errorcode.h"
#include "registryinfo.h"

#include <QDateTime>
#include <QFile>
#include <QLocale>
#include <QSslSocket>
#include <QTcpSocket>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <sys/socket.h>
#endif

#ifdef Q_OS_LINUX
#include <cerrno>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <sys/sendfile.h>
#include <unistd.h>
#endif

namespace Minato::Registry {

// The Exchange a handler sees: a thin forwarder owned by its Connection (which outlives it).
class ConnectionExchange final : public Exchange
{
public:
    ConnectionExchange(Connection *connection, HttpRequest request)
        : m_connection(connection)
        , m_request(std::move(request))
    {}
    const HttpRequest &request() const override { return m_request; }
    void readBody(qint64 maxBytes, std::function<void(const BodyResult &)> done) override
    {
        m_connection->readBody(maxBytes, std::move(done));
    }
    void streamBody(BodySink *sink, std::function<void(const BodyResult &)> done) override
    {
        m_connection->streamBody(sink, std::move(done));
    }
    void respond(int status, HttpHeaders headers, QByteArray body) override
    {
        m_connection->respond(status, std::move(headers), std::move(body));
    }
    void respondStream(int status, HttpHeaders headers, std::unique_ptr<QIODevice> device, qint64 length) override
    {
        m_connection->respondStream(status, std::move(headers), std::move(device), length);
    }

private:
    Connection *m_connection;
    HttpRequest m_request;
};

namespace {

// While the client leaves this much of our output unread, no further pipelined request is started.
constexpr qint64 maxPendingOutput = 1024 * 1024;

// IMF-fixdate (RFC 9110 §5.6.7); an origin server with a clock MUST send Date (§6.6.1).
QByteArray httpDate()
{
    return QLocale::c()
        .toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toLatin1();
}

// A field value never carries CR, LF or NUL (RFC 9110 §5.5): dropping them here also stops header injection.
QByteArray sanitized(QByteArray value)
{
    if (value.contains('\r') || value.contains('\n') || value.contains('\0')) {
        value.replace('\r', ' ').replace('\n', ' ').replace('\0', ' ');
    }
    return value;
}

void halfClose(qintptr descriptor)
{
    if (descriptor < 0) {
        return;
    }
#ifdef Q_OS_WIN
    ::shutdown(static_cast<SOCKET>(descriptor), SD_SEND);
#else
    ::shutdown(static_cast<int>(descriptor), SHUT_WR);
#endif
}

#ifdef Q_OS_LINUX
// sendfile(2) per pump: at most this much, then the worker's other connections get their turn.
constexpr qint64 sendFileBudget = 8 * 1024 * 1024;
// When the socket is full (EAGAIN), this much of the file goes through QTcpSocket::write instead: its bytesWritten
// says when the socket has room again, without a second QSocketNotifier beside Qt's own on the descriptor.
constexpr qint64 sendFileWakeBytes = 64 * 1024;

// sendfile(2) has no MSG_NOSIGNAL: a send to a peer that is gone (EPIPE) raises SIGPIPE, whose default action ends
// the process. Qt ignores SIGPIPE process-wide once it handles a socket (minato-registry's /proc/PID/status SigIgn
// gains it with the first connection), and QTcpSocket's own write(2) relies on that (with the default action put
// back, its write after a reset ends the process: seen under strace). sendfile does not rely on it: SIGPIPE is
// blocked on this thread around the calls, and one they raised is taken back before the mask is restored.
class SigPipeBlock
{
public:
    SigPipeBlock()
    {
        sigemptyset(&m_pipe);
        sigaddset(&m_pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &m_pipe, &m_previous);
        sigset_t pending;
        sigemptyset(&pending);
        m_pendingBefore = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    }
    ~SigPipeBlock()
    {
        if (m_raised && !m_pendingBefore) {
            const timespec zero{};
            while (sigtimedwait(&m_pipe, nullptr, &zero) < 0 && errno == EINTR) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
    }
    SigPipeBlock(const SigPipeBlock &) = delete;
    SigPipeBlock &operator=(const SigPipeBlock &) = delete;

    void noteBrokenPipe() { m_raised = true; }

private:
    sigset_t m_pipe;
    sigset_t m_previous;
    bool m_pendingBefore = false;
    bool m_raised = false;
};
#endif

bool hasConnectionOption(const HttpHeaders &headers, QByteArrayView option)
{
    for (const QByteArray &line : headers.values("Connection")) {
        for (const QByteArray &element : line.split(',')) {
            if (QByteArrayView(element.trimmed()).compare(option, Qt::CaseInsensitive) == 0) {
                return true;
            }
        }
    }
    return false;
}

} // namespace

Connection::Connection(QTcpSocket *socket, std::shared_ptr<RequestHandler> handler, const ConnectionLimits &limits,
                       std::shared_ptr<ConnectionCounters> counters, Mode mode, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_handler(std::move(handler))
    , m_limits(limits)
    , m_counters(std::move(counters))
    , m_mode(mode)
    , m_chunked(4096, limits.parser.maxHeadBytes)
{
    m_socket->setParent(this);
    // Qt stops reading from the kernel once this much is buffered: TCP flow control then paces the client.
    m_socket->setReadBufferSize(m_limits.socketReadBufferBytes);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &Connection::onTimeout);
    connect(m_socket, &QIODevice::readyRead, this, &Connection::pump);
    connect(m_socket, &QIODevice::bytesWritten, this, [this](qint64) {
        if (m_timerKind == TimerKind::Send) {
            m_timer.start();
        }
        pump();
    });
    connect(m_socket, &QAbstractSocket::disconnected, this, &Connection::onSocketGone);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) { onSocketGone(); });
}

Connection::~Connection()
{
    m_socket->disconnect(this);
    if (m_bodyDone) {
        auto done = std::move(m_bodyDone);
        BodyResult result;
        result.error = BodyError::ClientGone;
        result.bytes = m_bodyReceived;
        done(result);
    }
    m_stream.reset();
    delete m_socket;
}

void Connection::start()
{
    // The first head must arrive within the header timeout from accept (which covers a TLS handshake).
    setTimer(TimerKind::Head, m_limits.headerTimeout);
    pump();
}

void Connection::shutdown()
{
    m_shutdownRequested = true;
    if (m_phase == Phase::Head) {
        beginClose(false);
    } else if (m_phase == Phase::Discard) {
        beginClose(true);
    }
    pump();
}

void Connection::abort()
{
    if (m_phase == Phase::Closed) {
        return;
    }
    m_socket->abort();
    onSocketGone();
}

void Connection::pump()
{
    if (m_pumping) {
        m_pumpAgain = true;
        return;
    }
    m_pumping = true;
    m_retired.clear();
    do {
        m_pumpAgain = false;
        step();
    } while (m_pumpAgain);
    m_pumping = false;
    maybeDelete();
}

void Connection::schedulePump()
{
    // Called from the handler's side (respond*, readBody, streamBody): the state machine continues from the
    // event loop, so that a handler is never re-entered (the next pipelined request, a body callback) from
    // inside its own call.
    if (m_pumping) {
        m_pumpAgain = true;
        return;
    }
    postPump();
}

void Connection::postPump()
{
    if (!m_pumpScheduled) {
        m_pumpScheduled = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_pumpScheduled = false;
                pump();
            },
            Qt::QueuedConnection);
    }
}

void Connection::step()
{
    switch (m_phase) {
    case Phase::Head:
        stepHead();
        break;
    case Phase::Exchange:
        if (m_bodyOp != BodyOp::None) {
            stepBody();
        } else if (m_stream) {
            stepStream();
        } else if (m_responded) {
            finishExchange();
        }
        break;
    case Phase::Discard:
        stepDiscard();
        break;
    case Phase::Closing:
    case Phase::Linger:
        stepClosing();
        break;
    case Phase::Closed:
        break;
    }
}

void Connection::stepHead()
{
    if (m_socket->bytesToWrite() > maxPendingOutput) {
        return; // the client is not reading its responses: leave its next requests in the socket for now
    }
    const qint64 room = m_limits.parser.maxHeadBytes + 1 - m_buffer.size();
    const qint64 available = m_socket->bytesAvailable();
    if (room > 0 && available > 0) {
        m_buffer.append(m_socket->read(qMin(room, available)));
        noteBuffered(0);
    }
    // RFC 9112 §2.2: a server SHOULD ignore at least one empty line (CRLF) received before the request-line.
    qsizetype skip = 0;
    while (skip + 1 < m_buffer.size() && m_buffer.at(skip) == '\r' && m_buffer.at(skip + 1) == '\n') {
        skip += 2;
    }
    if (skip > 0) {
        m_buffer.remove(0, skip);
    }
    if (m_buffer.isEmpty()) {
        if (m_timerKind == TimerKind::None) {
            setTimer(TimerKind::Idle, m_limits.idleTimeout);
        }
        return;
    }
    if (m_timerKind != TimerKind::Head) {
        setTimer(TimerKind::Head, m_limits.headerTimeout); // from the first byte of this head
    }
    const qsizetype end = RequestParser::findHeadEnd(m_buffer);
    if (end < 0) {
        if (auto error = RequestParser::checkIncomplete(m_buffer, m_limits.parser)) {
            ++m_counters->totalRequests;
            answerError(error->status, error->reason);
        }
        return;
    }
    RequestParseResult parsed = RequestParser::parse(QByteArrayView(m_buffer).first(end), m_limits.parser);
    ++m_counters->totalRequests;
    if (!parsed.ok()) {
        answerError(parsed.status, parsed.reason);
        return;
    }
    m_buffer.remove(0, end);
    startExchange(std::move(*parsed.request));
}

void Connection::startExchange(HttpRequest request)
{
    setTimer(TimerKind::None, {});
    if (m_mode == Mode::RejectBusy) {
        HttpHeaders headers;
        headers.add("Retry-After", "1"); // RFC 9110 §10.2.3
        answerError(503, "The registry is serving too many connections; retry shortly.", headers);
        return;
    }
    request.peerAddress = m_socket->peerAddress();
    request.peerPort = m_socket->peerPort();
    auto *ssl = qobject_cast<QSslSocket *>(m_socket);
    request.secure = ssl && ssl->isEncrypted();

    m_responded = false;
    m_closeAfterResponse = false;
    m_lingerAfterFlush = false;
    m_continueSent = false;
    m_bodyReceived = 0;
    m_bodyMalformed = false;
    m_bodyError = BodyError::None;
    m_readBuffer.clear();
    if (request.chunked) {
        m_bodyMode = BodyMode::Chunked;
        m_chunked.reset();
        m_bodyComplete = false;
    } else if (request.contentLength > 0) {
        m_bodyMode = BodyMode::Length;
        m_bodyRemaining = request.contentLength;
        m_bodyComplete = false;
    } else {
        m_bodyMode = BodyMode::None;
        m_bodyRemaining = 0;
        m_bodyComplete = true;
    }
    m_phase = Phase::Exchange;
    m_exchange = std::make_unique<ConnectionExchange>(this, std::move(request));
    m_pumpAgain = true;
    m_handler->handle(*m_exchange);
}

void Connection::readBody(qint64 maxBytes, std::function<void(const BodyResult &)> done)
{
    beginBody(BodyOp::Read, maxBytes, nullptr, std::move(done));
}

void Connection::streamBody(BodySink *sink, std::function<void(const BodyResult &)> done)
{
    beginBody(BodyOp::Stream, 0, sink, std::move(done));
}

void Connection::beginBody(BodyOp op, qint64 maxBytes, BodySink *sink, std::function<void(const BodyResult &)> done)
{
    BodyResult result;
    result.bytes = m_bodyReceived;
    if (!m_exchange || m_responded || m_bodyOp != BodyOp::None || m_bodyReceived > 0 ||
        m_bodyError != BodyError::None) {
        qWarning("Minato::Registry::Connection: the request body was asked for twice or after the response");
        result.error = m_bodyError == BodyError::None ? BodyError::Malformed : m_bodyError;
        done(result);
        return;
    }
    if (m_phase == Phase::Closed) {
        result.error = BodyError::ClientGone;
        done(result);
        m_retired.push_back(std::move(m_exchange));
        maybeDelete();
        return;
    }
    if (m_bodyComplete) {
        result.ok = true; // no body: complete at once
        done(result);
        return;
    }
    if (op == BodyOp::Read && m_bodyMode == BodyMode::Length && m_bodyRemaining > maxBytes) {
        result.error = BodyError::TooLarge; // known from Content-Length: no 100 Continue, nothing read
        m_bodyError = BodyError::TooLarge;
        done(result);
        return;
    }
    m_bodyOp = op;
    m_readMax = maxBytes;
    m_sink = sink;
    m_bodyDone = std::move(done);
    // RFC 9110 §10.1.1: the interim 100 goes out only now that the handler wants the content.
    if (m_exchange->request().expectContinue && !m_continueSent) {
        m_continueSent = true;
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    setTimer(TimerKind::Body, m_limits.bodyTimeout);
    schedulePump();
}

int Connection::takeInput(qint64 max, QByteArrayView *out)
{
    if (!m_buffer.isEmpty()) {
        *out = QByteArrayView(m_buffer).first(qMin<qint64>(max, m_buffer.size()));
        return 1;
    }
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0 || max <= 0) {
        return 0;
    }
    if (m_scratch.size() < m_limits.chunkBytes) {
        m_scratch.resize(m_limits.chunkBytes);
    }
    const qint64 n = m_socket->read(m_scratch.data(), qMin(qMin(max, available), qint64(m_scratch.size())));
    if (n <= 0) {
        return 0;
    }
    noteBuffered(n);
    *out = QByteArrayView(m_scratch.constData(), n);
    return 2;
}

void Connection::noteBuffered(qint64 extra)
{
    const qint64 total = m_buffer.size() + extra + m_socket->bytesAvailable();
    if (total > m_peakBuffered) {
        m_peakBuffered = total;
        m_counters->notePeakBuffered(total);
    }
}

bool Connection::deliverBody(QByteArrayView data)
{
    if (m_bodyError != BodyError::None || data.isEmpty()) {
        return m_bodyError == BodyError::None;
    }
    if (m_bodyOp == BodyOp::Read) {
        if (m_readBuffer.size() + data.size() > m_readMax) {
            m_bodyError = BodyError::TooLarge;
            m_readBuffer.clear();
            return false;
        }
        m_readBuffer.append(data);
    } else if (m_bodyOp == BodyOp::Stream) {
        if (!m_sink->write(data.data(), data.size())) {
            m_bodyError = BodyError::SinkFailed;
            return false;
        }
    }
    return true;
}

void Connection::stepBody()
{
    while (m_bodyOp != BodyOp::None && m_phase == Phase::Exchange) {
        if (m_bodyError != BodyError::None) {
            BodyResult result;
            result.error = m_bodyError;
            result.bytes = m_bodyReceived;
            completeBody(result);
            return;
        }
        if (m_bodyComplete) {
            BodyResult result;
            result.ok = true;
            result.bytes = m_bodyReceived;
            if (m_bodyOp == BodyOp::Read) {
                result.body = std::move(m_readBuffer);
                m_readBuffer.clear();
            }
            completeBody(result);
            return;
        }
        const qint64 want =
            m_bodyMode == BodyMode::Length ? qMin(m_bodyRemaining, m_limits.chunkBytes) : m_limits.chunkBytes;
        QByteArrayView data;
        const int source = takeInput(want, &data);
        if (source == 0) {
            return; // wait for readyRead
        }
        m_timer.start(); // body stall timer: progress
        qint64 used = data.size();
        if (m_bodyMode == BodyMode::Length) {
            deliverBody(data);
            m_bodyRemaining -= used;
            m_bodyReceived += used;
            m_bodyComplete = m_bodyRemaining == 0;
        } else {
            used = m_chunked.decode(data, [this](QByteArrayView piece) { deliverBody(piece); });
            m_bodyReceived = m_chunked.decodedBytes();
            if (m_chunked.hasError()) {
                m_bodyMalformed = true;
                if (m_bodyError == BodyError::None) {
                    m_bodyError = BodyError::Malformed;
                }
            }
            m_bodyComplete = m_chunked.isDone();
        }
        if (source == 1) {
            m_buffer.remove(0, used);
        } else if (used < data.size()) {
            m_buffer = data.sliced(used).toByteArray(); // after a chunked body: the next request's bytes
        }
    }
}

void Connection::completeBody(BodyResult result)
{
    auto done = std::move(m_bodyDone);
    m_bodyDone = nullptr;
    m_bodyOp = BodyOp::None;
    m_sink = nullptr;
    setTimer(TimerKind::None, {});
    m_pumpAgain = true;
    done(result);
}

void Connection::stepDiscard()
{
    while (m_bodyRemaining > 0) {
        QByteArrayView data;
        const int source = takeInput(qMin(m_bodyRemaining, m_limits.chunkBytes), &data);
        if (source == 0) {
            return;
        }
        m_timer.start();
        if (source == 1) {
            m_buffer.remove(0, data.size());
        }
        m_bodyRemaining -= data.size();
    }
    m_bodyComplete = true;
    setTimer(TimerKind::None, {});
    m_phase = Phase::Head;
    m_pumpAgain = true;
}

bool Connection::decideCloseBeforeResponse(const HttpHeaders &headers)
{
    const HttpRequest &request = m_exchange->request();
    bool close = !request.keepAlive || m_shutdownRequested || m_bodyMalformed || hasConnectionOption(headers, "close");
    if (!m_bodyComplete) {
        if (request.expectContinue && !m_continueSent) {
            // No 100 was sent, so the client may or may not send the content (RFC 9110 §10.1.1): the framing of
            // what follows is unknown.
            close = true;
        } else if (m_bodyMode == BodyMode::Chunked || m_bodyRemaining > m_limits.maxDiscardBytes) {
            close = true;
        }
        m_lingerAfterFlush = close;
    }
    return close;
}

bool Connection::writeHead(int status, HttpHeaders &headers, qint64 contentLength, bool keepGivenLength)
{
    const HttpRequest *request = m_exchange ? &m_exchange->request() : nullptr;
    const bool isHead = request && request->isHead();
    const bool noContent = (status >= 100 && status < 200) || status == 204 || status == 304;
    headers.remove("Transfer-Encoding"); // responses are always Content-Length framed
    headers.remove("Connection");
    // RFC 9110 §8.6: no Content-Length in a 1xx or 204; a 304 or a HEAD response may advertise the size.
    if ((status >= 100 && status < 200) || status == 204) {
        headers.remove("Content-Length");
    } else if (status != 304 && !(keepGivenLength && headers.contains("Content-Length"))) {
        headers.set("Content-Length", QByteArray::number(contentLength));
    }
    if (!headers.contains("Server")) {
        headers.add("Server", serverName().toLatin1());
    }
    if (!headers.contains("Date")) {
        headers.add("Date", httpDate());
    }
    // RFC 9112 §9.6: a server that closes after this response says so.
    if (m_closeAfterResponse) {
        headers.add("Connection", "close");
    } else if (request && request->versionMinor == 0) {
        headers.add("Connection", "keep-alive"); // §9.3: HTTP/1.0 persistence is opt-in
    }
    QByteArray head;
    head.reserve(256);
    head += "HTTP/1.1 " + QByteArray::number(status) + ' ' + RequestParser::reasonPhrase(status) + "\r\n";
    for (const auto &[name, value] : headers.fields()) {
        head += sanitized(name) + ": " + sanitized(value) + "\r\n";
    }
    head += "\r\n";
    m_socket->write(head);
    return !noContent && !isHead;
}

bool Connection::beginResponse(const HttpHeaders &headers)
{
    if (!m_exchange || m_responded) {
        qWarning("Minato::Registry::Connection: respond() called twice for one request");
        return false;
    }
    m_responded = true;
    if (m_phase == Phase::Closed) {
        m_retired.push_back(std::move(m_exchange));
        maybeDelete();
        return false;
    }
    // The handler answered while its body was still arriving: the body callback is dropped.
    m_bodyDone = nullptr;
    m_bodyOp = BodyOp::None;
    m_sink = nullptr;
    m_closeAfterResponse = decideCloseBeforeResponse(headers);
    return true;
}

void Connection::respond(int status, HttpHeaders headers, QByteArray body)
{
    if (!beginResponse(headers)) {
        return;
    }
    if (writeHead(status, headers, body.size(), m_exchange->request().isHead())) {
        m_socket->write(body);
    }
    schedulePump();
}

void Connection::respondStream(int status, HttpHeaders headers, std::unique_ptr<QIODevice> device, qint64 length)
{
    if (!beginResponse(headers)) {
        return;
    }
    if (writeHead(status, headers, qMax<qint64>(length, 0), false) && length > 0 && device) {
        m_stream = std::move(device);
        m_streamRemaining = length;
        connect(m_stream.get(), &QIODevice::readyRead, this, [this] {
            if (m_waitingForDevice) {
                m_waitingForDevice = false;
                pump();
            }
        });
        m_sendFileFd = -1;
#ifdef Q_OS_LINUX
        // TLS needs the bytes in user space (QSslSocket encrypts them), and only a plain file has pages to lend.
        auto *file = qobject_cast<QFile *>(m_stream.get());
        if (m_limits.sendFile && file && !file->isSequential() && file->handle() >= 0 &&
            !qobject_cast<QSslSocket *>(m_socket)) {
            m_sendFileFd = file->handle();
            m_sendFileOffset = file->pos(); // the handler positioned it at the first byte (a Range's start)
        }
#endif
        setTimer(TimerKind::Send, m_limits.bodyTimeout);
    }
    schedulePump();
}

void Connection::stepStream()
{
    if (m_sendFileFd >= 0) {
        stepSendFile();
        return;
    }
    if (m_scratch.size() < m_limits.chunkBytes) {
        m_scratch.resize(m_limits.chunkBytes);
    }
    // Paced by bytesWritten: at most about two pieces wait in the socket's write buffer.
    while (m_streamRemaining > 0 && m_socket->bytesToWrite() < m_limits.chunkBytes) {
        const qint64 want = qMin(m_streamRemaining, qint64(m_scratch.size()));
        const qint64 got = m_stream->read(m_scratch.data(), want);
        if (got < 0 || (got == 0 && !m_stream->isSequential())) {
            // The response is already promised a length it cannot have: the only honest end is a close.
            qWarning("Minato::Registry::Connection: the response body ended %lld bytes early; closing",
                     static_cast<long long>(m_streamRemaining));
            m_stream.reset();
            abort();
            return;
        }
        if (got == 0) {
            m_waitingForDevice = true;
            return;
        }
        m_socket->write(m_scratch.constData(), got);
        m_streamRemaining -= got;
    }
    if (m_streamRemaining == 0) {
        endStream();
    }
}

void Connection::endStream()
{
    m_stream.reset();
    m_sendFileFd = -1;
    setTimer(TimerKind::None, {});
    m_pumpAgain = true;
}

// The body of a file response on a plain socket, with sendfile(2). The bytes must reach the kernel in response
// order, and Qt's write buffer may hold some that came first (the head, a wake-up chunk): sendfile runs only when
// QTcpSocket has nothing buffered. It then runs non-blocking until the socket is full (EAGAIN), the body is sent or
// the per-pump budget is spent. On EAGAIN one ordinary chunk is handed to QTcpSocket::write, whose bytesWritten
// (emitted once the socket had room for it) pumps again; after the budget a queued pump lets the worker's other
// connections run first. Everything else (the end of the body before a pipelined response, the send timeout, a
// client that goes away) works as on the buffered path.
void Connection::stepSendFile()
{
#ifdef Q_OS_LINUX
    if (m_socket->bytesToWrite() > 0) {
        m_socket->flush(); // the head now, not one event-loop turn later
        if (m_phase == Phase::Closed || !m_stream) {
            return; // the flush found the client gone
        }
        if (m_socket->bytesToWrite() > 0) {
            return; // bytesWritten pumps again
        }
    }
    const int socketFd = static_cast<int>(m_socket->socketDescriptor());
    SigPipeBlock sigPipe;
    qint64 budget = sendFileBudget;
    bool progressed = false;
    int error = 0;
    while (m_streamRemaining > 0 && budget > 0) {
        off_t offset = static_cast<off_t>(m_sendFileOffset);
        const ssize_t sent =
            ::sendfile(socketFd, m_sendFileFd, &offset, static_cast<size_t>(qMin(m_streamRemaining, budget)));
        if (sent > 0) {
            m_sendFileOffset += sent;
            m_streamRemaining -= sent;
            budget -= sent;
            m_counters->sendFileBytes.fetch_add(sent, std::memory_order_relaxed);
            progressed = true;
            continue;
        }
        error = sent < 0 ? errno : 0;
        if (error != EINTR) {
            break;
        }
        error = 0;
    }
    if (progressed && m_timerKind == TimerKind::Send) {
        m_timer.start(); // the client is taking the response: the send timeout starts over
    }
    if (m_streamRemaining == 0) {
        endStream();
        return;
    }
    if (budget <= 0) {
        postPump();
        return;
    }
    if (error == EAGAIN) { // == EWOULDBLOCK on Linux
        sendFileWakeChunk();
        return;
    }
    if (error == EINVAL || error == ENOSYS || error == EOPNOTSUPP) {
        // A file system whose files cannot be spliced: the rest goes through the buffered path, from where
        // sendfile stopped.
        if (m_stream->seek(m_sendFileOffset)) {
            m_sendFileFd = -1;
            m_pumpAgain = true;
            return;
        }
    }
    if (error == EPIPE) {
        sigPipe.noteBrokenPipe();
    }
    if (error == 0) {
        // The response is already promised a length it cannot have: the only honest end is a close, by which the
        // client knows the message is incomplete (RFC 9112 §6.3, §8).
        qWarning("Minato::Registry::Connection: the response body ended %lld bytes early; closing",
                 static_cast<long long>(m_streamRemaining));
    } else if (error != EPIPE && error != ECONNRESET) {
        qWarning("Minato::Registry::Connection: sendfile: %s; closing", std::strerror(error));
    }
    abort(); // EPIPE, ECONNRESET: the client is gone
#endif
}

void Connection::sendFileWakeChunk()
{
#ifdef Q_OS_LINUX
    const qint64 want = qMin(m_streamRemaining, sendFileWakeBytes);
    if (m_scratch.size() < want) {
        m_scratch.resize(want);
    }
    ssize_t got = -1;
    do {
        got = ::pread(m_sendFileFd, m_scratch.data(), static_cast<size_t>(want), static_cast<off_t>(m_sendFileOffset));
    } while (got < 0 && errno == EINTR);
    if (got <= 0) {
        qWarning("Minato::Registry::Connection: the response body ended %lld bytes early; closing",
                 static_cast<long long>(m_streamRemaining));
        abort();
        return;
    }
    m_socket->write(m_scratch.constData(), got); // buffered by Qt, written when the socket has room
    m_sendFileOffset += got;
    m_streamRemaining -= got;
    if (m_streamRemaining == 0) {
        endStream(); // a pipelined response's head queues behind the chunk in Qt's buffer
    }
#endif
}

void Connection::finishExchange()
{
    m_retired.push_back(std::move(m_exchange));
    m_responded = false;
    setTimer(TimerKind::None, {});
    if (m_closeAfterResponse || m_shutdownRequested) {
        beginClose(!m_bodyComplete);
        return;
    }
    m_phase = m_bodyComplete ? Phase::Head : Phase::Discard;
    if (m_phase == Phase::Discard) {
        setTimer(TimerKind::Body, m_limits.bodyTimeout);
    }
    m_pumpAgain = true;
}

void Connection::answerError(int status, const QByteArray &reason, HttpHeaders extra)
{
    // Before (or instead of) a handler: an OCI error body, then close, since what follows the head cannot be
    // framed reliably (RFC 9112 §9.6).
    extra.set("Content-Type", "application/json");
    const auto code = status == 503 ? Oci::ErrorCode::Unavailable : Oci::ErrorCode::Unsupported;
    const QByteArray body = Oci::ErrorBody::serialize(code, QString::fromLatin1(reason));
    m_closeAfterResponse = true;
    writeHead(status, extra, body.size(), false);
    m_socket->write(body);
    m_buffer.clear();
    beginClose(true);
}

void Connection::beginClose(bool linger)
{
    if (m_phase == Phase::Closing || m_phase == Phase::Linger || m_phase == Phase::Closed) {
        return;
    }
    m_phase = Phase::Closing;
    m_lingerAfterFlush = linger;
    setTimer(TimerKind::Send, m_limits.bodyTimeout);
    m_pumpAgain = true;
}

void Connection::stepClosing()
{
    if (m_phase == Phase::Closing) {
        if (m_socket->bytesToWrite() > 0) {
            return; // bytesWritten pumps again
        }
        if (!m_lingerAfterFlush) {
            setTimer(TimerKind::None, {});
            m_socket->disconnectFromHost(); // → disconnected → onSocketGone
            return;
        }
        m_phase = Phase::Linger;
        setTimer(TimerKind::Linger, m_limits.lingerTimeout);
        // RFC 9112 §9.6: close the write side first, so that the client sees the end of the response and closes,
        // while what it still sends is read and dropped instead of turning into a reset that could destroy the
        // response before it is read. (Not for TLS: a TCP half-close would cut the TLS stream.)
        if (!qobject_cast<QSslSocket *>(m_socket)) {
            halfClose(m_socket->socketDescriptor());
        }
    }
    // Linger: drop whatever the client still sends until it closes or the linger time is over.
    m_buffer.clear();
    if (m_scratch.size() < m_limits.chunkBytes) {
        m_scratch.resize(m_limits.chunkBytes);
    }
    while (m_socket->bytesAvailable() > 0 && m_socket->read(m_scratch.data(), m_scratch.size()) > 0) {
    }
}

void Connection::setTimer(TimerKind kind, std::chrono::milliseconds timeout)
{
    m_timerKind = kind;
    if (kind == TimerKind::None) {
        m_timer.stop();
    } else {
        m_timer.start(timeout);
    }
}

void Connection::onTimeout()
{
    const TimerKind kind = m_timerKind;
    m_timerKind = TimerKind::None;
    switch (kind) {
    case TimerKind::None:
        return;
    case TimerKind::Idle:
        beginClose(false);
        break;
    case TimerKind::Head:
        if (m_buffer.isEmpty() && m_socket->bytesAvailable() == 0) {
            beginClose(false); // nothing was sent: close quietly
        } else {
            answerError(408, "The request head did not arrive in time.");
        }
        break;
    case TimerKind::Body:
    case TimerKind::Send:
    case TimerKind::Linger:
        abort(); // a pending body callback gets ClientGone
        return;
    }
    pump();
}

void Connection::onSocketGone()
{
    if (m_phase == Phase::Closed) {
        return;
    }
    m_phase = Phase::Closed;
    setTimer(TimerKind::None, {});
    if (m_socket->state() != QAbstractSocket::UnconnectedState) {
        m_socket->abort();
    }
    m_stream.reset();
    m_sendFileFd = -1;
    m_buffer.clear();
    if (m_bodyDone) {
        auto done = std::move(m_bodyDone);
        m_bodyDone = nullptr;
        m_bodyOp = BodyOp::None;
        m_sink = nullptr;
        BodyResult result;
        result.error = BodyError::ClientGone;
        result.bytes = m_bodyReceived;
        done(result);
        m_retired.push_back(std::move(m_exchange)); // dead once the ClientGone callback has returned
    } else if (m_exchange && m_responded) {
        m_retired.push_back(std::move(m_exchange));
    }
    if (!m_finishedEmitted) {
        m_finishedEmitted = true;
        emit finished();
    }
    maybeDelete();
}

void Connection::maybeDelete()
{
    if (m_phase == Phase::Closed && !m_pumping && !m_exchange && !m_deleteScheduled) {
        m_deleteScheduled = true;
        deleteLater();
    }
}

} // namespace Minato::Registry
