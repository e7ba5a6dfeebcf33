#pragma once

// ManifestDelete: one DELETE /v2/<name>/manifests/<reference> (distribution-spec v1.1 "Content Management",
// end-9) — by digest ("Deleting Manifests": the manifest and, on every registry, each tag naming it) or by tag
// ("Deleting tags": that tag only, where the registry implements it). 202 Accepted (any 2xx) is success.
//
//   auto *del = new ManifestDelete(client, u"team/app"_s, u"sha256:…"_s, this);
//   connect(del, &ManifestDelete::finished, this, [del](const DeleteResult &r) { …; del->deleteLater(); });
//   del->start();
//
// Prefer DeleteTag (a tag, safely, with fallbacks) and DeleteImage (a digest with its orphaned children): this
// is their single request. Token scope: repository:<name>:delete (distribution's action for DELETE).
//
// The errors say what to do (ClientError::explained; kind, status and codes unchanged):
// - 405, or UNSUPPORTED: delete is disabled. The CNCF distribution registry enables it with
//   REGISTRY_STORAGE_DELETE_ENABLED=true (storage.delete.enabled); minato-registry (recognised by its Server
//   header) refuses deletes only when started with --read-only; GHCR has no delete in the registry API. For a
//   tag a 400 or 405 means "no tag delete here" ("If tag deletion is disabled, the registry MUST respond with
//   either a 400 Bad Request or a 405 Method Not Allowed"): DeleteTag falls back on it;
// - 403 / DENIED: the account lacks delete permission (minato-registry: a rule granting "delete");
// - 401 after signing in (a token without the delete action): not found, or no delete permission;
// - 404: nothing to delete ("If the repository does not exist, the response MUST return 404 Not Found").

#include "connectionprofile.h"
#include "deleteplan.h"
#include "operation.h"

namespace Minato::Client {

class ManifestDelete final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManifestDelete)

public:
    ManifestDelete(RegistryClient *client, QString repository, QString reference, QObject *parent = nullptr);
    ~ManifestDelete() override;

    // The registry said what it is (Server: minato-registry/…) in its last answer.
    bool answeredByMinatoRegistry() const { return m_minatoRegistry; }

signals:
    // On success: method Tag or Manifest, removedTags {tag} for a tag, removedManifests {digest} for a digest.
    void finished(const Minato::Client::DeleteResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override;

private:
    QString m_repository;
    QString m_reference;
    bool m_byDigest = false;
    bool m_minatoRegistry = false;
};

// The sentence for a refused delete of `reference` in `repository` (see the header comment); other errors
// unchanged. Shared with DeleteTag's vendor paths.
ClientError explainDeleteError(const ClientError &error, const QString &repository, const QString &reference,
                               bool byDigest, bool minatoRegistry, ConnectionProfile::Kind kind);

} // namespace Minato::Client
