#pragma once

// ProfileStore: the saved connections (ConnectionProfile) in QSettings. Profiles hold no secret — logins
// live in the keychain (credentialresolver.h) — and a base URL with user info is refused, so nothing
// secret can reach the settings file through here.
//
//   ProfileStore store;                                   // QSettings("Minato", "Minato"): the app's and
//                                                         // minatoctl's shared location
//   ProfileStore test(dir.filePath(u"profiles.ini"_s));   // an INI file of its own (tests, portable setups)
//   ProfileStore::Error e = store.add(profile);           // e.ok(), else e.message (English)
//   store.find(u"lab"_s);                                 // by name (case-insensitive)
//   store.findByHost(u"127.0.0.1:5000"_s);                // by registry (normalizeRegistryKey on both sides)
//   store.update(u"lab"_s, changed);  store.remove(u"lab"_s);  store.profiles();
//
// Layout: one array "connections/<i>/…" with name, baseUrl, kind (a stable id: "generic", "dockerhub",
// "ecr", "gar", "acr", "ghcr", "quay", "harbor", "artifactory"), allowInsecureTls, allowPlainHttp (absent:
// false), caCertificateFile, clientCertificateFile, clientKeyFile, proxy ("system", "none" or
// "http://host:port") and timeoutMs; the order is the order of adding. Every change rewrites the array and
// syncs at once, and reports a settings file that could not be written. Unknown kinds read as Generic; entries
// that do not validate (ConnectionProfile::validate) are skipped on reading. Not thread-safe; one store per
// thread.

#include "connectionprofile.h"

#include <QList>
#include <QSettings>
#include <QString>

#include <memory>
#include <optional>

namespace Minato::Client {

class ProfileStore
{
public:
    struct Error
    {
        enum class Kind { None, Invalid, Duplicate, NotFound, Storage };
        Kind kind = Kind::None;
        QString message; // English, for logs and the CLI
        bool ok() const { return kind == Kind::None; }
    };

    static QString organization() { return QStringLiteral("Minato"); }
    static QString application() { return QStringLiteral("Minato"); }

    // The default location (QSettings' native format for organization()/application()).
    ProfileStore();
    // An INI file at `path` (created when a profile is first saved).
    explicit ProfileStore(const QString &path);
    // `settings` is not owned and must outlive the store.
    explicit ProfileStore(QSettings *settings);
    ~ProfileStore();
    ProfileStore(const ProfileStore &) = delete;
    ProfileStore &operator=(const ProfileStore &) = delete;

    // The file the profiles are kept in.
    QString fileName() const;

    QList<ConnectionProfile> profiles() const;
    std::optional<ConnectionProfile> find(const QString &name) const;
    // The first profile whose registry (host[:port], Docker Hub under all its names) is `registry`.
    std::optional<ConnectionProfile> findByHost(const QString &registry) const;

    // Fails with Invalid (validate(), an empty name, user info in the URL) or Duplicate (the name exists).
    Error add(const ConnectionProfile &profile);
    // Replaces the profile called `name` (which may be renamed, unless to another existing name).
    Error update(const QString &name, const ConnectionProfile &profile);
    Error remove(const QString &name);

    static QString kindId(ConnectionProfile::Kind kind);
    static std::optional<ConnectionProfile::Kind> kindFromId(const QString &id);

private:
    Error save(const QList<ConnectionProfile> &profiles);
    static Error check(const ConnectionProfile &profile);
    static qsizetype indexOf(const QList<ConnectionProfile> &profiles, const QString &name);

    std::unique_ptr<QSettings> m_owned;
    QSettings *m_settings = nullptr;
};

} // namespace Minato::Client
