#include "jsonhighlighter.h"

namespace Minato::App {

JsonHighlighter::JsonHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
    , m_stringPattern(QStringLiteral(R"("(?:[^"\\]|\\.)*")"))
    , m_numberPattern(QStringLiteral(R"((?<![\w."])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"))
    , m_literalPattern(QStringLiteral(R"(\b(?:true|false|null)\b)"))
{
    setDark(false);
}

JsonHighlighter::~JsonHighlighter() = default;

void JsonHighlighter::setDark(bool dark)
{
    m_key.setForeground(dark ? QColor(0x8c, 0xc8, 0xff) : QColor(0x0b, 0x4f, 0x9c));
    m_key.setFontWeight(QFont::DemiBold);
    m_string.setForeground(dark ? QColor(0xa5, 0xd6, 0x8f) : QColor(0x1f, 0x7a, 0x36));
    m_number.setForeground(dark ? QColor(0xf0, 0xb8, 0x6e) : QColor(0xa0, 0x4a, 0x00));
    m_literal.setForeground(dark ? QColor(0xe0, 0x9a, 0xe8) : QColor(0x8a, 0x2b, 0x94));
    rehighlight();
}

void JsonHighlighter::highlightBlock(const QString &text)
{
    for (auto it = m_numberPattern.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), m_number);
    }
    for (auto it = m_literalPattern.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), m_literal);
    }
    // Strings last: digits and words inside them keep the string colour. A string followed by ':' is a key.
    for (auto it = m_stringPattern.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        const qsizetype end = m.capturedEnd();
        qsizetype next = end;
        while (next < text.size() && text.at(next).isSpace()) {
            ++next;
        }
        const bool key = next < text.size() && text.at(next) == QLatin1Char(':');
        setFormat(int(m.capturedStart()), int(m.capturedLength()), key ? m_key : m_string);
    }
}

} // namespace Minato::App
