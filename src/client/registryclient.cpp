#include "registryclient.h"

#include "blobquery.h"
#include "capabilitiesprobe.h"
#include "catalogquery.h"
#include "clientlog.h"
#include "manifestquery.h"
#include "pingquery.h"
#include "tagsquery.h"

#ifndef QT_NO_SSL
#include <QSslCertificate>
#endif

namespace Minato::Client {

RegistryClient::RegistryClient(ConnectionProfile profile, QObject *parent)
    : RegistryClient(std::move(profile), nullptr, parent)
{}

RegistryClient::RegistryClient(ConnectionProfile profile, QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_network(network ? network : new QNetworkAccessManager(this))
    , m_auth(new AuthSession(m_profile.origin(), this))
{
    setupTls();
}

RegistryClient::~RegistryClient() = default;

void RegistryClient::setupTls()
{
#ifndef QT_NO_SSL
    if (m_profile.caCertificateFile.isEmpty()) {
        return;
    }
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(m_profile.caCertificateFile, QSsl::Pem);
    if (certificates.isEmpty()) {
        m_tlsProblem = QStringLiteral("no PEM certificate could be read from %1").arg(m_profile.caCertificateFile);
        qCWarning(lcClient).noquote() << m_tlsProblem;
        return;
    }
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.addCaCertificates(certificates);
    m_ssl = ssl;
#endif
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

} // namespace Minato::Client
