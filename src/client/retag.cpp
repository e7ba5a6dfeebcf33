#include "retag.h"

#include "manifestput.h"
#include "manifestquery.h"
#include "registryclient.h"

#include "oci/imageindex.h"
#include "oci/reference.h"

#include <variant>

namespace Minato::Client {

namespace {

// One cross-repository mount, POST /v2/<target>/blobs/uploads/?mount=<digest>&from=<source> (end-11), and
// nothing more: finished(true) for 201 Created; for 202 (an upload session opened instead) the session is
// cancelled with DELETE <Location> — spec "Cancel a blob upload": "Clients SHOULD ignore any failures" — and
// finished(false). Not an upload engine: nothing is ever sent to the session.
class BlobMount final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BlobMount)

public:
    BlobMount(RegistryClient *client, QString target, QString source, Oci::Digest digest, QObject *parent)
        : Operation(client, parent)
        , m_target(std::move(target))
        , m_source(std::move(source))
        , m_digest(std::move(digest))
    {}
    ~BlobMount() override = default;

signals:
    void finished(const Minato::Client::Result<bool> &mounted);

protected:
    void run() override
    {
        const ConnectionProfile &profile = client()->profile();
        const QString target = profile.routes().mount(m_target, m_digest, m_source);
        if (target.isEmpty()) {
            fail(ClientError::invalidRequest(
                QStringLiteral("mount %1 from %2 into %3").arg(m_digest.toString(), m_source, m_target)));
            return;
        }
        HttpRequest request;
        request.method = QByteArrayLiteral("POST");
        request.url = profile.urlFor(target);
        // Pushing into the target, reading from the source (distribution asks for both scopes on a mount).
        request.scopes = {QStringLiteral("repository:%1:pull,push").arg(m_target),
                          QStringLiteral("repository:%1:pull").arg(m_source)};
        // An empty body; a Content-Type keeps Qt from guessing one for the POST.
        request.headers = {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/octet-stream")}};
        request.maxBodyBytes = qint64(64) * 1024;
        send(request);
    }

    void handleResponse(const HttpResponse &response) override
    {
        if (m_cancelling) {
            done(false); // whatever the DELETE answered
            return;
        }
        if (response.status == 201) {
            done(true);
            return;
        }
        if (response.status == 202) {
            const QByteArray location = response.header("Location");
            if (location.isEmpty()) {
                done(false);
                return;
            }
            m_cancelling = true;
            HttpRequest cancelRequest;
            cancelRequest.method = QByteArrayLiteral("DELETE");
            cancelRequest.url = response.url.resolved(QUrl::fromEncoded(location));
            cancelRequest.scopes = {QStringLiteral("repository:%1:pull,push").arg(m_target)};
            cancelRequest.maxBodyBytes = qint64(64) * 1024;
            send(cancelRequest);
            return;
        }
        fail(errorFromResponse(response));
    }

    void handleFailure(const ClientError &error) override
    {
        if (m_cancelling) {
            done(false); // the session times out on the registry's side
            return;
        }
        fail(error);
    }

    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    void done(bool mounted)
    {
        if (beginFinish()) {
            emit finished(mounted);
        }
    }

    QString m_target;
    QString m_source;
    Oci::Digest m_digest;
    bool m_cancelling = false;
};

// What the target needs before this manifest: its config and layers (non-distributable layers with urls
// excepted), or an index's child manifests.
void collect(const Oci::AnyManifest &any, QList<Oci::Descriptor> *blobs, QList<Oci::Descriptor> *children)
{
    if (const auto *manifest = std::get_if<Oci::Manifest>(&any)) {
        blobs->append(manifest->config);
        for (const Oci::Descriptor &layer : manifest->layers) {
            if (layer.isNonDistributable() && !layer.urls.isEmpty()) {
                continue;
            }
            blobs->append(layer);
        }
    } else if (const auto *index = std::get_if<Oci::ImageIndex>(&any)) {
        *children = index->manifests;
    }
}

QString digestList(const QList<Oci::Descriptor> &blobs)
{
    QStringList digests;
    for (const Oci::Descriptor &d : blobs) {
        digests.append(d.digest.toString());
    }
    return digests.join(QStringLiteral(", "));
}

} // namespace

Retag::Retag(RegistryClient *client, Image source, Image target, QObject *parent)
    : CompositeOperation(parent)
    , m_client(client)
    , m_source(std::move(source))
    , m_target(std::move(target))
{}

Retag::~Retag() = default; // sub-operations are children: deleting them aborts them

void Retag::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    if (!m_client) {
        fail(ClientError::invalidRequest(QStringLiteral("retag without a registry client")));
        return;
    }
    for (const QString &name : {m_source.repository, m_target.repository}) {
        if (const auto checked = Oci::Reference::parseRepositoryPath(name); !checked) {
            fail(ClientError::invalidRequest(
                QStringLiteral("repository \"%1\": %2").arg(name, checked.error().message())));
            return;
        }
    }
    if (const auto tag = Oci::Reference::parseTag(m_target.reference); !tag) {
        fail(ClientError::invalidRequest(
            QStringLiteral("new tag \"%1\": %2").arg(m_target.reference, tag.error().message())));
        return;
    }
    m_info.sourceRepository = m_source.repository;
    m_info.sourceReference = m_source.reference;
    m_info.targetRepository = m_target.repository;
    m_info.targetTag = m_target.reference;
    Node top;
    top.reference = m_source.reference;
    top.top = true;
    m_stack.append(top);
    step();
}

void Retag::finishWith(const RetagResult &result)
{
    if (markFinished()) {
        emit finished(result);
    }
}

void Retag::advance()
{
    ++m_done;
    emit progress(m_done, m_total);
}

void Retag::step()
{
    if (isFinished()) {
        return;
    }
    if (m_stack.isEmpty()) {
        if (!m_mustCopy.isEmpty()) {
            fail(ClientError::fromHttp(202, {}, {},
                                       QStringLiteral("POST …/blobs/uploads/?mount= → 202 for %1 (an upload session, "
                                                      "cancelled): the registry did not mount them from %2")
                                           .arg(digestList(m_mustCopy), m_source.repository))
                     .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                                  "The registry would not mount %1 blob(s) of this image from %2 "
                                                  "into %3, so the new tag was not created. Those blobs must be "
                                                  "copied into %3 (copy the image instead of tagging it)."),
                                {QString::number(m_mustCopy.size()), m_source.repository, m_target.repository}));
            return;
        }
        finishWith(m_info);
        return;
    }
    Node &node = m_stack.last();
    if (!node.manifest) {
        fetch(node);
        return;
    }
    while (!node.blobs.isEmpty()) {
        const Oci::Descriptor blob = node.blobs.takeFirst();
        if (!m_tried.contains(blob.digest.toString())) {
            mount(blob);
            return;
        }
    }
    while (!node.children.isEmpty()) {
        const Oci::Descriptor child = node.children.takeFirst();
        if (!m_pushed.contains(child.digest.toString())) {
            Node next;
            next.reference = child.digest.toString();
            m_stack.append(next); // `node` is not used after this
            step();
            return;
        }
    }
    if (!m_mustCopy.isEmpty()) {
        // Nothing can be pushed any more; the walk goes on to list every blob that must be copied.
        m_stack.removeLast();
        step();
        return;
    }
    push(node);
}

void Retag::fetch(Node &node)
{
    auto *query = new ManifestQuery(m_client, m_source.repository, node.reference, ManifestQuery::Method::Get, this);
    m_current = query;
    connect(query, &ManifestQuery::finished, this, [this, query](const ManifestResult &r) {
        query->deleteLater();
        m_current = nullptr;
        onFetched(r);
    });
    query->start();
}

void Retag::onFetched(const ManifestResult &result)
{
    if (!result) {
        fail(result.error());
        return;
    }
    const ManifestInfo &info = result.value();
    Node &node = m_stack.last();
    node.manifest = info.manifest;
    node.mediaType = info.mediaType;
    node.digest = info.digest;
    if (node.top) {
        m_info.digest = info.digest;
        m_info.mediaType = info.mediaType;
        m_info.size = info.size;
    }
    advance();
    if (crossRepository()) {
        if (std::holds_alternative<Oci::Schema1Manifest>(*info.manifest)) {
            fail(ClientError::invalidRequest(QStringLiteral("%1@%2 is a schema 1 manifest, signed for its repository")
                                                 .arg(m_source.repository, info.digest.toString()))
                     .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                                  "This image is in the old Docker schema 1 format, which names its "
                                                  "repository inside its signature, so it cannot be tagged into "
                                                  "another repository. Tag it within %1, or copy it (which converts "
                                                  "it)."),
                                {m_source.repository}));
            return;
        }
        collect(*info.manifest, &node.blobs, &node.children);
        m_total += int(node.blobs.size() + node.children.size() * 2);
    }
    step();
}

void Retag::mount(const Oci::Descriptor &blob)
{
    m_tried.insert(blob.digest.toString());
    auto *op = new BlobMount(m_client, m_target.repository, m_source.repository, blob.digest, this);
    m_current = op;
    connect(op, &BlobMount::finished, this, [this, op, blob](const Result<bool> &r) {
        op->deleteLater();
        m_current = nullptr;
        onMounted(blob, r);
    });
    op->start();
}

void Retag::onMounted(const Oci::Descriptor &blob, const Result<bool> &result)
{
    if (!result) {
        fail(result.error());
        return;
    }
    if (result.value()) {
        m_mounted.insert(blob.digest.toString());
        ++m_info.mountedBlobs;
    } else {
        m_mustCopy.append(blob);
    }
    advance();
    step();
}

void Retag::push(const Node &node)
{
    const QString reference = node.top ? m_target.reference : node.digest.toString();
    const QByteArray bytes = Oci::rawOf(*node.manifest);
    auto *put = new ManifestPut(m_client, m_target.repository, reference, bytes, node.mediaType, this);
    m_current = put;
    connect(put, &ManifestPut::finished, this, [this, put](const ManifestPutResult &r) {
        put->deleteLater();
        m_current = nullptr;
        onPushed(r);
    });
    put->start();
}

void Retag::onPushed(const ManifestPutResult &result)
{
    if (!result) {
        fail(result.error());
        return;
    }
    const Node node = m_stack.takeLast();
    if (result->digest.algorithm() == node.digest.algorithm() && result->digest != node.digest) {
        // ManifestPut verified the registry's digest against the bytes; these are the bytes read from the source.
        fail(ClientError::invalid(
            ClientError::Invalid::DigestMismatch,
            QStringLiteral("pushed %1, read %2").arg(result->digest.toString(), node.digest.toString())));
        return;
    }
    if (!node.top) {
        m_pushed.insert(node.digest.toString());
        ++m_info.childManifests;
    }
    advance();
    step();
}

} // namespace Minato::Client

#include "retag.moc"
