#pragma once

// Digest: a content address "algorithm:encoded" (OCI image-spec descriptor.md, "Digests").
//
//   auto d = Digest::parse(u"sha256:e3b0c442…");      // Expected<Digest>
//   d->algorithm() == Digest::Algorithm::Sha256;  d->hex();  d->toString();  d->shortHex(12);
//
// Only the registered algorithms sha256 (64 lowercase hex) and sha512 (128 lowercase hex) are accepted;
// a syntactically valid digest with another algorithm is rejected as unsupported (the spec lets
// implementations refuse algorithms they cannot verify). A default-constructed Digest is invalid
// (isValid() == false) and prints as an empty string.

#include "expected.h"

#include <QHashFunctions>
#include <QString>

namespace Minato::Oci {

class Digest
{
public:
    enum class Algorithm { Sha256, Sha512 };

    Digest() = default;

    static Expected<Digest> parse(QStringView text);
    // True when text is a digest this module accepts (same rules as parse()).
    static bool isValidString(QStringView text) { return parse(text).hasValue(); }
    // Builds a digest from parts (e.g. a hasher's output). hex must have the algorithm's length and be
    // lowercase hex; otherwise the result is an invalid Digest (isValid() == false), in every build.
    static Digest fromParts(Algorithm algorithm, QString hex);

    bool isValid() const { return !m_hex.isEmpty(); }
    Algorithm algorithm() const { return m_algorithm; }
    QString algorithmName() const; // "sha256" / "sha512"
    const QString &hex() const { return m_hex; }
    QString toString() const; // "sha256:…"; empty when invalid
    // The first n hex characters, for display ("3b2c9a1f0e4d"); the UI shows 12 and the full digest on hover.
    QString shortHex(int n = 12) const { return m_hex.left(n); }

    static int hexLength(Algorithm algorithm) { return algorithm == Algorithm::Sha256 ? 64 : 128; }

    bool operator==(const Digest &) const = default;
    bool operator<(const Digest &other) const { return toString() < other.toString(); }

private:
    Algorithm m_algorithm = Algorithm::Sha256;
    QString m_hex;
};

inline size_t qHash(const Digest &d, size_t seed = 0)
{
    return qHashMulti(seed, static_cast<int>(d.algorithm()), d.hex());
}

} // namespace Minato::Oci
