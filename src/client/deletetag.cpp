#include "deletetag.h"

#include "authsession.h"
#include "deleteimage.h"
#include "dockerhubapi.h"
#include "harborapi.h"
#include "manifestdelete.h"
#include "manifestquery.h"
#include "registryclient.h"

#include "oci/reference.h"
#include "oci/routes.h"

namespace Minato::Client {

namespace {

// One DELETE to a vendor's own tag API (deletetag.h, step 2): Harbor's with Basic from the connection's
// credentials, Docker Hub's with the hub JWT given, ACR's through the registry's token flow.
class VendorTagDelete final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VendorTagDelete)

public:
    enum class Auth { RegistryToken, Given, HarborBasic };

    VendorTagDelete(RegistryClient *client, HttpRequest request, Auth auth, QObject *parent)
        : Operation(client, parent)
        , m_request(std::move(request))
        , m_auth(auth)
    {}
    ~VendorTagDelete() override = default;

signals:
    void finished(const Minato::Client::Result<int> &status);

protected:
    void run() override
    {
        if (m_auth != Auth::HarborBasic) {
            send(m_request);
            return;
        }
        // Harbor's API takes the same user name and password (or CLI secret) as its registry, as Basic.
        client()->authSession()->requestCredentials(this, [this](const CredentialLookup &lookup) {
            if (isFinished()) {
                return;
            }
            if (lookup.isFailure()) {
                fail(ClientError::credentialStore(lookup.failure->message(),
                                                  QStringLiteral("Harbor API: the credentials could not be read (%1)")
                                                      .arg(lookup.failure->message())));
                return;
            }
            m_sentCredentials = lookup.credentials && !lookup.credentials->isIdentityToken;
            if (m_sentCredentials) {
                m_request.authorization = AuthSession::basicAuthorization(*lookup.credentials);
                m_request.authorizationOrigin = client()->profile().origin();
            }
            send(m_request);
        });
    }

    void handleResponse(const HttpResponse &response) override
    {
        if (response.status >= 200 && response.status < 300) {
            if (beginFinish()) {
                emit finished(response.status);
            }
            return;
        }
        if (response.status == 401 && m_auth != Auth::RegistryToken) {
            if (m_sentCredentials || m_auth == Auth::Given) {
                fail(ClientError::authFailed(response.describe() + QStringLiteral(": credentials refused")));
            } else {
                fail(ClientError::authRequired(response.describe() + QStringLiteral(": sign-in required")));
            }
            return;
        }
        fail(errorFromResponse(response));
    }

    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    HttpRequest m_request;
    Auth m_auth;
    bool m_sentCredentials = false;
};

QString vendorName(ConnectionProfile::Kind kind)
{
    switch (kind) {
    case ConnectionProfile::Kind::DockerHub:
        return QStringLiteral("Docker Hub API");
    case ConnectionProfile::Kind::Harbor:
        return QStringLiteral("Harbor API");
    case ConnectionProfile::Kind::Acr:
        return QStringLiteral("ACR API");
    default:
        break;
    }
    return QStringLiteral("registry API");
}

} // namespace

DeleteTag::DeleteTag(RegistryClient *client, QString repository, QString tag, Options options, QObject *parent)
    : CompositeOperation(parent)
    , m_client(client)
    , m_repository(std::move(repository))
    , m_tag(std::move(tag))
    , m_options(std::move(options))
{}

DeleteTag::~DeleteTag() = default; // sub-operations are children: deleting them aborts them

void DeleteTag::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    if (!m_client) {
        fail(ClientError::invalidRequest(QStringLiteral("tag delete without a registry client")));
        return;
    }
    if (const auto tag = Oci::Reference::parseTag(m_tag); !tag) {
        fail(ClientError::invalidRequest(QStringLiteral("tag \"%1\": %2").arg(m_tag, tag.error().message())));
        return;
    }
    if (m_options.plan && m_options.plan->tag == m_tag && m_options.plan->repository == m_repository &&
        m_options.plan->digest.isValid()) {
        m_plan = m_options.plan;
    }
    auto *del = new ManifestDelete(m_client, m_repository, m_tag, this);
    m_current = del;
    connect(del, &ManifestDelete::finished, this, [this, del](const DeleteResult &r) {
        del->deleteLater();
        m_current = nullptr;
        onTagDeleted(r);
    });
    del->start();
}

void DeleteTag::finishWith(const DeleteResult &result)
{
    if (markFinished()) {
        emit finished(result);
    }
}

bool DeleteTag::hasVendorApi() const
{
    const ConnectionProfile::Kind kind = m_client->profile().kind;
    return kind == ConnectionProfile::Kind::DockerHub || kind == ConnectionProfile::Kind::Harbor ||
           kind == ConnectionProfile::Kind::Acr;
}

void DeleteTag::onTagDeleted(const DeleteResult &result)
{
    if (result) {
        DeleteOutcome outcome = result.value();
        if (m_plan) {
            outcome.digest = m_plan->digest;
        }
        finishWith(outcome);
        return;
    }
    const ClientError &e = result.error();
    if (e.kind() == ClientError::Kind::Cancelled) {
        return;
    }
    // Spec "Deleting tags": 400 or 405 when tag deletion is disabled.
    const bool noTagDelete = e.httpStatus() == 400 || e.httpStatus() == 405;
    const bool tokenRefused = e.kind() == ClientError::Kind::NotFoundOrPrivate;
    m_tagError = e;
    if (hasVendorApi() && (noTagDelete || tokenRefused)) {
        vendorDelete();
        return;
    }
    if (!noTagDelete) {
        fail(e);
        return;
    }
    planThenDecide();
}

void DeleteTag::vendorDelete()
{
    const ConnectionProfile &profile = m_client->profile();
    switch (profile.kind) {
    case ConnectionProfile::Kind::DockerHub: {
        const auto parts = DockerHubApi::splitRepository(m_repository);
        if (!parts) {
            fail(ClientError::invalidRequest(
                QStringLiteral("\"%1\" is not a Docker Hub repository (namespace/name)").arg(m_repository)));
            return;
        }
        if (!m_hub) {
            m_hub = new DockerHubApi(m_client, this);
            if (m_options.dockerHubApiUrl.isValid()) {
                m_hub->setBaseUrl(m_options.dockerHubApiUrl);
            }
        }
        m_hub->signInShared(this, [this](const DockerHubSignInResult &r) {
            if (isFinished()) {
                return;
            }
            if (!r) {
                fail(r.error());
                return;
            }
            if (r->anonymous) {
                fail(ClientError::authRequired(QStringLiteral("Docker Hub API: no credentials to delete a tag with"))
                         .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                                      "Deleting a tag on Docker Hub needs a sign-in: a user name and "
                                                      "a personal access token with the Read, Write, Delete scope.")));
                return;
            }
            vendorDeleteWith(QByteArrayLiteral("Bearer ") + m_hub->accessToken(), {});
        });
        return;
    }
    case ConnectionProfile::Kind::Harbor: {
        if (m_plan) {
            vendorDeleteWith({}, m_plan->digest);
            return;
        }
        // Harbor's tag API names the artifact by digest: a HEAD (no pull) finds it.
        auto *head = new ManifestQuery(m_client, m_repository, m_tag, ManifestQuery::Method::Head, this);
        m_current = head;
        connect(head, &ManifestQuery::finished, this, [this, head](const ManifestResult &r) {
            head->deleteLater();
            m_current = nullptr;
            if (!r) {
                fail(r.error());
                return;
            }
            if (!r->digest.isValid()) {
                fail(ClientError::invalid(
                    ClientError::Invalid::BadContent,
                    QStringLiteral("HEAD %1:%2: no Docker-Content-Digest").arg(m_repository, m_tag)));
                return;
            }
            vendorDeleteWith({}, r->digest);
        });
        head->start();
        return;
    }
    default:
        vendorDeleteWith({}, {});
        return;
    }
}

void DeleteTag::vendorDeleteWith(const QByteArray &authorization, const Oci::Digest &digest)
{
    const ConnectionProfile &profile = m_client->profile();
    HttpRequest request;
    request.method = QByteArrayLiteral("DELETE");
    request.maxBodyBytes = qint64(64) * 1024;
    request.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    VendorTagDelete::Auth auth = VendorTagDelete::Auth::RegistryToken;
    switch (profile.kind) {
    case ConnectionProfile::Kind::DockerHub: {
        const auto parts = DockerHubApi::splitRepository(m_repository);
        request.url =
            m_hub->url(QStringLiteral("/v2/namespaces/%1/repositories/%2/tags/%3")
                           .arg(parts->first, parts->second, QString::fromLatin1(QUrl::toPercentEncoding(m_tag))));
        request.authenticate = false;
        request.authorization = authorization;
        request.authorizationOrigin = m_hub->baseUrl();
        auth = VendorTagDelete::Auth::Given;
        break;
    }
    case ConnectionProfile::Kind::Harbor: {
        const auto parts = HarborPaging::splitRepository(m_repository);
        if (!parts) {
            fail(ClientError::invalidRequest(
                QStringLiteral("\"%1\" is not a Harbor repository (project/name)").arg(m_repository)));
            return;
        }
        request.url = profile.urlFor(QStringLiteral("/api/v2.0/projects/%1/repositories/%2/artifacts/%3/tags/%4")
                                         .arg(QString::fromLatin1(QUrl::toPercentEncoding(parts->first)),
                                              HarborPaging::encodeRepositoryName(parts->second), digest.toString(),
                                              QString::fromLatin1(QUrl::toPercentEncoding(m_tag))));
        request.authenticate = false; // Harbor's API answers Basic, not the registry's token challenge
        auth = VendorTagDelete::Auth::HarborBasic;
        break;
    }
    default: // ACR
        // The data-plane API lives at the host's root; the repository path goes in as is (acrapi.h).
        request.url = profile.urlFor(
            QStringLiteral("/acr/v1/%1/_tags/%2")
                .arg(Oci::Routes::encodeName(m_repository), QString::fromLatin1(QUrl::toPercentEncoding(m_tag))));
        request.scopes = {QStringLiteral("repository:%1:delete").arg(m_repository)};
        break;
    }
    auto *del = new VendorTagDelete(m_client, request, auth, this);
    m_current = del;
    connect(del, &VendorTagDelete::finished, this, [this, del, digest](const Result<int> &r) {
        del->deleteLater();
        m_current = nullptr;
        const ConnectionProfile::Kind kind = m_client ? m_client->profile().kind : ConnectionProfile::Kind::Generic;
        if (!r) {
            fail(explainDeleteError(r.error(), m_repository, m_tag, false, false, kind));
            return;
        }
        DeleteOutcome outcome;
        outcome.repository = m_repository;
        outcome.reference = m_tag;
        outcome.method = DeleteOutcome::Method::VendorTag;
        outcome.via = vendorName(kind);
        outcome.digest = digest.isValid() ? digest : (m_plan ? m_plan->digest : Oci::Digest());
        outcome.removedTags = {m_tag};
        finishWith(outcome);
    });
    del->start();
}

void DeleteTag::planThenDecide()
{
    if (m_plan) {
        decide();
        return;
    }
    DeletePlanQuery::Options options;
    options.referrers = false;
    options.maxTagChecks = m_options.maxTagChecks;
    options.knownTags = m_options.knownTags;
    auto *query = new DeletePlanQuery(m_client, m_repository, m_tag, options, this);
    m_current = query;
    connect(query, &DeletePlanQuery::finished, this, [this, query](const DeletePlanResult &r) {
        query->deleteLater();
        m_current = nullptr;
        if (!r) {
            fail(r.error());
            return;
        }
        m_plan = r.value();
        decide();
    });
    query->start();
}

void DeleteTag::decide()
{
    const DeletePlan &plan = *m_plan;
    QStringList blockers;
    for (const QString &tag : plan.otherTags) {
        if (!m_options.alsoDeleting.contains(tag)) {
            blockers.append(tag);
        }
    }
    const QString digest = plan.digest.toString();
    // What to type instead: the image by digest, with the registry as the person reaches it.
    const QString byDigest = m_client->profile().origin().authority() + u'/' + m_repository + u'@' + digest;
    if (!blockers.isEmpty()) {
        fail(m_tagError.explained(
            QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                              "%2 cannot be deleted alone: this registry deletes images only by digest (it refused "
                              "to delete the tag), and the same image (%4) is also tagged %3. Deleting it would "
                              "remove those tags too. To remove the image with all its tags, delete %5."),
            {m_repository, m_tag, blockers.join(QStringLiteral(", ")), digest, byDigest},
            QStringLiteral("other tags on %1: %2").arg(digest, blockers.join(QStringLiteral(", ")))));
        return;
    }
    QStringList unchecked;
    for (const QString &tag : plan.tagIndex.unchecked) {
        if (!m_options.alsoDeleting.contains(tag)) {
            unchecked.append(tag);
        }
    }
    if (!unchecked.isEmpty()) {
        fail(m_tagError.explained(
            QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                              "%2 cannot be deleted alone: this registry deletes images only by digest (it refused "
                              "to delete the tag), and Minato could not check whether other tags of %1 name the "
                              "same image (%3 of its tags were not checked: too many, or their digests could not be "
                              "read). To remove the image with every tag on it, delete %4."),
            {m_repository, m_tag,
             unchecked.contains(QStringLiteral("*")) ? QStringLiteral("all") : QString::number(unchecked.size()),
             byDigest},
            plan.notes.join(QStringLiteral("; "))));
        return;
    }
    auto *del = new DeleteImage(m_client, plan, this);
    m_current = del;
    connect(del, &DeleteImage::finished, this, [this, del](const DeleteResult &r) {
        del->deleteLater();
        m_current = nullptr;
        if (!r) {
            fail(r.error());
            return;
        }
        DeleteOutcome outcome = r.value();
        outcome.reference = m_tag;
        finishWith(outcome);
    });
    del->start();
}

} // namespace Minato::Client

#include "deletetag.moc"
