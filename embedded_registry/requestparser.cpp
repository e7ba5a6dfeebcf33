#include "requestparser.h"

#include <limits>

namespace Minato::Registry {

namespace {

RequestParseResult failure(int status, QByteArray reason)
{
    RequestParseResult r;
    r.status = status;
    r.reason = std::move(reason);
    return r;
}

// tchar (RFC 9110 §5.6.2).
bool isTchar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty()) {
        return false;
    }
    for (char c : text) {
        if (!isTchar(c)) {
            return false;
        }
    }
    return true;
}

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimOws(QByteArrayView text)
{
    while (!text.isEmpty() && isOws(text.front())) {
        text = text.sliced(1);
    }
    while (!text.isEmpty() && isOws(text.back())) {
        text.chop(1);
    }
    return text;
}

// Field values: no control characters but HTAB (RFC 9110 §5.5: CR, LF and NUL are never valid;
// other CTLs are refused here as well). obs-text (0x80–0xFF) is allowed.
bool isValidFieldValue(QByteArrayView value)
{
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) {
            return false;
        }
    }
    return true;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Elements of a comma-separated list (RFC 9110 §5.6.1), trimmed, empty elements dropped, across every line
// of the field.
QList<QByteArray> listElements(const HttpHeaders &headers, QByteArrayView name)
{
    QList<QByteArray> out;
    for (const QByteArray &line : headers.values(name)) {
        for (const QByteArray &part : line.split(',')) {
            const QByteArrayView element = trimOws(part);
            if (!element.isEmpty()) {
                out.append(element.toByteArray());
            }
        }
    }
    return out;
}

} // namespace

qsizetype RequestParser::findHeadEnd(QByteArrayView buffer)
{
    for (qsizetype i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n', i + 1)) {
        if (i + 1 < buffer.size() && buffer.at(i + 1) == '\n') {
            return i + 2;
        }
        if (i + 2 < buffer.size() && buffer.at(i + 1) == '\r' && buffer.at(i + 2) == '\n') {
            return i + 3;
        }
    }
    return -1;
}

std::optional<RequestParseResult> RequestParser::checkIncomplete(QByteArrayView buffer, const ParserLimits &limits)
{
    // The method is a token (RFC 9112 §3.1): refuse at the first byte that cannot be part of one instead of
    // waiting for a head that will never come. A TLS ClientHello (record type 0x16) on a plain-HTTP port is
    // the common case: clients such as skopeo try https first and fall back to http only once refused.
    qsizetype first = 0;
    while (first < buffer.size() && (buffer.at(first) == '\r' || buffer.at(first) == '\n')) {
        ++first;
    }
    if (first < buffer.size() && static_cast<unsigned char>(buffer.at(first)) == 0x16) {
        return failure(400, "This server speaks plain HTTP; the client started a TLS handshake (use http://).");
    }
    for (qsizetype i = first; i < buffer.size() && buffer.at(i) != ' '; ++i) {
        if (!isTchar(buffer.at(i))) {
            return failure(400, "The request-line is malformed.");
        }
    }
    const qsizetype lineEnd = buffer.indexOf('\n', first);
    const QByteArrayView line = lineEnd < 0 ? buffer.sliced(first) : buffer.sliced(first, lineEnd - first);
    const qsizetype sp1 = line.indexOf(' ');
    if (sp1 < 0) {
        // No method has that many characters; do not wait for a request-line that cannot come.
        if (line.size() > 64) {
            return failure(400, "The request-line is malformed.");
        }
    } else {
        qsizetype sp2 = line.indexOf(' ', sp1 + 1);
        const qsizetype targetLength = (sp2 < 0 ? line.size() : sp2) - sp1 - 1;
        if (targetLength > limits.maxTargetBytes) {
            return failure(414, "The request-target is longer than " + QByteArray::number(limits.maxTargetBytes) +
                                    " bytes.");
        }
    }
    if (buffer.size() >= limits.maxHeadBytes) {
        return failure(431, "The request header fields are larger than " + QByteArray::number(limits.maxHeadBytes) +
                                " bytes.");
    }
    return std::nullopt;
}

RequestParseResult RequestParser::parse(QByteArrayView head, const ParserLimits &limits)
{
    if (head.size() > limits.maxHeadBytes) {
        return failure(431, "The request header fields are larger than " + QByteArray::number(limits.maxHeadBytes) +
                                " bytes.");
    }

    // Lines end with CRLF (RFC 9112 §2.2). A bare LF or CR is refused rather than tolerated: lenient line
    // splitting is how request smuggling starts.
    qsizetype pos = 0;
    auto nextLine = [&](QByteArrayView *line) -> bool {
        const qsizetype lf = head.indexOf('\n', pos);
        if (lf < 0) {
            return false;
        }
        if (lf == pos || head.at(lf - 1) != '\r') {
            *line = QByteArrayView();
            pos = -1; // marks a bare LF
            return false;
        }
        *line = head.sliced(pos, lf - 1 - pos);
        pos = lf + 1;
        return true;
    };

    QByteArrayView requestLine;
    // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request-line.
    do {
        if (!nextLine(&requestLine)) {
            return failure(400, pos < 0 ? "A line of the request head ends with a bare LF." : "The request is empty.");
        }
    } while (requestLine.isEmpty());
    if (requestLine.contains('\r')) {
        return failure(400, "The request-line contains a bare CR.");
    }

    // request-line = method SP request-target SP HTTP-version (RFC 9112 §3), single spaces.
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 < 0 || sp2 < 0) {
        return failure(400, "The request-line is malformed.");
    }
    const QByteArrayView method = requestLine.first(sp1);
    const QByteArrayView target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (!isToken(method)) {
        return failure(400, "The request method is not a token.");
    }
    if (target.size() > limits.maxTargetBytes) {
        return failure(414,
                       "The request-target is longer than " + QByteArray::number(limits.maxTargetBytes) + " bytes.");
    }
    if (target.isEmpty()) {
        return failure(400, "The request-line is malformed.");
    }
    for (char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '#') {
            return failure(400, "The request-target contains a character that is not allowed.");
        }
    }
    // HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
    if (version.size() != 8 || !version.startsWith("HTTP/") || version.at(6) != '.' || version.at(5) < '0' ||
        version.at(5) > '9' || version.at(7) < '0' || version.at(7) > '9') {
        return failure(400, "The HTTP-version is malformed.");
    }
    if (version.at(5) != '1' || version.at(7) > '1') {
        return failure(505, "Only HTTP/1.0 and HTTP/1.1 are supported.");
    }

    HttpRequest request;
    request.method = method.toByteArray();
    request.target = target.toByteArray();
    request.versionMinor = version.at(7) - '0';

    // request-target forms (RFC 9112 §3.2).
    QByteArrayView pathAndQuery;
    if (target.front() == '/') {
        pathAndQuery = target; // origin-form
    } else if (target == "*") {
        if (method != "OPTIONS") {
            return failure(400, "The asterisk-form request-target is only valid for OPTIONS.");
        }
        pathAndQuery = target;
    } else if (method == "CONNECT") {
        return failure(501, "CONNECT is not supported.");
    } else {
        // absolute-form: a server MUST accept it (§3.2.2); the path is what follows the authority.
        const qsizetype schemeEnd = target.indexOf("://");
        if (schemeEnd <= 0 || !isToken(target.first(schemeEnd))) {
            return failure(400, "The request-target is malformed.");
        }
        const qsizetype pathStart = target.indexOf('/', schemeEnd + 3);
        const qsizetype queryStart = target.indexOf('?', schemeEnd + 3);
        if (pathStart < 0 || (queryStart >= 0 && queryStart < pathStart)) {
            pathAndQuery = queryStart < 0 ? QByteArrayView("/") : target.sliced(queryStart);
        } else {
            pathAndQuery = target.sliced(pathStart);
        }
    }
    const qsizetype question = pathAndQuery.indexOf('?');
    request.path = question < 0 ? pathAndQuery.toByteArray() : pathAndQuery.first(question).toByteArray();
    if (request.path.isEmpty()) {
        request.path = "/";
    }
    request.query = question < 0 ? QByteArray() : pathAndQuery.sliced(question + 1).toByteArray();

    // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
    int fieldCount = 0;
    for (;;) {
        QByteArrayView line;
        if (!nextLine(&line)) {
            return failure(400, pos < 0 ? "A line of the request head ends with a bare LF."
                                        : "The request head is not terminated by an empty line.");
        }
        if (line.isEmpty()) {
            break;
        }
        if (line.contains('\r')) {
            return failure(400, "A header field contains a bare CR.");
        }
        // obs-fold (§5.2) and whitespace before the first field (§2.2) are rejected.
        if (isOws(line.front())) {
            return failure(400, "Obsolete line folding is not accepted.");
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            return failure(400, "A header field has no name or no colon.");
        }
        const QByteArrayView name = line.first(colon);
        if (isOws(name.back())) {
            // §5.1: "A server MUST reject … any received request message that contains whitespace between a
            // header field name and colon with a response status code of 400".
            return failure(400, "Whitespace between a header field name and the colon is not allowed.");
        }
        if (!isToken(name)) {
            return failure(400, "A header field name is not a token.");
        }
        const QByteArrayView value = trimOws(line.sliced(colon + 1));
        if (!isValidFieldValue(value)) {
            return failure(400, "A header field value contains a control character.");
        }
        if (++fieldCount > limits.maxFields) {
            return failure(431,
                           "The request has more than " + QByteArray::number(limits.maxFields) + " header fields.");
        }
        request.headers.add(name.toByteArray(), value.toByteArray());
    }
    if (pos != head.size()) {
        return failure(400, "Bytes follow the end of the request head.");
    }

    // Host (RFC 9112 §3.2): required in HTTP/1.1; more than one is a 400 in any version.
    const QList<QByteArray> hosts = request.headers.values("Host");
    if (hosts.size() > 1) {
        return failure(400, "The request has more than one Host header field.");
    }
    if (hosts.isEmpty() && request.versionMinor >= 1) {
        return failure(400, "An HTTP/1.1 request must carry a Host header field.");
    }
    if (!hosts.isEmpty() && (hosts.first().contains(' ') || hosts.first().contains('\t') ||
                             hosts.first().contains('/') || hosts.first().contains('@'))) {
        return failure(400, "The Host header field is malformed.");
    }

    // Transfer-Encoding (RFC 9112 §6.1, §6.3).
    const bool hasTransferEncoding = request.headers.contains("Transfer-Encoding");
    const bool hasContentLength = request.headers.contains("Content-Length");
    if (hasTransferEncoding) {
        if (request.versionMinor == 0) {
            // §6.1: an HTTP/1.0 message with Transfer-Encoding MUST be treated as having faulty framing.
            return failure(400, "Transfer-Encoding is not valid in an HTTP/1.0 request.");
        }
        if (hasContentLength) {
            // §6.1: a server MAY reject a request with both; we do, it is the request smuggling pattern.
            return failure(400, "A request must not carry both Content-Length and Transfer-Encoding.");
        }
        const QList<QByteArray> codings = listElements(request.headers, "Transfer-Encoding");
        if (codings.isEmpty()) {
            return failure(400, "The Transfer-Encoding header field is empty.");
        }
        auto codingName = [](const QByteArray &coding) {
            const qsizetype semicolon = coding.indexOf(';');
            return trimOws(semicolon < 0 ? QByteArrayView(coding) : QByteArrayView(coding).first(semicolon))
                .toByteArray()
                .toLower();
        };
        // §6.3 (4): chunked must be the final coding of a request, else the length is unknown: 400.
        if (codingName(codings.last()) != "chunked") {
            return failure(400, "The final transfer coding of a request must be chunked.");
        }
        for (qsizetype i = 0; i + 1 < codings.size(); ++i) {
            if (codingName(codings.at(i)) == "chunked") {
                // §7.1: chunked MUST NOT be applied more than once.
                return failure(400, "The chunked transfer coding is applied more than once.");
            }
            // §6.1: a transfer coding the server does not understand SHOULD be answered 501.
            return failure(501, "Transfer coding \"" + codingName(codings.at(i)) + "\" is not supported.");
        }
        request.chunked = true;
    }

    // Content-Length = 1*DIGIT (RFC 9110 §8.6); several lines or a list are accepted only when every value
    // is the same (§8.6 allows that recovery), else the framing is invalid: 400 (RFC 9112 §6.3 (5)).
    if (hasContentLength) {
        qint64 length = -1;
        for (const QByteArray &line : request.headers.values("Content-Length")) {
            for (const QByteArray &part : line.split(',')) {
                const QByteArrayView element = trimOws(part);
                if (element.isEmpty()) {
                    return failure(400, "The Content-Length header field is malformed.");
                }
                qint64 value = 0;
                for (char c : element) {
                    if (c < '0' || c > '9') {
                        return failure(400, "The Content-Length header field is malformed.");
                    }
                    if (value > (std::numeric_limits<qint64>::max() - (c - '0')) / 10) {
                        return failure(400, "The Content-Length header field is too large.");
                    }
                    value = value * 10 + (c - '0');
                }
                if (length >= 0 && value != length) {
                    return failure(400, "The request has conflicting Content-Length values.");
                }
                length = value;
            }
        }
        request.contentLength = length;
    }

    // Expect (RFC 9110 §10.1.1): only 100-continue is defined; a server MAY answer others with 417, and MUST
    // ignore 100-continue in an HTTP/1.0 request.
    const QList<QByteArray> expectations = listElements(request.headers, "Expect");
    for (const QByteArray &expectation : expectations) {
        if (expectation.compare("100-continue", Qt::CaseInsensitive) != 0) {
            return failure(417, "Only the 100-continue expectation is supported.");
        }
        request.expectContinue = request.versionMinor >= 1;
    }

    // Persistence (RFC 9112 §9.3): HTTP/1.1 stays open unless "close"; HTTP/1.0 only with "keep-alive".
    bool close = false;
    bool keepAlive = false;
    for (const QByteArray &option : listElements(request.headers, "Connection")) {
        if (option.compare("close", Qt::CaseInsensitive) == 0) {
            close = true;
        } else if (option.compare("keep-alive", Qt::CaseInsensitive) == 0) {
            keepAlive = true;
        }
    }
    request.keepAlive = !close && (request.versionMinor >= 1 || keepAlive);

    RequestParseResult result;
    result.request = std::move(request);
    return result;
}

QByteArray RequestParser::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 416:
        return "Range Not Satisfiable";
    case 417:
        return "Expectation Failed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

void ChunkedDecoder::reset()
{
    *this = ChunkedDecoder(m_maxLineBytes, m_maxTrailerBytes);
}

void ChunkedDecoder::fail(const char *reason)
{
    m_state = State::Error;
    m_error = reason;
}

qsizetype ChunkedDecoder::decode(QByteArrayView input, const std::function<void(QByteArrayView)> &onData)
{
    qsizetype i = 0;
    const qsizetype n = input.size();
    while (i < n && m_state != State::Done && m_state != State::Error) {
        const char c = input.at(i);
        switch (m_state) {
        case State::SizeStart: {
            const int digit = hexValue(c);
            if (digit < 0) {
                fail("A chunk-size is expected.");
                return i;
            }
            m_size = digit;
            m_lineBytes = 1;
            m_sawSemicolon = false;
            m_state = State::Size;
            ++i;
            break;
        }
        case State::Size: {
            const int digit = hexValue(c);
            if (digit >= 0) {
                if (m_size > (std::numeric_limits<qint64>::max() >> 4)) {
                    fail("A chunk-size is too large.");
                    return i;
                }
                m_size = m_size * 16 + digit;
            } else if (c == ';') {
                m_sawSemicolon = true;
                m_state = State::Extension;
            } else if (c == ' ' || c == '\t') {
                m_state = State::Extension; // BWS before ";" (§7.1.1)
            } else if (c == '\r') {
                m_state = State::SizeLf;
            } else {
                fail("A chunk-size contains a character that is not a hex digit.");
                return i;
            }
            ++i;
            ++m_lineBytes;
            break;
        }
        case State::Extension: {
            // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): ignored (§7.1.1), but still
            // bounded and free of control characters.
            const auto u = static_cast<unsigned char>(c);
            if (c == '\r') {
                m_state = State::SizeLf;
            } else if (c == ';') {
                m_sawSemicolon = true;
            } else if ((u < 0x20 && c != '\t') || u == 0x7f) {
                fail("A chunk extension contains a control character.");
                return i;
            } else if (!m_sawSemicolon && c != ' ' && c != '\t') {
                fail("A chunk-size is followed by something other than a chunk extension.");
                return i;
            }
            ++i;
            if (++m_lineBytes > m_maxLineBytes) {
                fail("A chunk-size line is too long.");
                return i;
            }
            break;
        }
        case State::SizeLf:
            if (c != '\n') {
                fail("A chunk-size line does not end with CRLF.");
                return i;
            }
            ++i;
            if (m_size == 0) {
                m_state = State::TrailerStart;
                m_trailerBytes = 0;
            } else {
                m_remaining = m_size;
                m_state = State::Data;
            }
            break;
        case State::Data: {
            const qsizetype take = qsizetype(qMin<qint64>(m_remaining, n - i));
            onData(input.sliced(i, take));
            i += take;
            m_remaining -= take;
            m_decoded += take;
            if (m_remaining == 0) {
                m_state = State::DataCr;
            }
            break;
        }
        case State::DataCr:
            if (c != '\r') {
                fail("Chunk data is not followed by CRLF.");
                return i;
            }
            m_state = State::DataLf;
            ++i;
            break;
        case State::DataLf:
            if (c != '\n') {
                fail("Chunk data is not followed by CRLF.");
                return i;
            }
            m_state = State::SizeStart;
            ++i;
            break;
        case State::TrailerStart:
        case State::TrailerLine: {
            const auto u = static_cast<unsigned char>(c);
            if (c == '\r') {
                m_state = m_state == State::TrailerStart ? State::FinalLf : State::TrailerLf;
            } else if ((u < 0x20 && c != '\t') || u == 0x7f) {
                fail("A trailer field contains a control character.");
                return i;
            } else {
                m_state = State::TrailerLine;
            }
            ++i;
            if (++m_trailerBytes > m_maxTrailerBytes) {
                fail("The trailer section is too large.");
                return i;
            }
            break;
        }
        case State::TrailerLf:
            if (c != '\n') {
                fail("A trailer field line does not end with CRLF.");
                return i;
            }
            m_state = State::TrailerStart;
            ++i;
            break;
        case State::FinalLf:
            if (c != '\n') {
                fail("The chunked body does not end with CRLF.");
                return i;
            }
            m_state = State::Done;
            ++i;
            break;
        case State::Done:
        case State::Error:
            break;
        }
    }
    return i;
}

} // namespace Minato::Registry
