#pragma once

// Operation: the base of every registry operation (PingQuery, TagsQuery, ManifestQuery, …). One object per
// operation: create it, connect its finished() signal, start() it; it emits finished exactly once —
// with a value, an error, or ClientError::Kind::Cancelled after cancel().
//
//   auto *q = new TagsQuery(client, u"team/app"_s);
//   connect(q, &TagsQuery::pageReady, this, &TagModel::appendTags);
//   connect(q, &TagsQuery::finished, this, [q](const TagsResult &r) { …; q->deleteLater(); });
//   q->start();
//   …
//   q->cancel();   // finished(Cancelled) at once; deleting the operation aborts it silently
//
// The base runs the HTTP exchange for subclasses (send() → handleResponse()) and owns the one
// QNetworkReply in flight; the destructor aborts it. On every request:
// - the profile's transfer timeout, User-Agent Minato/<version>, and manual redirects (at most 5):
//   Authorization (and cookies) are dropped whenever scheme, host or port change (PLATFORM.md: Qt would
//   re-send them to a CDN); redirect targets' query strings are redacted in logs; a redirect from https:// to
//   http:// ends as Tls (TlsProblem::PlainHttpRedirect) unless the profile allows plain http
//   (ConnectionProfile::allowsPlainHttp());
// - Accept-Encoding: identity where digests are computed (rawContent), HTTP/2 off for blobs (blobTransfer);
// - the auth flow (authsession.h): on 401 the Basic or Bearer challenge is answered once — at most one
//   re-authentication per request, never a loop. A second 401 ends as Auth (Basic: wrong credentials) or
//   NotFoundOrPrivate (Bearer: the token server granted a token without this access, which is how Docker
//   Hub answers for missing and private repositories alike); a token endpoint refusing the credentials
//   ends as Auth. A credential store that fails (CredentialLookup::failed) ends as CredentialStore, never
//   as an anonymous attempt.
// - A timeout (Qt reports it as OperationCanceledError, exactly like abort()) ends as Timeout; only an
//   abort this object made itself ends as Cancelled.

#include "clienterror.h"
#include "credentialsource.h"

#include <QByteArray>
#include <QFutureWatcher>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QStringList>
#ifndef QT_NO_SSL
#include <QSslError>
#endif
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <optional>

namespace Minato::Client {

class RegistryClient;

struct HttpRequest
{
    QByteArray method = QByteArrayLiteral("GET"); // GET, HEAD, DELETE, POST, PUT, PATCH
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body; // POST, PUT, PATCH (a vendor API's JSON login); PUT and PATCH always send Content-Length
    // An Authorization header the caller supplies for an origin other than the registry's (vendor APIs: the
    // Docker Hub API's JWT, Harbor's Basic). Sent only while the URL stays on authorizationOrigin — dropped
    // on a redirect elsewhere like every Authorization. Use with authenticate = false.
    QByteArray authorization;
    QUrl authorizationOrigin;
    QStringList scopes;                        // token scopes the request needs ("repository:team/app:pull")
    bool authenticate = true;                  // answer 401 challenges; false: a 401 is handed to handleResponse()
    bool rawContent = false;                   // Accept-Encoding: identity (bytes are hashed; PLATFORM.md)
    bool blobTransfer = false;                 // HTTP/2 disabled (PLATFORM.md: h2's window buffers hundreds of MB)
    qint64 maxBodyBytes = qint64(1024) * 1024; // more ends the operation with InvalidResponse(TooLarge)
    // Blob transfers (BlobUpload, BlobDownload):
    // - PUT/PATCH body streamed from uploadDevice (not owned; it must outlive the request), uploadSize bytes, with
    //   Content-Length and DoNotBufferUploadDataAttribute (PLATFORM.md: otherwise QNAM holds the whole body in
    //   memory). A re-send (401 challenge, 307/308) rewinds it with reset(); when that fails, Transport.
    QIODevice *uploadDevice = nullptr;
    qint64 uploadSize = 0;
    // - a 2xx answer's body goes to beginBody()/bodyChunk() as it arrives, not into HttpResponse::body (no
    //   maxBodyBytes then); redirects and errors are collected as usual.
    bool streamBody = false;
    bool ownProgress = false; // the subclass emits progress() itself
    int timeoutMs = 0;        // this request's transfer timeout; 0: the profile's
};

struct HttpResponse
{
    QByteArray method;
    int status = 0;
    QUrl url;              // the URL that answered, after redirects
    bool redacted = false; // came from a redirect or a token endpoint: its query is never logged
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray body;

    // First value of a header (case-insensitive); empty when absent.
    QByteArray header(QByteArrayView name) const;
    QList<QByteArray> headerValues(QByteArrayView name) const;
    // "GET http://host/v2/… → 404", query redacted when the URL came from a redirect.
    QString describe() const;
};

class Operation : public QObject
{
    Q_OBJECT

public:
    // Bodies larger than this are parsed on a worker thread (QtConcurrent), keeping the GUI responsive.
    static constexpr qsizetype OffThreadParseBytes = qsizetype(256) * 1024;
    static constexpr int MaxRedirects = 5;
    // HttpRequest::streamBody: at most this much of a reply waits unread in Qt's buffers.
    static constexpr qint64 StreamReadBufferBytes = qint64(1024) * 1024;

    ~Operation() override;
    Q_DISABLE_COPY_MOVE(Operation)

    // Starts once; later calls do nothing. The result always arrives through finished(), possibly before
    // start() returns (an invalid argument, no client).
    void start();
    // Ends the operation with Cancelled (if it has not finished yet) and aborts what is in flight.
    void cancel();
    bool isStarted() const { return m_started; }
    bool isFinished() const { return m_finished; }
    RegistryClient *client() const;

signals:
    // Bytes received of the current response; total is -1 when unknown.
    void progress(qint64 received, qint64 total);

protected:
    Operation(RegistryClient *client, QObject *parent);

    // Called once by start(). Send the first request or fail().
    virtual void run() = 0;
    // A complete HTTP answer to the request sent last (any status except redirects and handled 401s).
    virtual void handleResponse(const HttpResponse &response) = 0;
    // The request sent last failed without a usable answer. Default: fail(error).
    virtual void handleFailure(const ClientError &error) { fail(error); }
    // Emit finished() with this error; called once, by fail().
    virtual void emitFailure(const ClientError &error) = 0;
    // HttpRequest::streamBody: a 2xx answer's head (empty body) before its first byte — always, even for an empty
    // body — then its bytes as they arrive; handleResponse() (or handleFailure()) follows. Return false once
    // the subclass has ended the operation (fail()).
    virtual bool beginBody(const HttpResponse &head)
    {
        Q_UNUSED(head)
        return true;
    }
    virtual bool bodyChunk(const QByteArray &chunk)
    {
        Q_UNUSED(chunk)
        return true;
    }

    void send(HttpRequest request);
    // HttpRequest::streamBody: while paused, the bytes that arrive wait in the reply's read buffer (at most
    // StreamReadBufferBytes, then Qt stops reading the socket and TCP flow control slows the peer); bodyChunk()
    // is called again after resuming. A reply that finishes while paused still delivers its last bytes (at most
    // the read buffer) before handleResponse(). For a consumer slower than the network (a blob copied from
    // one registry into another).
    void setBodyPaused(bool paused);
    bool isBodyPaused() const { return m_bodyPaused; }
    // Ends the operation with an error (ignored once finished).
    void fail(const ClientError &error);
    // True exactly once: the subclass then emits finished() with its value.
    bool beginFinish();
    // The error an unsuccessful response means (NotFound, RateLimited, Registry, Http).
    static ClientError errorFromResponse(const HttpResponse &response);
    // A blob GET refused by the storage a registry redirected to (S3 answers an expired presigned URL with 403,
    // GCS with 400): worth asking the registry once more for a fresh redirect (BlobDownload, BlobCopy).
    bool isExpiredStorageUrl(const HttpResponse &response) const;

    // Runs work() here when size is small, on the thread pool otherwise; then(result) runs on this thread
    // unless the operation finished meanwhile. work must capture by value.
    template<typename R, typename Work, typename Then>
    void parseMaybeOffThread(qsizetype size, Work work, Then then)
    {
        if (size <= OffThreadParseBytes) {
            then(work());
            return;
        }
        auto *watcher = new QFutureWatcher<std::optional<R>>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, then]() mutable {
            std::optional<R> result = watcher->result();
            watcher->deleteLater();
            if (!m_finished && result) {
                then(std::move(*result));
            }
        });
        watcher->setFuture(QtConcurrent::run([work]() mutable { return std::optional<R>(work()); }));
    }

private:
    struct Exchange
    {
        QByteArray method;
        QUrl url;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;          // POST only (the OAuth2 token form)
        QByteArray authorization; // sent only while url stays on authOrigin
        QUrl authOrigin;
        bool rawContent = false;
        bool blobTransfer = false;
        qint64 maxBodyBytes = 0;
        int redirects = 0;
        bool redirected = false;
    };
    enum class Phase { Idle, Main, Credentials, Token };

    void issue();
    void onReadyRead();
    void onFinished();
    void followRedirect(const HttpResponse &response);
    void onChallenge(const HttpResponse &response);
    void onAuthExhausted(const HttpResponse &response);
    void failOnCredentialStore(const CredentialError &error);
    void fetchToken(const std::optional<Credentials> &credentials);
    void onTokenResponse(const HttpResponse &response);
    void resendMain(const QByteArray &authorization);
    void abortReply();
    HttpResponse responseHead(QNetworkReply *reply) const;
    bool streamsBody(QNetworkReply *reply) const;
    bool deliverBody(QNetworkReply *reply, const QByteArray &chunk);
    int transferTimeoutMs() const;

    QPointer<RegistryClient> m_client;
    bool m_started = false;
    bool m_finished = false;
    Phase m_phase = Phase::Idle;

    HttpRequest m_request; // the logical request of the subclass
    Exchange m_main;       // its current HTTP exchange (URL after redirects, authorization)
    Exchange m_token;      // a token endpoint exchange while the Bearer flow runs
    int m_reauths = 0;
    enum class SentAuth { None, Basic, Bearer } m_sentAuth = SentAuth::None;
    bool m_tokenAnonymous = true;
    QString m_realm;
    QString m_service;
    QStringList m_tokenScopes;

    QPointer<QNetworkReply> m_reply;
    QByteArray m_body;
    bool m_bodyStarted = false; // streamBody: beginBody() was called for the reply in flight
    bool m_bodyPaused = false;  // setBodyPaused()
#ifndef QT_NO_SSL
    QList<QSslError> m_sslErrors;
#endif
};

} // namespace Minato::Client
