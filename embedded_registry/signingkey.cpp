#include "signingkey.h"

#include <QCryptographicHash>
#include <QFile>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace Minato::Registry {

using Oci::Expected;

struct SigningKey::Handles
{
    EVP_PKEY *key = nullptr;
    X509 *certificate = nullptr;

    Handles() = default;
    Handles(const Handles &) = delete;
    Handles &operator=(const Handles &) = delete;
    ~Handles()
    {
        X509_free(certificate);
        EVP_PKEY_free(key);
    }
};

namespace {

constexpr int es256PartSize = 32; // P-256: r and s are 32 bytes each

Expected<SigningKey> failure(const QString &reason)
{
    return Expected<SigningKey>::failure(QStringLiteral("token signing key"), reason);
}

QByteArray derOf(X509 *certificate)
{
    unsigned char *buffer = nullptr;
    const int size = i2d_X509(certificate, &buffer);
    if (size <= 0) {
        return {};
    }
    QByteArray der(reinterpret_cast<const char *>(buffer), size);
    OPENSSL_free(buffer);
    return der;
}

QByteArray publicKeyDer(EVP_PKEY *key)
{
    unsigned char *buffer = nullptr;
    const int size = i2d_PUBKEY(key, &buffer);
    if (size <= 0) {
        return {};
    }
    QByteArray der(reinterpret_cast<const char *>(buffer), size);
    OPENSSL_free(buffer);
    return der;
}

bool addExtension(X509 *certificate, int nid, const char *value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    X509_EXTENSION *extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    if (!extension) {
        return false;
    }
    const bool ok = X509_add_ext(certificate, extension, -1) == 1;
    X509_EXTENSION_free(extension);
    return ok;
}

// ECDSA signatures come out of OpenSSL as DER SEQUENCE{r, s}; JWS wants r||s, each left-padded (RFC 7518 §3.4).
QByteArray derToRaw(const unsigned char *der, size_t size)
{
    const unsigned char *cursor = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(size));
    if (!sig) {
        return {};
    }
    const BIGNUM *r = nullptr;
    const BIGNUM *s = nullptr;
    ECDSA_SIG_get0(sig, &r, &s);
    QByteArray raw(2 * es256PartSize, '\0');
    auto *out = reinterpret_cast<unsigned char *>(raw.data());
    const bool ok = BN_bn2binpad(r, out, es256PartSize) == es256PartSize &&
                    BN_bn2binpad(s, out + es256PartSize, es256PartSize) == es256PartSize;
    ECDSA_SIG_free(sig);
    return ok ? raw : QByteArray();
}

QByteArray rawToDer(const QByteArray &raw)
{
    if (raw.size() != 2 * es256PartSize) {
        return {};
    }
    const auto *in = reinterpret_cast<const unsigned char *>(raw.constData());
    BIGNUM *r = BN_bin2bn(in, es256PartSize, nullptr);
    BIGNUM *s = BN_bin2bn(in + es256PartSize, es256PartSize, nullptr);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    if (!r || !s || !sig || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return {};
    }
    unsigned char *buffer = nullptr;
    const int size = i2d_ECDSA_SIG(sig, &buffer);
    ECDSA_SIG_free(sig); // frees r and s
    if (size <= 0) {
        return {};
    }
    QByteArray der(reinterpret_cast<const char *>(buffer), size);
    OPENSSL_free(buffer);
    return der;
}

} // namespace

QByteArray base32Encode(const QByteArray &data)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    QByteArray out;
    quint64 buffer = 0;
    int bits = 0;
    for (const char c : data) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 5) {
            out.append(alphabet[(buffer >> (bits - 5)) & 0x1f]);
            bits -= 5;
        }
    }
    if (bits > 0) {
        out.append(alphabet[(buffer << (5 - bits)) & 0x1f]);
    }
    while (out.size() % 8 != 0) {
        out.append('=');
    }
    return out;
}

Expected<SigningKey> SigningKey::fromHandles(std::shared_ptr<Handles> handles)
{
    SigningKey key;
    const int type = EVP_PKEY_get_base_id(handles->key);
    if (type == EVP_PKEY_EC && EVP_PKEY_get_bits(handles->key) == 256) {
        key.m_algorithm = QStringLiteral("ES256");
    } else if (type == EVP_PKEY_RSA && EVP_PKEY_get_bits(handles->key) >= 2048) {
        key.m_algorithm = QStringLiteral("RS256");
    } else {
        return failure(QStringLiteral("must be an EC P-256 key or an RSA key of at least 2048 bits"));
    }
    if (X509_check_private_key(handles->certificate, handles->key) != 1) {
        return failure(QStringLiteral("the certificate is not for this private key"));
    }
    key.m_certificateDer = derOf(handles->certificate);
    const QByteArray spki = publicKeyDer(handles->key);
    if (key.m_certificateDer.isEmpty() || spki.isEmpty()) {
        return failure(QStringLiteral("OpenSSL could not encode the key"));
    }
    // libtrust keyIDFromCryptoKey: 240 bits of SHA-256 over the PKIX public key, base32, 4-character groups.
    const QByteArray id = base32Encode(QCryptographicHash::hash(spki, QCryptographicHash::Sha256).left(30));
    QStringList groups;
    for (qsizetype i = 0; i + 4 <= id.size(); i += 4) {
        groups.append(QString::fromLatin1(id.mid(i, 4)));
    }
    key.m_keyId = groups.join(u':');
    key.m_handles = std::move(handles);
    return key;
}

Expected<SigningKey> SigningKey::generate(const QString &commonName)
{
    auto handles = std::make_shared<Handles>();
    handles->key = EVP_EC_gen("P-256");
    handles->certificate = X509_new();
    if (!handles->key || !handles->certificate) {
        return failure(QStringLiteral("OpenSSL could not generate a P-256 key"));
    }
    X509 *cert = handles->certificate;
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f; // a positive serial number
    BIGNUM *serialNumber = BN_bin2bn(serial, sizeof serial, nullptr);
    const bool serialOk = serialNumber && BN_to_ASN1_INTEGER(serialNumber, X509_get_serialNumber(cert));
    BN_free(serialNumber);
    X509_NAME *name = X509_get_subject_name(cert);
    const QByteArray cn = commonName.toUtf8();
    const bool ok =
        serialOk && X509_set_version(cert, 2) == 1 && X509_gmtime_adj(X509_getm_notBefore(cert), -3600) &&
        X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 24 * 3600) && X509_set_pubkey(cert, handles->key) == 1 &&
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(cn.constData()),
                                   -1, -1, 0) == 1 &&
        X509_set_issuer_name(cert, name) == 1 && addExtension(cert, NID_basic_constraints, "critical,CA:TRUE") &&
        addExtension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign") &&
        addExtension(cert, NID_subject_key_identifier, "hash") && X509_sign(cert, handles->key, EVP_sha256()) > 0;
    if (!ok) {
        return failure(QStringLiteral("OpenSSL could not create its certificate"));
    }
    return fromHandles(std::move(handles));
}

Expected<SigningKey> SigningKey::fromPem(const QByteArray &keyPem, const QByteArray &certificatePem)
{
    auto handles = std::make_shared<Handles>();
    BIO *keyBio = BIO_new_mem_buf(keyPem.constData(), static_cast<int>(keyPem.size()));
    handles->key = keyBio ? PEM_read_bio_PrivateKey(keyBio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(keyBio);
    if (!handles->key) {
        return failure(QStringLiteral("the key file holds no PEM private key (or it is encrypted)"));
    }
    BIO *certBio = BIO_new_mem_buf(certificatePem.constData(), static_cast<int>(certificatePem.size()));
    handles->certificate = certBio ? PEM_read_bio_X509(certBio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(certBio);
    if (!handles->certificate) {
        return failure(QStringLiteral("the certificate file holds no PEM certificate"));
    }
    return fromHandles(std::move(handles));
}

Expected<SigningKey> SigningKey::load(const QString &keyPath, const QString &certificatePath)
{
    QFile keyFile(keyPath);
    QFile certFile(certificatePath);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        return failure(QStringLiteral("cannot read %1: %2").arg(keyPath, keyFile.errorString()));
    }
    if (!certFile.open(QIODevice::ReadOnly)) {
        return failure(QStringLiteral("cannot read %1: %2").arg(certificatePath, certFile.errorString()));
    }
    return fromPem(keyFile.read(1024 * 1024), certFile.read(1024 * 1024));
}

QByteArray SigningKey::sign(const QByteArray &data) const
{
    if (!m_handles) {
        return {};
    }
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    QByteArray signature;
    size_t size = 0;
    if (context && EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, m_handles->key) == 1 &&
        EVP_DigestSign(context, nullptr, &size, reinterpret_cast<const unsigned char *>(data.constData()),
                       static_cast<size_t>(data.size())) == 1) {
        signature.resize(static_cast<qsizetype>(size));
        auto *out = reinterpret_cast<unsigned char *>(signature.data());
        if (EVP_DigestSign(context, out, &size, reinterpret_cast<const unsigned char *>(data.constData()),
                           static_cast<size_t>(data.size())) == 1) {
            signature.resize(static_cast<qsizetype>(size));
            if (m_algorithm == u"ES256") {
                signature = derToRaw(out, size);
            }
        } else {
            signature.clear();
        }
    }
    EVP_MD_CTX_free(context);
    return signature;
}

bool SigningKey::verify(const QByteArray &data, const QByteArray &signature) const
{
    if (!m_handles) {
        return false;
    }
    const QByteArray der = m_algorithm == u"ES256" ? rawToDer(signature) : signature;
    if (der.isEmpty()) {
        return false;
    }
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    const bool ok =
        context && EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, m_handles->key) == 1 &&
        EVP_DigestVerify(context, reinterpret_cast<const unsigned char *>(der.constData()),
                         static_cast<size_t>(der.size()), reinterpret_cast<const unsigned char *>(data.constData()),
                         static_cast<size_t>(data.size())) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

QByteArray SigningKey::certificatePem() const
{
    // RFC 7468 §2: base64 lines of 64 characters.
    const QByteArray base64 = m_certificateDer.toBase64();
    QByteArray pem = "-----BEGIN CERTIFICATE-----\n";
    for (qsizetype i = 0; i < base64.size(); i += 64) {
        pem += base64.mid(i, 64) + '\n';
    }
    return pem + "-----END CERTIFICATE-----\n";
}

} // namespace Minato::Registry
