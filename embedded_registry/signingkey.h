#pragma once

// SigningKey: the key the token service signs its JWTs with, and the certificate that names it (OpenSSL).
//
//   auto key = SigningKey::generate(QStringLiteral("minato-registry token signer"));   // P-256, in memory
//   auto key = SigningKey::load(keyPemPath, certPemPath);    // an operator's key and certificate
//   QByteArray signature = key->sign(signingInput);          // JWS signature bytes for key->algorithm()
//   bool ok = key->verify(signingInput, signature);
//
// EC P-256 keys sign ES256 (the 64-byte r||s form of RFC 7518 §3.4, not DER); RSA keys (≥ 2048 bits) RS256.
// Tokens carry the certificate in the JWS header (`x5c`, RFC 7515 §4.1.6), which is how distribution
// verifies a token issuer it trusts through `auth.token.rootcertbundle`, and `kid` in libtrust's key-id
// form (what distribution matches against its trusted keys when there is no `x5c`).
// A generated key lives only in memory: tokens die with the process, which is what short-lived tokens are
// for. Immutable after construction; sign() and verify() are thread-safe (a context per call).

#include "oci/expected.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace Minato::Registry {

class SigningKey
{
public:
    // A fresh P-256 key and a self-signed certificate for it (valid from an hour ago for ten years).
    static Oci::Expected<SigningKey> generate(const QString &commonName);
    // PEM private key (EC P-256 or RSA) and the PEM certificate of its public key.
    static Oci::Expected<SigningKey> load(const QString &keyPath, const QString &certificatePath);
    static Oci::Expected<SigningKey> fromPem(const QByteArray &keyPem, const QByteArray &certificatePem);

    QString algorithm() const { return m_algorithm; } // "ES256" or "RS256"
    QByteArray sign(const QByteArray &data) const;    // empty on an OpenSSL failure
    bool verify(const QByteArray &data, const QByteArray &signature) const;

    QByteArray certificateDer() const { return m_certificateDer; }
    QByteArray certificatePem() const;
    // libtrust's key ID: base32 of the first 240 bits of SHA-256(SubjectPublicKeyInfo DER), in 12 groups of 4
    // separated by ':' ("ABCD:EFGH:…").
    QString keyId() const { return m_keyId; }

private:
    struct Handles;
    SigningKey() = default;
    static Oci::Expected<SigningKey> fromHandles(std::shared_ptr<Handles> handles);

    std::shared_ptr<const Handles> m_handles;
    QString m_algorithm;
    QByteArray m_certificateDer;
    QString m_keyId;
};

// RFC 4648 base32 (upper case, with '=' padding), as Go's base32.StdEncoding.
QByteArray base32Encode(const QByteArray &data);

} // namespace Minato::Registry
