#pragma once

// PingQuery: GET /v2/ — is a registry API at this address, and how does it want to be authenticated?
//
//   auto *ping = client->ping();
//   connect(ping, &PingQuery::finished, this, [](const PingResult &r) {
//       if (r) { r->authScheme == AuthSession::Scheme::Bearer; r->realm; }
//   });
//   ping->start();
//
// By default a 401 is an answer, not an error: it tells the scheme (Basic, or Bearer with realm and
// service). With setAuthenticate(true) the challenge is answered with the connection's credentials, which
// makes the ping a "test sign-in": Auth when they are refused.

#include "authsession.h"
#include "operation.h"
#include "result.h"

namespace Minato::Client {

struct PingInfo
{
    int status = 0; // 200, or 401 when not authenticating
    AuthSession::Scheme authScheme = AuthSession::Scheme::Unknown;
    QString realm;              // Bearer realm (token endpoint) or Basic realm
    QString service;            // Bearer service
    QString apiVersion;         // Docker-Distribution-API-Version ("registry/2.0"), empty when absent
    bool authenticated = false; // a credentialed request succeeded
};
using PingResult = Result<PingInfo>;

class PingQuery final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PingQuery)

public:
    explicit PingQuery(RegistryClient *client, QObject *parent = nullptr);
    void setAuthenticate(bool authenticate) { m_authenticate = authenticate; }

signals:
    void finished(const Minato::Client::PingResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    bool m_authenticate = false;
};

} // namespace Minato::Client
