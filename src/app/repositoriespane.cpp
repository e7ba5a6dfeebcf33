#include "repositoriespane.h"

#include "appsession.h"
#include "errorbanner.h"
#include "format.h"
#include "repositorymodel.h"

#include "client/catalogquery.h"
#include "client/clienterror.h"
#include "client/registryclient.h"
#include "client/vendorapi.h"
#include "oci/reference.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QStackedWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace Minato::App {

using Client::ClientError;
using Client::ConnectionProfile;

RepositoriesPane::RepositoriesPane(QWidget *parent)
    : QWidget(parent)
    , m_model(new RepositoryModel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("repositoriesTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("repositoryFilter"));
    m_filter->setPlaceholderText(tr("Filter repositories (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setEnabled(false);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("repositoryCount"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("repositoriesBanner"));

    m_stack = new QStackedWidget(this);
    m_view = new QTreeView(m_stack);
    m_view->setObjectName(QStringLiteral("repositoriesView"));
    m_view->setModel(m_model);
    m_view->setHeaderHidden(true);
    m_view->setUniformRowHeights(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAccessibleName(tr("Repositories"));

    m_message = new QWidget(m_stack);
    m_message->setObjectName(QStringLiteral("repositoriesMessage"));
    auto *messageLayout = new QVBoxLayout(m_message);
    messageLayout->addStretch(1);
    m_messageText = new QLabel(m_message);
    m_messageText->setObjectName(QStringLiteral("repositoriesMessageText"));
    m_messageText->setWordWrap(true);
    m_messageText->setAlignment(Qt::AlignCenter);
    m_messageText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    messageLayout->addWidget(m_messageText);
    m_openRow = new QWidget(m_message);
    auto *openLayout = new QHBoxLayout(m_openRow);
    openLayout->setContentsMargins(0, 0, 0, 0);
    m_openEdit = new QLineEdit(m_openRow);
    m_openEdit->setObjectName(QStringLiteral("openRepositoryEdit"));
    m_openEdit->setPlaceholderText(tr("namespace/repository"));
    auto *open = new QPushButton(tr("Open"), m_openRow);
    open->setObjectName(QStringLiteral("openRepositoryButton"));
    auto *pin = new QPushButton(tr("Pin"), m_openRow);
    pin->setObjectName(QStringLiteral("pinRepositoryButton"));
    pin->setToolTip(tr("Keep this repository in the sidebar under its connection."));
    openLayout->addWidget(m_openEdit, 1);
    openLayout->addWidget(open);
    openLayout->addWidget(pin);
    messageLayout->addWidget(m_openRow);
    messageLayout->addStretch(2);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_message);

    layout->addWidget(m_title);
    layout->addWidget(m_filter);
    layout->addWidget(m_count);
    layout->addWidget(m_banner);
    layout->addWidget(m_stack, 1);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_model->setFilter(text);
        m_view->expandAll();
        updateCount();
    });
    connect(m_model, &RepositoryModel::countsChanged, this, &RepositoriesPane::updateCount);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &where, int first, int last) {
        if (!m_pendingRepository.isEmpty()) {
            selectRepository(QString(m_pendingRepository)); // a copy: selectRepository() clears the member
        }
        if (where.isValid()) {
            return;
        }
        for (int row = first; row <= last; ++row) {
            m_view->expand(m_model->index(row, 0));
        }
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &RepositoriesPane::onCurrentChanged);
    connect(m_openEdit, &QLineEdit::returnPressed, this, &RepositoriesPane::openTyped);
    connect(open, &QPushButton::clicked, this, &RepositoriesPane::openTyped);
    connect(pin, &QPushButton::clicked, this, [this] {
        const QString repository = m_openEdit->text().trimmed();
        if (m_session && Oci::Reference::isValidRepositoryPath(repository)) {
            m_session->pin(m_connection, repository);
        }
    });
    connect(m_banner, &ErrorBanner::retryRequested, this, &RepositoriesPane::reload);
    connect(m_banner, &ErrorBanner::actionRequested, this, [this] { emit editConnectionRequested(m_connection); });
    clear();
}

RepositoriesPane::~RepositoriesPane() = default;

void RepositoriesPane::clear()
{
    delete m_query.data();
    delete m_vendor;
    m_vendor = nullptr;
    m_connection.clear();
    m_pendingRepository.clear();
    m_model->clear();
    m_banner->hide();
    m_title->setText(tr("Repositories"));
    m_filter->setEnabled(false);
    m_messageText->setText(tr("Select a registry to list its repositories."));
    m_openRow->hide();
    m_stack->setCurrentWidget(m_message);
    updateCount();
}

void RepositoriesPane::showConnection(const QString &nameIn)
{
    const QString name = nameIn; // may be m_connection itself (reload), which clear() empties
    clear();
    m_connection = name;
    m_title->setText(name);
    startListing();
}

void RepositoriesPane::reload()
{
    if (!m_connection.isEmpty()) {
        showConnection(m_connection);
    }
}

void RepositoriesPane::startListing()
{
    Client::RegistryClient *client = m_session ? m_session->client(m_connection) : nullptr;
    if (!client) {
        m_messageText->setText(tr("This connection no longer exists."));
        return;
    }
    m_dockerHub = client->profile().kind == ConnectionProfile::Kind::DockerHub;
    m_filter->setEnabled(true);
    m_stack->setCurrentWidget(m_view);
    m_vendor = new Client::VendorApi(client, this);
    Client::ListQuery *query = m_vendor->repositories({}, PageSize);
    if (!query) {
        query = client->catalog(PageSize);
    }
    m_query = query;
    emit connectionState(m_connection, ConnectionsPane::State::Loading, {});
    connect(query, &Client::ListQuery::pageReady, m_model, &RepositoryModel::append);
    connect(query, &Client::ListQuery::finished, this, [this, query](const Client::ListResult &result) {
        query->deleteLater();
        if (result) {
            onFinished(true, nullptr, result->stoppedOnLoop);
        } else {
            onFinished(false, &result.error(), false);
        }
    });
    updateCount();
    query->start();
}

void RepositoriesPane::onFinished(bool ok, const ClientError *error, bool stoppedOnLoop)
{
    m_query.clear();
    if (ok) {
        emit connectionState(m_connection, ConnectionsPane::State::Reachable,
                             stoppedOnLoop ? tr("The registry repeated a page; the list shown is what it sent.")
                                           : QString());
        if (m_model->totalCount() == 0) {
            m_messageText->setText(
                tr("<b>No repositories yet</b><br>Push an image to this registry, or open a repository by name."));
            m_openRow->show();
            m_stack->setCurrentWidget(m_message);
        }
        updateCount();
        emit listingFinished(m_connection, true);
        return;
    }
    const ClientError &e = *error;
    const int status = e.httpStatus();
    const bool noCatalog = e.kind() == ClientError::Kind::NotFoundOrPrivate
                           || (e.kind() != ClientError::Kind::Auth && e.kind() != ClientError::Kind::AuthRequired
                               && (status == 400 || status == 403 || status == 404 || status == 405))
                           || e.hasRegistryCode(Oci::ErrorCode::Unsupported);
    if (m_dockerHub && (e.kind() == ClientError::Kind::AuthRequired || noCatalog)) {
        emit connectionState(m_connection, ConnectionsPane::State::Reachable, {});
        showNoCatalog(tr("<b>Docker Hub lists repositories by namespace</b><br>Sign in (Edit connection…) to "
                         "see your own, type a namespace such as <i>library</i> to list it, or open a repository "
                         "such as <i>library/nginx</i>."));
    } else if (noCatalog && m_model->totalCount() == 0) {
        emit connectionState(m_connection, ConnectionsPane::State::Reachable, e.message());
        showNoCatalog(tr("<b>This registry can't list repositories</b><br>Open one by name, or pin it to keep "
                         "it in the sidebar.<br><small>%1</small>")
                          .arg(e.message().toHtmlEscaped()));
    } else {
        emit connectionState(m_connection, ConnectionsPane::State::Failing, e.message());
        m_banner->showClientError(e);
        if (m_model->totalCount() == 0) {
            m_stack->setCurrentWidget(m_message);
            m_messageText->setText({});
            m_openRow->hide();
        }
    }
    updateCount();
    emit listingFinished(m_connection, false);
}

void RepositoriesPane::showNoCatalog(const QString &why)
{
    m_messageText->setText(why);
    m_openRow->show();
    m_stack->setCurrentWidget(m_message);
    m_openEdit->setFocus();
}

void RepositoriesPane::openTyped()
{
    const QString text = m_openEdit->text().trimmed();
    if (text.isEmpty()) {
        return;
    }
    if (m_dockerHub && !text.contains(QLatin1Char('/')) && m_vendor) {
        // A Docker Hub namespace: list it through the Hub API.
        m_model->clear();
        m_banner->hide();
        m_stack->setCurrentWidget(m_view);
        Client::ListQuery *query = m_vendor->repositories(text, PageSize);
        if (!query) {
            return;
        }
        m_query = query;
        connect(query, &Client::ListQuery::pageReady, m_model, &RepositoryModel::append);
        connect(query, &Client::ListQuery::finished, this, [this, query](const Client::ListResult &result) {
            query->deleteLater();
            m_query.clear();
            if (!result) {
                showNoCatalog(result.error().message().toHtmlEscaped());
            }
            updateCount();
            emit listingFinished(m_connection, bool(result));
        });
        updateCount();
        query->start();
        return;
    }
    QString repository = text;
    if (m_dockerHub && !repository.contains(QLatin1Char('/'))) {
        repository.prepend(QStringLiteral("library/"));
    }
    if (!Oci::Reference::isValidRepositoryPath(repository)) {
        m_messageText->setText(tr("“%1” is not a repository name: use lower-case letters, digits, and . _ - "
                                  "separated by /.")
                                   .arg(text.toHtmlEscaped()));
        return;
    }
    m_view->clearSelection();
    emit repositorySelected(m_connection, repository);
}

void RepositoriesPane::updateCount()
{
    const int total = m_model->totalCount();
    const int visible = m_model->visibleCount();
    const QLocale locale;
    QString text;
    if (m_connection.isEmpty()) {
        text.clear();
    } else if (!m_model->filterText().isEmpty()) {
        text = tr("%1 of %2 repositories").arg(locale.toString(visible), locale.toString(total));
    } else {
        text = Format::plural(total, tr("1 repository"), tr("%1 repositories"));
    }
    if (isLoading()) {
        text = total == 0 ? tr("Loading…") : text + tr(" · loading more…");
    }
    m_count->setText(text.trimmed());
}

void RepositoriesPane::selectRepository(const QString &repository)
{
    const QModelIndex index = m_model->indexOf(repository);
    m_pendingRepository = index.isValid() || !isLoading() ? QString() : repository;
    if (index.isValid() && m_view->currentIndex() != index) {
        const QSignalBlocker block(m_view->selectionModel());
        m_view->setCurrentIndex(index);
        m_view->scrollTo(index);
    }
}

QString RepositoriesPane::currentRepository() const
{
    return m_view->currentIndex().data(RepositoryModel::RepositoryRole).toString();
}

void RepositoriesPane::focusFilter()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void RepositoriesPane::onCurrentChanged()
{
    m_pendingRepository.clear(); // the person chose another one meanwhile
    const QString repository = currentRepository();
    if (!repository.isEmpty()) {
        emit repositorySelected(m_connection, repository);
    }
}

} // namespace Minato::App
