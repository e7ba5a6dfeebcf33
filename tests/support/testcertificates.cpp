#include "testcertificates.h"

#include <QDir>
#include <QProcess>

namespace Minato::Test {

TestCertificate TestCertificate::selfSigned(const QString &dir, const QString &name, const QString &commonName,
                                            const QString &subjectAltNames)
{
    TestCertificate out;
    out.certPath = QDir(dir).filePath(name + QStringLiteral(".pem"));
    out.keyPath = QDir(dir).filePath(name + QStringLiteral("-key.pem"));
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-keyout"), out.keyPath, QStringLiteral("-out"), out.certPath,
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=") + commonName, QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=") + subjectAltNames});
    if (!openssl.waitForFinished(60000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0) {
        out.error =
            QStringLiteral("openssl req failed: ") + QString::fromLocal8Bit(openssl.readAll()) + openssl.errorString();
        return out;
    }
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(out.certPath, QSsl::Pem);
    if (certificates.size() != 1) {
        out.error = QStringLiteral("cannot read back ") + out.certPath;
        return out;
    }
    out.certificate = certificates.first();
    return out;
}

} // namespace Minato::Test
