#pragma once

// TagsPane: the tags of one repository in a sortable table (tag, short digest, platforms, size, created)
// with its own filter and count. Names stream in page by page (the registry's tags/list, or a vendor API
// that lists sizes and dates with them); the details of the rows on screen come from a
// TagMetadataProvider — visible rows only, through the digest cache, and on Docker Hub never a manifest GET
// (a pull) without the person opening the tag.
//
//   pane->setSession(&session);
//   pane->showRepository(u"Local registry"_s, u"team/app"_s);
//   pane->selectTag(u"v1"_s);                             // now, or as soon as the tag has been listed
//   connect(pane, &TagsPane::tagSelected, …);             // connection, repository, tag

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace Minato::Client {
class ListQuery;
class TagMetadataProvider;
class VendorApi;
struct TagMetadata;
} // namespace Minato::Client

namespace Minato::App {

class AppSession;
class ErrorBanner;
class TagTableModel;

class TagsPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagsPane)

public:
    static constexpr int PageSize = 1000;

    explicit TagsPane(QWidget *parent = nullptr);
    ~TagsPane() override;

    void setSession(AppSession *session) { m_session = session; }
    void showRepository(const QString &connection, const QString &repository);
    void reload();
    void clear();
    const QString &connection() const { return m_connection; }
    const QString &repository() const { return m_repository; }
    void selectTag(const QString &tag);
    QString currentTag() const;
    // The selected tags, in the table's order (the current tag when nothing is selected).
    QStringList selectedTags() const;
    void focusFilter();
    bool isLoading() const { return !m_query.isNull(); }
    // Details learnt elsewhere (the details pane inspected the tag): no request is made for them.
    void supplyMetadata(const Client::TagMetadata &metadata);

    TagTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    ErrorBanner *banner() const { return m_banner; }
    QLineEdit *filterEdit() const { return m_filter; }
    Client::TagMetadataProvider *provider() const { return m_provider; }

signals:
    void tagSelected(const QString &connection, const QString &repository, const QString &tag);
    void listingFinished(const QString &repository, bool ok);
    void editConnectionRequested(const QString &connection);

private:
    void startListing();
    void requestVisible();
    void onCurrentChanged();
    void updateCount();
    void copyReference();
    void copySelectedReferences();

    AppSession *m_session = nullptr;
    QString m_connection;
    QString m_repository;
    QString m_pendingTag;
    QPointer<Client::ListQuery> m_query;
    Client::VendorApi *m_vendor = nullptr;
    Client::TagMetadataProvider *m_provider = nullptr;
    QTimer m_visibleTimer;

    QLabel *m_title = nullptr;
    QToolButton *m_copy = nullptr;
    QToolButton *m_pin = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_count = nullptr;
    ErrorBanner *m_banner = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_message = nullptr;
    TagTableModel *m_model = nullptr;
};

} // namespace Minato::App
