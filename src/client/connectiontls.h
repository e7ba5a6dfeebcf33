#pragma once

// ConnectionTls: the TLS material of one connection — extra CA certificates and a client certificate — from
// the profile and from docker's per-registry `certs.d` folders, turned into the QSslConfiguration that
// RegistryClient::applyTls() puts on every https request.
//
//   const TlsMaterial tls = loadTlsMaterial(profile, defaultCertsDirRoots());
//   for (const QString &p : tls.problems) qCWarning(lcClient) << p;    // unreadable files, a .cert without .key
//   if (const auto ssl = sslConfigurationFor(tls)) request.setSslConfiguration(*ssl);
//
// Where the material comes from, in this order:
// 1. profile.caCertificateFile: PEM, one or more CA certificates (a company CA).
// 2. The first existing folder <root>/<host[:port]>/ of the roots (defaultCertsDirRoots(): ~/.docker/certs.d,
//    /etc/docker/certs.d, /etc/containers/certs.d — containers/image also stops at the first existing one).
//    The folder is named like the registry in a reference: "registry.example.com:5000" when the base URL
//    names a port, "registry.example.com" when not, an IPv6 literal in brackets ("[::1]:5000"). Inside it,
//    as docker and podman read it: every *.crt is a CA certificate; every *.cert is a client certificate whose
//    private key is the *.key of the same base name (client.cert + client.key). A .cert without its .key (or
//    the reverse) is a problem and is skipped.
// 3. profile.clientCertificateFile + clientKeyFile: a client certificate given explicitly; it wins over one
//    found in certs.d.
// The CAs are added to the system's (as docker does), never replace them. A private key must be PEM and
// unencrypted (RSA, EC or DSA), as in certs.d.
//
// Consent: nothing here turns verification off. Accepting any certificate is the profile's
// allowInsecureTls, which only a person sets (operation.cpp then ignores the handshake's errors).

#include "clienterror.h"
#include "connectionprofile.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

#ifndef QT_NO_SSL
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslKey>
#endif

namespace Minato::Client {

// ~/.docker/certs.d, /etc/docker/certs.d, /etc/containers/certs.d (in that order).
QStringList defaultCertsDirRoots();
// The certs.d folder name of a registry URL: "host:port" or "host" (IPv6: "[::1]:5000"); empty without a host.
QString certsDirName(const QUrl &url);
// "~/.docker/certs.d/<name>/", for sentences telling a person where to put a CA certificate.
QString suggestedCertsDir(const QUrl &url);

struct TlsMaterial
{
#ifndef QT_NO_SSL
    QList<QSslCertificate> caCertificates;
    QSslCertificate clientCertificate; // null when none
    QSslKey clientKey;                 // null when none
#endif
    QStringList caSources;           // the files the CA certificates came from
    QString clientCertificateSource; // the .cert/PEM file of the client certificate, empty when none
    QString certsDir;                // the certs.d folder used, empty when none exists for this registry
    QStringList problems;            // English, for logs: files that could not be used

    bool hasClientCertificate() const
    {
        return !clientCertificateSource.isEmpty();
    }
    bool isEmpty() const
    {
        return caSources.isEmpty() && clientCertificateSource.isEmpty();
    }
};

// Reads what the profile names and the registry's certs.d folder under the first root that has one.
TlsMaterial loadTlsMaterial(const ConnectionProfile &profile, const QStringList &certsDirRoots);

#ifndef QT_NO_SSL
// Qt's default configuration plus the material; nullopt when the material is empty (keep Qt's default).
std::optional<QSslConfiguration> sslConfigurationFor(const TlsMaterial &material);
// A PEM private key of any algorithm Qt knows (RSA, EC, DSA); null when none parses.
QSslKey readPrivateKey(const QByteArray &pem);
// The Tls error of a failed handshake with `url`: its problem (host name first, then expiry, then trust) and
// the certificate's names from the errors' certificate. `where` starts the technical detail ("GET https://…"),
// `fallback` (QNetworkReply::errorString()) completes it when there are no certificate errors.
ClientError tlsErrorFor(const QList<QSslError> &errors, const QUrl &url, const QString &where, const QString &fallback);
// A failure Qt reports as a network error whose text is OpenSSL's: a TLS alert after the handshake (TLS 1.3
// sends "certificate required" once the client has already finished), "SSL routines" errors. nullopt when the
// text is not about TLS.
std::optional<ClientError> tlsAlertError(const QString &errorString, const QUrl &url, const QString &where);
// The DNS names and IP addresses a certificate is for: subject alternative names, else the common name.
QStringList certificateNames(const QSslCertificate &certificate);
#endif

} // namespace Minato::Client
