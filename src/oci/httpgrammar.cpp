#include "httpgrammar.h"

namespace Minato::Oci::Http {

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

bool isToken68Char(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') || u == u'-' ||
           u == u'.' || u == u'_' || u == u'~' || u == u'+' || u == u'/';
}

QString describe(QChar c)
{
    if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
        return QStringLiteral("control character 0x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
    }
    return QStringLiteral("'%1'").arg(c);
}

QByteArray quoteString(const QString &value)
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

qsizetype FieldScanner::skipSpacesFrom(qsizetype i) const
{
    while (i < m_text.size() && isSpace(m_text.at(i))) {
        ++i;
    }
    return i;
}

void FieldScanner::skipSeparators()
{
    while (!atEnd() && (isSpace(peek()) || peek() == u',' || isLineBreak(peek()))) {
        ++m_pos;
    }
}

qsizetype FieldScanner::tokenEnd(qsizetype i) const
{
    while (i < m_text.size() && isTchar(m_text.at(i))) {
        ++i;
    }
    return i;
}

QString FieldScanner::token()
{
    const qsizetype end = tokenEnd(m_pos);
    QString t = m_text.mid(m_pos, end - m_pos);
    m_pos = end;
    return t;
}

QString FieldScanner::bareValue()
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

std::optional<QString> FieldScanner::quotedString(QString *error)
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

} // namespace Minato::Oci::Http
