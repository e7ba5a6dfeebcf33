#pragma once

// KeychainCredentialStore: Minato's own logins in the operating system's keychain through QtKeychain
// (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
//
//   KeychainCredentialStore keychain;                      // service "Minato"
//   keychain.store(u"ghcr.io", {user, token, false}, this, [](const CredentialResult &r) { … });
//   keychain.lookup(u"https://ghcr.io/v2/", this, …);     // same entry: keys are normalised
//
// Storage format: one keychain item per registry, service "Minato" (the constructor's argument), key (the
// item's "user"/account attribute) = normalizeRegistryKey(registry), e.g. "docker.io", "localhost:5000".
// The item's secret is a UTF-8 JSON object written as text:
//     {"username": "alice", "secret": "…", "identityToken": false}
// One item rather than a user-name item plus a secret item, so that a write is atomic (the two can never
// disagree after a crash) and a lookup costs one keychain round trip (one unlock prompt at most). One
// login per registry: logging in as someone else overwrites it, as `docker login` does.
//
// Errors, as QtKeychain reports them (measured on Debian 12, QtKeychain 0.13.2 over libsecret):
// - EntryNotFound → NotFound. A locked Secret Service collection also reads as EntryNotFound, so a locked
//   keyring looks like "no login saved" (the same as QtKeychain itself cannot tell them apart).
// - NoBackendAvailable/NotImplemented → NoBackend. Without a D-Bus session bus or without a Secret Service
//   on it, libsecret fails with OtherError and a D-Bus message ("Cannot autolaunch D-Bus without X11
//   $DISPLAY", "Could not connect: …", "…org.freedesktop.secrets was not provided…"); those are NoBackend
//   too, because that is what they mean for the user.
// - AccessDenied/AccessDeniedByUser → Denied; everything else → Other, with QtKeychain's text.
// - Timeout (default 15 s) even when QtKeychain never answers (a prompt nobody sees, a bus peer that
//   hangs). The QtKeychain job is then left to finish and delete itself: deleting a QtKeychain job while
//   its libsecret call is pending would let the late callback touch freed memory. QtKeychain runs its
//   jobs one at a time, so requests queued behind a hung job time out as well.

#include "credentialstore.h"

#include <QByteArray>
#include <QCoreApplication>

#include <optional>

namespace Minato::Client {

class KeychainCredentialStore final : public CredentialStore
{
    Q_DECLARE_TR_FUNCTIONS(Minato::Client::KeychainCredentialStore)
public:
    explicit KeychainCredentialStore(QString service = defaultService());
    ~KeychainCredentialStore() override;
    Q_DISABLE_COPY_MOVE(KeychainCredentialStore)

    static QString defaultService() { return QStringLiteral("Minato"); }
    // The service the app and minatoctl use: defaultService(), unless $MINATO_KEYCHAIN_SERVICE names another
    // (tests keep their entries apart from a person's).
    static QString configuredService()
    {
        const QString service = qEnvironmentVariable("MINATO_KEYCHAIN_SERVICE");
        return service.isEmpty() ? defaultService() : service;
    }
    const QString &service() const { return m_service; }

    QString displayName() const override;

    // The item text for a login, and back (the format above); exposed for tests and migration tools.
    static QByteArray encode(const Credentials &credentials);
    static std::optional<Credentials> decode(const QByteArray &data);

protected:
    void startLookup(CredentialJob *job) override;
    void startStore(CredentialJob *job, const Credentials &credentials) override;
    void startErase(CredentialJob *job) override;

private:
    QString m_service;
};

} // namespace Minato::Client
