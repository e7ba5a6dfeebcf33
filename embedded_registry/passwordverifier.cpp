#include "passwordverifier.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QRandomGenerator>

#include <crypt.h>

#include <array>
#include <memory>

namespace Minato::Registry {

namespace {

// A valid cost-10 bcrypt hash of a random string: unknown users are checked against it so that a wrong
// user name costs as long as a wrong password.
constexpr char dummyHash[] = "$2y$10$Cs8hhU5iGxUtDpEmfjH3duKp6nCCNgwMB90mTaxQm1P7HVDvPgeRO";

bool constantTimeEquals(const char *a, qsizetype aSize, const char *b, qsizetype bSize)
{
    // The length is not secret (every bcrypt hash has 60 characters); the content is compared in full.
    if (aSize != bSize) {
        return false;
    }
    unsigned char diff = 0;
    for (qsizetype i = 0; i < aSize; ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

QByteArray randomSalt()
{
    std::array<quint32, 8> words{};
    QRandomGenerator::system()->generate(words.begin(), words.end());
    return QByteArray(reinterpret_cast<const char *>(words.data()), qsizetype(sizeof words));
}

} // namespace

PasswordVerifier::PasswordVerifier(QHash<QString, QByteArray> users, Options options)
    : m_users(std::move(users))
    , m_options(std::move(options))
    , m_salt(randomSalt())
{}

PasswordVerifier::~PasswordVerifier() = default;

qint64 PasswordVerifier::now() const
{
    if (m_options.clock) {
        return m_options.clock();
    }
    return QDeadlineTimer::current().deadline();
}

QByteArray PasswordVerifier::cacheKey(const QString &user, const QByteArray &password) const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(m_salt);
    const QByteArray name = user.toUtf8();
    // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
    const qint64 nameSize = name.size();
    hash.addData(QByteArrayView(reinterpret_cast<const char *>(&nameSize), sizeof nameSize));
    hash.addData(name);
    hash.addData(password);
    return hash.result();
}

bool PasswordVerifier::checkBcrypt(const QByteArray &password, const QByteArray &hash)
{
    // crypt_data is ~32 KiB in libxcrypt: on the heap, zeroed as crypt_r() requires on first use.
    auto data = std::make_unique<crypt_data>();
    const char *result = crypt_r(password.constData(), hash.constData(), data.get());
    // Failure is NULL or a string starting with '*' (libxcrypt), never equal to a valid hash.
    if (result == nullptr || result[0] == '*') {
        return false;
    }
    return constantTimeEquals(result, qsizetype(qstrlen(result)), hash.constData(), hash.size());
}

int PasswordVerifier::retryAfterLocked(const QHostAddress &client, qint64 at)
{
    auto it = m_failures.find(client);
    if (it == m_failures.end()) {
        return 0;
    }
    QList<qint64> &times = *it;
    while (!times.isEmpty() && times.first() + m_options.failureWindowMs <= at) {
        times.removeFirst();
    }
    if (times.isEmpty()) {
        m_failures.erase(it);
        return 0;
    }
    if (times.size() < m_options.maxFailures) {
        return 0;
    }
    const qint64 waitMs = times.first() + m_options.failureWindowMs - at;
    return int(std::max<qint64>(1, (waitMs + 999) / 1000));
}

PasswordVerifier::Result PasswordVerifier::verify(const QHostAddress &client, const QString &user,
                                                  const QByteArray &password)
{
    const QByteArray key = cacheKey(user, password);
    {
        QMutexLocker locker(&m_mutex);
        const qint64 at = now();
        // Credentials verified earlier pass even from a limited address (one bad client on a shared address
        // must not lock out the others); only a bcrypt run — a guess — is refused there.
        const auto cached = m_verified.constFind(key);
        if (cached != m_verified.cend() && *cached > at) {
            return {Outcome::Ok, 0};
        }
        if (const int retry = retryAfterLocked(client, at); retry > 0) {
            return {Outcome::RateLimited, retry};
        }
    }

    const auto known = m_users.constFind(user);
    const QByteArray hash = known != m_users.cend() ? *known : QByteArray(dummyHash);
    m_cryptCalls.fetch_add(1);
    const bool ok = checkBcrypt(password, hash) && known != m_users.cend();

    QMutexLocker locker(&m_mutex);
    const qint64 at = now();
    if (ok) {
        if (m_verified.size() >= m_options.maxCacheEntries) {
            m_verified.removeIf([at](const auto &entry) { return entry.value() <= at; });
            if (m_verified.size() >= m_options.maxCacheEntries) {
                m_verified.clear();
            }
        }
        m_verified.insert(key, at + m_options.cacheTtlMs);
        return {Outcome::Ok, 0};
    }
    // Bounded: one address keeps at most maxFailures, and addresses whose failures aged out are dropped when
    // many accumulate.
    if (m_failures.size() >= m_options.maxCacheEntries) {
        m_failures.removeIf([this, at](const auto &entry) {
            return entry.value().isEmpty() || entry.value().last() + m_options.failureWindowMs <= at;
        });
    }
    QList<qint64> &times = m_failures[client];
    times.append(at);
    while (times.size() > m_options.maxFailures) {
        times.removeFirst();
    }
    return {Outcome::Invalid, 0};
}

} // namespace Minato::Registry
