#include "link.h"

namespace Minato::Oci {

namespace {

const QString linkField = QStringLiteral("Link header");

// tchar (RFC 9110 §5.6.2).
bool isTchar(QChar c)
{
    const char16_t u = c.unicode();
    if ((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')) {
        return true;
    }
    switch (u) {
    case u'!':
    case u'#':
    case u'$':
    case u'%':
    case u'&':
    case u'\'':
    case u'*':
    case u'+':
    case u'-':
    case u'.':
    case u'^':
    case u'_':
    case u'`':
    case u'|':
    case u'~':
        return true;
    default:
        return false;
    }
}

bool isSpace(QChar c)
{
    return c == u' ' || c == u'\t';
}

bool isLineBreak(QChar c)
{
    return c == u'\r' || c == u'\n';
}

// CTL other than HTAB (RFC 5234 B.1), which may appear nowhere in a field value.
bool isForbiddenControl(QChar c)
{
    return (c.unicode() < 0x20 && c != u'\t') || c.unicode() == 0x7f;
}

QString describe(QChar c)
{
    if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
        return QStringLiteral("control character 0x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
    }
    return QStringLiteral("'%1'").arg(c);
}

class Scanner
{
public:
    explicit Scanner(const QString &text)
        : m_text(text)
    {}

    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek() const { return atEnd() ? QChar() : m_text.at(m_pos); }
    qsizetype pos() const { return m_pos; }
    void advance() { ++m_pos; }

    void skipSpaces()
    {
        while (!atEnd() && isSpace(peek())) {
            ++m_pos;
        }
    }
    // OWS, ',' and line breaks: the list separators, including empty list elements (RFC 9110 §5.6.1).
    void skipSeparators()
    {
        while (!atEnd() && (isSpace(peek()) || peek() == u',' || isLineBreak(peek()))) {
            ++m_pos;
        }
    }
    QString token()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && isTchar(peek())) {
            ++m_pos;
        }
        return m_text.mid(start, m_pos - start);
    }
    // A lenient unquoted value: anything up to a delimiter of the Link grammar.
    QString bareValue()
    {
        const qsizetype start = m_pos;
        while (!atEnd()) {
            const QChar c = peek();
            if (c == u';' || c == u',' || c == u'"' || isSpace(c) || isLineBreak(c) || isForbiddenControl(c)) {
                break;
            }
            ++m_pos;
        }
        return m_text.mid(start, m_pos - start);
    }
    // quoted-string (RFC 9110 §5.6.4); the scanner stands on the opening quote.
    std::optional<QString> quotedString(QString *error)
    {
        ++m_pos;
        QString out;
        while (!atEnd()) {
            QChar c = peek();
            ++m_pos;
            if (c == u'"') {
                return out;
            }
            if (c == u'\\') {
                if (atEnd()) {
                    break;
                }
                c = peek();
                ++m_pos;
            }
            if (isForbiddenControl(c)) {
                *error = QStringLiteral("a quoted string contains a %1").arg(describe(c));
                return std::nullopt;
            }
            out.append(c);
        }
        *error = QStringLiteral("a quoted string is not closed by '\"'");
        return std::nullopt;
    }

private:
    const QString &m_text;
    qsizetype m_pos = 0;
};

// relation-types are separated by 1*SP inside the quoted value (RFC 8288 §3.3); tabs are tolerated.
QStringList splitRelations(const QString &value)
{
    QStringList out;
    qsizetype start = -1;
    for (qsizetype i = 0; i <= value.size(); ++i) {
        const bool separator = i == value.size() || isSpace(value.at(i));
        if (separator && start >= 0) {
            out.append(value.mid(start, i - start).toLower());
            start = -1;
        } else if (!separator && start < 0) {
            start = i;
        }
    }
    return out;
}

Expected<QList<Link>> fail(const QString &reason)
{
    return Expected<QList<Link>>::failure(linkField, reason);
}

// quoted-string (RFC 9110 §5.6.4) in UTF-8. Control characters cannot be represented in a field value;
// dropping them (CR/LF above all) also stops header injection.
QByteArray quoted(const QString &value)
{
    QString escaped;
    escaped.reserve(value.size() + 2);
    escaped.append(u'"');
    for (QChar c : value) {
        if (isForbiddenControl(c)) {
            continue;
        }
        if (c == u'"' || c == u'\\') {
            escaped.append(u'\\');
        }
        escaped.append(c);
    }
    escaped.append(u'"');
    return escaped.toUtf8();
}

} // namespace

bool Link::hasRelation(QStringView relation) const
{
    for (const QString &r : relations) {
        if (relation.compare(r, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    return false;
}

std::optional<QString> Link::param(QStringView name) const
{
    for (const LinkParam &p : params) {
        if (name.compare(p.name, Qt::CaseInsensitive) == 0) {
            return p.value;
        }
    }
    return std::nullopt;
}

QUrl Link::resolved(const QUrl &requestUrl) const
{
    return resolveLinkTarget(requestUrl, target);
}

QByteArray Link::toHeaderValue() const
{
    QString cleanTarget;
    cleanTarget.reserve(target.size());
    for (QChar c : target) {
        if (!isForbiddenControl(c) && c != u'>') {
            cleanTarget.append(c);
        }
    }
    QByteArray out;
    out.append('<');
    out.append(cleanTarget.toUtf8());
    out.append('>');
    for (const LinkParam &p : params) {
        out.append("; ");
        out.append(p.name.toUtf8());
        if (!p.value.isEmpty()) { // every value is written quoted: one form valid for any value
            out.append('=');
            out.append(quoted(p.value));
        }
    }
    return out;
}

// RFC 8288 §3:
//   Link       = #link-value
//   link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
//   link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
Expected<QList<Link>> parseLinkHeader(QByteArrayView value)
{
    if (value.size() > linkHeaderMaxLength) {
        return fail(
            QStringLiteral("is %1 bytes long, more than the %2 accepted").arg(value.size()).arg(linkHeaderMaxLength));
    }
    const QString text = QString::fromUtf8(value);
    Scanner s(text);
    QList<Link> links;
    while (true) {
        s.skipSeparators();
        if (s.atEnd()) {
            break;
        }
        if (links.size() >= linkHeaderMaxLinks) {
            return fail(QStringLiteral("has more than %1 links").arg(linkHeaderMaxLinks));
        }
        if (s.peek() != u'<') {
            return fail(QStringLiteral("expected '<' to start a link at position %1, found %2")
                            .arg(s.pos())
                            .arg(describe(s.peek())));
        }
        const qsizetype open = s.pos();
        const qsizetype close = text.indexOf(u'>', open + 1);
        if (close < 0) {
            return fail(QStringLiteral("the '<' at position %1 is not closed by '>'").arg(open));
        }
        Link link;
        link.target = text.mid(open + 1, close - open - 1);
        for (QChar c : std::as_const(link.target)) {
            if (isForbiddenControl(c) || isLineBreak(c)) {
                return fail(QStringLiteral("the link target contains a %1").arg(describe(c)));
            }
        }
        while (s.pos() <= close) {
            s.advance();
        }
        bool sawRel = false;
        while (true) {
            s.skipSpaces();
            if (s.atEnd() || s.peek() == u',' || isLineBreak(s.peek())) {
                break;
            }
            if (s.peek() != u';') {
                return fail(QStringLiteral("expected ';' or ',' after the link <%1>, found %2")
                                .arg(link.target, describe(s.peek())));
            }
            s.advance();
            s.skipSpaces();
            if (s.atEnd() || s.peek() == u';' || s.peek() == u',' || isLineBreak(s.peek())) {
                continue; // an empty parameter ("<x>;; rel=next" or a trailing ';')
            }
            if (link.params.size() >= linkHeaderMaxParams) {
                return fail(QStringLiteral("the link <%1> has more than %2 parameters")
                                .arg(link.target)
                                .arg(linkHeaderMaxParams));
            }
            LinkParam param;
            param.name = s.token().toLower();
            if (param.name.isEmpty()) {
                return fail(QStringLiteral("expected a parameter name of the link <%1>, found %2")
                                .arg(link.target, describe(s.peek())));
            }
            s.skipSpaces();
            if (s.peek() == u'=') {
                s.advance();
                s.skipSpaces();
                if (s.peek() == u'"') {
                    QString error;
                    auto v = s.quotedString(&error);
                    if (!v) {
                        return fail(QStringLiteral("parameter \"%1\" of the link <%2>: %3")
                                        .arg(param.name, link.target, error));
                    }
                    param.value = *v;
                } else {
                    param.value = s.bareValue();
                    if (param.value.isEmpty()) {
                        return fail(QStringLiteral("parameter \"%1\" of the link <%2> has '=' but no value")
                                        .arg(param.name, link.target));
                    }
                }
            }
            // RFC 8288 §3.3: occurrences of "rel" after the first MUST be ignored by parsers.
            if (param.name == u"rel" && !sawRel) {
                sawRel = true;
                link.relations = splitRelations(param.value);
            }
            link.params.append(std::move(param));
        }
        links.append(std::move(link));
    }
    return links;
}

Expected<QList<Link>> parseLinkHeader(const QList<QByteArray> &values)
{
    QList<Link> all;
    for (const QByteArray &value : values) {
        auto links = parseLinkHeader(QByteArrayView(value));
        if (!links) {
            return links.error();
        }
        if (all.size() + links->size() > linkHeaderMaxLinks) {
            return fail(QStringLiteral("has more than %1 links").arg(linkHeaderMaxLinks));
        }
        all.append(links.value());
    }
    return all;
}

std::optional<Link> nextLink(const QList<Link> &links)
{
    for (const Link &link : links) {
        if (link.hasRelation(u"next")) {
            return link;
        }
    }
    return std::nullopt;
}

QUrl resolveLinkTarget(const QUrl &requestUrl, const QString &target)
{
    const QUrl reference(target, QUrl::TolerantMode);
    if (!reference.isValid()) {
        return QUrl();
    }
    return requestUrl.resolved(reference);
}

QByteArray formatNextLink(const QUrl &target)
{
    return '<' + target.toEncoded() + QByteArrayLiteral(">; rel=\"next\"");
}

QByteArray formatLinkHeader(const QList<Link> &links)
{
    QByteArray out;
    for (const Link &link : links) {
        if (!out.isEmpty()) {
            out.append(", ");
        }
        out.append(link.toHeaderValue());
    }
    return out;
}

} // namespace Minato::Oci
