#pragma once

// The CNCF reference registry (Debian package docker-registry, distribution 2.8) as a real peer for
// tests: started on a free loopback port with filesystem storage in a temporary directory, delete
// enabled, optionally behind htpasswd Basic auth or token auth; stopped when the object is destroyed.
//
//   ReferenceRegistry registry;
//   REQUIRE(registry.start());                 // waits until GET /v2/ answers
//   QUrl base = registry.baseUrl();            // http://127.0.0.1:PORT
//   QString hostPort = registry.hostPort();    // "127.0.0.1:PORT", for skopeo's docker:// references

#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace Minato::Test {

class ReferenceRegistry
{
public:
    struct Options
    {
        bool deleteEnabled = true;
        QString htpasswdUser; // Basic auth when not empty (bcrypt entry written with htpasswd -B)
        QString htpasswdPassword;
        // Token auth when tokenRealm is not empty: distribution trusts JWTs whose x5c chains to the PEM
        // certificates in tokenRootCertBundle, issued by tokenIssuer for tokenService (auth.token config).
        QString tokenRealm;
        QString tokenService;
        QString tokenIssuer;
        QString tokenRootCertBundle;
    };

    ReferenceRegistry();
    explicit ReferenceRegistry(Options options);
    ~ReferenceRegistry();
    ReferenceRegistry(const ReferenceRegistry &) = delete;
    ReferenceRegistry &operator=(const ReferenceRegistry &) = delete;

    // Starts the server and waits (up to 20 s) until it answers. On failure, errorString() says why.
    bool start();
    QString errorString() const { return m_error; }

    quint16 port() const { return m_port; }
    QString hostPort() const;
    QUrl baseUrl() const;
    QString storageDir() const;

    static QString executable() { return QStringLiteral("/usr/bin/docker-registry"); }

private:
    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_error;
};

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests that start a server next).
quint16 freeLoopbackPort();

} // namespace Minato::Test
