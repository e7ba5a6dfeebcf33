#include "connectionprofile.h"

namespace Minato::Client {

namespace {

int effectivePort(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    return url.port(scheme == u"https" ? 443 : scheme == u"http" ? 80 : -1);
}

} // namespace

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 &&
           a.host().compare(b.host(), Qt::CaseInsensitive) == 0 && effectivePort(a) == effectivePort(b);
}

QString ProxySetting::validate() const
{
    if (mode != Mode::Http) {
        return {};
    }
    if (!url.isValid() || url.scheme().compare(u"http", Qt::CaseInsensitive) != 0 || url.host().isEmpty() ||
        url.port() <= 0) {
        return QStringLiteral("the proxy must be written http://host:port");
    }
    if (!url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment() ||
        (!url.path().isEmpty() && url.path() != u"/")) {
        return QStringLiteral("the proxy URL must not contain a user name, password, path or query "
                              "(proxy credentials are never saved in a connection)");
    }
    return {};
}

QString ConnectionProfile::validate() const
{
    if (!baseUrl.isValid()) {
        return QStringLiteral("the base URL is not valid: ") + baseUrl.errorString();
    }
    const QString scheme = baseUrl.scheme().toLower();
    if (scheme != u"https" && scheme != u"http") {
        return QStringLiteral("the base URL must start with https:// or http://");
    }
    if (baseUrl.host().isEmpty()) {
        return QStringLiteral("the base URL has no host");
    }
    if (baseUrl.hasQuery() || baseUrl.hasFragment() || !baseUrl.userInfo().isEmpty()) {
        return QStringLiteral("the base URL must not contain a query, fragment or user name");
    }
    if (timeoutMs <= 0) {
        return QStringLiteral("the timeout must be positive");
    }
    if (clientCertificateFile.isEmpty() != clientKeyFile.isEmpty()) {
        return QStringLiteral("a client certificate needs both its certificate file and its key file");
    }
    if (const QString proxyProblem = proxy.validate(); !proxyProblem.isEmpty()) {
        return proxyProblem;
    }
    return {};
}

QString ConnectionProfile::pathPrefix() const
{
    QString path = baseUrl.path(QUrl::FullyEncoded);
    while (path.endsWith(u'/')) {
        path.chop(1);
    }
    // A base URL pasted with "/v2" at the end means the registry root.
    if (path.endsWith(QStringLiteral("/v2"))) {
        path.chop(3);
    }
    return path;
}

QUrl ConnectionProfile::origin() const
{
    QUrl o;
    o.setScheme(baseUrl.scheme().toLower());
    o.setHost(baseUrl.host());
    o.setPort(baseUrl.port());
    return o;
}

bool ConnectionProfile::allowsPlainHttp() const
{
    return allowPlainHttp || baseUrl.scheme().compare(u"http", Qt::CaseInsensitive) == 0;
}

QUrl ConnectionProfile::urlFor(const QString &target) const
{
    return QUrl::fromEncoded(origin().toEncoded() + target.toUtf8(), QUrl::StrictMode);
}

ConnectionProfile::Kind ConnectionProfile::guessKind(const QUrl &baseUrl)
{
    const QString host = baseUrl.host().toLower();
    if (host == u"docker.io" || host == u"registry-1.docker.io" || host == u"index.docker.io") {
        return Kind::DockerHub;
    }
    if (host.endsWith(QStringLiteral(".amazonaws.com")) && host.contains(QStringLiteral(".dkr.ecr."))) {
        return Kind::Ecr;
    }
    if (host.endsWith(QStringLiteral("-docker.pkg.dev")) || host == u"gcr.io" ||
        host.endsWith(QStringLiteral(".gcr.io"))) {
        return Kind::Gar;
    }
    if (host.endsWith(QStringLiteral(".azurecr.io"))) {
        return Kind::Acr;
    }
    if (host == u"ghcr.io") {
        return Kind::Ghcr;
    }
    if (host == u"quay.io") {
        return Kind::Quay;
    }
    if (baseUrl.path().startsWith(QStringLiteral("/artifactory/"))) {
        return Kind::Artifactory;
    }
    return Kind::Generic;
}

QString ConnectionProfile::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Generic:
        return QStringLiteral("OCI registry");
    case Kind::DockerHub:
        return QStringLiteral("Docker Hub");
    case Kind::Ecr:
        return QStringLiteral("Amazon ECR");
    case Kind::Gar:
        return QStringLiteral("Google Artifact Registry");
    case Kind::Acr:
        return QStringLiteral("Azure Container Registry");
    case Kind::Ghcr:
        return QStringLiteral("GitHub Container Registry");
    case Kind::Quay:
        return QStringLiteral("Quay");
    case Kind::Harbor:
        return QStringLiteral("Harbor");
    case Kind::Artifactory:
        return QStringLiteral("JFrog Artifactory");
    }
    return {};
}

} // namespace Minato::Client
