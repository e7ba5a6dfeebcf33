#pragma once

// CredentialSource: how a RegistryClient obtains Credentials (credentials.h) when — and only when — a
// registry asks for them (a 401 challenge). It is the one seam between the network side and the stores:
//
//   client.setCredentials(Credentials{user, secret, false});                 // a fixed login (dialog, CLI)
//   client.setCredentialSource(std::make_shared<StoreCredentialSource>(&resolver)); // keychain, config.json,
//                                                                                   // credential helpers
//
// lookup() calls done exactly once, possibly before it returns; with nullopt for "none stored" (anonymous
// access is then tried). If `context` is destroyed first, done must not be called (connect to it).
// The secret is a password, a personal access token or an identity token; it is never logged.

#include "credentials.h"

#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

namespace Minato::Client {

class CredentialSource
{
public:
    using Callback = std::function<void(std::optional<Credentials>)>;

    virtual ~CredentialSource() = default;
    // registry: the profile's origin (scheme://host:port), the key docker's config.json uses too.
    virtual void lookup(const QUrl &registry, QObject *context, Callback done) = 0;
};

// Any CredentialStore (usually the CredentialResolver) as a source, asked with normalizeRegistryKey() of
// the registry's origin. NotFound means anonymous; other store failures (Timeout, NoBackend, Denied) are
// logged and also mean anonymous, so the registry's own answer (AuthRequired) is what the person sees.
class CredentialStore;
class StoreCredentialSource final : public CredentialSource
{
public:
    explicit StoreCredentialSource(CredentialStore *store)
        : m_store(store)
    {} // not owned; must outlive
    void lookup(const QUrl &registry, QObject *context, Callback done) override;

private:
    CredentialStore *m_store;
};

// Fixed credentials (or none), answered synchronously.
class StaticCredentialSource final : public CredentialSource
{
public:
    StaticCredentialSource() = default;
    explicit StaticCredentialSource(std::optional<Credentials> credentials)
        : m_credentials(std::move(credentials))
    {}
    void lookup(const QUrl &, QObject *, Callback done) override { done(m_credentials); }

private:
    std::optional<Credentials> m_credentials;
};

} // namespace Minato::Client
