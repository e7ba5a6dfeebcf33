#include "textutil.h"

#include <algorithm>

namespace Minato::Oci {

namespace {

constexpr QChar kEllipsis = QChar(0x2026);

void appendCodeEscape(QString &out, char32_t code)
{
    out += QStringLiteral("\\u{");
    out += QString::number(static_cast<uint>(code), 16).toUpper();
    out += u'}';
}

// Characters that must not reach a log line or a dialog as they are: they break lines, are invisible, or
// reorder the text around them (RFC 9839 "problematic code points", Unicode TR#9 for the bidi controls).
bool needsEscape(char32_t code)
{
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) {
        return true; // C0, DEL, C1
    }
    if (code == 0x2028 || code == 0x2029 || code == 0xfeff) {
        return true; // line and paragraph separators, BOM / zero-width no-break space
    }
    if (code > 0xffff ? (code & 0xfffe) == 0xfffe : (code == 0xfffe || code == 0xffff)) {
        return true; // non-characters
    }
    const QChar::Category category = QChar::category(code);
    return category == QChar::Other_Format || category == QChar::Other_Surrogate ||
           category == QChar::Other_NotAssigned || category == QChar::Separator_Line ||
           category == QChar::Separator_Paragraph;
}

} // namespace

QString quoteInput(QStringView text, int maxChars)
{
    const qsizetype limit = std::max(1, maxChars);
    QString out;
    out.reserve(std::min(text.size(), limit) + 3);
    out += u'"';
    qsizetype i = 0;
    while (i < text.size() && i < limit) {
        const QChar c = text[i];
        char32_t code = c.unicode();
        qsizetype width = 1;
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            if (i + 1 >= limit) {
                break; // do not split the pair at the cut
            }
            code = QChar::surrogateToUcs4(c, text[i + 1]);
            width = 2;
        }
        switch (code) {
        case U'"':
            out += QStringLiteral("\\\"");
            break;
        case U'\\':
            out += QStringLiteral("\\\\");
            break;
        case U'\n':
            out += QStringLiteral("\\n");
            break;
        case U'\r':
            out += QStringLiteral("\\r");
            break;
        case U'\t':
            out += QStringLiteral("\\t");
            break;
        default:
            if (needsEscape(code)) {
                appendCodeEscape(out, code);
            } else {
                out += text.sliced(i, width);
            }
            break;
        }
        i += width;
    }
    if (i < text.size()) {
        out += kEllipsis;
    }
    out += u'"';
    return out;
}

QString quoteBytes(QByteArrayView bytes, int maxChars)
{
    const qsizetype limit = std::max(1, maxChars);
    QString out;
    out.reserve(std::min(bytes.size(), limit) + 3);
    out += u'"';
    const qsizetype shown = std::min(bytes.size(), limit);
    for (qsizetype i = 0; i < shown; ++i) {
        const auto u = static_cast<unsigned char>(bytes[i]);
        if (u == '"' || u == '\\') {
            out += u'\\';
            out += QLatin1Char(static_cast<char>(u));
        } else if (u >= 0x20 && u < 0x7f) {
            out += QLatin1Char(static_cast<char>(u));
        } else {
            out += QStringLiteral("\\x");
            out += QString::number(u, 16).rightJustified(2, u'0').toUpper();
        }
    }
    if (bytes.size() > shown) {
        out += kEllipsis;
    }
    out += u'"';
    return out;
}

} // namespace Minato::Oci
