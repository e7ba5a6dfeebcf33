#pragma once

// PasswordVerifier: checks a user's password against its htpasswd bcrypt hash with libcrypt's crypt_r(),
// remembers verified credentials for a while, and rate-limits failed attempts per client address.
//
//   PasswordVerifier verifier(config.users);
//   const auto result = verifier.verify(request.peerAddress, user, password);
//   if (result.outcome == PasswordVerifier::Outcome::RateLimited) { … 429, Retry-After: result.retryAfter … }
//
// Why a cache: clients send Basic credentials on every request and bcrypt costs ~53 ms at cost 10
// (PLATFORM.md), so a push of a few layers would spend most of its time hashing. A successful verification
// is remembered for cacheTtl under a SHA-256 of (a per-process random salt, user, password) — the password
// itself is never stored, and a memory dump does not give a hash that can be looked up elsewhere.
// Failures are not cached: a wrong password always costs a bcrypt run, which is what limits guessing, with
// the per-address limit (maxFailures within failureWindow → RateLimited, without running bcrypt; credentials
// already in the cache still pass, so one bad client behind a shared address does not lock out the others).
// An unknown user is checked against a dummy hash so that it takes as long as a known one.
// Nothing here logs; secrets stay in this function's arguments. Thread-safe; bcrypt runs outside the lock.

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMutex>
#include <QString>

#include <atomic>
#include <functional>

namespace Minato::Registry {

struct PasswordVerifierOptions
{
    qint64 cacheTtlMs = qint64(5) * 60 * 1000;
    int maxCacheEntries = 4096;
    int maxFailures = 10; // per client address within failureWindowMs
    qint64 failureWindowMs = qint64(60) * 1000;
    std::function<qint64()> clock; // milliseconds, monotonic; default QDeadlineTimer's steady clock
};

class PasswordVerifier
{
public:
    using Options = PasswordVerifierOptions;

    enum class Outcome { Ok, Invalid, RateLimited };
    struct Result
    {
        Outcome outcome = Outcome::Invalid;
        int retryAfterSeconds = 0; // RateLimited: when the oldest failure leaves the window
    };

    explicit PasswordVerifier(QHash<QString, QByteArray> users, Options options = {});
    ~PasswordVerifier();
    PasswordVerifier(const PasswordVerifier &) = delete;
    PasswordVerifier &operator=(const PasswordVerifier &) = delete;

    Result verify(const QHostAddress &client, const QString &user, const QByteArray &password);
    // Whether the user exists (a refresh token names one that may have been removed since).
    bool knowsUser(const QString &user) const { return m_users.contains(user); }

    // How many times crypt_r() ran: the test hook that shows the cache works without timing anything.
    int cryptCalls() const { return m_cryptCalls.load(); }

    // crypt_r(password, hash) compared with hash in constant time. Exposed for tests.
    static bool checkBcrypt(const QByteArray &password, const QByteArray &hash);

private:
    QByteArray cacheKey(const QString &user, const QByteArray &password) const;
    qint64 now() const;
    // Drops failures older than the window; returns the seconds until the address may try again, 0 if it may.
    int retryAfterLocked(const QHostAddress &client, qint64 at);

    const QHash<QString, QByteArray> m_users;
    const Options m_options;
    const QByteArray m_salt;
    std::atomic<int> m_cryptCalls{0};

    QMutex m_mutex;
    QHash<QByteArray, qint64> m_verified;          // cacheKey → expiry
    QHash<QHostAddress, QList<qint64>> m_failures; // client → failure times within the window, oldest first
};

} // namespace Minato::Registry
