#pragma once

// The main window: it only assembles features — connections (sidebar), repositories, tags and details —
// and owns the menus, shortcuts and the settings of the window. Each feature is its own widget; the
// registry work happens in src/client through AppSession.
//
//   MainWindow window;                 // the app's settings, keychain and caches
//   MainWindow window(&session);       // tests: a session on temp files and an in-memory credential store
//   window.show();
//   window.openReference(u"ghcr.io/org/app:1.2"_s);   // Ctrl+L: adds a connection when needed

#include <QMainWindow>
#include <QPointer>

class QDockWidget;
class QLabel;

#include <memory>

namespace Minato::Client {
class RegistryClient;
}

namespace Ui {
class MainWindow;
}

namespace Minato::App {

class AppSession;
class ConnectionsPane;
class DetailsPane;
class RepositoriesPane;
class TagsPane;
class TaskListModel;
class TasksPane;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    explicit MainWindow(AppSession *session, QWidget *parent = nullptr);
    ~MainWindow() override;

    AppSession *session() const { return m_session; }
    ConnectionsPane *connectionsPane() const;
    RepositoriesPane *repositoriesPane() const;
    TagsPane *tagsPane() const;
    DetailsPane *detailsPane() const;
    // Long jobs (copies, deletes of many tags): they outlive the panes, and the window asks before closing
    // while one runs.
    TaskListModel *tasks() const { return m_tasks; }
    TasksPane *tasksPane() const { return m_tasksPane; }
    QDockWidget *tasksDock() const { return m_tasksDock; }

    // Opens "host/repo:tag" or "…@sha256:…" (docker's reference grammar, "nginx" meaning Docker Hub):
    // selects or adds the connection, opens the repository and the tag. Returns a sentence when the text
    // is not a reference.
    QString openReference(const QString &text);

public slots:
    void showAbout();
    void showShortcuts();
    void addConnection();
    void editConnection(const QString &name);
    void removeConnection(const QString &name);
    void goToReference();
    void refresh();
    void focusFilter();
    void searchAll(); // Ctrl+K: every connection's repositories, one list (SearchDialog)
    // The tag shown (or the tags selected) in the tags pane: the copy dialog, the delete confirmation.
    void retag();
    void copyTo();
    void deleteTags();
    void cleanUp(); // retention rules for the repository shown, with a preview
    void exportTag();
    void compareTags(); // the two selected tags, or the current one and another chosen in the dialog
    void importImage(); // into the connection shown

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void setUp();
    void setUpToolBar();
    void setUpTheme();
    void restoreState();
    void saveState();
    void showConnection(const QString &name);
    void showLoginFileProblem(const QString &problem);
    void setUpTasks();
    // Docker Hub's pull rate limit of the connection shown, in the status bar (from responses that carried it).
    void followPullRateLimit(const QString &connection);
    void updatePullRateLimit();
    void updateTagActions();

    std::unique_ptr<AppSession> m_ownedSession;
    AppSession *m_session = nullptr;
    std::unique_ptr<Ui::MainWindow> m_ui;
    TaskListModel *m_tasks = nullptr;
    TasksPane *m_tasksPane = nullptr;
    QDockWidget *m_tasksDock = nullptr;
    QLabel *m_tasksStatus = nullptr;
    QLabel *m_pullLimit = nullptr;
    QPointer<Client::RegistryClient> m_limitClient;
};

} // namespace Minato::App
