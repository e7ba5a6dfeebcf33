// minato-registry: the embedded OCI registry, headless — the same library the app runs in-process.
//
//   minato-registry [serve] [--listen 127.0.0.1:5000] [--root DIR] [--no-fsync] [--no-sendfile] [--read-only]
//                   [--tls-cert FILE --tls-key FILE] [--workers N] [--log-level error|warn|info]
//                   [--htpasswd FILE | --auth-config FILE] [--auth basic|token]
//                   [--token-realm URL] [--token-service NAME] [--token-issuer NAME]
//                   [--token-key PEM --token-cert PEM] [--token-lifetime SECONDS]
//
// --htpasswd: Basic authentication; the file's (bcrypt) users may pull, push and delete everything; no
// anonymous access. --auth-config: the JSON access configuration of accessconfig.h (users, groups, rules).
// --auth overrides the configuration's "auth": token serves Docker's token flow (tokenservice.h) at /token
// on the same port, signing with a key generated at start unless --token-key/--token-cert name one (give
// them, and put the certificate in another registry's rootcertbundle, to let that registry trust our tokens).
// The access configuration is read at start and again on SIGHUP (users, rules, auth mode; a file that does not
// parse keeps the running configuration, with the reason on stderr); the token signing key stays.
//
// SIGINT/SIGTERM stop it gracefully: no new connections, requests in flight finish, then it exits 0.
#include "accessconfig.h"
#include "authenticator.h"
#include "passwordverifier.h"
#include "registry.h"
#include "registryinfo.h"
#include "requestlog.h"
#include "rulesauthorizer.h"
#include "server.h"
#include "signingkey.h"
#include "tokenservice.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QMutex>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <optional>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("minato-registry", text);
}

// Self-pipe: the signal handler only writes a byte; the event loop reads it and stops the server.
int g_signalFds[2] = {-1, -1};

void onSignal(int signal)
{
    const char byte = signal == SIGHUP ? 2 : 1; // 2: reload the access configuration; 1: stop
    [[maybe_unused]] const auto n = ::write(g_signalFds[0], &byte, 1);
}

// Many parallel pushes and pulls each hold files and sockets: lift the soft descriptor limit to the hard one.
void raiseFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// "127.0.0.1:5000", "[::1]:5000", "localhost:5000", ":5000" (all interfaces), "5000".
bool parseListen(const QString &text, QHostAddress *address, quint16 *port, QString *error)
{
    QString host;
    QString portText = text;
    const qsizetype colon = text.lastIndexOf(u':');
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0 || close + 1 >= text.size() || text.at(close + 1) != u':') {
            *error = tr("write an IPv6 address as [::1]:5000");
            return false;
        }
        host = text.mid(1, close - 1);
        portText = text.mid(close + 2);
    } else if (colon >= 0) {
        host = text.left(colon);
        portText = text.mid(colon + 1);
    }
    bool ok = false;
    const uint value = portText.toUInt(&ok);
    if (!ok || value > 65535) {
        *error = tr("the port must be a number from 0 to 65535");
        return false;
    }
    *port = static_cast<quint16>(value);
    if (host.isEmpty()) {
        *address = QHostAddress(QHostAddress::Any);
    } else if (host == u"localhost") {
        *address = QHostAddress(QHostAddress::LocalHost);
    } else if (!address->setAddress(host)) {
        *error = tr("\"%1\" is not an IP address (use 127.0.0.1, [::1], 0.0.0.0 or localhost)").arg(host);
        return false;
    }
    return true;
}

QString tokenOptionsRealm(const Minato::Registry::TokenServiceOptions &options)
{
    return options.realm.isEmpty() ? QString::fromLatin1(options.path) : options.realm;
}

// Where the access configuration comes from: read at start, and again on SIGHUP.
struct AccessSource
{
    QString htpasswd;   // --htpasswd
    QString authConfig; // --auth-config
    QString mode;       // --auth: "", "basic" or "token"

    bool isSet() const { return !htpasswd.isEmpty() || !authConfig.isEmpty(); }

    Minato::Oci::Expected<Minato::Registry::AccessConfig> load() const
    {
        using Minato::Registry::AccessConfig;
        auto loaded = !htpasswd.isEmpty() ? AccessConfig::fromHtpasswdFile(htpasswd) : AccessConfig::load(authConfig);
        if (loaded && !mode.isEmpty()) {
            loaded.value().auth = mode == u"token" ? AccessConfig::Auth::Token : AccessConfig::Auth::Basic;
        }
        return loaded;
    }
};

// Installs an access configuration on the registry: rules, and Basic or token authentication. The token
// signing key is made once (generated unless given) and kept across reloads, so that tokens already
// handed out stay valid. Returns a one-line summary, or an error.
struct AccessState
{
    std::optional<Minato::Registry::SigningKey> key;
    Minato::Registry::TokenServiceOptions tokenOptions;
    QString keyPath;
    QString certificatePath;

    Minato::Oci::Expected<QString> apply(Minato::Registry::Registry &registry,
                                         const Minato::Registry::AccessConfig &access)
    {
        using namespace Minato::Registry;
        auto rules = std::make_shared<RulesAuthorizer>(access);
        auto verifier = std::make_shared<PasswordVerifier>(access.users);
        QString mode = tr("no authentication");
        std::shared_ptr<TokenService> tokens;
        if (access.auth == AccessConfig::Auth::Token) {
            if (!key) {
                auto made = keyPath.isEmpty() ? SigningKey::generate(tokenOptions.issuer)
                                              : SigningKey::load(keyPath, certificatePath);
                if (!made) {
                    return made.error();
                }
                key = *made;
            }
            tokens = std::make_shared<TokenService>(*key, tokenOptions, verifier, rules);
            mode = tr("token authentication (%1 signed tokens, endpoint %2)")
                       .arg(key->algorithm(), tokenOptionsRealm(tokenOptions));
        }
        registry.setAuthorizer(rules);
        if (access.auth == AccessConfig::Auth::Basic) {
            registry.setAuthenticator(std::make_shared<BasicAuthenticator>(verifier));
            mode = tr("Basic authentication");
        } else if (tokens) {
            registry.setTokenService(tokens);
        } else {
            registry.setAuthenticator(nullptr);
        }
        return tr("access control on: %1, %2 user(s), %3 rule(s), anonymous pull %4")
            .arg(mode, QString::number(access.users.size()), QString::number(access.rules.size()),
                 access.anonymousPull ? tr("on") : tr("off"));
    }
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("minato-registry"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MINATO_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Minato's OCI registry (distribution-spec %1), headless.").arg(Minato::Registry::distributionSpecVersion()));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), tr("serve (the default)"));
    const QCommandLineOption listen(QStringList{QStringLiteral("listen"), QStringLiteral("addr")},
                                    tr("Address and port to listen on (default 127.0.0.1:5000)."),
                                    QStringLiteral("host:port"), QStringLiteral("127.0.0.1:5000"));
    const QCommandLineOption root(QStringLiteral("root"), tr("Data directory (default ./registry-data)."),
                                  QStringLiteral("dir"), QStringLiteral("registry-data"));
    const QCommandLineOption noFsync(QStringLiteral("no-fsync"),
                                     tr("Do not fsync before renames: faster, for throwaway CI registries."));
    const QCommandLineOption noSendfile(QStringLiteral("no-sendfile"),
                                        tr("Send blobs by copying them through user space instead of with "
                                           "sendfile(2) (plain HTTP on Linux; TLS always copies). For comparison."));
    const QCommandLineOption readOnly(QStringLiteral("read-only"), tr("Refuse pushes and deletes."));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"), tr("PEM certificate (chain) to serve HTTPS."),
                                     QStringLiteral("file"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"), tr("PEM private key for --tls-cert."),
                                    QStringLiteral("file"));
    const QCommandLineOption workers(QStringLiteral("workers"), tr("Worker threads (default: one per core)."),
                                     QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption logLevel(QStringLiteral("log-level"),
                                      tr("error, warn or info (info logs one line per request; default)."),
                                      QStringLiteral("level"), QStringLiteral("info"));
    const QCommandLineOption htpasswd(QStringLiteral("htpasswd"),
                                      tr("Basic authentication with the bcrypt users of this htpasswd file; they "
                                         "may pull, push and delete everything, anonymous requests nothing."),
                                      QStringLiteral("file"));
    const QCommandLineOption authConfig(QStringLiteral("auth-config"),
                                        tr("Access configuration (JSON: auth, users, groups, rules)."),
                                        QStringLiteral("file"));
    const QCommandLineOption authMode(QStringLiteral("auth"),
                                      tr("basic or token (Docker's token flow, endpoint /token); overrides the "
                                         "access configuration's \"auth\"."),
                                      QStringLiteral("mode"));
    const QCommandLineOption tokenRealm(QStringLiteral("token-realm"),
                                        tr("Token endpoint URL announced to clients (default: this server's "
                                           "/token, as each client reached it)."),
                                        QStringLiteral("url"));
    const QCommandLineOption tokenService(QStringLiteral("token-service"),
                                          tr("Service name in challenges and tokens (default minato-registry)."),
                                          QStringLiteral("name"), QStringLiteral("minato-registry"));
    const QCommandLineOption tokenIssuer(QStringLiteral("token-issuer"),
                                         tr("Issuer name in tokens (default minato-registry)."), QStringLiteral("name"),
                                         QStringLiteral("minato-registry"));
    const QCommandLineOption tokenKey(QStringLiteral("token-key"),
                                      tr("PEM private key (EC P-256 or RSA) to sign tokens with (default: "
                                         "generated at start, in memory)."),
                                      QStringLiteral("file"));
    const QCommandLineOption tokenCert(QStringLiteral("token-cert"), tr("PEM certificate of --token-key."),
                                       QStringLiteral("file"));
    const QCommandLineOption tokenLifetime(QStringLiteral("token-lifetime"),
                                           tr("Seconds an access token is valid (default 300)."),
                                           QStringLiteral("seconds"), QStringLiteral("300"));
    for (const auto *option :
         {&listen, &root, &noFsync, &noSendfile, &readOnly, &tlsCert, &tlsKey, &workers, &logLevel, &htpasswd,
          &authConfig, &authMode, &tokenRealm, &tokenService, &tokenIssuer, &tokenKey, &tokenCert, &tokenLifetime}) {
        parser.addOption(*option);
    }
    parser.process(app);

    QTextStream err(stderr);
    const QStringList args = parser.positionalArguments();
    const QString command = args.isEmpty() ? QStringLiteral("serve") : args.first();
    if (command != u"serve") {
        err << tr("minato-registry: unknown command \"%1\"; try --help.").arg(command) << Qt::endl;
        return 2;
    }
    const QString level = parser.value(logLevel);
    if (level != u"error" && level != u"warn" && level != u"info") {
        err << tr("minato-registry: --log-level must be error, warn or info.") << Qt::endl;
        return 2;
    }

    Minato::Registry::ServerOptions serverOptions;
    QString listenError;
    if (!parseListen(parser.value(listen), &serverOptions.address, &serverOptions.port, &listenError)) {
        err << tr("minato-registry: --listen %1: %2.").arg(parser.value(listen), listenError) << Qt::endl;
        return 2;
    }
    serverOptions.workerCount = parser.value(workers).toInt();
    serverOptions.limits.sendFile = !parser.isSet(noSendfile);
    if (parser.isSet(tlsCert) != parser.isSet(tlsKey)) {
        err << tr("minato-registry: --tls-cert and --tls-key go together.") << Qt::endl;
        return 2;
    }
    serverOptions.tls.certificatePath = parser.value(tlsCert);
    serverOptions.tls.privateKeyPath = parser.value(tlsKey);

    if (parser.isSet(htpasswd) && parser.isSet(authConfig)) {
        err << tr("minato-registry: use either --htpasswd or --auth-config.") << Qt::endl;
        return 2;
    }
    AccessSource accessSource{parser.value(htpasswd), parser.value(authConfig), parser.value(authMode)};
    if (!accessSource.mode.isEmpty() &&
        (!accessSource.isSet() || (accessSource.mode != u"basic" && accessSource.mode != u"token"))) {
        err << tr("minato-registry: --auth basic|token needs --htpasswd or --auth-config.") << Qt::endl;
        return 2;
    }
    std::optional<Minato::Registry::AccessConfig> access;
    if (accessSource.isSet()) {
        const auto loaded = accessSource.load();
        if (!loaded) {
            err << tr("minato-registry: %1").arg(loaded.error().message()) << Qt::endl;
            return 2;
        }
        access = *loaded;
    }
    if (parser.isSet(tokenKey) != parser.isSet(tokenCert)) {
        err << tr("minato-registry: --token-key and --token-cert go together.") << Qt::endl;
        return 2;
    }
    bool lifetimeOk = false;
    const int lifetime = parser.value(tokenLifetime).toInt(&lifetimeOk);
    if (!lifetimeOk || lifetime < 1 || lifetime > 24 * 3600) {
        err << tr("minato-registry: --token-lifetime must be 1 to 86400 seconds.") << Qt::endl;
        return 2;
    }
    AccessState accessState;
    accessState.tokenOptions.realm = parser.value(tokenRealm);
    accessState.tokenOptions.service = parser.value(tokenService);
    accessState.tokenOptions.issuer = parser.value(tokenIssuer);
    accessState.tokenOptions.lifetimeSeconds = lifetime;
    accessState.keyPath = parser.value(tokenKey);
    accessState.certificatePath = parser.value(tokenCert);

    raiseFileLimit();

    Minato::Registry::Registry::Options registryOptions;
    registryOptions.fsync = !parser.isSet(noFsync);
    registryOptions.readOnly = parser.isSet(readOnly);
    const QString rootDir = QDir(parser.value(root)).absolutePath();
    if (!QDir().mkpath(rootDir)) {
        err << tr("minato-registry: cannot create the data directory %1.").arg(rootDir) << Qt::endl;
        return 1;
    }
    Minato::Registry::Registry registry(rootDir, registryOptions);
    if (!registry.isOpen()) {
        err << tr("minato-registry: %1").arg(registry.errorString()) << Qt::endl;
        return 1;
    }

    QString accessSummary;
    if (access) {
        const auto applied = accessState.apply(registry, *access);
        if (!applied) {
            err << tr("minato-registry: %1").arg(applied.error().message()) << Qt::endl;
            return 2;
        }
        accessSummary = *applied;
    }

    // One line per request on stdout; several workers write at once, so serialise the lines.
    auto outMutex = std::make_shared<QMutex>();
    const bool logRequests = level == u"info";
    auto handler = std::make_shared<Minato::Registry::RequestLog>(registry.handler(), [outMutex, logRequests](
                                                                                          const QString &line) {
        if (!logRequests) {
            return;
        }
        QMutexLocker lock(outMutex.get());
        QTextStream(stdout) << QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) << u' ' << line << Qt::endl;
    });

    Minato::Registry::Server server(handler);
    if (!server.start(serverOptions)) {
        err << tr("minato-registry: cannot listen on %1: %2").arg(parser.value(listen), server.lastError()) << Qt::endl;
        return 1;
    }
    const QString scheme = serverOptions.tls.enabled() ? QStringLiteral("https") : QStringLiteral("http");
    const QString host = serverOptions.address.protocol() == QAbstractSocket::IPv6Protocol
                             ? u'[' + serverOptions.address.toString() + u']'
                             : serverOptions.address.toString();
    if (level != u"error") {
        QTextStream(stdout) << tr("minato-registry %1 serving %2://%3:%4 from %5 (%6 workers)")
                                   .arg(QStringLiteral(MINATO_VERSION), scheme, host, QString::number(server.port()),
                                        rootDir, QString::number(server.workerCount()))
                            << Qt::endl;
    }

    if (access && level != u"error") {
        QTextStream(stdout) << QStringLiteral("minato-registry: ") << accessSummary << Qt::endl;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFds) == 0) {
        auto *notifier = new QSocketNotifier(g_signalFds[1], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [&, notifier] {
            char byte = 0;
            [[maybe_unused]] const auto n = ::read(g_signalFds[1], &byte, 1);
            if (byte == 2) {
                // SIGHUP: read the access configuration again; a broken file keeps the current one.
                if (!accessSource.isSet()) {
                    err << tr("minato-registry: SIGHUP: no --htpasswd or --auth-config to reload.") << Qt::endl;
                    return;
                }
                const auto reloaded = accessSource.load();
                const auto applied = reloaded ? accessState.apply(registry, *reloaded)
                                              : Minato::Oci::Expected<QString>(reloaded.error());
                if (!applied) {
                    err << tr("minato-registry: reload failed, the current access configuration stays: %1")
                               .arg(applied.error().message())
                        << Qt::endl;
                    return;
                }
                QTextStream(stdout) << tr("minato-registry: reloaded; %1").arg(*applied) << Qt::endl;
                return;
            }
            notifier->setEnabled(false);
            if (level != u"error") {
                QTextStream(stdout) << tr("minato-registry: stopping (requests in flight finish first)") << Qt::endl;
            }
            server.stop();
        });
        struct sigaction action
        {};
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGTERM, &action, nullptr);
        sigaction(SIGHUP, &action, nullptr);
    }
    QObject::connect(&server, &Minato::Registry::Server::stopped, &app, [] { QCoreApplication::quit(); });
    return QCoreApplication::exec();
}
