#pragma once

// Helpers for the minatoctl suites: run the real minatoctl binary as a process in an environment of its own
// (settings, docker config and keychain service private to the test), and start either real registry —
// the CNCF reference registry or minato-registry — behind one interface.
//
//   CliEnvironment env;                                    // temp XDG_CONFIG_HOME, DOCKER_CONFIG, keychain service
//   CliRun r = env.run({u"tags"_s, registry.hostPort() + u"/team/app"_s, u"--json"_s});
//   CHECK(r.exitCode == 0);  r.json().array();
//   AnyRegistry registry(AnyRegistry::Kind::Embedded, {u"--htpasswd"_s, file});

#include "embeddedregistryprocess.h"
#include "referenceregistry.h"
#include "testsupport.h"

#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QUuid>

#include <memory>

namespace Minato::Test {

struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QString err;

    QJsonDocument json() const { return QJsonDocument::fromJson(out); }
    QString text() const { return QString::fromUtf8(out); }
};

class CliEnvironment
{
public:
    CliEnvironment()
        : m_service(QStringLiteral("Minato-cli-tests-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
    {
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        m_env.insert(QStringLiteral("DOCKER_CONFIG"), m_dir.filePath(QStringLiteral("docker")));
        m_env.insert(QStringLiteral("REGISTRY_AUTH_FILE"), m_dir.filePath(QStringLiteral("auth.json")));
        m_env.insert(QStringLiteral("MINATO_KEYCHAIN_SERVICE"), m_service);
    }

    const QString &keychainService() const { return m_service; }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QProcessEnvironment &environment() { return m_env; }

    CliRun run(const QStringList &args, const QByteArray &input = {}, int timeoutMs = 60000) const
    {
        QProcess p;
        p.setProcessEnvironment(m_env);
        p.start(binaryPath(u"minatoctl"), args);
        REQUIRE(p.waitForStarted(10000));
        if (!input.isEmpty()) {
            p.write(input);
        }
        p.closeWriteChannel();
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            FAIL("minatoctl " << args.join(u' ').toStdString() << " did not finish");
        }
        CliRun r{p.exitCode(), p.readAllStandardOutput(), QString::fromUtf8(p.readAllStandardError())};
        return r;
    }

private:
    QTemporaryDir m_dir;
    QString m_service;
    QProcessEnvironment m_env;
};

// Either real registry, started on a free loopback port.
class AnyRegistry
{
public:
    enum class Kind { Reference, Embedded };

    // For Reference, htpasswd auth when user is non-empty; for Embedded, extra `serve` arguments.
    explicit AnyRegistry(Kind kind, const QStringList &embeddedArguments = {}, const QString &user = {},
                         const QString &password = {})
        : m_kind(kind)
        , m_arguments(embeddedArguments)
    {
        if (kind == Kind::Reference) {
            ReferenceRegistry::Options options;
            options.htpasswdUser = user;
            options.htpasswdPassword = password;
            m_reference = std::make_unique<ReferenceRegistry>(options);
        } else {
            m_embedded = std::make_unique<EmbeddedRegistryProcess>();
        }
    }

    bool start() { return m_reference ? m_reference->start() : m_embedded->start(m_arguments); }
    QString errorString() const { return m_reference ? m_reference->errorString() : m_embedded->errorString(); }
    QString hostPort() const { return m_reference ? m_reference->hostPort() : m_embedded->hostPort(); }
    QString name() const
    {
        return m_kind == Kind::Reference ? QStringLiteral("reference registry") : QStringLiteral("minato-registry");
    }

private:
    Kind m_kind;
    QStringList m_arguments;
    std::unique_ptr<ReferenceRegistry> m_reference;
    std::unique_ptr<EmbeddedRegistryProcess> m_embedded;
};

} // namespace Minato::Test
