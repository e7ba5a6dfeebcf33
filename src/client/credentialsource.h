#pragma once

// CredentialSource: how a RegistryClient obtains Credentials (credentials.h) when — and only when — a
// registry asks for them (a 401 challenge). It is the one seam between the network side and the stores:
//
//   client.setCredentials(Credentials{user, secret, false});                 // a fixed login (dialog, CLI)
//   client.setCredentialSource(std::make_shared<StoreCredentialSource>(&resolver)); // keychain, config.json,
//                                                                                   // credential helpers
//
// lookup() calls done exactly once, possibly before it returns, with a CredentialLookup: credentials, none
// stored (anonymous access is then tried), or a failure to read the store — which is not "none": a login may
// exist, and the operation ends with ClientError::Kind::CredentialStore instead of going on anonymously.
// If `context` is destroyed first, done must not be called (connect to it).
// The secret is a password, a personal access token or an identity token; it is never logged.

#include "credentials.h"

#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

namespace Minato::Client {

// The answer of CredentialSource::lookup.
struct CredentialLookup
{
    std::optional<Credentials> credentials; // set: found
    std::optional<CredentialError> failure; // set: the store could not be read (never Kind::NotFound)

    static CredentialLookup found(Credentials credentials);
    static CredentialLookup none();
    static CredentialLookup failed(CredentialError error);
    // A credentials value or none, as a fixed source answers.
    static CredentialLookup of(std::optional<Credentials> credentials);
    bool isFailure() const { return failure.has_value(); }
};

class CredentialSource
{
public:
    using Callback = std::function<void(CredentialLookup)>;

    virtual ~CredentialSource() = default;
    // registry: the profile's origin (scheme://host:port), the key docker's config.json uses too.
    virtual void lookup(const QUrl &registry, QObject *context, Callback done) = 0;
};

// Any CredentialStore (usually the CredentialResolver) as a source, asked with normalizeRegistryKey() of
// the registry's origin. NotFound means none (anonymous). NoBackend also means none: a store that does not
// exist on this machine (no Secret Service, a helper not installed) cannot hold a login, and the resolver
// reports it as NotFound with a note anyway. Denied, Timeout and Other are failures (CredentialLookup::
// failed): the login may be there but could not be read, so going on anonymously would show a person
// "sign in" or a reduced view for a registry they did sign in to.
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
    void lookup(const QUrl &, QObject *, Callback done) override { done(CredentialLookup::of(m_credentials)); }

private:
    std::optional<Credentials> m_credentials;
};

} // namespace Minato::Client
