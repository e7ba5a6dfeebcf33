#pragma once

// CredentialResolver: decides where a registry's login comes from, in docker's order, and answers like any
// CredentialStore, so that RegistryClient needs nothing else:
//
//   auto config = DockerConfig::load();                       // report config.error() if it failed
//   KeychainCredentialStore keychain;
//   CredentialResolver resolver(config.value(), &keychain);   // keychain must outlive the resolver
//   resolver.lookup(u"ghcr.io", this, [](const CredentialResult &r) {
//       if (r.ok()) { … r.credentials() …, r.origin() says where from }
//       else if (r.isNotFound()) { … anonymous … }
//   });
//
// lookup asks, in order, stopping at the first login found:
//   1. the helper in "credHelpers" for this registry (docker-credential-<name>);
//   2. the "credsStore" helper;
//   3. "auths" in config.json, then podman's auth.json (see DockerConfig);
//   4. Minato's own store (the system keychain), when one is given.
// Docker itself stops at the first of 1–3 that is configured; Minato goes on when a source has no login
// (NotFound) or cannot be used at all (NoBackend: a helper that is not installed, a machine without a
// keychain), because a desktop app meets stale configurations (e.g. "credsStore": "desktop" copied from
// another machine) and should still find the login saved elsewhere. Any other failure (Timeout, Denied,
// Other) ends the lookup with that error: a login may exist but could not be read, and quietly using
// another one (or none) would be wrong. When nothing is found the result is NotFound, and its message names
// the sources that were asked and the ones that could not be used.
//
// store and erase go where `docker login`/`docker logout` would put them: the credHelpers helper for the
// registry, else the credsStore helper, else Minato's own store. config.json and auth.json are never
// written: secrets never go to a plain file.
//
// Each helper gets timeout() (15 s by default), the own store its own timeout (keep it no longer); a whole
// lookup gets three times timeout() plus a second.

#include "credentialstore.h"
#include "dockerconfig.h"

#include <functional>
#include <memory>

namespace Minato::Client {

namespace Detail {
struct ResolverState;
} // namespace Detail

class CredentialResolver final : public CredentialStore
{
public:
    // `ownStore` may be null (no keychain step); it is not owned and must outlive the resolver.
    explicit CredentialResolver(DockerConfig config, CredentialStore *ownStore = nullptr);
    ~CredentialResolver() override;
    Q_DISABLE_COPY_MOVE(CredentialResolver)

    const DockerConfig &config() const;
    QString displayName() const override;

protected:
    std::chrono::milliseconds jobTimeout() const override;
    void startLookup(CredentialJob *job) override;
    void startStore(CredentialJob *job, const Credentials &credentials) override;
    void startErase(CredentialJob *job) override;

private:
    // Starts `operation` on the store `docker login` would write to for this job's registry.
    void startOnWriteTarget(CredentialJob *job, const std::function<CredentialJob *(CredentialStore &)> &operation);

    // Shared with running lookups, so that a lookup outliving the resolver stays safe.
    std::shared_ptr<Detail::ResolverState> m_state;
};

} // namespace Minato::Client
