#include "connectiontls.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>

namespace Minato::Client {

namespace {

#ifndef QT_NO_SSL
QList<QSslCertificate> readCertificates(const QString &path, TlsMaterial &material)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        material.problems.append(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        return {};
    }
    const QByteArray bytes = file.readAll();
    QList<QSslCertificate> certificates = QSslCertificate::fromData(bytes, QSsl::Pem);
    if (certificates.isEmpty()) {
        certificates = QSslCertificate::fromData(bytes, QSsl::Der);
    }
    if (certificates.isEmpty()) {
        material.problems.append(QStringLiteral("no certificate could be read from %1").arg(path));
    }
    return certificates;
}

bool readClientPair(const QString &certPath, const QString &keyPath, TlsMaterial &material)
{
    const QList<QSslCertificate> certificates = readCertificates(certPath, material);
    if (certificates.isEmpty()) {
        return false;
    }
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        material.problems.append(QStringLiteral("cannot read %1: %2").arg(keyPath, keyFile.errorString()));
        return false;
    }
    const QSslKey key = readPrivateKey(keyFile.readAll());
    if (key.isNull()) {
        material.problems.append(
            QStringLiteral("no unencrypted PEM private key (RSA, EC or DSA) could be read from %1").arg(keyPath));
        return false;
    }
    material.clientCertificate = certificates.first();
    material.clientKey = key;
    material.clientCertificateSource = certPath;
    return true;
}
#endif

// A folder of docker's layout: *.crt are CAs, *.cert + *.key of one base name a client certificate.
void readCertsDir(const QString &dirPath, TlsMaterial &material)
{
    material.certsDir = dirPath;
    const QDir dir(dirPath);
    const QStringList files = dir.entryList(QDir::Files | QDir::Readable, QDir::Name);
#ifndef QT_NO_SSL
    for (const QString &name : files) {
        const QString path = dir.filePath(name);
        if (name.endsWith(QStringLiteral(".crt"))) {
            const QList<QSslCertificate> cas = readCertificates(path, material);
            if (!cas.isEmpty()) {
                material.caCertificates.append(cas);
                material.caSources.append(path);
            }
        } else if (name.endsWith(QStringLiteral(".cert"))) {
            const QString keyName = name.chopped(5) + QStringLiteral(".key");
            if (!files.contains(keyName)) {
                material.problems.append(QStringLiteral("%1 has no private key %2 beside it").arg(path, keyName));
                continue;
            }
            if (material.hasClientCertificate()) {
                material.problems.append(
                    QStringLiteral("%1 ignored: %2 is used").arg(path, material.clientCertificateSource));
                continue;
            }
            readClientPair(path, dir.filePath(keyName), material);
        } else if (name.endsWith(QStringLiteral(".key"))) {
            const QString certName = name.chopped(4) + QStringLiteral(".cert");
            if (!files.contains(certName)) {
                material.problems.append(QStringLiteral("%1 has no certificate %2 beside it").arg(path, certName));
            }
        }
    }
#else
    Q_UNUSED(files)
#endif
}

} // namespace

QStringList defaultCertsDirRoots()
{
    return {QDir::homePath() + QStringLiteral("/.docker/certs.d"), QStringLiteral("/etc/docker/certs.d"),
            QStringLiteral("/etc/containers/certs.d")};
}

QString certsDirName(const QUrl &url)
{
    QString host = url.host(QUrl::FullyDecoded).toLower();
    if (host.isEmpty()) {
        return {};
    }
    if (QHostAddress(host).protocol() == QAbstractSocket::IPv6Protocol) {
        host = u'[' + host + u']';
    }
    return url.port() >= 0 ? host + u':' + QString::number(url.port()) : host;
}

QString suggestedCertsDir(const QUrl &url)
{
    return QDir::homePath() + QStringLiteral("/.docker/certs.d/") + certsDirName(url) + u'/';
}

TlsMaterial loadTlsMaterial(const ConnectionProfile &profile, const QStringList &certsDirRoots)
{
    TlsMaterial material;
#ifndef QT_NO_SSL
    if (!profile.caCertificateFile.isEmpty()) {
        const QList<QSslCertificate> cas = readCertificates(profile.caCertificateFile, material);
        if (!cas.isEmpty()) {
            material.caCertificates.append(cas);
            material.caSources.append(profile.caCertificateFile);
        }
    }
    const QString name = certsDirName(profile.baseUrl);
    if (!name.isEmpty()) {
        for (const QString &root : certsDirRoots) {
            const QString candidate = QDir(root).filePath(name);
            if (QFileInfo(candidate).isDir()) {
                readCertsDir(candidate, material);
                break;
            }
        }
    }
    if (!profile.clientCertificateFile.isEmpty() || !profile.clientKeyFile.isEmpty()) {
        if (profile.clientCertificateFile.isEmpty() || profile.clientKeyFile.isEmpty()) {
            material.problems.append(
                QStringLiteral("a client certificate needs both the certificate and the key file"));
        } else {
            TlsMaterial explicitPair;
            if (readClientPair(profile.clientCertificateFile, profile.clientKeyFile, explicitPair)) {
                material.clientCertificate = explicitPair.clientCertificate;
                material.clientKey = explicitPair.clientKey;
                material.clientCertificateSource = explicitPair.clientCertificateSource;
            }
            material.problems.append(explicitPair.problems);
        }
    }
#else
    Q_UNUSED(profile)
    Q_UNUSED(certsDirRoots)
#endif
    return material;
}

#ifndef QT_NO_SSL
std::optional<QSslConfiguration> sslConfigurationFor(const TlsMaterial &material)
{
    if (material.isEmpty()) {
        return std::nullopt;
    }
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!material.caCertificates.isEmpty()) {
        ssl.addCaCertificates(material.caCertificates);
    }
    if (material.hasClientCertificate()) {
        ssl.setLocalCertificate(material.clientCertificate);
        ssl.setPrivateKey(material.clientKey);
    }
    return ssl;
}

QSslKey readPrivateKey(const QByteArray &pem)
{
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull()) {
            return key;
        }
    }
    return {};
}

QStringList certificateNames(const QSslCertificate &certificate)
{
    QStringList names;
    const auto alternatives = certificate.subjectAlternativeNames();
    for (auto it = alternatives.cbegin(); it != alternatives.cend(); ++it) {
        if ((it.key() == QSsl::DnsEntry || it.key() == QSsl::IpAddressEntry) && !names.contains(it.value())) {
            names.append(it.value());
        }
    }
    if (names.isEmpty()) {
        names = certificate.subjectInfo(QSslCertificate::CommonName);
    }
    return names;
}

std::optional<ClientError> tlsAlertError(const QString &errorString, const QUrl &url, const QString &where)
{
    if (url.scheme().compare(u"https", Qt::CaseInsensitive) != 0 ||
        !(errorString.contains(QStringLiteral("SSL routines")) || errorString.contains(QStringLiteral(" alert ")))) {
        return std::nullopt;
    }
    ClientError::TlsProblem problem = ClientError::TlsProblem::Other;
    // The server's alerts about the client's certificate (RFC 8446 §6.2: certificate_required, bad_certificate,
    // unknown_ca — the server does not know the client certificate's issuer —, certificate_unknown).
    for (const char *alert : {"certificate required", "bad certificate", "unknown ca", "certificate unknown",
                              "certificate expired", "certificate revoked"}) {
        if (errorString.contains(QLatin1String(alert), Qt::CaseInsensitive)) {
            problem = ClientError::TlsProblem::ClientCertificate;
            break;
        }
    }
    return ClientError::tls(problem, certsDirName(url), {}, where + QStringLiteral(": ") + errorString);
}

ClientError tlsErrorFor(const QList<QSslError> &errors, const QUrl &url, const QString &where, const QString &fallback)
{
    const QString host = certsDirName(url);
    if (errors.isEmpty()) {
        return ClientError::tls(ClientError::TlsProblem::Other, host, {}, where + QStringLiteral(": ") + fallback);
    }
    ClientError::TlsProblem problem = ClientError::TlsProblem::Other;
    QSslCertificate certificate;
    QStringList texts;
    auto rank = [](ClientError::TlsProblem p) {
        switch (p) {
        case ClientError::TlsProblem::HostNameMismatch:
            return 3;
        case ClientError::TlsProblem::Expired:
            return 2;
        case ClientError::TlsProblem::Untrusted:
            return 1;
        case ClientError::TlsProblem::ClientCertificate: // never from certificate errors of the server's
        case ClientError::TlsProblem::PlainHttpRedirect: // never from a handshake
        case ClientError::TlsProblem::Other:
            break;
        }
        return 0;
    };
    for (const QSslError &error : errors) {
        texts.append(error.errorString());
        if (certificate.isNull() && !error.certificate().isNull()) {
            certificate = error.certificate();
        }
        ClientError::TlsProblem p = ClientError::TlsProblem::Other;
        switch (error.error()) {
        case QSslError::HostNameMismatch:
            p = ClientError::TlsProblem::HostNameMismatch;
            break;
        case QSslError::CertificateExpired:
        case QSslError::CertificateNotYetValid:
            p = ClientError::TlsProblem::Expired;
            break;
        case QSslError::SelfSignedCertificate:
        case QSslError::SelfSignedCertificateInChain:
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToGetIssuerCertificate:
        case QSslError::UnableToVerifyFirstCertificate:
        case QSslError::CertificateUntrusted:
        case QSslError::CertificateRejected:
        case QSslError::InvalidCaCertificate:
            p = ClientError::TlsProblem::Untrusted;
            break;
        default:
            break;
        }
        if (rank(p) > rank(problem)) {
            problem = p;
        }
    }
    const QStringList names = certificate.isNull() ? QStringList() : certificateNames(certificate);
    QString detail = where + QStringLiteral(": ") + texts.join(QStringLiteral("; "));
    if (!names.isEmpty()) {
        detail += QStringLiteral(" (certificate for ") + names.join(QStringLiteral(", ")) + u')';
    }
    return ClientError::tls(problem, host, names, detail);
}
#endif

} // namespace Minato::Client
