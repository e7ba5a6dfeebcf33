#pragma once

// Building blocks of HTTP field values (RFC 9110 §5.6) shared by the Link and WWW-Authenticate parsers:
// character classes, a scanner over one field value, and the quoted-string formatter.
//
//   Http::FieldScanner s(text);
//   s.skipSeparators();
//   QString scheme = s.token();
//   if (s.peek() == u'"') { auto v = s.quotedString(&error); }
//
// Internal to src/oci: pure functions, no allocation beyond the strings they return.

#include <QByteArray>
#include <QString>

#include <optional>

namespace Minato::Oci::Http {

// tchar (RFC 9110 §5.6.2).
bool isTchar(QChar c);
// token68 characters (RFC 9110 §11.2): ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" (then "=" padding).
bool isToken68Char(QChar c);
// SP / HTAB: the OWS of RFC 9110 §5.6.3.
inline bool isSpace(QChar c)
{
    return c == u' ' || c == u'\t';
}
// CR or LF: Qt joins repeated header lines with "\n" in some paths, so a line break separates list items.
inline bool isLineBreak(QChar c)
{
    return c == u'\r' || c == u'\n';
}
// CTL other than HTAB (RFC 5234 B.1), which may appear nowhere in a field value.
inline bool isForbiddenControl(QChar c)
{
    return (c.unicode() < 0x20 && c != u'\t') || c.unicode() == 0x7f;
}
// A character as an error message shows it: "'x'", "control character 0x0a".
QString describe(QChar c);

// quoted-string (RFC 9110 §5.6.4) in UTF-8, escaping '"' and '\'. Control characters cannot be
// represented in a field value; dropping them (CR/LF above all) also stops header injection.
QByteArray quoteString(const QString &value);

// A cursor over one field value. Every read is bounds-checked: peek()/at() past the end give a null QChar.
class FieldScanner
{
public:
    explicit FieldScanner(const QString &text) : m_text(text) {}

    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek() const { return atEnd() ? QChar() : m_text.at(m_pos); }
    // The current character for an error message, or "the end" past the last one.
    QString describeCurrent() const { return atEnd() ? QStringLiteral("the end") : describe(peek()); }
    QChar at(qsizetype i) const { return i >= 0 && i < m_text.size() ? m_text.at(i) : QChar(); }
    qsizetype pos() const { return m_pos; }
    void seek(qsizetype pos) { m_pos = pos; }
    void advance() { ++m_pos; }

    qsizetype skipSpacesFrom(qsizetype i) const;
    void skipSpaces() { m_pos = skipSpacesFrom(m_pos); }
    // OWS, ',' and line breaks: list separators, including empty list elements (RFC 9110 §5.6.1).
    void skipSeparators();
    bool atElementEnd() const { return atEnd() || peek() == u',' || isLineBreak(peek()); }

    qsizetype tokenEnd(qsizetype i) const;
    QString token();
    QString slice(qsizetype from, qsizetype to) const { return m_text.mid(from, to - from); }
    // A lenient unquoted value (Link parameters): anything up to ';', ',', '"', whitespace or a control.
    QString bareValue();
    // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE; the scanner stands on the opening quote.
    // On failure *error says why (unterminated, or a control character inside).
    std::optional<QString> quotedString(QString *error);

private:
    const QString &m_text;
    qsizetype m_pos = 0;
};

} // namespace Minato::Oci::Http
