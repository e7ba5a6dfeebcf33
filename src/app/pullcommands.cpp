#include "pullcommands.h"

#include "client/credentials.h"

namespace Minato::App {

PullCommands::PullCommands(const Client::ConnectionProfile &profile, QString repository, QString tag,
                           Oci::Digest digest)
    : m_registry(registryName(profile))
    , m_repository(std::move(repository))
    , m_tag(std::move(tag))
    , m_digest(std::move(digest))
{}

QString PullCommands::registryName(const Client::ConnectionProfile &profile)
{
    // The registry key docker files logins under is also how it writes the registry in a reference.
    return Client::normalizeRegistryKey(profile.baseUrl.toString(QUrl::FullyEncoded));
}

QString PullCommands::repositoryName() const
{
    return m_registry + QLatin1Char('/') + m_repository;
}

QString PullCommands::byTag() const
{
    return m_tag.isEmpty() ? QString() : repositoryName() + QLatin1Char(':') + m_tag;
}

QString PullCommands::byDigest() const
{
    return m_digest.isValid() ? repositoryName() + QLatin1Char('@') + m_digest.toString() : QString();
}

QList<QPair<QString, QString>> PullCommands::all() const
{
    const QString pinned = m_digest.isValid() ? byDigest() : byTag();
    QList<QPair<QString, QString>> entries;
    if (!m_tag.isEmpty()) {
        entries.append({tr("Reference by tag"), byTag()});
    }
    if (m_digest.isValid()) {
        entries.append({tr("Reference by digest"), byDigest()});
        entries.append({tr("Digest"), m_digest.toString()});
    }
    entries.append({tr("docker pull"), QStringLiteral("docker pull ") + pinned});
    entries.append({tr("podman pull"), QStringLiteral("podman pull ") + pinned});
    entries.append({tr("nerdctl pull"), QStringLiteral("nerdctl pull ") + pinned});
    entries.append({tr("crane pull"), QStringLiteral("crane pull ") + pinned + QStringLiteral(" image.tar")});
    entries.append({tr("Kubernetes image:"), QStringLiteral("image: ") + pinned});
    return entries;
}

} // namespace Minato::App
