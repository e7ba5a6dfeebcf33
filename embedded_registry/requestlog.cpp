#include "requestlog.h"

#include <QElapsedTimer>

namespace Minato::Registry {

// Forwards everything to the real exchange and reports the response to the log. It deletes itself once the
// exchange is over: after a respond*() call, or after a body callback reporting ClientGone has returned —
// exactly when exchange.h says the real exchange stops being usable.
class LoggedExchange final : public Exchange
{
public:
    LoggedExchange(RequestLog *log, Exchange &inner) : m_log(log), m_inner(inner) { m_timer.start(); }

    const HttpRequest &request() const override { return m_inner.request(); }

    void readBody(qint64 maxBytes, std::function<void(const BodyResult &)> done) override
    {
        m_inner.readBody(maxBytes, wrap(std::move(done)));
    }
    void streamBody(BodySink *sink, std::function<void(const BodyResult &)> done) override
    {
        m_inner.streamBody(sink, wrap(std::move(done)));
    }
    void respond(int status, HttpHeaders headers, QByteArray body) override
    {
        qint64 bytes = body.size();
        if (request().isHead()) {
            bytes = 0;
        }
        m_log->record(request(), status, bytes, m_timer.elapsed(), user());
        m_inner.respond(status, std::move(headers), std::move(body));
        delete this;
    }
    void respondStream(int status, HttpHeaders headers, std::unique_ptr<QIODevice> device, qint64 length) override
    {
        m_log->record(request(), status, request().isHead() ? 0 : length, m_timer.elapsed(), user());
        m_inner.respondStream(status, std::move(headers), std::move(device), length);
        delete this;
    }

    void setUser(const QString &user) override
    {
        Exchange::setUser(user);
        m_inner.setUser(user);
    }

private:
    std::function<void(const BodyResult &)> wrap(std::function<void(const BodyResult &)> done)
    {
        return [this, done = std::move(done)](const BodyResult &result) {
            if (result.error == BodyError::ClientGone) {
                m_log->record(request(), 499, 0, m_timer.elapsed(), user()); // nginx's "client closed request"
                done(result);
                delete this;
                return;
            }
            done(result);
        };
    }

    RequestLog *m_log;
    Exchange &m_inner;
    QElapsedTimer m_timer;
};

RequestLog::RequestLog(std::shared_ptr<RequestHandler> inner, Sink sink)
    : m_inner(std::move(inner)), m_sink(std::move(sink))
{
}

void RequestLog::handle(Exchange &exchange)
{
    auto *logged = new LoggedExchange(this, exchange);
    m_inner->handle(*logged);
}

void RequestLog::record(const HttpRequest &request, int status, qint64 bytes, qint64 ms, const QString &user)
{
    m_requests.fetch_add(1);
    m_bytesSent.fetch_add(bytes);
    if (m_sink) {
        m_sink(formatLine(request, status, bytes, ms, user));
    }
}

QString RequestLog::formatLine(const HttpRequest &request, int status, qint64 bytes, qint64 ms, const QString &user)
{
    // Paths are percent-encoded ASCII; anything else is shown escaped by Latin-1 decoding, never raw control bytes.
    QString path = QString::fromLatin1(request.path.left(512));
    for (QChar &c : path) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            c = u'?';
        }
    }
    if (!request.query.isEmpty()) {
        path += QStringLiteral("?…");
    }
    return QStringLiteral("%1 %2 %3 %4 B %5 ms %6")
        .arg(QString::fromLatin1(request.method.left(16)), path, QString::number(status), QString::number(bytes),
             QString::number(ms), user.isEmpty() ? QStringLiteral("-") : user);
}

} // namespace Minato::Registry
