#include "pingquery.h"

#include "registryclient.h"

#include "oci/wwwauthenticate.h"

namespace Minato::Client {

PingQuery::PingQuery(RegistryClient *client, QObject *parent)
    : Operation(client, parent)
{}

void PingQuery::run()
{
    HttpRequest request;
    request.url = client()->profile().urlFor(client()->profile().routes().path(Oci::Endpoint::Base));
    request.authenticate = m_authenticate;
    request.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    send(request);
}

void PingQuery::handleResponse(const HttpResponse &response)
{
    PingInfo info;
    info.status = response.status;
    info.apiVersion = QString::fromLatin1(response.header("Docker-Distribution-API-Version"));
    AuthSession *session = client()->authSession();
    if (response.status == 200) {
        info.authScheme =
            session->scheme() == AuthSession::Scheme::Unknown ? AuthSession::Scheme::Anonymous : session->scheme();
        info.realm = session->bearerRealm();
        info.service = session->bearerService();
        info.authenticated = m_authenticate && info.authScheme != AuthSession::Scheme::Anonymous;
        if (info.authScheme == AuthSession::Scheme::Anonymous) {
            session->noteAnonymous();
        }
    } else if (response.status == 401) {
        const auto challenges = Oci::parseWwwAuthenticate(response.headerValues("WWW-Authenticate"));
        if (challenges) {
            if (const auto c = Oci::findChallenge(*challenges, u"Bearer")) {
                if (const auto bearer = Oci::BearerChallenge::fromChallenge(*c)) {
                    info.authScheme = AuthSession::Scheme::Bearer;
                    info.realm = bearer->realm;
                    info.service = bearer->service;
                    session->noteBearerChallenge(bearer->realm, bearer->service);
                }
            }
            if (info.authScheme == AuthSession::Scheme::Unknown) {
                if (const auto c = Oci::findChallenge(*challenges, u"Basic")) {
                    info.authScheme = AuthSession::Scheme::Basic;
                    info.realm = c->param(u"realm").value_or(QString());
                    session->noteBasicChallenge();
                }
            }
        }
    } else if (response.status == 404) {
        // Something answers, but not a registry API at this path: most often a missing path prefix.
        fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                  response.describe() + QStringLiteral(": no registry API at this address")));
        return;
    } else {
        fail(errorFromResponse(response));
        return;
    }
    if (beginFinish()) {
        emit finished(info);
    }
}

} // namespace Minato::Client
