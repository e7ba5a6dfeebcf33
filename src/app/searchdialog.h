#pragma once

// SearchDialog: search all registries (Ctrl+K). One field; ~250 ms after typing stops, every saved connection
// is searched at once (RepositorySearch: Docker Hub's and Harbor's search APIs, a bounded catalog walk
// elsewhere, the pinned repositories everywhere) and the hits land in one list as they arrive. Each
// connection's state shows above the list — searching, how many it found, or why it failed — without a
// message box. Typing again cancels the searches still running. Enter or a double-click opens the hit.
//
//   auto *dialog = new SearchDialog(session, this);
//   connect(dialog, &SearchDialog::repositoryChosen, this, [](const QString &connection, const QString &repo) { … });
//   dialog->show();                       // not modal: the window stays usable
//   dialog->search(u"postgres"_s);        // at once, without the typing delay (tests, screenshots)

#include "client/repositorysearch.h"

#include <QDialog>
#include <QMap>
#include <QPointer>

#include <memory>

class QTimer;

namespace Ui {
class SearchDialog;
}

namespace Minato::App {

class AppSession;
class SearchResultsModel;

class SearchDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SearchDialog)

public:
    static constexpr int TypingDelayMs = 250;

    explicit SearchDialog(AppSession *session, QWidget *parent = nullptr);
    ~SearchDialog() override;

    // Cancels what runs, empties the list and searches every connection for `text` now.
    void search(const QString &text);
    // Focus on the field with its text selected (Ctrl+K again).
    void focusQuery();
    bool isSearching() const;
    // The state shown for a connection: "Searching…", "3 results", "Failed: …"; empty when not searched.
    QString statusText(const QString &connection) const;
    // Opens the hit at this row (as Enter does).
    void openRow(int row);

    SearchResultsModel *model() const { return m_model; }
    Ui::SearchDialog *ui() const { return m_ui.get(); }

signals:
    void repositoryChosen(const QString &connection, const QString &repository);
    // Every connection's search has ended (for tests and the screenshot mode).
    void searchFinished();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void cancelAll();
    void onFinished(const QString &connection, const Client::RepositorySearchResult &result);
    void updateStatus();
    void updateColumns();
    void openCurrent();

    std::unique_ptr<Ui::SearchDialog> m_ui;
    AppSession *m_session = nullptr;
    SearchResultsModel *m_model = nullptr;
    QTimer *m_typing = nullptr;
    QList<QPointer<Client::RepositorySearch>> m_running;
    QStringList m_order;             // connections in the order searched
    QMap<QString, QString> m_status; // connection → its state, in words
};

} // namespace Minato::App
