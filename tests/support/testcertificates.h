#pragma once

// Certificates for TLS tests, made with the openssl CLI (EC P-256 keys: fast to generate): a self-signed
// certificate for given subject alternative names, written as <name>.pem and <name>-key.pem in a folder.
//
//   QTemporaryDir dir;
//   const TestCertificate server = TestCertificate::selfSigned(dir.path(), u"server"_s, u"localhost"_s,
//                                                              u"IP:127.0.0.1,DNS:localhost"_s);
//   REQUIRE(server.ok());                                  // server.error says why not
//   registry.start({"--tls-cert", server.certPath, "--tls-key", server.keyPath});
//   profile.caCertificateFile = server.certPath;           // a self-signed certificate is its own CA

#include <QSslCertificate>
#include <QString>

namespace Minato::Test {

struct TestCertificate
{
    QString certPath;
    QString keyPath;
    QSslCertificate certificate;
    QString error;

    bool ok() const { return error.isEmpty(); }
    static TestCertificate selfSigned(const QString &dir, const QString &name, const QString &commonName,
                                      const QString &subjectAltNames);
};

} // namespace Minato::Test
