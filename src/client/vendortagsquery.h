#pragma once

// VendorTagsQuery: the tags of one repository from a vendor API that lists them together with digest,
// platforms, size and date (Docker Hub's tags API, Harbor's artifacts API, GCR's tag list, ACR's _manifests).
// It is a ListQuery, so tag names arrive through pageReady() exactly as from TagsQuery, and each page's
// details arrive through metadataReady() — to hand to a TagMetadataProvider, which then makes no registry
// request for those tags.
//
//   VendorTagsQuery *q = vendorApi->tags(QStringLiteral("team/app"));   // nullptr: no such API here
//   connect(q, &ListQuery::pageReady, model, &TagModel::append);
//   q->feed(provider);                                 // every page's TagMetadata → provider->supply()
//   connect(q, &ListQuery::finished, this, [q](const ListResult &) { q->deleteLater(); });
//   q->start();

#include "listquery.h"
#include "tagmetadataprovider.h"

#include <QList>
#include <QPointer>

namespace Minato::Client {

class VendorTagsQuery : public ListQuery
{
    Q_OBJECT

public:
    ~VendorTagsQuery() override;
    Q_DISABLE_COPY_MOVE(VendorTagsQuery)

    const QString &repository() const { return m_repository; }
    // Supplies every page's metadata to `provider` while it lives.
    void feed(TagMetadataProvider *provider) const;

signals:
    // One page's tags with their details (State::Loaded), before the page's names go out.
    void metadataReady(const QList<Minato::Client::TagMetadata> &metadata);

protected:
    VendorTagsQuery(RegistryClient *client, QString repository, int pageSize, QObject *parent);

    // The parser puts a QList<TagMetadata> into ListPage::extra.
    void pageParsed(const ListPage &page, const HttpResponse &response) override;
    QString listKey() const override { return QStringLiteral("tags"); }
    QStringList scopes() const override { return {}; }

private:
    QString m_repository;
};

} // namespace Minato::Client
