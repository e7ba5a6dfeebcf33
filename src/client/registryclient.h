#pragma once

// RegistryClient: one connection to one registry — its profile, its QNetworkAccessManager (owned, or
// given and then shared), its AuthSession (credentials, challenge scheme, token cache), and TLS settings.
// Nothing is global: two clients never share tokens or credentials.
//
//   auto *client = new RegistryClient(profile, this);              // owns a QNetworkAccessManager
//   client->setCredentialSource(keychainSource);                   // asked only when a registry challenges
//   auto *tags = client->tags(QStringLiteral("team/app"));          // an Operation, parented to the client
//   connect(tags, &TagsQuery::pageReady, model, &TagModel::append);
//   connect(tags, &TagsQuery::finished, this, [tags](const TagsResult &r) { …; tags->deleteLater(); });
//   tags->start();
//
// Operations made by the factories are children of the client (destroyed with it, which aborts them);
// delete each one when done with it. They can also be constructed directly with the client pointer.

#include "authsession.h"
#include "connectionprofile.h"
#include "connectiontls.h"
#include "credentialsource.h"
#include "dockerhubratelimit.h"

#include "oci/digest.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <optional>

#ifndef QT_NO_SSL
#include <QSslConfiguration>
#endif

namespace Minato::Client {

class BlobQuery;
class CapabilitiesProbe;
class CatalogQuery;
class ManifestQuery;
class PingQuery;
class TagsQuery;

class RegistryClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistryClient)

public:
    // Owns a QNetworkAccessManager of its own.
    explicit RegistryClient(ConnectionProfile profile, QObject *parent = nullptr);
    // Uses `network` (not owned; it must outlive the client).
    RegistryClient(ConnectionProfile profile, QNetworkAccessManager *network, QObject *parent = nullptr);
    ~RegistryClient() override;

    const ConnectionProfile &profile() const { return m_profile; }
    QNetworkAccessManager *network() const { return m_network; }
    AuthSession *authSession() const { return m_auth; }

    // Credentials plug in here (see credentialsource.h); both reset the session's tokens.
    void setCredentials(std::optional<Credentials> credentials) { m_auth->setCredentials(std::move(credentials)); }
    void setCredentialSource(std::shared_ptr<CredentialSource> source)
    {
        m_auth->setCredentialSource(std::move(source));
    }

    // Applies the connection's TLS settings (extra CA certificates, client certificate; connectiontls.h) to a
    // request.
    void applyTls(QNetworkRequest &request) const;
    bool allowsInsecureTls() const { return m_profile.allowInsecureTls; }
    // English, for logs: why a CA file, certs.d entry or client certificate could not be used; empty when fine.
    const QString &tlsSetupProblem() const { return m_tlsProblem; }
    // What was loaded, and from where.
    const TlsMaterial &tlsMaterial() const { return m_tlsMaterial; }
    // Where certs.d folders are looked for (defaultCertsDirRoots() unless set; tests point it at a temp dir).
    // Setting it reloads the TLS material for the requests sent from then on.
    void setCertsDirRoots(QStringList roots);
#ifndef QT_NO_SSL
    // The configuration applyTls() puts on https requests (Qt's default when there is no material).
    QSslConfiguration sslConfiguration() const;
#endif
    // The proxy login for ProxySetting::Mode::Http, in memory only (see ProxySetting); nullopt: none.
    void setProxyCredentials(const std::optional<Credentials> &credentials);

    // Docker Hub's pull rate limit as last reported on one of this connection's responses (dockerhubratelimit.h);
    // nullopt until a response carried it (other registries, and unlimited accounts, never do).
    const std::optional<DockerHubRateLimit> &pullRateLimit() const { return m_pullRateLimit; }
    // Called by Operation with every answer from the registry's own origin.
    void noteResponseHeaders(const QList<QPair<QByteArray, QByteArray>> &headers);

    // Factories: the operation is a child of this client, not started.
    PingQuery *ping();
    CapabilitiesProbe *probeCapabilities(const QString &repository = {});
    CatalogQuery *catalog(int pageSize = 100);
    TagsQuery *tags(const QString &repository, int pageSize = 100);
    ManifestQuery *manifest(const QString &repository, const QString &reference, bool headOnly = false);
    BlobQuery *configBlob(const QString &repository, const Oci::Digest &digest);

signals:
    void pullRateLimitChanged();

private:
    void setupTls();
    void setupProxy(const std::optional<Credentials> &credentials);

    ConnectionProfile m_profile;
    QPointer<QNetworkAccessManager> m_network;
    AuthSession *m_auth = nullptr;
    QString m_tlsProblem;
    QStringList m_certsDirRoots;
    TlsMaterial m_tlsMaterial;
#ifndef QT_NO_SSL
    std::optional<QSslConfiguration> m_ssl;
#endif
    std::optional<DockerHubRateLimit> m_pullRateLimit;
};

} // namespace Minato::Client
