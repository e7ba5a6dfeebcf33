#pragma once

// ConnectionProfile: where a registry is and how to talk to it. Data only — persistence (QSettings,
// import/export) belongs elsewhere; credentials are never part of a profile (see credentialsource.h).
//
//   ConnectionProfile p;
//   p.name = QStringLiteral("Artifactory");
//   p.baseUrl = QUrl(QStringLiteral("https://jfrog.example.com/artifactory/api/docker/local"));
//   p.kind = ConnectionProfile::guessKind(p.baseUrl);       // Artifactory here only by explicit choice
//   p.routes().path(Oci::Endpoint::Base)                    // "/artifactory/api/docker/local/v2/"
//   p.urlFor(p.routes().tagsList(u"team/app", 100))         // absolute QUrl on the registry's origin

#include "oci/routes.h"

#include <QString>
#include <QUrl>

namespace Minato::Client {

struct ConnectionProfile
{
    enum class Kind { Generic, DockerHub, Ecr, Gar, Acr, Ghcr, Quay, Harbor, Artifactory };

    static constexpr int DefaultTimeoutMs = 30000;

    QString name;
    // scheme://host[:port][/path prefix]. The prefix comes before "/v2/" (Artifactory, reverse proxies).
    QUrl baseUrl;
    Kind kind = Kind::Generic;
    // The user explicitly consented to accept any certificate for this registry (self-signed lab setups).
    bool allowInsecureTls = false;
    // PEM file of extra CA certificates trusted for this connection only (a company CA).
    QString caCertificateFile;
    // Transfer timeout of each request: no bytes for this long ends it with ClientError::Kind::Timeout.
    int timeoutMs = DefaultTimeoutMs;

    // Empty when usable, otherwise an English reason for logs (the UI validates its own fields).
    QString validate() const;
    // The path prefix before /v2/, "" when none ("/artifactory/api/docker/local").
    QString pathPrefix() const;
    Oci::Routes routes() const { return Oci::Routes(pathPrefix()); }
    // An absolute URL on the registry's origin for a request target built by routes() (already encoded).
    QUrl urlFor(const QString &target) const;
    // scheme://host:port of the registry (no path): credentials are only ever sent there.
    QUrl origin() const;

    // A guess from the host name ("ghcr.io" → Ghcr, "*.azurecr.io" → Acr, …); Generic when unknown.
    static Kind guessKind(const QUrl &baseUrl);
    static QString kindName(Kind kind); // "Docker Hub", "Amazon ECR", … (product names, not translated)
};

// True when both URLs have the same scheme, host and port (default ports filled in).
bool sameOrigin(const QUrl &a, const QUrl &b);

} // namespace Minato::Client
