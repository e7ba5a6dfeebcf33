#include "credentialresolver.h"

#include "credentialhelper.h"

#include <QStringList>

namespace Minato::Client {

namespace Detail {

struct ResolverState
{
    DockerConfig config;
    CredentialStore *ownStore = nullptr; // cleared when the resolver goes
    std::chrono::milliseconds stepTimeout = CredentialStore::DefaultTimeout;
};

} // namespace Detail

namespace {

using Detail::ResolverState;

struct Step
{
    enum class Type { Helper, Auths, OwnStore };
    Type type;
    QString helper; // for Type::Helper
};

// One lookup walking the steps; lives as long as the outer job (its QObject parent).
class LookupChain final : public QObject
{
public:
    LookupChain(CredentialJob *outer, std::shared_ptr<ResolverState> state, QList<Step> steps)
        : QObject(outer)
        , m_outer(outer)
        , m_state(std::move(state))
        , m_steps(std::move(steps))
    {}
    Q_DISABLE_COPY_MOVE(LookupChain)

    void next()
    {
        while (m_index < m_steps.size()) {
            const Step step = m_steps.at(m_index++);
            switch (step.type) {
            case Step::Type::Helper: {
                CredentialHelper helper(step.helper);
                helper.setTimeout(m_state->stepTimeout);
                m_asked.append(helper.displayName());
                ask(helper.lookup(m_outer->registryKey()));
                return;
            }
            case Step::Type::Auths: {
                const DockerConfig &config = m_state->config;
                if (config.files().isEmpty()) {
                    continue;
                }
                m_asked.append(config.files().join(QStringLiteral(", ")));
                if (const auto credentials = config.auth(m_outer->registryKey())) {
                    m_outer->finish(CredentialResult::success(*credentials, config.authFile(m_outer->registryKey())));
                    return;
                }
                continue;
            }
            case Step::Type::OwnStore:
                if (m_state->ownStore == nullptr) {
                    continue;
                }
                m_asked.append(m_state->ownStore->displayName());
                ask(m_state->ownStore->lookup(m_outer->registryKey()));
                return;
            }
        }
        QString message = CredentialStore::tr("No login for %1 was found (looked in: %2).")
                              .arg(m_outer->registryKey(), m_asked.isEmpty() ? CredentialStore::tr("nothing to ask")
                                                                             : m_asked.join(QStringLiteral("; ")));
        for (const QString &note : std::as_const(m_unusable)) {
            message += u' ' + note;
        }
        m_outer->fail(CredentialError::Kind::NotFound, message);
    }

private:
    void ask(CredentialJob *inner)
    {
        connect(inner, &CredentialJob::finished, this, [this](const CredentialResult &result) {
            if (result.ok()) {
                m_outer->finish(result);
                return;
            }
            switch (result.error().kind()) {
            case CredentialError::Kind::NoBackend:
                m_unusable.append(result.error().message());
                [[fallthrough]];
            case CredentialError::Kind::NotFound:
                next();
                return;
            case CredentialError::Kind::Denied:
            case CredentialError::Kind::Timeout:
            case CredentialError::Kind::Other:
                m_outer->finish(result);
                return;
            }
        });
    }

    CredentialJob *m_outer;
    std::shared_ptr<ResolverState> m_state;
    QList<Step> m_steps;
    qsizetype m_index = 0;
    QStringList m_asked;
    QStringList m_unusable;
};

void forward(CredentialJob *inner, CredentialJob *outer)
{
    QObject::connect(inner, &CredentialJob::finished, outer,
                     [outer](const CredentialResult &result) { outer->finish(result); });
}

} // namespace

CredentialResolver::CredentialResolver(DockerConfig config, CredentialStore *ownStore)
    : m_state(std::make_shared<ResolverState>())
{
    m_state->config = std::move(config);
    m_state->ownStore = ownStore;
}

CredentialResolver::~CredentialResolver()
{
    m_state->ownStore = nullptr;
}

const DockerConfig &CredentialResolver::config() const
{
    return m_state->config;
}

QString CredentialResolver::displayName() const
{
    return tr("the docker configuration and Minato's keychain");
}

std::chrono::milliseconds CredentialResolver::jobTimeout() const
{
    return timeout() * 3 + std::chrono::milliseconds(1000);
}

void CredentialResolver::startLookup(CredentialJob *job)
{
    m_state->stepTimeout = timeout();
    const DockerConfig &config = m_state->config;
    QList<Step> steps;
    const QString perRegistry = config.credHelper(job->registryKey());
    if (!perRegistry.isEmpty()) {
        steps.append({Step::Type::Helper, perRegistry});
    }
    if (!config.credsStore().isEmpty() && config.credsStore() != perRegistry) {
        steps.append({Step::Type::Helper, config.credsStore()});
    }
    steps.append({Step::Type::Auths, {}});
    steps.append({Step::Type::OwnStore, {}});
    auto *chain = new LookupChain(job, m_state, std::move(steps));
    chain->next();
}

void CredentialResolver::startOnWriteTarget(CredentialJob *job,
                                            const std::function<CredentialJob *(CredentialStore &)> &operation)
{
    QString helperName = m_state->config.credHelper(job->registryKey());
    if (helperName.isEmpty()) {
        helperName = m_state->config.credsStore();
    }
    if (!helperName.isEmpty()) {
        CredentialHelper helper(helperName);
        helper.setTimeout(timeout());
        forward(operation(helper), job);
        return;
    }
    if (m_state->ownStore != nullptr) {
        forward(operation(*m_state->ownStore), job);
        return;
    }
    job->fail(CredentialError::Kind::NoBackend,
              tr("There is nowhere to save a login for %1: the docker configuration names no credential helper "
                 "and no keychain is available.")
                  .arg(job->registryKey()));
}

void CredentialResolver::startStore(CredentialJob *job, const Credentials &credentials)
{
    const QString key = job->registryKey();
    startOnWriteTarget(job, [&key, &credentials](CredentialStore &store) { return store.store(key, credentials); });
}

void CredentialResolver::startErase(CredentialJob *job)
{
    const QString key = job->registryKey();
    startOnWriteTarget(job, [&key](CredentialStore &store) { return store.erase(key); });
}

} // namespace Minato::Client
