#include "manifestdelete.h"

#include "registryclient.h"

#include "oci/errorcode.h"
#include "oci/reference.h"

namespace Minato::Client {

ClientError explainDeleteError(const ClientError &e, const QString &repository, const QString &reference, bool byDigest,
                               bool minatoRegistry, ConnectionProfile::Kind kind)
{
    using Kind = ClientError::Kind;
    if (e.kind() == Kind::Cancelled || e.isExplained()) {
        return e;
    }
    const QStringList args{repository, reference};
    if (e.httpStatus() == 405 || e.hasRegistryCode(Oci::ErrorCode::Unsupported)) {
        if (minatoRegistry) {
            return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                                 "This minato-registry refuses deletes because it runs with "
                                                 "--read-only. Restart it without --read-only to delete."),
                               args);
        }
        if (kind == ConnectionProfile::Kind::Ghcr) {
            return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                                 "GitHub Container Registry does not delete through the registry "
                                                 "API. Delete the package version on github.com or with GitHub's "
                                                 "REST API."),
                               args);
        }
        if (!byDigest) {
            return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                                 "This registry does not delete single tags (it answered that tag "
                                                 "deletion is disabled or unsupported)."),
                               args);
        }
        return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                             "Deleting is disabled on this registry. On the CNCF distribution "
                                             "registry (registry:2), set REGISTRY_STORAGE_DELETE_ENABLED=true (or "
                                             "storage: delete: enabled: true in its config.yml) and restart it; "
                                             "other registries have a setting of their own."),
                           args);
    }
    if (e.httpStatus() == 403 || e.hasRegistryCode(Oci::ErrorCode::Denied)) {
        return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                             "Your account may not delete in %1. Ask the registry's administrator "
                                             "for delete permission (on minato-registry: a rule granting \"delete\" "
                                             "in its access configuration)."),
                           args);
    }
    switch (e.kind()) {
    case Kind::NotFoundOrPrivate:
        return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                             "%2 was not found in %1, or your account may not delete there (a "
                                             "token registry answers both alike). Check the name, and that your "
                                             "sign-in has delete permission."),
                           args);
    case Kind::AuthRequired:
        return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                             "Deleting in %1 needs a sign-in with delete permission. Add a user "
                                             "name and password or token to the connection."),
                           args);
    case Kind::NotFound:
        if (byDigest) {
            return e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                                 "%2 is not in %1: it was deleted already, or never pushed there. "
                                                 "Nothing was deleted."),
                               args);
        }
        return e.explained(
            QT_TRANSLATE_NOOP("Minato::Client::ClientError", "The tag %2 is not in %1. Nothing was deleted."), args);
    default:
        break;
    }
    return e;
}

ManifestDelete::ManifestDelete(RegistryClient *client, QString repository, QString reference, QObject *parent)
    : Operation(client, parent)
    , m_repository(std::move(repository))
    , m_reference(std::move(reference))
{}

ManifestDelete::~ManifestDelete() = default;

void ManifestDelete::run()
{
    if (const auto name = Oci::Reference::parseRepositoryPath(m_repository); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_repository, name.error().message())));
        return;
    }
    m_byDigest = m_reference.contains(u':');
    if (m_byDigest) {
        if (const auto digest = Oci::Digest::parse(m_reference); !digest) {
            fail(ClientError::invalidRequest(
                QStringLiteral("digest \"%1\": %2").arg(m_reference, digest.error().message())));
            return;
        }
    } else if (const auto tag = Oci::Reference::parseTag(m_reference); !tag) {
        fail(ClientError::invalidRequest(QStringLiteral("tag \"%1\": %2").arg(m_reference, tag.error().message())));
        return;
    }
    const ConnectionProfile &profile = client()->profile();
    HttpRequest request;
    request.method = QByteArrayLiteral("DELETE");
    request.url = profile.urlFor(profile.routes().path(Oci::Endpoint::DeleteManifest, m_repository, m_reference));
    request.scopes = {QStringLiteral("repository:%1:delete").arg(m_repository)};
    request.maxBodyBytes = qint64(64) * 1024;
    send(request);
}

void ManifestDelete::handleResponse(const HttpResponse &response)
{
    m_minatoRegistry = response.header("Server").startsWith("minato-registry");
    if (response.status < 200 || response.status >= 300) {
        fail(errorFromResponse(response));
        return;
    }
    DeleteOutcome outcome;
    outcome.repository = m_repository;
    outcome.reference = m_reference;
    outcome.via = QStringLiteral("registry API");
    if (m_byDigest) {
        outcome.method = DeleteOutcome::Method::Manifest;
        outcome.digest = *Oci::Digest::parse(m_reference);
        outcome.removedManifests = {outcome.digest};
    } else {
        outcome.method = DeleteOutcome::Method::Tag;
        outcome.removedTags = {m_reference};
    }
    if (beginFinish()) {
        emit finished(outcome);
    }
}

void ManifestDelete::emitFailure(const ClientError &error)
{
    const ConnectionProfile::Kind kind = client() ? client()->profile().kind : ConnectionProfile::Kind::Generic;
    emit finished(explainDeleteError(error, m_repository, m_reference, m_byDigest, m_minatoRegistry, kind));
}

} // namespace Minato::Client
