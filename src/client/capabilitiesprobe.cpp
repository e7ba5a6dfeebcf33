#include "capabilitiesprobe.h"

#include "registryclient.h"

#include "oci/mediatype.h"
#include "oci/reference.h"
#include "oci/wwwauthenticate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Client {

CapabilitiesProbe::CapabilitiesProbe(RegistryClient *client, QString repository, QObject *parent)
    : Operation(client, parent)
    , m_repository(std::move(repository))
{}

QString CapabilitiesProbe::zeroDigest()
{
    return QStringLiteral("sha256:") + QString(64, u'0');
}

QString CapabilitiesProbe::repository() const
{
    if (!m_repository.isEmpty()) {
        return m_repository;
    }
    if (!m_firstCatalogEntry.isEmpty()) {
        return m_firstCatalogEntry;
    }
    return QStringLiteral("minato-probe/capabilities");
}

std::optional<std::pair<int, int>> CapabilitiesProbe::parseRateLimit(const QByteArray &value)
{
    // Docker Hub: "100;w=21600" (limit; window in seconds).
    const QList<QByteArray> parts = value.trimmed().split(';');
    bool ok = false;
    const int amount = parts.value(0).trimmed().toInt(&ok);
    if (!ok) {
        return std::nullopt;
    }
    int window = 0;
    for (const QByteArray &p : parts.mid(1)) {
        const QByteArray t = p.trimmed();
        if (t.startsWith("w=")) {
            window = t.mid(2).toInt();
        }
    }
    return std::make_pair(amount, window);
}

void CapabilitiesProbe::run()
{
    if (!m_repository.isEmpty() && !Oci::Reference::isValidRepositoryPath(m_repository)) {
        fail(ClientError::invalidRequest(QStringLiteral("invalid repository name: ") + m_repository));
        return;
    }
    m_step = Step::Ping;
    HttpRequest request;
    request.url = client()->profile().urlFor(client()->profile().routes().path(Oci::Endpoint::Base));
    request.authenticate = false;
    send(request);
}

void CapabilitiesProbe::next()
{
    const ConnectionProfile &profile = client()->profile();
    const Oci::Routes routes = profile.routes();
    HttpRequest request;
    switch (m_step) {
    case Step::Ping:
        m_step = Step::Catalog;
        request.url = profile.urlFor(routes.catalog(1));
        request.scopes = {QStringLiteral("registry:catalog:*")};
        request.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
        break;
    case Step::Catalog:
        m_step = Step::Delete;
        m_caps.repositoryProbed = repository();
        request.method = QByteArrayLiteral("DELETE");
        request.url = profile.urlFor(routes.path(Oci::Endpoint::DeleteManifest, repository(), zeroDigest()));
        request.scopes = {QStringLiteral("repository:%1:delete").arg(repository())};
        break;
    case Step::Delete:
        m_step = Step::Referrers;
        request.url = profile.urlFor(routes.path(Oci::Endpoint::ListReferrers, repository(), zeroDigest()));
        request.scopes = {QStringLiteral("repository:%1:pull").arg(repository())};
        request.headers = {{QByteArrayLiteral("Accept"), Oci::MediaType::OciIndex.toString().toLatin1()}};
        break;
    case Step::Referrers:
        if (profile.kind == ConnectionProfile::Kind::DockerHub) {
            m_step = Step::RateLimit;
            request.method = QByteArrayLiteral("HEAD");
            request.url = profile.urlFor(routes.path(Oci::Endpoint::GetManifest, u"ratelimitpreview/test", u"latest"));
            request.scopes = {QStringLiteral("repository:ratelimitpreview/test:pull")};
            request.headers = {{QByteArrayLiteral("Accept"), Oci::MediaType::manifestAcceptHeader().toLatin1()}};
            break;
        }
        [[fallthrough]];
    case Step::RateLimit:
    case Step::Done:
        m_step = Step::Done;
        if (beginFinish()) {
            emit finished(m_caps);
        }
        return;
    }
    send(request);
}

void CapabilitiesProbe::handleFailure(const ClientError &error)
{
    if (m_step == Step::Ping || error.kind() == ClientError::Kind::Cancelled) {
        fail(error);
        return;
    }
    m_caps.notes.append(QStringLiteral("step %1 undecided: %2 (%3)")
                            .arg(static_cast<int>(m_step))
                            .arg(error.kindName(), error.technicalDetail()));
    next();
}

void CapabilitiesProbe::handleResponse(const HttpResponse &response)
{
    const int status = response.status;
    switch (m_step) {
    case Step::Ping: {
        if (status != 200 && status != 401) {
            fail(status == 404 ? ClientError::invalid(ClientError::Invalid::BadContent,
                                                      response.describe() + QStringLiteral(": no registry API here"))
                               : errorFromResponse(response));
            return;
        }
        m_caps.authScheme = AuthSession::Scheme::Anonymous;
        if (status == 401) {
            const auto challenges = Oci::parseWwwAuthenticate(response.headerValues("WWW-Authenticate"));
            if (challenges) {
                if (const auto c = Oci::findChallenge(*challenges, u"Bearer")) {
                    if (const auto bearer = Oci::BearerChallenge::fromChallenge(*c)) {
                        m_caps.authScheme = AuthSession::Scheme::Bearer;
                        m_caps.tokenRealm = bearer->realm;
                        client()->authSession()->noteBearerChallenge(bearer->realm, bearer->service);
                    }
                } else if (Oci::findChallenge(*challenges, u"Basic")) {
                    m_caps.authScheme = AuthSession::Scheme::Basic;
                    client()->authSession()->noteBasicChallenge();
                }
            }
        }
        break;
    }
    case Step::Catalog:
        if (status == 200) {
            m_caps.catalog = true;
            const QJsonArray repos =
                QJsonDocument::fromJson(response.body).object().value(QStringLiteral("repositories")).toArray();
            if (!repos.isEmpty()) {
                m_firstCatalogEntry = repos.first().toString();
            }
        } else if (status == 404 || status == 405 || status == 403 || status == 400) {
            m_caps.catalog = false;
        } else {
            m_caps.notes.append(QStringLiteral("catalog undecided: ") + response.describe());
        }
        break;
    case Step::Delete:
        if (status == 404 || status == 202) {
            m_caps.deleteEnabled = true;
        } else if (status == 405) {
            m_caps.deleteEnabled = false;
        } else {
            m_caps.notes.append(QStringLiteral("delete undecided: ") + response.describe());
        }
        break;
    case Step::Referrers: {
        const bool indexBody =
            Oci::MediaType::isIndex(QString::fromLatin1(response.header("Content-Type"))) ||
            QJsonDocument::fromJson(response.body).object().value(QStringLiteral("manifests")).isArray();
        if (status == 200 || (status == 404 && indexBody)) {
            m_caps.referrersApi = true;
        } else if (status == 404 || status == 405) {
            m_caps.referrersApi = false;
        } else {
            m_caps.notes.append(QStringLiteral("referrers undecided: ") + response.describe());
        }
        break;
    }
    case Step::RateLimit: {
        if (const auto limit = parseRateLimit(response.header("ratelimit-limit"))) {
            m_caps.rateLimit = limit->first;
            m_caps.rateWindowSeconds = limit->second;
        }
        if (const auto remaining = parseRateLimit(response.header("ratelimit-remaining"))) {
            m_caps.rateRemaining = remaining->first;
        }
        break;
    }
    case Step::Done:
        return;
    }
    next();
}

} // namespace Minato::Client
