#pragma once

// CapabilitiesProbe: what this registry supports, asked once per connection so the UI can offer only what
// works (and explain what does not). Each answer is optional: nullopt means "could not tell" (for example
// the account may not delete, so a delete probe says nothing) and `notes` says why, in English.
//
//   auto *probe = client->probeCapabilities(QStringLiteral("team/app"));   // repository: optional
//   connect(probe, &CapabilitiesProbe::finished, this, [](const CapabilitiesResult &r) {
//       if (r && r->deleteEnabled.value_or(false)) enableDelete();
//   });
//   probe->start();
//
// Steps, in order (only the first one can fail the probe):
// 1. GET /v2/ (PingQuery's answer: auth scheme, realm).
// 2. GET /v2/_catalog?n=1 — 200 means the catalog is listed (Docker Hub, GHCR, ECR answer otherwise).
// 3. DELETE /v2/<repo>/manifests/sha256:000… — 404 (nothing to delete) means delete is enabled, 405 means
//    disabled (distribution's behaviour, PLATFORM.md). No manifest can have that digest, so nothing goes.
//    <repo> is the given repository, else the first catalog entry, else "minato-probe/capabilities".
// 4. GET /v2/<repo>/referrers/sha256:000… — 200, or 404 with an OCI index body, means the referrers API
//    exists (distribution-spec 1.1); a plain 404 means not.
// 5. Docker Hub only: HEAD of ratelimitpreview/test:latest (a HEAD does not count as a pull) for the
//    ratelimit-limit / ratelimit-remaining headers ("100;w=21600").

#include "authsession.h"
#include "operation.h"
#include "result.h"

#include <optional>

namespace Minato::Client {

struct Capabilities
{
    AuthSession::Scheme authScheme = AuthSession::Scheme::Unknown;
    QString tokenRealm;
    QString repositoryProbed;
    std::optional<bool> catalog;
    std::optional<bool> deleteEnabled;
    std::optional<bool> referrersApi;
    // Docker Hub pull limits; nullopt elsewhere or when the headers are absent (authenticated unlimited).
    std::optional<int> rateLimit;
    std::optional<int> rateRemaining;
    std::optional<int> rateWindowSeconds;
    QStringList notes; // English, for logs and a details view
};
using CapabilitiesResult = Result<Capabilities>;

class CapabilitiesProbe final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CapabilitiesProbe)

public:
    CapabilitiesProbe(RegistryClient *client, QString repository = {}, QObject *parent = nullptr);

    // "100;w=21600" → {100, 21600}. Exposed for tests.
    static std::optional<std::pair<int, int>> parseRateLimit(const QByteArray &value);

signals:
    void finished(const Minato::Client::CapabilitiesResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void handleFailure(const ClientError &error) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    enum class Step { Ping, Catalog, Delete, Referrers, RateLimit, Done };
    void next();
    QString repository() const;
    static QString zeroDigest();

    QString m_repository;
    QString m_firstCatalogEntry;
    Step m_step = Step::Ping;
    Capabilities m_caps;
};

} // namespace Minato::Client
