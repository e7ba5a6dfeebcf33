#include "searchdialog.h"

#include "appsession.h"
#include "format.h"
#include "searchresultsmodel.h"
#include "ui_searchdialog.h"

#include "client/registryclient.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QPushButton>
#include <QTimer>

#include <utility>

namespace Minato::App {

using Client::RepositorySearch;
using Client::RepositorySearchResult;

SearchDialog::SearchDialog(AppSession *session, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::SearchDialog>())
    , m_session(session)
    , m_model(new SearchResultsModel(this))
    , m_typing(new QTimer(this))
{
    m_ui->setupUi(this);
    m_ui->queryEdit->setPlaceholderText(tr("Search repositories in every connection, e.g. nginx or team api"));
    m_ui->queryEdit->installEventFilter(this);
    m_ui->statusLabel->setText(tr("Type to search Docker Hub, Harbor, the catalogs of other registries and "
                                  "your pinned repositories."));
    m_ui->resultsView->setModel(m_model);
    m_ui->resultsView->setAccessibleName(tr("Search results"));
    m_ui->resultsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_ui->resultsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    QHeaderView *header = m_ui->resultsView->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(SearchResultsModel::DescriptionColumn, QHeaderView::Stretch);
    header->resizeSection(SearchResultsModel::RepositoryColumn, 240);
    header->resizeSection(SearchResultsModel::ConnectionColumn, 130);
    header->resizeSection(SearchResultsModel::StarsColumn, 70);
    header->resizeSection(SearchResultsModel::PullsColumn, 110);
    header->resizeSection(SearchResultsModel::SourceColumn, 130);
    QPushButton *close = m_ui->buttons->button(QDialogButtonBox::Close);
    close->setAutoDefault(false); // Enter opens a hit, it does not close the dialog
    close->setDefault(false);

    m_typing->setSingleShot(true);
    m_typing->setInterval(TypingDelayMs);
    connect(m_ui->queryEdit, &QLineEdit::textChanged, this, [this] { m_typing->start(); });
    connect(m_typing, &QTimer::timeout, this, [this] { search(m_ui->queryEdit->text()); });
    connect(m_ui->queryEdit, &QLineEdit::returnPressed, this, &SearchDialog::openCurrent);
    connect(m_ui->resultsView, &QAbstractItemView::activated, this,
            [this](const QModelIndex &index) { openRow(index.row()); });
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_ui->resultsView->currentIndex().isValid() && m_model->rowCount() > 0) {
            m_ui->resultsView->setCurrentIndex(m_model->index(0, 0));
        }
        updateStatus();
        updateColumns();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &SearchDialog::updateColumns);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SearchDialog::updateColumns);
    updateColumns();
}

SearchDialog::~SearchDialog()
{
    cancelAll();
}

void SearchDialog::focusQuery()
{
    m_ui->queryEdit->setFocus();
    m_ui->queryEdit->selectAll();
}

bool SearchDialog::isSearching() const
{
    for (const auto &s : m_running) {
        if (s && !s->isFinished()) {
            return true;
        }
    }
    return false;
}

void SearchDialog::cancelAll()
{
    const auto running = std::exchange(m_running, {});
    for (const QPointer<RepositorySearch> &s : running) {
        if (s) {
            disconnect(s, nullptr, this, nullptr); // a stale search's hits and end reach nobody
            s->cancel();
            s->deleteLater();
        }
    }
}

void SearchDialog::search(const QString &textIn)
{
    m_typing->stop();
    const QString text = textIn.trimmed();
    if (m_ui->queryEdit->text().trimmed() != text) {
        const QSignalBlocker block(m_ui->queryEdit);
        m_ui->queryEdit->setText(text);
    }
    cancelAll();
    m_model->clear();
    m_order.clear();
    m_status.clear();
    if (text.isEmpty() || !m_session) {
        updateStatus();
        return;
    }
    const QList<Client::ConnectionProfile> connections = m_session->connections();
    for (const Client::ConnectionProfile &profile : connections) {
        Client::RegistryClient *client = m_session->client(profile.name);
        if (!client) {
            continue;
        }
        RepositorySearch::Options options;
        options.pinned = m_session->pins(profile.name);
        auto *s = new RepositorySearch(client, text, options, this);
        const QString name = profile.name;
        m_order.append(name);
        m_running.append(s);
        connect(s, &RepositorySearch::hitsReady, m_model, &SearchResultsModel::add);
        connect(s, &RepositorySearch::finished, this, [this, s, name](const RepositorySearchResult &r) {
            s->deleteLater();
            onFinished(name, r);
        });
    }
    updateStatus();
    // Started once every search is listed: a search that ends at once (no catalog, an error) finds its row.
    const auto started = m_running;
    for (const QPointer<RepositorySearch> &s : started) {
        if (s) {
            s->start();
        }
    }
}

void SearchDialog::onFinished(const QString &connection, const RepositorySearchResult &r)
{
    if (r.isCancelled()) {
        return;
    }
    if (!r) {
        m_status.insert(connection, tr("failed: %1").arg(r.error().message()));
    } else {
        const int found = m_model->countFor(connection);
        QString text = found == 0 ? tr("no results") : Format::plural(found, tr("1 result"), tr("%1 results"));
        if (r->truncated) {
            text += tr(" (the first ones; narrow the search for more)");
        }
        if (!r->note.isEmpty()) {
            text += QStringLiteral(" — ") + r->note;
        }
        m_status.insert(connection, text);
    }
    updateStatus();
    if (!isSearching()) {
        emit searchFinished();
    }
}

QString SearchDialog::statusText(const QString &connection) const
{
    if (!m_status.contains(connection) && m_order.contains(connection)) {
        return tr("searching…");
    }
    return m_status.value(connection);
}

void SearchDialog::updateStatus()
{
    if (m_order.isEmpty()) {
        if (!m_ui->queryEdit->text().trimmed().isEmpty() && m_session && m_session->connections().isEmpty()) {
            m_ui->statusLabel->setText(tr("No connections to search: add one first (Ctrl+N)."));
        }
        return;
    }
    QStringList lines;
    for (const QString &name : std::as_const(m_order)) {
        QString state = statusText(name);
        if (!m_status.contains(name) && m_model->countFor(name) > 0) {
            state = tr("searching… %1 so far").arg(m_model->countFor(name));
        }
        lines.append(QStringLiteral("<b>%1</b>: %2").arg(name.toHtmlEscaped(), state.toHtmlEscaped()));
    }
    m_ui->statusLabel->setText(lines.join(QStringLiteral("<br>"))); // one line per connection
}

void SearchDialog::updateColumns()
{
    // Description, stars and pulls only where some registry told them (Docker Hub, Harbor): a catalog says
    // nothing but names, and empty columns would only push the names apart.
    for (const int column : {int(SearchResultsModel::DescriptionColumn), int(SearchResultsModel::StarsColumn),
                             int(SearchResultsModel::PullsColumn)}) {
        bool known = false;
        for (int row = 0; row < m_model->rowCount() && !known; ++row) {
            known = !m_model->index(row, column).data().toString().isEmpty();
        }
        m_ui->resultsView->setColumnHidden(column, !known);
    }
    // The widest text takes the room left: the description when there is one, else the repository's name.
    const bool described = !m_ui->resultsView->isColumnHidden(SearchResultsModel::DescriptionColumn);
    m_ui->resultsView->header()->setSectionResizeMode(SearchResultsModel::RepositoryColumn,
                                                      described ? QHeaderView::Interactive : QHeaderView::Stretch);
}

void SearchDialog::openRow(int row)
{
    if (row < 0 || row >= m_model->rowCount()) {
        return;
    }
    const QModelIndex index = m_model->index(row, 0);
    const QString connection = index.data(SearchResultsModel::ConnectionRole).toString();
    const QString repository = index.data(SearchResultsModel::RepositoryRole).toString();
    emit repositoryChosen(connection, repository);
    accept();
}

void SearchDialog::openCurrent()
{
    if (m_typing->isActive()) {
        search(m_ui->queryEdit->text()); // Enter before the delay: search now, open when there is a hit
        return;
    }
    const QModelIndex current = m_ui->resultsView->currentIndex();
    openRow(current.isValid() ? current.row() : 0);
}

bool SearchDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_ui->queryEdit && event->type() == QEvent::KeyPress) {
        // Up and Down move through the hits while typing, as in a launcher.
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Down || key->key() == Qt::Key_Up || key->key() == Qt::Key_PageDown ||
            key->key() == Qt::Key_PageUp) {
            QCoreApplication::sendEvent(m_ui->resultsView, event);
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace Minato::App
