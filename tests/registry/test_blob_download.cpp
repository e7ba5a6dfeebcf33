// Blob downloads from the real registry handler over loopback, on both body paths of the HTTP layer: sendfile(2)
// (a plain file on a plain-HTTP socket, Linux) and the buffered copy (`--no-sendfile`, TLS). A 64 MiB blob is
// fetched whole, by Range and with HEAD and compared byte for byte; pipelined behind and between other requests on
// one keep-alive connection; eight at once; by clients that stop reading, and by clients that leave mid-body.
#include "embedded_registry/registry.h"
#include "embedded_registry/server.h"
#include "oci/sha256.h"

#include "rawhttpclient.h"
#include "testsupport.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <memory>
#include <sys/socket.h>
#include <vector>

using namespace Minato::Registry;
using namespace Minato::Registry::Test;
using Minato::Oci::Sha256Hasher;
using namespace std::chrono_literals;

namespace {

// Not a multiple of a page, of the 256 KiB buffered piece, of the 64 KiB wake-up chunk or of the sendfile budget.
constexpr qint64 blobSize = 64LL * 1024 * 1024 + 12345;

const QByteArray &blob()
{
    static const QByteArray bytes = [] {
        QByteArray b(blobSize, Qt::Uninitialized);
        QRandomGenerator rng(3);
        rng.fillRange(reinterpret_cast<quint32 *>(b.data()), b.size() / 4);
        for (qsizetype i = (b.size() / 4) * 4; i < b.size(); ++i) {
            b[i] = char(i);
        }
        return b;
    }();
    return bytes;
}

const QByteArray &blobDigest()
{
    static const QByteArray digest = Sha256Hasher::digestOf(blob()).toString().toLatin1();
    return digest;
}

const QByteArray blobPath = "/v2/test/big/blobs/";

// -1 when equal; else the first offset that differs (or the shorter size). Keeps a failure message short.
qint64 firstDifference(const QByteArray &got, QByteArrayView want)
{
    const qint64 common = qMin<qint64>(got.size(), want.size());
    if (got.size() == want.size() && std::memcmp(got.constData(), want.data(), size_t(common)) == 0) {
        return -1;
    }
    for (qint64 i = 0; i < common; ++i) {
        if (got.at(i) != want.at(i)) {
            return i;
        }
    }
    return got.size() == want.size() ? -1 : common;
}

QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &extra = {})
{
    return method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

// A Registry (no fsync) behind a Server on a free port, holding the 64 MiB blob in test/big.
struct RegistryFixture
{
    explicit RegistryFixture(bool sendFile, std::chrono::milliseconds bodyTimeout = 60s)
    {
        RegistryOptions registryOptions;
        registryOptions.fsync = false;
        registry = std::make_unique<Registry>(root.path(), registryOptions);
        REQUIRE(registry->isOpen());
        server = std::make_unique<Server>(registry->handler());
        ServerOptions options;
        options.workerCount = 2;
        options.limits.sendFile = sendFile;
        options.limits.bodyTimeout = bodyTimeout;
        REQUIRE(server->start(options));
        push();
    }
    ~RegistryFixture() { server.reset(); }
    RegistryFixture(const RegistryFixture &) = delete;
    RegistryFixture &operator=(const RegistryFixture &) = delete;

    quint16 port() const { return server->port(); }
    QUrl url(const QByteArray &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(QString::fromLatin1(path)));
    }

    // Spec "POST then PUT": a session, then the whole blob in the closing PUT.
    void push()
    {
        RawClient c(port());
        REQUIRE(c.waitConnected());
        c.send(request("POST", "/v2/test/big/blobs/uploads/", "Content-Length: 0\r\n"));
        const auto session = c.read();
        REQUIRE(session);
        REQUIRE(session->status == 202);
        const QByteArray location = session->headers.value("Location");
        REQUIRE(location.startsWith("/v2/"));
        c.send(request("PUT", location + (location.contains('?') ? '&' : '?') + "digest=" + blobDigest(),
                       "Content-Length: " + QByteArray::number(blobSize) + "\r\n"));
        c.send(blob());
        const auto put = c.read(false, 60'000);
        REQUIRE(put);
        REQUIRE(put->status == 201);
        pushedBytes = server->stats().sendFileBytes; // nothing was downloaded yet
        REQUIRE(pushedBytes == 0);
    }

    QTemporaryDir root;
    std::unique_ptr<Registry> registry;
    std::unique_ptr<Server> server;
    qint64 pushedBytes = 0;
};

// Downloads with the socket's read buffer capped: Qt stops reading when it is full, so the kernel's buffers fill and
// the server meets a full socket (EAGAIN on the sendfile path) whenever the client pauses.
void capReadBuffer(RawClient &c)
{
    c.socket().setReadBufferSize(256 * 1024);
}

} // namespace

TEST_CASE("A 64 MiB blob GET over plain HTTP: whole, by Range, HEAD and 416, byte for byte", "[http][sendfile]")
{
    const bool sendFile = GENERATE(true, false);
    CAPTURE(sendFile);
    RegistryFixture f(sendFile);
    const QByteArray path = blobPath + blobDigest();

    RawClient c(f.port());
    REQUIRE(c.waitConnected());
    capReadBuffer(c);
    c.send(request("GET", path));
    const auto whole = c.read(false, 60'000);
    REQUIRE(whole);
    CHECK(whole->status == 200);
    CHECK(whole->headers.value("Content-Length") == QByteArray::number(blobSize));
    CHECK(whole->headers.value("Docker-Content-Digest") == blobDigest());
    CHECK(firstDifference(whole->body, blob()) == -1);
    qint64 bodyBytes = blobSize;

    // RFC 9110 §14.2/§14.4 on the same keep-alive connection: first-last, a suffix, an open end, an end past the
    // size (clamped), and a single byte.
    struct Case
    {
        QByteArray range;
        qint64 first;
        qint64 last;
    };
    const std::vector<Case> cases = {
        {"bytes=0-0", 0, 0},
        {"bytes=1000-34000999", 1000, 34000999},
        {"bytes=-1", blobSize - 1, blobSize - 1},
        {"bytes=-70000", blobSize - 70000, blobSize - 1},
        {"bytes=" + QByteArray::number(blobSize - 9000000) + '-', blobSize - 9000000, blobSize - 1},
        {"bytes=4097-" + QByteArray::number(blobSize * 2), 4097, blobSize - 1},
        {"bytes=33554431-33554432", 33554431, 33554432},
    };
    for (const Case &range : cases) {
        CAPTURE(range.range);
        c.send(request("GET", path, "Range: " + range.range + "\r\n"));
        const auto partial = c.read(false, 60'000);
        REQUIRE(partial);
        CHECK(partial->status == 206);
        const qint64 length = range.last - range.first + 1;
        CHECK(partial->headers.value("Content-Range") == "bytes " + QByteArray::number(range.first) + '-' +
                                                             QByteArray::number(range.last) + '/' +
                                                             QByteArray::number(blobSize));
        CHECK(partial->headers.value("Content-Length") == QByteArray::number(length));
        CHECK(firstDifference(partial->body, QByteArrayView(blob()).sliced(range.first, length)) == -1);
        bodyBytes += length;
    }

    // §15.5.17: a range that starts past the end is unsatisfiable; the connection stays usable.
    c.send(request("GET", path, "Range: bytes=" + QByteArray::number(blobSize) + "-\r\n"));
    const auto unsatisfiable = c.read();
    REQUIRE(unsatisfiable);
    CHECK(unsatisfiable->status == 416);
    CHECK(unsatisfiable->headers.value("Content-Range") == "bytes */" + QByteArray::number(blobSize));

    // §9.3.2: HEAD has the GET's Content-Length and no body; the next response follows at once.
    c.send(request("HEAD", path) + request("GET", "/v2/"));
    const auto head = c.read(true);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->headers.value("Content-Length") == QByteArray::number(blobSize));
    const auto base = c.read();
    REQUIRE(base);
    CHECK(base->status == 200);
    CHECK(c.buffered().isEmpty());

    const qint64 kernelBytes = f.server->stats().sendFileBytes;
    if (sendFile) {
        CHECK(kernelBytes > bodyBytes / 2);
        CHECK(kernelBytes <= bodyBytes);
    } else {
        CHECK(kernelBytes == 0);
    }
    qInfo("sendfile %s: %lld of %lld body bytes sent by sendfile(2)", sendFile ? "on" : "off",
          static_cast<long long>(kernelBytes), static_cast<long long>(bodyBytes));
}

TEST_CASE("A client that pauses mid-body gets the rest in order when it reads again", "[http][sendfile]")
{
    const bool sendFile = GENERATE(true, false);
    CAPTURE(sendFile);
    RegistryFixture f(sendFile);
    RawClient c(f.port());
    REQUIRE(c.waitConnected());
    capReadBuffer(c);
    c.send(request("GET", blobPath + blobDigest()) + request("GET", "/v2/"));
    // Let Qt fill its capped buffer and stop reading, then keep not reading while the kernel's buffers fill: the
    // server meets a full socket and must resume exactly where it stopped.
    REQUIRE(QTest::qWaitFor([&] { return c.socket().bytesAvailable() >= 256 * 1024; }, 10'000));
    QTest::qWait(300);
    const auto whole = c.read(false, 60'000);
    REQUIRE(whole);
    CHECK(whole->status == 200);
    CHECK(firstDifference(whole->body, blob()) == -1);
    const auto next = c.read();
    REQUIRE(next);
    CHECK(next->status == 200);
    if (sendFile) {
        // A full socket hands one wake-up chunk to QTcpSocket::write: not every byte went by sendfile.
        CHECK(f.server->stats().sendFileBytes > 0);
        CHECK(f.server->stats().sendFileBytes < blobSize);
    }
}

TEST_CASE("Pipelined requests around blob GETs on one keep-alive connection come back in order", "[http][sendfile]")
{
    const bool sendFile = GENERATE(true, false);
    CAPTURE(sendFile);
    RegistryFixture f(sendFile);
    const QByteArray path = blobPath + blobDigest();
    const QByteArray unknown = blobPath + "sha256:" + QByteArray(64, '0');

    RawClient c(f.port());
    REQUIRE(c.waitConnected());
    // Everything in one write: each response must start only after the previous body has ended.
    c.send(request("GET", path) + request("GET", "/v2/") + request("GET", path, "Range: bytes=10-19\r\n") +
           request("HEAD", path) + request("GET", unknown) + request("GET", path, "Range: bytes=-3\r\n") +
           request("GET", path));
    const auto first = c.read(false, 60'000);
    REQUIRE(first);
    CHECK(first->status == 200);
    CHECK(firstDifference(first->body, blob()) == -1);
    const auto base = c.read();
    REQUIRE(base);
    CHECK(base->status == 200);
    CHECK(base->headers.value("Docker-Distribution-API-Version") == "registry/2.0");
    const auto ten = c.read();
    REQUIRE(ten);
    CHECK(ten->status == 206);
    CHECK(ten->body == blob().mid(10, 10));
    const auto head = c.read(true);
    REQUIRE(head);
    CHECK(head->status == 200);
    const auto missing = c.read();
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(missing->body.contains("BLOB_UNKNOWN"));
    const auto tail = c.read();
    REQUIRE(tail);
    CHECK(tail->status == 206);
    CHECK(tail->body == blob().right(3));
    const auto last = c.read(false, 60'000);
    REQUIRE(last);
    CHECK(last->status == 200);
    CHECK(firstDifference(last->body, blob()) == -1);
    CHECK(c.buffered().isEmpty());
    CHECK(c.socket().state() == QAbstractSocket::ConnectedState);
}

TEST_CASE("Clients that leave mid-body end only their own connection", "[http][sendfile]")
{
    const bool sendFile = GENERATE(true, false);
    const int how = GENERATE(0, 1, 2, 3);
    const char *const hows[] = {"reset while reading", "close while reading", "reset while paused",
                                "half-close, then reset while reading"};
    CAPTURE(sendFile, hows[how]);

    RegistryFixture f(sendFile);
    const QByteArray path = blobPath + blobDigest();
    REQUIRE(QTest::qWaitFor([&] { return f.server->stats().activeConnections == 0; }, 5000));
    {
        RawClient leaving(f.port());
        REQUIRE(leaving.waitConnected());
        capReadBuffer(leaving);
        QByteArray requests = request("GET", path);
        if (how == 3) {
            // Bytes after the request fill the server's capped socket read buffer (ConnectionLimits), so Qt stops
            // reading and does not see the FIN below: the server keeps sending in CLOSE_WAIT, and after the reset
            // its next send fails with EPIPE — the one error that raises SIGPIPE.
            requests += QByteArray(1024 * 1024, 'x');
        }
        leaving.send(requests);
        if (how == 2) {
            REQUIRE(QTest::qWaitFor([&] { return leaving.socket().bytesAvailable() >= 256 * 1024; }, 10'000));
            QTest::qWait(200); // the server is now waiting for a full socket to drain
        } else {
            while (leaving.buffered().size() < 4 * 1024 * 1024) {
                REQUIRE(leaving.fill(10'000));
            }
        }
        const int fd = int(leaving.socket().socketDescriptor());
        if (how == 3) {
            REQUIRE(::shutdown(fd, SHUT_WR) == 0);
            while (leaving.buffered().size() < 8 * 1024 * 1024) {
                REQUIRE(leaving.fill(10'000));
            }
        }
        if (how == 1) {
            leaving.socket().disconnectFromHost(); // FIN with unread data still queued: the kernel resets
        } else {
            const linger reset{1, 0};
            REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) == 0);
            leaving.socket().abort(); // RST
        }
    }
    REQUIRE(QTest::qWaitFor([&] { return f.server->stats().activeConnections == 0; }, 10'000));
    // How the process survives a send to a reset peer: Qt ignores SIGPIPE process-wide once it handles a socket,
    // and QTcpSocket's own write(2) depends on that (with the default action put back, the wake-up chunk's write
    // after the reset of "half-close, then reset" ends the process, seen under strace). sendfile(2) is guarded on
    // its own besides (SigPipeBlock in connection.cpp), should that ever change.
    struct sigaction disposition
    {};
    REQUIRE(sigaction(SIGPIPE, nullptr, &disposition) == 0);
    CHECK(disposition.sa_handler == SIG_IGN);
    {
        // The server is fine: a new client gets the whole blob, and something else.
        RawClient next(f.port());
        REQUIRE(next.waitConnected());
        next.send(request("GET", path) + request("GET", "/v2/"));
        const auto whole = next.read(false, 60'000);
        REQUIRE(whole);
        CHECK(whole->status == 200);
        CHECK(firstDifference(whole->body, blob()) == -1);
        const auto base = next.read();
        REQUIRE(base);
        CHECK(base->status == 200);
    }
}

TEST_CASE("A client that stops reading a blob is closed after the send timeout", "[http][sendfile]")
{
    const bool sendFile = GENERATE(true, false);
    CAPTURE(sendFile);
    RegistryFixture f(sendFile, 300ms);
    RawClient stalled(f.port());
    REQUIRE(stalled.waitConnected());
    capReadBuffer(stalled);
    stalled.send(request("GET", blobPath + blobDigest()));
    REQUIRE(QTest::qWaitFor([&] { return stalled.socket().bytesAvailable() >= 256 * 1024; }, 10'000));
    QElapsedTimer timer;
    timer.start();
    REQUIRE(QTest::qWaitFor([&] { return f.server->stats().activeConnections == 0; }, 10'000));
    CHECK(timer.elapsed() < 5000);
}

TEST_CASE("Eight parallel GETs of a 64 MiB blob all arrive intact", "[http][sendfile]")
{
    const bool sendFile = GENERATE(true, false);
    CAPTURE(sendFile);
    RegistryFixture f(sendFile);
    constexpr int clients = 8;
    struct Download
    {
        std::unique_ptr<QNetworkAccessManager> nam;
        QNetworkReply *reply = nullptr;
        Sha256Hasher hasher;
        qint64 bytes = 0;
        bool finished = false;
    };
    std::vector<Download> downloads(clients);
    for (Download &d : downloads) {
        d.nam = std::make_unique<QNetworkAccessManager>(); // one connection each
        QNetworkRequest r(f.url(blobPath + blobDigest()));
        r.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        r.setTransferTimeout(120'000);
        d.reply = d.nam->get(r);
        d.reply->setReadBufferSize(1024 * 1024);
        QObject::connect(d.reply, &QIODevice::readyRead, d.reply, [&d] {
            const QByteArray chunk = d.reply->readAll();
            d.hasher.addData(chunk);
            d.bytes += chunk.size();
        });
        QObject::connect(d.reply, &QNetworkReply::finished, d.reply, [&d] { d.finished = true; });
    }
    REQUIRE(QTest::qWaitFor(
        [&] { return std::all_of(downloads.begin(), downloads.end(), [](const Download &d) { return d.finished; }); },
        120'000));
    for (Download &d : downloads) {
        const QByteArray rest = d.reply->readAll();
        d.hasher.addData(rest);
        d.bytes += rest.size();
        CHECK(d.reply->error() == QNetworkReply::NoError);
        CHECK(d.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200);
        CHECK(d.bytes == blobSize);
        CHECK("sha256:" + d.hasher.finalRaw().toHex() == blobDigest());
        delete d.reply;
    }
    CHECK((f.server->stats().sendFileBytes > 0) == sendFile);
}
