#include "appsession.h"

#include "client/credentialresolver.h"
#include "client/credentialsource.h"
#include "client/credentialstore.h"
#include "client/digestcache.h"
#include "client/dockerconfig.h"
#include "client/keychaincredentialstore.h"
#include "client/registryclient.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace Minato::App {

using Client::ConnectionProfile;
using Client::Credentials;
using Client::CredentialResult;

namespace {
const QString kDefaultsAdded = QStringLiteral("app/defaultConnectionsAdded");

QString pinsKey(const QString &connection)
{
    // QSettings keys are case-insensitive on some platforms; connection names are compared that way too.
    return QStringLiteral("pins/") + QString::fromLatin1(connection.toLower().toUtf8().toHex());
}
} // namespace

AppSession::AppSession(const Options &options, QObject *parent)
    : QObject(parent)
    , m_settings(options.settingsFile.isEmpty()
                     ? std::make_unique<QSettings>(Client::ProfileStore::organization(),
                                                   Client::ProfileStore::application())
                     : std::make_unique<QSettings>(options.settingsFile, QSettings::IniFormat))
    , m_profiles(m_settings.get())
{
    if (options.credentials && !options.dockerConfig) {
        m_store = options.credentials;
    } else {
        DockerLogins logins =
            readDockerLogins(options.dockerConfig.value_or(Client::DockerConfig::Sources::fromEnvironment()));
        m_loginFileProblem = logins.problem;
        if (!m_loginFileProblem.isEmpty()) {
            qWarning("%s", qPrintable(m_loginFileProblem));
        }
        Client::CredentialStore *own = options.credentials;
        if (!own) {
            m_keychain =
                std::make_unique<Client::KeychainCredentialStore>(Client::KeychainCredentialStore::configuredService());
            own = m_keychain.get();
        }
        m_resolver = std::make_unique<Client::CredentialResolver>(std::move(logins.config), own);
        m_store = m_resolver.get();
    }
    const QString cacheDir = options.cacheDirectory.isEmpty()
                                 ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation)
                                       + QStringLiteral("/digests")
                                 : options.cacheDirectory;
    m_cache = std::make_unique<Client::DigestCache>(cacheDir);
}

AppSession::~AppSession()
{
    for (const auto &client : std::as_const(m_clients)) {
        delete client.data();
    }
}

AppSession::DockerLogins AppSession::readDockerLogins(const Client::DockerConfig::Sources &sources)
{
    DockerLogins logins;
    QStringList paths;
    if (!sources.dockerConfig.isEmpty()) {
        paths.append(sources.dockerConfig);
    }
    paths.append(sources.podmanAuthFiles);
    QStringList problems;
    for (const QString &path : std::as_const(paths)) {
        if (!QFileInfo::exists(path)) {
            continue; // no file, no logins: nothing to say
        }
        const auto one = Client::DockerConfig::loadFile(path);
        if (one) {
            logins.config.merge(one.value());
        } else {
            problems.append(
                tr("Could not read logins from %1: %2.").arg(QDir::toNativeSeparators(path), one.error().reason));
        }
    }
    if (!problems.isEmpty()) {
        problems.append(tr("Minato uses its own keychain logins meanwhile."));
        logins.problem = problems.join(u' ');
    }
    return logins;
}

ConnectionProfile AppSession::dockerHubProfile()
{
    ConnectionProfile p;
    p.name = dockerHubName();
    p.baseUrl = QUrl(QStringLiteral("https://registry-1.docker.io"));
    p.kind = ConnectionProfile::Kind::DockerHub;
    return p;
}

ConnectionProfile AppSession::localRegistryProfile(quint16 port)
{
    ConnectionProfile p;
    p.name = localRegistryName();
    p.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    p.kind = ConnectionProfile::Kind::Generic;
    return p;
}

void AppSession::ensureDefaultConnections()
{
    if (m_settings->value(kDefaultsAdded).toBool()) {
        return;
    }
    m_settings->setValue(kDefaultsAdded, true);
    bool added = false;
    for (const ConnectionProfile &p : {dockerHubProfile(), localRegistryProfile()}) {
        if (!m_profiles.find(p.name) && !m_profiles.findByHost(p.origin().authority())) {
            added = m_profiles.add(p).ok() || added;
        }
    }
    if (added) {
        emit connectionsChanged();
    }
}

QString AppSession::errorText(const Client::ProfileStore::Error &error)
{
    switch (error.kind) {
    case Client::ProfileStore::Error::Kind::None:
        return {};
    case Client::ProfileStore::Error::Kind::Duplicate:
        return tr("A connection with this name exists already: choose another name.");
    case Client::ProfileStore::Error::Kind::NotFound:
        return tr("This connection no longer exists.");
    case Client::ProfileStore::Error::Kind::Storage:
        return tr("The settings file could not be written (%1). Check that its folder is writable.")
            .arg(error.message);
    case Client::ProfileStore::Error::Kind::Invalid:
        break;
    }
    return tr("The connection is not valid: %1").arg(error.message);
}

void AppSession::storeLogin(const ConnectionProfile &profile, const std::optional<Credentials> &login, Done done)
{
    if (!login) {
        done({});
        return;
    }
    const QString key = Client::normalizeRegistryKey(profile.origin().toString());
    m_store->store(key, *login, this, [done](const CredentialResult &r) {
        done(r.ok() ? QString()
                    : tr("The connection was saved, but its login could not be stored: %1").arg(r.error().message()));
    });
}

void AppSession::addConnection(const ConnectionProfile &profile, const std::optional<Credentials> &login, Done done)
{
    const auto error = m_profiles.add(profile);
    if (!error.ok()) {
        done(errorText(error));
        return;
    }
    emit connectionsChanged();
    storeLogin(profile, login, std::move(done));
}

void AppSession::updateConnection(const QString &name, const ConnectionProfile &profile,
                                  const std::optional<Credentials> &login, Done done)
{
    const auto error = m_profiles.update(name, profile);
    if (!error.ok()) {
        done(errorText(error));
        return;
    }
    dropClient(name);
    dropClient(profile.name);
    if (name.compare(profile.name, Qt::CaseInsensitive) != 0) {
        const QStringList pinned = pins(name);
        m_settings->remove(pinsKey(name));
        m_settings->setValue(pinsKey(profile.name), pinned);
    }
    emit connectionsChanged();
    storeLogin(profile, login, std::move(done));
}

void AppSession::removeConnection(const QString &name, bool forgetLogin, Done done)
{
    const auto profile = m_profiles.find(name);
    const auto error = m_profiles.remove(name);
    if (!error.ok()) {
        done(errorText(error));
        return;
    }
    dropClient(name);
    m_settings->remove(pinsKey(name));
    emit connectionsChanged();
    if (!forgetLogin || !profile) {
        done({});
        return;
    }
    const QString key = Client::normalizeRegistryKey(profile->origin().toString());
    m_store->erase(key, this, [done](const CredentialResult &r) {
        done(r.ok() || r.isNotFound()
                 ? QString()
                 : tr("The connection was removed, but its login could not be erased: %1").arg(r.error().message()));
    });
}

void AppSession::dropClient(const QString &name)
{
    if (auto client = m_clients.take(name.toLower())) {
        client->deleteLater();
    }
}

Client::RegistryClient *AppSession::client(const QString &name)
{
    const QString key = name.toLower();
    if (auto existing = m_clients.value(key)) {
        return existing;
    }
    const auto profile = m_profiles.find(name);
    if (!profile) {
        return nullptr;
    }
    auto *client = makeClient(*profile, std::nullopt, nullptr);
    m_clients.insert(key, client);
    return client;
}

Client::RegistryClient *AppSession::makeClient(const ConnectionProfile &profile,
                                               const std::optional<Credentials> &login, QObject *parent)
{
    auto *client = new Client::RegistryClient(profile, parent);
    if (login) {
        client->setCredentials(login);
    } else {
        client->setCredentialSource(std::make_shared<Client::StoreCredentialSource>(m_store));
    }
    return client;
}

Client::CredentialStore *AppSession::credentialStore() const
{
    return m_store;
}

QStringList AppSession::pins(const QString &connection) const
{
    return m_settings->value(pinsKey(connection)).toStringList();
}

void AppSession::pin(const QString &connection, const QString &repository)
{
    QStringList list = pins(connection);
    if (list.contains(repository)) {
        return;
    }
    list.append(repository);
    list.sort();
    m_settings->setValue(pinsKey(connection), list);
    emit pinsChanged(connection);
}

void AppSession::unpin(const QString &connection, const QString &repository)
{
    QStringList list = pins(connection);
    if (list.removeAll(repository) == 0) {
        return;
    }
    m_settings->setValue(pinsKey(connection), list);
    emit pinsChanged(connection);
}

} // namespace Minato::App
