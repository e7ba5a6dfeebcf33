#pragma once

// Small text helpers shared by the parsers of Minato::Oci.
//
//   return Expected<Digest>::failure(u"digest", QStringLiteral("unsupported algorithm %1").arg(quoteInput(alg)));
//   // → unsupported algorithm "md5"        (at most 80 characters of the input, then "…")
//
// quoteInput is the one way untrusted input enters an error message: a message goes into logs, dialogs and
// the registry's error bodies, so the input is cut to a bounded length and every character that could break
// a line, hide text or reorder it (C0/C1 controls, DEL, Unicode format characters such as bidi overrides,
// U+2028/U+2029, lone surrogates) is written as an escape. Printable non-ASCII stays readable.
//
// The Ascii helpers classify one UTF-16 unit by ASCII rules only (no locale, no Unicode digits), as every
// grammar here (RFC 3986, RFC 9110, the OCI specs) is defined on ASCII.

#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace Minato::Oci {

namespace Ascii {
constexpr bool isDigit(char16_t c)
{
    return c >= u'0' && c <= u'9';
}
constexpr bool isLowerHex(char16_t c)
{
    return isDigit(c) || (c >= u'a' && c <= u'f');
}
constexpr bool isHex(char16_t c)
{
    return isLowerHex(c) || (c >= u'A' && c <= u'F');
}
// 0–15 for a hex digit of either case, -1 otherwise.
constexpr int hexValue(char16_t c)
{
    if (isDigit(c)) {
        return c - u'0';
    }
    if (c >= u'a' && c <= u'f') {
        return c - u'a' + 10;
    }
    if (c >= u'A' && c <= u'F') {
        return c - u'A' + 10;
    }
    return -1;
}
// True when text has exactly `length` characters, all of them lowercase hex ([0-9a-f]); length < 0 means
// any non-zero length. Digests, image IDs and v1 layer IDs are written this way.
inline bool isLowerHexString(QStringView text, qsizetype length = -1)
{
    if (text.isEmpty() || (length >= 0 && text.size() != length)) {
        return false;
    }
    for (QChar c : text) {
        if (!isLowerHex(c.unicode())) {
            return false;
        }
    }
    return true;
}
} // namespace Ascii

// The input inside double quotes, safe to put in a message: at most maxChars characters of it (a cut is
// marked with "…" before the closing quote, and never splits a surrogate pair); '"' and '\' escaped with
// '\'; \n, \r, \t as such; other control, format and separator characters and lone surrogates as \u{XXXX}.
QString quoteInput(QStringView text, int maxChars = 80);
// The same for bytes from the wire (header values): printable ASCII as is, every other byte as \xNN.
QString quoteBytes(QByteArrayView bytes, int maxChars = 80);

} // namespace Minato::Oci
