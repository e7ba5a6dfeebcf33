#include "vendorapi.h"

#include "acrapi.h"
#include "dockerhubapi.h"
#include "gcrapi.h"
#include "harborapi.h"
#include "registryclient.h"

namespace Minato::Client {

VendorApi::VendorApi(RegistryClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_kind(client ? client->profile().kind : ConnectionProfile::Kind::Generic)
{
    if (m_kind == ConnectionProfile::Kind::DockerHub) {
        m_hub = new DockerHubApi(client, this);
    }
}

VendorApi::~VendorApi() = default;

bool VendorApi::listsRepositories(ConnectionProfile::Kind kind)
{
    // Gar: with a scope only (repositories()).
    return kind == ConnectionProfile::Kind::DockerHub || kind == ConnectionProfile::Kind::Harbor ||
           kind == ConnectionProfile::Kind::Gar;
}

bool VendorApi::listsTagMetadata(ConnectionProfile::Kind kind)
{
    return kind == ConnectionProfile::Kind::DockerHub || kind == ConnectionProfile::Kind::Harbor ||
           kind == ConnectionProfile::Kind::Gar || kind == ConnectionProfile::Kind::Acr;
}

void VendorApi::setDockerHubBaseUrl(const QUrl &url)
{
    if (m_hub) {
        m_hub->setBaseUrl(url);
    }
}

ListQuery *VendorApi::repositories(const QString &scope, int pageSize)
{
    if (!m_client) {
        return nullptr;
    }
    switch (m_kind) {
    case ConnectionProfile::Kind::DockerHub:
        return new DockerHubRepositoriesQuery(m_hub, scope, pageSize, this);
    case ConnectionProfile::Kind::Harbor:
        return new HarborRepositoriesQuery(m_client, scope, pageSize, this);
    case ConnectionProfile::Kind::Gar:
        return scope.isEmpty() ? nullptr : new GcrRepositoriesQuery(m_client, scope, pageSize, this);
    default:
        return nullptr;
    }
}

VendorTagsQuery *VendorApi::tags(const QString &repository, int pageSize)
{
    if (!m_client) {
        return nullptr;
    }
    switch (m_kind) {
    case ConnectionProfile::Kind::DockerHub:
        return new DockerHubTagsQuery(m_hub, repository, pageSize, this);
    case ConnectionProfile::Kind::Harbor:
        return new HarborArtifactsQuery(m_client, repository, pageSize, this);
    case ConnectionProfile::Kind::Gar:
        return new GcrTagsQuery(m_client, repository, pageSize, this);
    case ConnectionProfile::Kind::Acr:
        return new AcrTagsQuery(m_client, repository, pageSize, this);
    default:
        return nullptr;
    }
}

} // namespace Minato::Client
