// The HTTP layer over loopback: a real Server, a trivial RequestHandler, raw QTcpSocket clients for the wire
// details and QNetworkAccessManager for the big transfers and TLS.
#include "embedded_registry/requestparser.h"
#include "embedded_registry/server.h"
#include "oci/sha256.h"

#include "rawhttpclient.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <cstring>

using namespace Minato::Registry;
using namespace Minato::Registry::Test;
using Minato::Oci::Sha256Hasher;
using namespace std::chrono_literals;

namespace {

class HashingSink final : public BodySink
{
public:
    bool write(const char *data, qint64 size) override
    {
        hasher.addData(data, qsizetype(size));
        return true;
    }
    Sha256Hasher hasher;
};

class TestHandler final : public RequestHandler
{
public:
    void handle(Exchange &ex) override
    {
        const HttpRequest &r = ex.request();
        handlerThread.store(QThread::currentThread());
        if (r.path == "/hello") {
            ex.respond(200, {{"Content-Type", "text/plain"}}, "hello");
        } else if (r.path.startsWith("/echo/")) {
            ex.respond(200, {}, "echo:" + r.path.mid(6) + (r.secure ? " secure" : ""));
        } else if (r.path == "/read") {
            const qint64 max = r.query.startsWith("max=") ? r.query.mid(4).toLongLong() : 1024 * 1024;
            ex.readBody(max, [&ex, this](const BodyResult &b) {
                if (b.ok) {
                    ex.respond(200, {}, QByteArray::number(b.bytes) + ' ' + Sha256Hasher::hexOf(b.body));
                } else if (b.error == BodyError::TooLarge) {
                    ex.respond(413, {}, "too large");
                } else if (b.error == BodyError::Malformed) {
                    ex.respond(400, {}, "malformed");
                } else {
                    probe.notify(QStringLiteral("gone"));
                }
            });
        } else if (r.path == "/stream") {
            auto sink = std::make_shared<HashingSink>();
            ex.streamBody(sink.get(), [&ex, sink, this](const BodyResult &b) {
                if (!b.ok) {
                    if (b.error == BodyError::ClientGone) {
                        probe.notify(QStringLiteral("gone"));
                    } else {
                        ex.respond(400, {}, "body error");
                    }
                    return;
                }
                ex.respond(201,
                           {{"X-Bytes", QByteArray::number(b.bytes)}, {"X-Sha256", sink->hasher.finalRaw().toHex()}});
            });
        } else if (r.path == "/early") {
            ex.respond(401, {{"WWW-Authenticate", "Basic realm=\"test\""}}, "denied");
        } else if (r.path == "/file") {
            auto file = std::make_unique<QFile>(filePath);
            if (!file->open(QIODevice::ReadOnly)) {
                ex.respond(500, {}, {});
                return;
            }
            const qint64 size = file->size();
            ex.respondStream(200, {{"Content-Type", "application/octet-stream"}}, std::move(file), size);
        } else {
            ex.respond(404, {}, "not found");
        }
    }

    Probe probe;
    QString filePath;
    std::atomic<QThread *> handlerThread{nullptr};
};

ServerOptions testOptions()
{
    ServerOptions options;
    options.workerCount = 2;
    return options;
}

struct Fixture
{
    explicit Fixture(ServerOptions options = testOptions())
        : handler(std::make_shared<TestHandler>())
        , server(std::make_unique<Server>(handler))
    {
        REQUIRE(server->start(options));
        REQUIRE(server->port() != 0);
    }
    QUrl url(const QString &path, const QString &scheme = QStringLiteral("http")) const
    {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2%3").arg(scheme).arg(server->port()).arg(path));
    }

    std::shared_ptr<TestHandler> handler;
    std::unique_ptr<Server> server;
};

QByteArray get(const QByteArray &path, const QByteArray &extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

// A 200 MiB file with a known digest, created once for the download tests.
struct BigFile
{
    QTemporaryDir dir;
    QString path;
    qint64 size = 0;
    QByteArray sha256;
};

const BigFile &bigFile()
{
    static BigFile file = [] {
        BigFile f;
        f.path = f.dir.filePath(QStringLiteral("blob.bin"));
        QFile out(f.path);
        REQUIRE(out.open(QIODevice::WriteOnly));
        QByteArray block(1024 * 1024, Qt::Uninitialized);
        QRandomGenerator rng(42);
        rng.fillRange(reinterpret_cast<quint32 *>(block.data()), block.size() / 4);
        Sha256Hasher hasher;
        for (int i = 0; i < 200; ++i) {
            std::memcpy(block.data(), &i, sizeof i); // every MiB differs
            REQUIRE(out.write(block) == block.size());
            hasher.addData(block);
        }
        f.size = out.size();
        f.sha256 = hasher.finalRaw().toHex();
        return f;
    }();
    return file;
}

struct Download
{
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    int status = 0;
    qint64 bytes = 0;
    QByteArray sha256;
    QByteArray body; // only the first 4 KiB
    double seconds = 0;
};

Download download(QNetworkAccessManager &nam, QNetworkRequest request, const std::function<void()> &onFirstBytes = {})
{
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setTransferTimeout(60'000);
    QElapsedTimer timer;
    timer.start();
    QNetworkReply *reply = nam.get(request);
    reply->setReadBufferSize(1024 * 1024);
    Download d;
    Sha256Hasher hasher;
    bool first = true;
    QObject::connect(reply, &QIODevice::readyRead, reply, [&] {
        const QByteArray chunk = reply->readAll();
        hasher.addData(chunk);
        d.bytes += chunk.size();
        if (d.body.size() < 4096) {
            d.body += chunk.first(qMin<qsizetype>(chunk.size(), 4096 - d.body.size()));
        }
        if (first && onFirstBytes) {
            first = false;
            onFirstBytes();
        }
    });
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished()) {
        REQUIRE(finished.wait(120'000));
    }
    const QByteArray rest = reply->readAll();
    hasher.addData(rest);
    d.bytes += rest.size();
    d.seconds = double(timer.nsecsElapsed()) / 1e9;
    d.error = reply->error();
    d.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    d.sha256 = hasher.finalRaw().toHex();
    reply->deleteLater();
    return d;
}

} // namespace

TEST_CASE("Server keeps a connection alive across requests", "[http]")
{
    Fixture f;
    RawClient c(f.server->port());
    REQUIRE(c.waitConnected());
    for (int i = 0; i < 2; ++i) {
        c.send(get("/hello"));
        auto r = c.read();
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body == "hello");
        CHECK(r->headers.value("Content-Length") == "5");
        CHECK(r->headers.value("Server").startsWith("minato-registry/"));
        CHECK_FALSE(r->headers.value("Date").isEmpty());
        CHECK_FALSE(r->headers.contains("Connection"));
    }
    CHECK(c.socket().state() == QAbstractSocket::ConnectedState);
    CHECK(f.server->stats().totalConnections == 1);
    CHECK(f.server->stats().totalRequests == 2);

    SECTION("Connection: close is honoured and announced")
    {
        c.send(get("/hello", "Connection: close\r\n"));
        auto r = c.read();
        REQUIRE(r);
        CHECK(r->headers.value("Connection") == "close");
        CHECK(c.waitClosed(5000));
    }
    SECTION("HTTP/1.0 keep-alive is opt-in")
    {
        c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        auto r = c.read();
        REQUIRE(r);
        CHECK(r->headers.value("Connection") == "keep-alive");
        c.send("GET /hello HTTP/1.0\r\n\r\n");
        r = c.read();
        REQUIRE(r);
        CHECK(r->headers.value("Connection") == "close");
        CHECK(c.waitClosed(5000));
    }
}

TEST_CASE("Server answers pipelined requests in order", "[http]")
{
    Fixture f;
    RawClient c(f.server->port());
    REQUIRE(c.waitConnected());
    c.send(get("/echo/one") + "POST /read HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc" + get("/echo/three"));
    auto r1 = c.read();
    auto r2 = c.read();
    auto r3 = c.read();
    REQUIRE(r1);
    REQUIRE(r2);
    REQUIRE(r3);
    CHECK(r1->body == "echo:one");
    CHECK(r2->body == "3 " + Sha256Hasher::hexOf("abc"));
    CHECK(r3->body == "echo:three");

    SECTION("a chunked body followed by a pipelined request")
    {
        c.send(
            "POST /read HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n" +
            get("/echo/after"));
        auto a = c.read();
        auto b = c.read();
        REQUIRE(a);
        REQUIRE(b);
        CHECK(a->body == "5 " + Sha256Hasher::hexOf("abcde"));
        CHECK(b->body == "echo:after");
    }
    SECTION("an unread small body is discarded and the connection stays usable")
    {
        c.send("POST /early HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789" + get("/echo/next"));
        auto a = c.read();
        auto b = c.read();
        REQUIRE(a);
        REQUIRE(b);
        CHECK(a->status == 401);
        CHECK_FALSE(a->headers.contains("Connection"));
        CHECK(b->body == "echo:next");
    }
}

TEST_CASE("HEAD answers carry the headers but no body", "[http]")
{
    Fixture f;
    f.handler->filePath = bigFile().path;
    RawClient c(f.server->port());
    REQUIRE(c.waitConnected());
    c.send("HEAD /hello HTTP/1.1\r\nHost: h\r\n\r\n");
    auto r = c.read(true);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->headers.value("Content-Length") == "5");
    CHECK(r->headers.value("Content-Type") == "text/plain");
    c.send("HEAD /file HTTP/1.1\r\nHost: h\r\n\r\n");
    r = c.read(true);
    REQUIRE(r);
    CHECK(r->headers.value("Content-Length") == QByteArray::number(bigFile().size));
    // If a body had been sent, it would be read as the next response.
    c.send(get("/echo/x"));
    r = c.read();
    REQUIRE(r);
    CHECK(r->body == "echo:x");
    CHECK(c.buffered().isEmpty());
}

TEST_CASE("Expect: 100-continue is answered only when the handler reads the body", "[http]")
{
    Fixture f;
    RawClient c(f.server->port());
    REQUIRE(c.waitConnected());

    SECTION("the handler reads: 100 Continue, then the final response")
    {
        c.send("PUT /stream HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n");
        auto interim = c.read();
        REQUIRE(interim);
        CHECK(interim->status == 100);
        c.send(QByteArray(1000, 'z'));
        auto r = c.read();
        REQUIRE(r);
        CHECK(r->status == 201);
        CHECK(r->headers.value("X-Bytes") == "1000");
        CHECK(r->headers.value("X-Sha256") == Sha256Hasher::hexOf(QByteArray(1000, 'z')));
    }
    SECTION("the handler answers first: no 100, the final status, and the connection closes")
    {
        c.send("POST /early HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n");
        auto r = c.read();
        REQUIRE(r);
        CHECK(r->status == 401);
        CHECK(r->body == "denied");
        CHECK(r->headers.value("Connection") == "close");
        CHECK(c.waitClosed(5000));
        CHECK(c.buffered().isEmpty()); // in particular no "100 Continue" after the 401
    }
}

TEST_CASE("A 50 MiB chunked upload streams through a bounded buffer", "[http][slow]")
{
    Fixture f;
    RawClient c(f.server->port());
    REQUIRE(c.waitConnected());
    QElapsedTimer timer;
    timer.start();
    c.send("PUT /stream HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");

    constexpr qint64 total = 50 * 1024 * 1024;
    QByteArray block(64 * 1024 + 17, Qt::Uninitialized); // odd size: chunk boundaries drift against reads
    QRandomGenerator rng(99);
    rng.fillRange(reinterpret_cast<quint32 *>(block.data()), block.size() / 4);
    Sha256Hasher sent;
    qint64 written = 0;
    int n = 0;
    while (written < total) {
        const qint64 size = qMin<qint64>(block.size() - (n++ % 7), total - written);
        const QByteArrayView data(block.constData(), size);
        c.send(QByteArray::number(size, 16) + "\r\n");
        c.send(data.toByteArray() + "\r\n");
        sent.addData(data);
        written += size;
        while (c.socket().bytesToWrite() > 4 * 1024 * 1024) {
            QSignalSpy progress(&c.socket(), &QIODevice::bytesWritten);
            REQUIRE(progress.wait(10'000));
        }
    }
    c.send("0\r\nX-Trailer: ignored\r\n\r\n");
    auto r = c.read(false, 60'000);
    REQUIRE(r);
    CHECK(r->status == 201);
    CHECK(r->headers.value("X-Bytes") == QByteArray::number(total));
    CHECK(r->headers.value("X-Sha256") == sent.finalRaw().toHex());
    // Qt's socket read buffer (512 KiB) + one 256 KiB read + the head buffer.
    const qint64 peak = f.server->stats().peakBufferedBytes;
    INFO("peak buffered bytes: " << peak);
    qInfo("50 MiB chunked upload: %.2f s, peak unread bytes held by the connection: %lld",
          double(timer.nsecsElapsed()) / 1e9, static_cast<long long>(peak));
    CHECK(peak <= 1024 * 1024);
    CHECK(peak > 0);
}

TEST_CASE("readBody limits and malformed chunked bodies", "[http]")
{
    Fixture f;
    RawClient c(f.server->port());
    REQUIRE(c.waitConnected());

    SECTION("Content-Length above the cap: 413 without reading, and close because the rest is large")
    {
        c.send("POST /read?max=100 HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\n");
        auto r = c.read();
        REQUIRE(r);
        CHECK(r->status == 413);
        CHECK(r->headers.value("Connection") == "close");
    }
    SECTION("chunked above the cap")
    {
        c.send("POST /read?max=4 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n");
        auto r = c.read();
        REQUIRE(r);
        CHECK(r->status == 413);
        CHECK(r->headers.value("Connection") == "close");
    }
    SECTION("a malformed chunk: 400 and close")
    {
        c.send("POST /read HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        auto r = c.read();
        REQUIRE(r);
        CHECK(r->status == 400);
        CHECK(r->headers.value("Connection") == "close");
        CHECK(c.waitClosed(5000));
    }
}

TEST_CASE("Errors found before a handler are answered with an OCI error body and a close", "[http]")
{
    Fixture f;
    struct Case
    {
        QByteArray request;
        int status;
    };
    const Case cases[] = {
        {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
        {"GET / HTTP/1.1\r\n\r\n", 400},
        {"PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
        {"GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", 414},
        {"GET / HTTP/1.1\r\nHost: h\r\nX: " + QByteArray(70'000, 'v') + "\r\n\r\n", 431},
    };
    for (const Case &k : cases) {
        INFO("status " << k.status);
        RawClient c(f.server->port());
        REQUIRE(c.waitConnected());
        c.send(k.request);
        auto r = c.read();
        REQUIRE(r);
        CHECK(r->status == k.status);
        CHECK(r->headers.value("Content-Type") == "application/json");
        CHECK(r->headers.value("Connection") == "close");
        CHECK(r->body.startsWith(R"({"errors":[{"code":"UNSUPPORTED")"));
        CHECK(c.waitClosed(5000));
    }
}

TEST_CASE("A 200 MiB streamed download matches through QNetworkAccessManager", "[http][slow]")
{
    Fixture f;
    f.handler->filePath = bigFile().path;
    QNetworkAccessManager nam;
    Download d = download(nam, QNetworkRequest(f.url(QStringLiteral("/file"))));
    CHECK(d.error == QNetworkReply::NoError);
    CHECK(d.status == 200);
    CHECK(d.bytes == bigFile().size);
    CHECK(d.sha256 == bigFile().sha256);
    // A plain file on plain HTTP goes by sendfile(2), but for a 64 KiB chunk by write each time the socket is full.
    CHECK(f.server->stats().sendFileBytes > bigFile().size / 2);
    CHECK(f.server->stats().sendFileBytes <= bigFile().size);
    qInfo("200 MiB download over loopback: %.2f s, %.0f MiB/s", d.seconds, 200.0 / d.seconds);
}

TEST_CASE("Timeouts close slow and idle connections", "[http]")
{
    ServerOptions options = testOptions();
    options.limits.headerTimeout = 300ms;
    options.limits.idleTimeout = 300ms;
    options.limits.bodyTimeout = 300ms;
    Fixture f(options);

    SECTION("slowloris: a head that does not complete in time gets 408 and a close")
    {
        RawClient c(f.server->port());
        REQUIRE(c.waitConnected());
        QElapsedTimer timer;
        timer.start();
        c.send("GET /hello HTTP/1.1\r\nHost: h\r\n");
        // Keep trickling bytes: the timeout counts from the first byte, not the last.
        QTimer trickle;
        int sent = 0;
        QObject::connect(&trickle, &QTimer::timeout, &trickle, [&] {
            if (c.socket().state() == QAbstractSocket::ConnectedState) {
                c.send("X-" + QByteArray::number(sent++) + ": v\r\n");
            }
        });
        trickle.start(100ms);
        auto r = c.read(false, 5000);
        trickle.stop();
        CHECK(sent >= 2);
        REQUIRE(r);
        CHECK(r->status == 408);
        CHECK(c.waitClosed(5000));
        CHECK(timer.elapsed() < 3000);
    }
    SECTION("an idle keep-alive connection is closed")
    {
        RawClient c(f.server->port());
        REQUIRE(c.waitConnected());
        c.send(get("/hello"));
        REQUIRE(c.read());
        CHECK(c.waitClosed(5000));
    }
    SECTION("a stalled body: ClientGone to the handler")
    {
        RawClient c(f.server->port());
        REQUIRE(c.waitConnected());
        QSignalSpy gone(&f.handler->probe, &Probe::happened);
        c.send("PUT /stream HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nonly a part");
        REQUIRE(gone.wait(5000));
        CHECK(gone.first().first().toString() == QStringLiteral("gone"));
        CHECK(c.waitClosed(5000));
    }
}

TEST_CASE("A client that disconnects mid-upload is reported as ClientGone", "[http]")
{
    Fixture f;
    RawClient c(f.server->port());
    REQUIRE(c.waitConnected());
    QSignalSpy gone(&f.handler->probe, &Probe::happened);
    c.send("PUT /stream HTTP/1.1\r\nHost: h\r\nContent-Length: 10485760\r\n\r\n");
    c.send(QByteArray(1024 * 1024, 'u'));
    QSignalSpy written(&c.socket(), &QIODevice::bytesWritten);
    while (c.socket().bytesToWrite() > 0) {
        REQUIRE(written.wait(5000));
    }
    c.socket().abort();
    REQUIRE(gone.wait(5000));
    CHECK(gone.first().first().toString() == QStringLiteral("gone"));
    REQUIRE(QTest::qWaitFor([&] { return f.server->stats().activeConnections == 0; }, 5000));
}

TEST_CASE("Connections beyond the limit get 503 with Retry-After", "[http]")
{
    ServerOptions options = testOptions();
    options.maxConnections = 2;
    Fixture f(options);
    RawClient a(f.server->port());
    RawClient b(f.server->port());
    REQUIRE(a.waitConnected());
    REQUIRE(b.waitConnected());
    REQUIRE(QTest::qWaitFor([&] { return f.server->stats().activeConnections == 2; }, 5000));

    RawClient extra(f.server->port());
    REQUIRE(extra.waitConnected());
    extra.send(get("/hello"));
    auto r = extra.read();
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(r->headers.value("Retry-After") == "1");
    CHECK(r->body.contains("UNAVAILABLE"));
    CHECK(extra.waitClosed(5000));
    CHECK(f.server->stats().rejectedConnections == 1);

    // The admitted ones are served as usual.
    a.send(get("/hello"));
    auto ok = a.read();
    REQUIRE(ok);
    CHECK(ok->status == 200);
}

TEST_CASE("stop() lets a download in flight finish, closes idle connections and stops the workers", "[http][slow]")
{
    auto handler = std::make_shared<TestHandler>();
    handler->filePath = bigFile().path;
    auto server = std::make_unique<Server>(handler);
    ServerOptions options = testOptions();
    options.stopDeadline = 60s;
    REQUIRE(server->start(options));
    const quint16 port = server->port();

    RawClient idle(port);
    REQUIRE(idle.waitConnected());
    idle.send(get("/hello"));
    REQUIRE(idle.read());

    QSignalSpy stopped(server.get(), &Server::stopped);
    QNetworkAccessManager nam;
    bool stopCalled = false;
    Download d = download(nam, QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/file").arg(port))), [&] {
        server->stop();
        stopCalled = true;
        CHECK(server->isStopping());
    });
    CHECK(stopCalled);
    CHECK(d.error == QNetworkReply::NoError);
    CHECK(d.bytes == bigFile().size);
    CHECK(d.sha256 == bigFile().sha256);
    CHECK(idle.waitClosed(5000));
    if (stopped.isEmpty()) {
        REQUIRE(stopped.wait(10'000));
    }
    CHECK_FALSE(server->isRunning());
    CHECK_FALSE(server->isListening());

    RawClient refused(port);
    QSignalSpy error(&refused.socket(), &QAbstractSocket::errorOccurred);
    CHECK((!error.isEmpty() || error.wait(5000)));

    // A second start on the same object works, and destroying a running server is safe.
    REQUIRE(server->start(options));
    RawClient again(server->port());
    REQUIRE(again.waitConnected());
    again.send(get("/hello"));
    REQUIRE(again.read());
    server.reset();
    CHECK(again.waitClosed(5000));
}

TEST_CASE("TLS is served with handshakes on the worker threads", "[http][tls]")
{
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), key,
                   QStringLiteral("-out"), cert, QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                   QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"), QStringLiteral("-days"),
                   QStringLiteral("1")});
    QSignalSpy done(&openssl, &QProcess::finished);
    REQUIRE(done.wait(30'000));
    REQUIRE(openssl.exitCode() == 0);

    ServerOptions options = testOptions();
    options.tls.certificatePath = cert;
    options.tls.privateKeyPath = key;
    Fixture f(options);
    f.handler->filePath = bigFile().path;

    QNetworkAccessManager nam;
    QNetworkRequest request(f.url(QStringLiteral("/echo/tls"), QStringLiteral("https")));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    const auto certificates = QSslCertificate::fromPath(cert);
    REQUIRE(certificates.size() == 1);
    ssl.addCaCertificate(certificates.first());
    request.setSslConfiguration(ssl);
    Download d = download(nam, request);
    CHECK(d.error == QNetworkReply::NoError);
    CHECK(d.body == "echo:tls secure");

    QThread *handlerThread = f.handler->handlerThread.load();
    REQUIRE(handlerThread != nullptr);
    CHECK(handlerThread != f.server->thread());
    CHECK(handlerThread != QThread::currentThread());
    CHECK(handlerThread->objectName().startsWith(QStringLiteral("registry-worker-")));

    SECTION("a streamed download over TLS")
    {
        QNetworkRequest fileRequest(f.url(QStringLiteral("/file"), QStringLiteral("https")));
        fileRequest.setSslConfiguration(ssl);
        Download big = download(nam, fileRequest);
        CHECK(big.error == QNetworkReply::NoError);
        CHECK(big.bytes == bigFile().size);
        CHECK(big.sha256 == bigFile().sha256);
        CHECK(f.server->stats().sendFileBytes == 0); // TLS copies through user space
        qInfo("200 MiB download over TLS: %.2f s, %.0f MiB/s", big.seconds, 200.0 / big.seconds);
    }
    SECTION("a certificate the client does not trust fails the handshake, and the server keeps serving")
    {
        QNetworkAccessManager fresh; // not the pooled connection that was verified with the CA above
        QNetworkRequest untrusted(f.url(QStringLiteral("/echo/x"), QStringLiteral("https")));
        Download bad = download(fresh, untrusted);
        CHECK(bad.error == QNetworkReply::SslHandshakeFailedError);
        Download good = download(nam, request);
        CHECK(good.error == QNetworkReply::NoError);
    }
}
