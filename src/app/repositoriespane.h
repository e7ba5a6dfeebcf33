#pragma once

// RepositoriesPane: the middle pane — the repositories of the selected connection as a tree grouped by
// namespace, streamed page by page (the registry's _catalog, or the vendor's API where _catalog is absent:
// Docker Hub namespaces, Harbor projects), with a filter (Ctrl+F) and a count. A registry that cannot list
// repositories gets an empty state that teaches: open a repository by name, or pin it. Failures show as a
// banner in the pane with Retry and, for logins, "Edit connection…".
//
//   pane->setSession(&session);
//   pane->showConnection(u"Local registry"_s);      // starts listing (cancels any listing in progress)
//   connect(pane, &RepositoriesPane::repositorySelected, …);   // connection, repository
//   connect(pane, &RepositoriesPane::connectionState, …);      // reachable or failing, for the sidebar

#include "connectionspane.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTreeView;

namespace Minato::Client {
class ClientError;
class ListQuery;
class VendorApi;
} // namespace Minato::Client

namespace Minato::App {

class AppSession;
class ErrorBanner;
class RepositoryModel;

class RepositoriesPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RepositoriesPane)

public:
    static constexpr int PageSize = 200;

    explicit RepositoriesPane(QWidget *parent = nullptr);
    ~RepositoriesPane() override;

    void setSession(AppSession *session) { m_session = session; }
    void showConnection(const QString &name);
    void reload();
    void clear();
    const QString &connection() const { return m_connection; }
    // Selects the repository in the tree, without a signal: now when it is listed, else as soon as it arrives
    // (Ctrl+L opens a repository while its connection is still listing).
    void selectRepository(const QString &repository);
    QString currentRepository() const;
    void focusFilter();
    bool isLoading() const { return !m_query.isNull(); }

    RepositoryModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    ErrorBanner *banner() const { return m_banner; }
    QLineEdit *filterEdit() const { return m_filter; }

signals:
    void repositorySelected(const QString &connection, const QString &repository);
    void connectionState(const QString &connection, Minato::App::ConnectionsPane::State state, const QString &detail);
    void editConnectionRequested(const QString &connection);
    // Emitted when a listing ends (ok or not); for tests and the status bar.
    void listingFinished(const QString &connection, bool ok);

private:
    void startListing();
    void onFinished(bool ok, const Client::ClientError *error, bool stoppedOnLoop);
    void showNoCatalog(const QString &why);
    void updateCount();
    void onCurrentChanged();
    void openTyped();

    AppSession *m_session = nullptr;
    QString m_connection;
    QString m_pendingRepository; // selectRepository() before the repository was listed
    QPointer<Client::ListQuery> m_query;
    Client::VendorApi *m_vendor = nullptr;
    bool m_dockerHub = false;

    QLabel *m_title = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_count = nullptr;
    ErrorBanner *m_banner = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTreeView *m_view = nullptr;
    QWidget *m_message = nullptr;
    QLabel *m_messageText = nullptr;
    QWidget *m_openRow = nullptr;
    QLineEdit *m_openEdit = nullptr;
    RepositoryModel *m_model = nullptr;
};

} // namespace Minato::App
