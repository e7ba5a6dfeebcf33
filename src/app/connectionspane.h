#pragma once

// ConnectionsPane: the sidebar — saved connections, each with its pinned repositories beneath it, a state
// dot (unknown, reachable, failing: the tooltip says why), and the empty state that teaches what to do
// when there are none. It only shows what AppSession holds and says what the person picked.
//
//   pane->setSession(&session);                      // lists the connections; follows changes
//   connect(pane, &ConnectionsPane::connectionSelected, …);          // name
//   connect(pane, &ConnectionsPane::pinSelected, …);                 // name, repository
//   pane->setState(u"Docker Hub"_s, ConnectionsPane::State::Failing, error.message());

#include <QUrl>
#include <QWidget>

class QLabel;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;
class QPushButton;

namespace Minato::App {

class AppSession;

class ConnectionsPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionsPane)

public:
    enum class State { Unknown, Loading, Reachable, Failing };

    explicit ConnectionsPane(QWidget *parent = nullptr);
    ~ConnectionsPane() override;

    void setSession(AppSession *session);
    QString currentConnection() const;
    void selectConnection(const QString &name);
    void setState(const QString &name, State state, const QString &detail = {});
    QTreeWidget *view() const { return m_view; }

signals:
    void connectionSelected(const QString &name);
    void pinSelected(const QString &connection, const QString &repository);
    void addRequested();
    void editRequested(const QString &name);
    void removeRequested(const QString &name);
    void startLocalRequested();

private:
    void reload();
    void onCurrentChanged(QTreeWidgetItem *current);
    void showContextMenu(const QPoint &pos);
    QTreeWidgetItem *itemFor(const QString &name) const;
    QIcon stateIcon(State state) const;
    QString toolTip(const QString &name, const QUrl &url) const;

    AppSession *m_session = nullptr;
    QLabel *m_header = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTreeWidget *m_view = nullptr;
    QWidget *m_empty = nullptr;
    QPushButton *m_addButton = nullptr;
    QHash<QString, State> m_states; // by lower-case name
    QHash<QString, QString> m_details;
    bool m_reloading = false;
};

} // namespace Minato::App
