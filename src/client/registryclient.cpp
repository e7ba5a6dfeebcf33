#include "registryclient.h"

#include "blobquery.h"
#include "capabilitiesprobe.h"
#include "catalogquery.h"
#include "clientlog.h"
#include "manifestquery.h"
#include "pingquery.h"
#include "tagsquery.h"

#include <QNetworkProxy>

namespace Minato::Client {

RegistryClient::RegistryClient(ConnectionProfile profile, QObject *parent)
    : RegistryClient(std::move(profile), nullptr, parent)
{}

RegistryClient::RegistryClient(ConnectionProfile profile, QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_network(network ? network : new QNetworkAccessManager(this))
    , m_auth(new AuthSession(m_profile.origin(), this))
    , m_certsDirRoots(defaultCertsDirRoots())
{
    setupTls();
    setupProxy(std::nullopt);
}

RegistryClient::~RegistryClient() = default;

void RegistryClient::setupTls()
{
    m_tlsMaterial = loadTlsMaterial(m_profile, m_certsDirRoots);
    m_tlsProblem = m_tlsMaterial.problems.join(QStringLiteral("; "));
    if (!m_tlsProblem.isEmpty()) {
        qCWarning(lcClient).noquote() << "TLS settings of" << m_profile.name << ":" << m_tlsProblem;
    }
#ifndef QT_NO_SSL
    m_ssl = sslConfigurationFor(m_tlsMaterial);
#endif
}

void RegistryClient::setCertsDirRoots(QStringList roots)
{
    m_certsDirRoots = std::move(roots);
    setupTls();
}

#ifndef QT_NO_SSL
QSslConfiguration RegistryClient::sslConfiguration() const
{
    return m_ssl.value_or(QSslConfiguration::defaultConfiguration());
}
#endif

void RegistryClient::setProxyCredentials(const std::optional<Credentials> &credentials)
{
    setupProxy(credentials);
}

void RegistryClient::setupProxy(const std::optional<Credentials> &credentials)
{
    // The manager is this connection's (owned, or given for the client's lifetime): a shared one would carry
    // this proxy to other connections too.
    switch (m_profile.proxy.mode) {
    case ProxySetting::Mode::System:
        return;
    case ProxySetting::Mode::None:
        m_network->setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
        return;
    case ProxySetting::Mode::Http: {
        const QUrl &url = m_profile.proxy.url;
        QNetworkProxy proxy(QNetworkProxy::HttpProxy, url.host(), static_cast<quint16>(url.port(8080)));
        if (credentials) {
            proxy.setUser(credentials->username);
            proxy.setPassword(credentials->secret);
        }
        m_network->setProxy(proxy);
        return;
    }
    }
}

void RegistryClient::applyTls(QNetworkRequest &request) const
{
#ifndef QT_NO_SSL
    if (m_ssl && request.url().scheme().compare(u"https", Qt::CaseInsensitive) == 0) {
        request.setSslConfiguration(*m_ssl);
    }
#else
    Q_UNUSED(request)
#endif
}

PingQuery *RegistryClient::ping()
{
    return new PingQuery(this, this);
}

CapabilitiesProbe *RegistryClient::probeCapabilities(const QString &repository)
{
    return new CapabilitiesProbe(this, repository, this);
}

CatalogQuery *RegistryClient::catalog(int pageSize)
{
    return new CatalogQuery(this, pageSize, this);
}

TagsQuery *RegistryClient::tags(const QString &repository, int pageSize)
{
    return new TagsQuery(this, repository, pageSize, this);
}

ManifestQuery *RegistryClient::manifest(const QString &repository, const QString &reference, bool headOnly)
{
    return new ManifestQuery(this, repository, reference,
                             headOnly ? ManifestQuery::Method::Head : ManifestQuery::Method::Get, this);
}

BlobQuery *RegistryClient::configBlob(const QString &repository, const Oci::Digest &digest)
{
    BlobQuery::Options options;
    options.parseImageConfig = true;
    return new BlobQuery(this, repository, digest, options, this);
}

void RegistryClient::noteResponseHeaders(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    auto limit = DockerHubRateLimit::fromResponse(headers);
    if (!limit) {
        return;
    }
    const bool changed = !m_pullRateLimit || !m_pullRateLimit->sameFigures(*limit);
    m_pullRateLimit = std::move(limit);
    if (changed) {
        emit pullRateLimitChanged();
    }
}

} // namespace Minato::Client
