// `login REGISTRY --username U --password-stdin` and `logout REGISTRY`, the way `docker login/logout` do
// them: the login is checked against the registry first (GET /v2/ answering its challenge), then saved
// where docker would save it — the credHelpers/credsStore helper named in ~/.docker/config.json, else
// Minato's keychain entry (KeychainCredentialStore). config.json itself is never written, and the password
// is read from standard input only, never from the command line, and never printed.
#include "clicontext.h"
#include "commands.h"

#include "client/credentialresolver.h"
#include "client/pingquery.h"
#include "client/registryclient.h"

namespace Minato::Cli {

using namespace Minato::Client;

namespace {

QString whereSaved(const CredentialResult &result, CredentialStore &store)
{
    return result.origin().isEmpty() ? store.displayName() : result.origin();
}

} // namespace

int loginCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("login"),
                   tr("Check a login with the registry and save it in the system keychain (or the credential "
                      "helper docker's config.json names for it). The password or token is read from standard "
                      "input: echo \"$TOKEN\" | minatoctl login REGISTRY --username USER --password-stdin"),
                   QStringLiteral("[options] REGISTRY --username USER --password-stdin"));
    cl.addNetwork();
    if (const auto status = cl.parse(arguments, 1, 1)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    if (!ctx.explicitCredentials()) {
        return ctx.usage(tr("give --username USER and the password on standard input with --password-stdin"));
    }
    const auto target = ctx.registryTarget(cl.positional(0));
    if (!target) {
        return ctx.status();
    }
    const Credentials credentials = *ctx.explicitCredentials();
    PingQuery *ping = ctx.makeClient(*target)->ping();
    ping->setAuthenticate(true);
    QObject::connect(ping, &PingQuery::finished, ping, [&ctx, &target, credentials](const PingResult &r) {
        if (!r) {
            ctx.finish(ctx.fail(r.error()));
            return;
        }
        CredentialResolver &store = ctx.credentials();
        store.store(target->registryKey, credentials, qApp, [&ctx, &target, &store](const CredentialResult &saved) {
            if (!saved.ok()) {
                ctx.finish(ctx.failWith(
                    ExitFailure, tr("the login was accepted but could not be saved: %1").arg(saved.error().message())));
                return;
            }
            ctx.out() << tr("Logged in to %1 (saved in %2).").arg(target->registryKey, whereSaved(saved, store))
                      << Qt::endl;
            ctx.finish(ExitOk);
        });
    });
    return ctx.run([ping] { ping->start(); });
}

int logoutCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("logout"),
                   tr("Remove the saved login for a registry from where `login` put it (the keychain, or the "
                      "credential helper docker's config.json names)."),
                   QStringLiteral("REGISTRY"));
    if (const auto status = cl.parse(arguments, 1, 1)) {
        return *status;
    }
    Context ctx(cl);
    const auto target = ctx.registryTarget(cl.positional(0));
    if (!target) {
        return ctx.status();
    }
    CredentialResolver &store = ctx.credentials();
    return ctx.run([&ctx, &target, &store] {
        store.erase(target->registryKey, qApp, [&ctx, &target, &store](const CredentialResult &r) {
            if (!r.ok()) {
                ctx.finish(ctx.failWith(ExitFailure, r.error().message()));
                return;
            }
            ctx.out() << tr("Logged out of %1 (removed from %2).").arg(target->registryKey, whereSaved(r, store))
                      << Qt::endl;
            // docker's own file is never written: say so when it still holds a login for this registry.
            if (store.config().auth(target->registryKey)) {
                ctx.err() << tr("minatoctl logout: note: %1 still holds a login for %2; `docker logout %2` "
                                "removes it.")
                                 .arg(store.config().authFile(target->registryKey), target->registryKey)
                          << Qt::endl;
            }
            ctx.finish(ExitOk);
        });
    });
}

} // namespace Minato::Cli
