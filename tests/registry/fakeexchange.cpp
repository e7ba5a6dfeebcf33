#include "fakeexchange.h"

#include "oci/errorcode.h"

#include <QJsonDocument>

namespace Minato::Registry::Test {

FakeExchange::FakeExchange(const QByteArray &method, const QByteArray &target, QByteArray body, HttpHeaders headers)
    : m_body(std::move(body))
{
    m_request.method = method;
    m_request.target = target;
    const qsizetype question = target.indexOf('?');
    m_request.path = question < 0 ? target : target.left(question);
    m_request.query = question < 0 ? QByteArray() : target.mid(question + 1);
    m_request.headers = std::move(headers);
    m_request.contentLength = m_body.size();
    m_request.peerAddress = QHostAddress::LocalHost;
}

QJsonObject FakeExchange::json() const
{
    return QJsonDocument::fromJson(responseBody).object();
}

QString FakeExchange::errorCode() const
{
    const auto parsed = Oci::ErrorBody::parse(responseBody, status);
    return parsed ? parsed->errors.first().code : QString();
}

void FakeExchange::readBody(qint64 maxBytes, std::function<void(const BodyResult &)> done)
{
    bodyConsumed = true;
    BodyResult result;
    if (m_body.size() > maxBytes) {
        result.error = BodyError::TooLarge;
    } else if (clientGone) {
        result.error = BodyError::ClientGone;
    } else {
        result.ok = true;
        result.bytes = m_body.size();
        result.body = m_body;
    }
    done(result);
}

void FakeExchange::streamBody(BodySink *sink, std::function<void(const BodyResult &)> done)
{
    bodyConsumed = true;
    BodyResult result;
    const qint64 end = clientGone ? m_body.size() / 2 : m_body.size();
    for (qint64 offset = 0; offset < end; offset += chunkSize) {
        const qint64 n = std::min(chunkSize, end - offset);
        if (!sink->write(m_body.constData() + offset, n)) {
            result.error = BodyError::SinkFailed;
            done(result);
            return;
        }
        result.bytes += n;
    }
    if (clientGone) {
        result.error = BodyError::ClientGone;
    } else {
        result.ok = true;
    }
    done(result);
}

void FakeExchange::respond(int statusCode, HttpHeaders headers, QByteArray body)
{
    ++responses;
    status = statusCode;
    responseHeaders = std::move(headers);
    responseBody = std::move(body);
}

void FakeExchange::respondStream(int statusCode, HttpHeaders headers, std::unique_ptr<QIODevice> device, qint64 length)
{
    ++responses;
    streamed = true;
    status = statusCode;
    responseHeaders = std::move(headers);
    responseBody = device->read(length);
}

} // namespace Minato::Registry::Test
