#include "digest.h"

#include "textutil.h"

namespace Minato::Oci {

namespace {

bool isAlgorithmComponentChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
}

bool isAlgorithmSeparator(QChar c)
{
    return c == u'+' || c == u'.' || c == u'_' || c == u'-';
}

bool isEncodedChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'=' || c == u'_' ||
           c == u'-';
}

} // namespace

// Grammar (image-spec descriptor.md):
//   digest              ::= algorithm ":" encoded
//   algorithm           ::= algorithm-component (algorithm-separator algorithm-component)*
//   algorithm-component ::= [a-z0-9]+
//   algorithm-separator ::= [+._-]
//   encoded             ::= [a-zA-Z0-9=_-]+
// Registered algorithms: sha256 → /[a-f0-9]{64}/, sha512 → /[a-f0-9]{128}/.
Expected<Digest> Digest::parse(QStringView text)
{
    const QString field = QStringLiteral("digest");
    if (text.isEmpty()) {
        return Expected<Digest>::failure(field, QStringLiteral("is empty"));
    }
    const qsizetype colon = text.indexOf(u':');
    if (colon < 0) {
        return Expected<Digest>::failure(field,
                                         QStringLiteral("must be algorithm:hex, such as sha256:… (no ':' found)"));
    }
    const QStringView algorithm = text.first(colon);
    const QStringView encoded = text.sliced(colon + 1);
    if (algorithm.isEmpty()) {
        return Expected<Digest>::failure(field, QStringLiteral("the algorithm before ':' is empty"));
    }
    bool previousWasSeparator = true; // a separator may not start the algorithm
    for (QChar c : algorithm) {
        if (isAlgorithmComponentChar(c)) {
            previousWasSeparator = false;
        } else if (isAlgorithmSeparator(c) && !previousWasSeparator) {
            previousWasSeparator = true;
        } else {
            return Expected<Digest>::failure(
                field, QStringLiteral("the algorithm %1 contains an invalid character").arg(quoteInput(algorithm)));
        }
    }
    if (previousWasSeparator) {
        return Expected<Digest>::failure(
            field, QStringLiteral("the algorithm %1 ends with a separator").arg(quoteInput(algorithm)));
    }
    if (encoded.isEmpty()) {
        return Expected<Digest>::failure(field, QStringLiteral("the encoded part after ':' is empty"));
    }
    for (QChar c : encoded) {
        if (!isEncodedChar(c)) {
            return Expected<Digest>::failure(field, QStringLiteral("the encoded part contains an invalid character"));
        }
    }

    Algorithm alg{};
    if (algorithm == u"sha256") {
        alg = Algorithm::Sha256;
    } else if (algorithm == u"sha512") {
        alg = Algorithm::Sha512;
    } else {
        return Expected<Digest>::failure(
            field,
            QStringLiteral("unsupported algorithm %1 (sha256 and sha512 are supported)").arg(quoteInput(algorithm)));
    }
    const int expected = hexLength(alg);
    if (encoded.size() != expected) {
        return Expected<Digest>::failure(field, QStringLiteral("a %1 digest has %2 hex characters, not %3")
                                                    .arg(algorithm)
                                                    .arg(expected)
                                                    .arg(encoded.size()));
    }
    for (QChar c : encoded) {
        if (!Ascii::isLowerHex(c.unicode())) {
            return Expected<Digest>::failure(field, QStringLiteral("a %1 digest must be lowercase hex").arg(algorithm));
        }
    }
    return fromParts(alg, encoded.toString());
}

Digest Digest::fromParts(Algorithm algorithm, QString hex)
{
    // Public, so checked in every build: a wrong length or a character that is not lowercase hex gives an
    // invalid Digest rather than one that prints as something parse() would refuse.
    if (algorithm != Algorithm::Sha256 && algorithm != Algorithm::Sha512) {
        return Digest();
    }
    if (!Ascii::isLowerHexString(hex, hexLength(algorithm))) {
        return Digest();
    }
    Digest d;
    d.m_algorithm = algorithm;
    d.m_hex = std::move(hex);
    return d;
}

QString Digest::algorithmName() const
{
    return m_algorithm == Algorithm::Sha256 ? QStringLiteral("sha256") : QStringLiteral("sha512");
}

QString Digest::toString() const
{
    return isValid() ? algorithmName() + u':' + m_hex : QString();
}

} // namespace Minato::Oci
