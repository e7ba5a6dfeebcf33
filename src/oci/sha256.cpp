#include "sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace Minato::Oci {

Sha256Hasher::Sha256Hasher() : m_ctx(EVP_MD_CTX_new())
{
    if (!m_ctx) {
        throw std::bad_alloc();
    }
    reset();
}

Sha256Hasher::~Sha256Hasher()
{
    EVP_MD_CTX_free(m_ctx);
}

Sha256Hasher::Sha256Hasher(Sha256Hasher &&other) noexcept
    : m_ctx(std::exchange(other.m_ctx, nullptr)), m_bytes(std::exchange(other.m_bytes, 0))
{
}

Sha256Hasher &Sha256Hasher::operator=(Sha256Hasher &&other) noexcept
{
    if (this != &other) {
        EVP_MD_CTX_free(m_ctx);
        m_ctx = std::exchange(other.m_ctx, nullptr);
        m_bytes = std::exchange(other.m_bytes, 0);
    }
    return *this;
}

void Sha256Hasher::reset()
{
    if (!m_ctx) {
        m_ctx = EVP_MD_CTX_new();
        if (!m_ctx) {
            throw std::bad_alloc();
        }
    }
    if (EVP_DigestInit_ex(m_ctx, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("EVP_DigestInit_ex(sha256) failed");
    }
    m_bytes = 0;
}

void Sha256Hasher::addData(QByteArrayView data)
{
    if (data.isEmpty()) {
        return;
    }
    if (!m_ctx) {
        reset();
    }
    EVP_DigestUpdate(m_ctx, data.data(), static_cast<size_t>(data.size()));
    m_bytes += data.size();
}

QByteArray Sha256Hasher::finalRaw()
{
    if (!m_ctx) {
        reset();
    }
    QByteArray out(32, Qt::Uninitialized);
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_ctx, reinterpret_cast<unsigned char *>(out.data()), &len);
    out.truncate(static_cast<qsizetype>(len));
    reset();
    return out;
}

Digest Sha256Hasher::digest()
{
    return Digest::fromParts(Digest::Algorithm::Sha256, QString::fromLatin1(finalRaw().toHex()));
}

Digest Sha256Hasher::digestOf(QByteArrayView data)
{
    Sha256Hasher h;
    h.addData(data);
    return h.digest();
}

QByteArray Sha256Hasher::hexOf(QByteArrayView data)
{
    Sha256Hasher h;
    h.addData(data);
    return h.finalRaw().toHex();
}

} // namespace Minato::Oci
