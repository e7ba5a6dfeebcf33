#include "sha256.h"

#include <openssl/evp.h>

#include <utility>

namespace Minato::Oci {

namespace {

const EVP_MD *mdOf(Digest::Algorithm algorithm)
{
    switch (algorithm) {
    case Digest::Algorithm::Sha256:
        return EVP_sha256();
    case Digest::Algorithm::Sha512:
        return EVP_sha512();
    }
    return nullptr; // a value outside the enum: the hasher stays failed
}

} // namespace

Hasher::Hasher(Digest::Algorithm algorithm)
    : m_ctx(EVP_MD_CTX_new())
    , m_algorithm(algorithm)
{
    reset();
}

Hasher::~Hasher()
{
    EVP_MD_CTX_free(m_ctx);
}

Hasher::Hasher(Hasher &&other) noexcept
    : m_ctx(std::exchange(other.m_ctx, nullptr))
    , m_bytes(std::exchange(other.m_bytes, 0))
    , m_algorithm(other.m_algorithm)
    , m_failed(std::exchange(other.m_failed, false))
{}

Hasher &Hasher::operator=(Hasher &&other) noexcept
{
    if (this != &other) {
        EVP_MD_CTX_free(m_ctx);
        m_ctx = std::exchange(other.m_ctx, nullptr);
        m_bytes = std::exchange(other.m_bytes, 0);
        m_algorithm = other.m_algorithm;
        m_failed = std::exchange(other.m_failed, false);
    }
    return *this;
}

void Hasher::reset()
{
    m_bytes = 0;
    if (!m_ctx) {
        m_ctx = EVP_MD_CTX_new();
    }
    const EVP_MD *md = mdOf(m_algorithm);
    m_failed = !m_ctx || !md || EVP_DigestInit_ex(m_ctx, md, nullptr) != 1;
}

void Hasher::addData(QByteArrayView data)
{
    if (data.isEmpty()) {
        return;
    }
    if (!m_ctx && !m_failed) {
        reset(); // moved-from
    }
    if (m_failed) {
        return;
    }
    if (EVP_DigestUpdate(m_ctx, data.data(), static_cast<size_t>(data.size())) != 1) {
        m_failed = true;
        return;
    }
    m_bytes += data.size();
}

QByteArray Hasher::finalRaw()
{
    if (!m_ctx && !m_failed) {
        reset(); // moved-from: the hash of nothing
    }
    QByteArray out;
    if (!m_failed) {
        out.resize(EVP_MAX_MD_SIZE);
        unsigned int len = 0;
        if (EVP_DigestFinal_ex(m_ctx, reinterpret_cast<unsigned char *>(out.data()), &len) == 1) {
            out.truncate(static_cast<qsizetype>(len));
        } else {
            out.clear();
        }
    }
    reset();
    return out;
}

Digest Hasher::digest()
{
    const QByteArray raw = finalRaw();
    if (raw.isEmpty()) {
        return Digest();
    }
    return Digest::fromParts(m_algorithm, QString::fromLatin1(raw.toHex()));
}

Digest Hasher::digestOf(Digest::Algorithm algorithm, QByteArrayView data)
{
    Hasher h(algorithm);
    h.addData(data);
    return h.digest();
}

QByteArray Hasher::hexOf(Digest::Algorithm algorithm, QByteArrayView data)
{
    Hasher h(algorithm);
    h.addData(data);
    return h.finalRaw().toHex();
}

} // namespace Minato::Oci
