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

// The proxy of one connection. System: whatever the application uses (Qt honours http_proxy, https_proxy and
// no_proxy); None: always direct; Http: this HTTP proxy (http://host:port; https:// requests go through it
// with CONNECT, http:// ones as absolute-URI requests).
//
// Credentials are deliberately not part of it: a profile is persisted as plain settings (profilestore.h),
// so a proxy URL with user info is refused by validate(), and a proxy login is handed to the running
// client only (RegistryClient::setProxyCredentials), e.g. from the keychain through a CredentialStore
// under a key the caller chooses. Nothing secret can reach the settings file through a profile.
struct ProxySetting
{
    enum class Mode { System, None, Http };
    Mode mode = Mode::System;
    QUrl url; // Http only: http://host:port, no user info, path, query or fragment

    // Empty when usable, otherwise an English reason.
    QString validate() const;
    bool operator==(const ProxySetting &) const = default;
};

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
    // The user explicitly consented to plain (unencrypted) http for this registry. Without it, an https://
    // registry that redirects a request to an http:// address is not followed (operation.h). A base URL
    // written http:// is such a consent by itself (allowsPlainHttp()).
    bool allowPlainHttp = false;
    // PEM file of extra CA certificates trusted for this connection only (a company CA). docker's certs.d
    // folders for the registry are read as well (connectiontls.h).
    QString caCertificateFile;
    // A client certificate for registries that ask for one (mutual TLS): PEM certificate and its unencrypted
    // PEM private key. Both or neither; they win over a client certificate found in certs.d.
    QString clientCertificateFile;
    QString clientKeyFile;
    // Per-connection proxy (system default unless set).
    ProxySetting proxy;
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
    // allowPlainHttp, or a registry the person already talks to over plain http.
    bool allowsPlainHttp() const;

    // A guess from the host name ("ghcr.io" → Ghcr, "*.azurecr.io" → Acr, …); Generic when unknown.
    static Kind guessKind(const QUrl &baseUrl);
    static QString kindName(Kind kind); // "Docker Hub", "Amazon ECR", … (product names, not translated)
};

// True when both URLs have the same scheme, host and port (default ports filled in).
bool sameOrigin(const QUrl &a, const QUrl &b);

} // namespace Minato::Client
