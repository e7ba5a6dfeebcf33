#include "link.h"

#include "textutil.h"

#include "httpgrammar.h"

namespace Minato::Oci {

namespace {

const QString linkField = QStringLiteral("Link header");

using Http::describe;
using Http::isForbiddenControl;
using Http::isLineBreak;
using Http::isSpace;
using Scanner = Http::FieldScanner;

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
            out.append(Http::quoteString(p.value));
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
                            .arg(s.describeCurrent()));
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
                return fail(QStringLiteral("expected ';' or ',' after the link %1, found %2")
                                .arg(quoteInput(link.target), s.describeCurrent()));
            }
            s.advance();
            s.skipSpaces();
            if (s.atEnd() || s.peek() == u';' || s.peek() == u',' || isLineBreak(s.peek())) {
                continue; // an empty parameter ("<x>;; rel=next" or a trailing ';')
            }
            if (link.params.size() >= linkHeaderMaxParams) {
                // One multi-arg call: a chained .arg() would substitute a "%2" inside the target.
                return fail(QStringLiteral("the link %1 has more than %2 parameters")
                                .arg(quoteInput(link.target), QString::number(linkHeaderMaxParams)));
            }
            LinkParam param;
            param.name = s.token().toLower();
            if (param.name.isEmpty()) {
                return fail(QStringLiteral("expected a parameter name of the link %1, found %2")
                                .arg(quoteInput(link.target), s.describeCurrent()));
            }
            s.skipSpaces();
            if (s.peek() == u'=') {
                s.advance();
                s.skipSpaces();
                if (s.peek() == u'"') {
                    QString error;
                    auto v = s.quotedString(&error);
                    if (!v) {
                        return fail(QStringLiteral("parameter %1 of the link %2: %3")
                                        .arg(quoteInput(param.name), quoteInput(link.target), error));
                    }
                    param.value = *v;
                } else {
                    param.value = s.bareValue();
                    if (param.value.isEmpty()) {
                        return fail(QStringLiteral("parameter %1 of the link %2 has '=' but no value")
                                        .arg(quoteInput(param.name), quoteInput(link.target)));
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
