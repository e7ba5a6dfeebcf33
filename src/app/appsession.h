#pragma once

// AppSession: what the window knows about registries, without widgets — the saved connections
// (ProfileStore), one RegistryClient per connection (made on first use, rebuilt when the profile changes),
// where logins come from (docker's config and helpers, then the keychain), the digest-keyed disk cache of
// manifests and configs, and pinned repositories. Widgets ask it; tests build one on temp files and an
// in-memory credential store.
//
//   AppSession::Options o;                      // defaults: QSettings, keychain, CacheLocation/digests
//   AppSession session(o);
//   session.ensureDefaultConnections();         // first run: Docker Hub and the local registry
//   RegistryClient *c = session.client(u"Docker Hub"_s);
//   session.addConnection(profile, credentials);   // the login goes to the credential store, never to disk
//   connect(&session, &AppSession::connectionsChanged, …);

#include "client/connectionprofile.h"
#include "client/credentials.h"
#include "client/dockerconfig.h"
#include "client/profilestore.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QSettings;

namespace Minato::Client {
class CredentialStore;
class CredentialResolver;
class DigestCache;
class KeychainCredentialStore;
class RegistryClient;
} // namespace Minato::Client

namespace Minato::App {

class AppSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppSession)

public:
    struct Options
    {
        QString settingsFile;                         // empty: the app's QSettings (shared with minatoctl)
        Client::CredentialStore *credentials = nullptr; // not owned; null: docker config + system keychain
        QString cacheDirectory;                       // empty: CacheLocation/digests
        // docker's config.json and podman's auth.json, asked before `credentials`. nullopt: the environment's
        // files (DOCKER_CONFIG, REGISTRY_AUTH_FILE, …) when `credentials` is null, none otherwise (tests).
        std::optional<Client::DockerConfig::Sources> dockerConfig;
    };

    // The login files that could be read, merged in order, and a sentence for each one that could not (an
    // unreadable or malformed file is skipped, not fatal: the others and the keychain still work).
    struct DockerLogins
    {
        Client::DockerConfig config;
        QString problem; // empty when every file that exists was read
    };
    static DockerLogins readDockerLogins(const Client::DockerConfig::Sources &sources);

    explicit AppSession(const Options &options, QObject *parent = nullptr);
    ~AppSession() override;

    static QString dockerHubName() { return QStringLiteral("Docker Hub"); }
    static QString localRegistryName() { return tr("Local registry"); }
    static Client::ConnectionProfile dockerHubProfile();
    static Client::ConnectionProfile localRegistryProfile(quint16 port = 5000);

    // First run only (remembered in the settings): adds Docker Hub and the local registry.
    void ensureDefaultConnections();

    QList<Client::ConnectionProfile> connections() const { return m_profiles.profiles(); }
    std::optional<Client::ConnectionProfile> connection(const QString &name) const { return m_profiles.find(name); }
    std::optional<Client::ConnectionProfile> connectionForRegistry(const QString &registry) const
    {
        return m_profiles.findByHost(registry);
    }

    // Saves the profile; when `login` is set it goes to the credential store under the registry's key (the
    // callback then reports the store's answer: empty = fine, else a sentence). Changing a connection drops
    // its client (tokens included).
    using Done = std::function<void(const QString &error)>;
    void addConnection(const Client::ConnectionProfile &profile, const std::optional<Client::Credentials> &login,
                       Done done);
    void updateConnection(const QString &name, const Client::ConnectionProfile &profile,
                          const std::optional<Client::Credentials> &login, Done done);
    // Removes the connection and its pins; its stored login is erased when `forgetLogin`.
    void removeConnection(const QString &name, bool forgetLogin, Done done);

    // The client of a saved connection (nullptr when there is none by that name). Owned by the session.
    Client::RegistryClient *client(const QString &name);
    // A client for a profile that is not saved (the connection dialog's "Test connection"), with `login`
    // when given, else the stored login. The caller owns it.
    Client::RegistryClient *makeClient(const Client::ConnectionProfile &profile,
                                       const std::optional<Client::Credentials> &login, QObject *parent);

    // A sentence for the status bar when docker's or podman's login file could not be read ("Could not read
    // logins from /home/a/.docker/config.json: line 3, column 5 is not valid JSON (…). …"); empty otherwise.
    const QString &loginFileProblem() const { return m_loginFileProblem; }

    Client::DigestCache *digestCache() const { return m_cache.get(); }
    Client::CredentialStore *credentialStore() const;
    QSettings *settings() const { return m_settings.get(); }

    // Pinned repositories per connection (shown in the sidebar; the way into registries without a catalog).
    QStringList pins(const QString &connection) const;
    void pin(const QString &connection, const QString &repository);
    void unpin(const QString &connection, const QString &repository);

signals:
    void connectionsChanged();
    void pinsChanged(const QString &connection);

private:
    void dropClient(const QString &name);
    void storeLogin(const Client::ConnectionProfile &profile, const std::optional<Client::Credentials> &login,
                    Done done);
    static QString errorText(const Client::ProfileStore::Error &error);

    std::unique_ptr<QSettings> m_settings;
    Client::ProfileStore m_profiles;
    std::unique_ptr<Client::KeychainCredentialStore> m_keychain;
    std::unique_ptr<Client::CredentialResolver> m_resolver;
    Client::CredentialStore *m_store = nullptr;
    QString m_loginFileProblem;
    std::unique_ptr<Client::DigestCache> m_cache;
    QHash<QString, QPointer<Client::RegistryClient>> m_clients; // by lower-case name
};

} // namespace Minato::App
