#include "mainwindow.h"

#include "aboutdialog.h"
#include "appsession.h"
#include "comparedialog.h"
#include "connectiondialog.h"
#include "connectionspane.h"
#include "copydialog.h"
#include "deletedialog.h"
#include "retagdialog.h"
#include "retentiondialog.h"
#include "searchdialog.h"
#include "detailspane.h"
#include "format.h"
#include "repositoriespane.h"
#include "tagspane.h"
#include "tagtablemodel.h"
#include "task.h"
#include "taskspane.h"
#include "theme.h"
#include "ui_mainwindow.h"

#include "client/registryclient.h"
#include "client/tagmetadataprovider.h"
#include "oci/mediatype.h"
#include "oci/reference.h"

#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStyle>
#include <QTableView>

namespace Minato::App {

namespace {
const QString kGeometry = QStringLiteral("window/geometry");
const QString kWindowState = QStringLiteral("window/state");
const QString kSplitter = QStringLiteral("window/splitter");
const QString kDetailSplitter = QStringLiteral("window/detailSplitter");
const QString kTagsHeader = QStringLiteral("window/tagsHeader");
const QString kLastConnection = QStringLiteral("window/lastConnection");
const QString kTheme = QStringLiteral("window/theme");
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_ownedSession(std::make_unique<AppSession>(AppSession::Options(), nullptr))
    , m_session(m_ownedSession.get())
    , m_ui(std::make_unique<Ui::MainWindow>())
{
    m_session->ensureDefaultConnections();
    setUp();
}

MainWindow::MainWindow(AppSession *session, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_ui(std::make_unique<Ui::MainWindow>())
{
    setUp();
}

MainWindow::~MainWindow() = default;

ConnectionsPane *MainWindow::connectionsPane() const
{
    return m_ui->connectionsPane;
}
RepositoriesPane *MainWindow::repositoriesPane() const
{
    return m_ui->repositoriesPane;
}
TagsPane *MainWindow::tagsPane() const
{
    return m_ui->tagsPane;
}
DetailsPane *MainWindow::detailsPane() const
{
    return m_ui->detailsPane;
}

void MainWindow::setUp()
{
    m_ui->setupUi(this);
    setWindowIcon(QIcon(QStringLiteral(":/icons/minato.svg")));

    m_ui->splitter->setStretchFactor(0, 0);
    m_ui->splitter->setStretchFactor(1, 1);
    m_ui->splitter->setStretchFactor(2, 3);
    m_ui->splitter->setSizes({220, 300, 840});
    m_ui->detailSplitter->setStretchFactor(0, 1);
    m_ui->detailSplitter->setStretchFactor(1, 1);

    ConnectionsPane *connections = m_ui->connectionsPane;
    RepositoriesPane *repositories = m_ui->repositoriesPane;
    TagsPane *tags = m_ui->tagsPane;
    DetailsPane *details = m_ui->detailsPane;
    connections->setSession(m_session);
    repositories->setSession(m_session);
    tags->setSession(m_session);
    details->setSession(m_session);

    connect(connections, &ConnectionsPane::connectionSelected, this, &MainWindow::showConnection);
    connect(connections, &ConnectionsPane::pinSelected, this, [this](const QString &name, const QString &repository) {
        if (m_ui->repositoriesPane->connection().compare(name, Qt::CaseInsensitive) != 0) {
            followPullRateLimit(name);
            m_ui->repositoriesPane->showConnection(name);
        }
        m_ui->detailsPane->clear();
        m_ui->tagsPane->showRepository(name, repository);
        m_ui->repositoriesPane->selectRepository(repository);
    });
    connect(connections, &ConnectionsPane::addRequested, this, &MainWindow::addConnection);
    connect(connections, &ConnectionsPane::editRequested, this, &MainWindow::editConnection);
    connect(connections, &ConnectionsPane::removeRequested, this, &MainWindow::removeConnection);
    connect(repositories, &RepositoriesPane::connectionState, connections, &ConnectionsPane::setState);
    connect(repositories, &RepositoriesPane::repositorySelected, this,
            [this](const QString &connection, const QString &repository) {
                m_ui->detailsPane->clear();
                m_ui->tagsPane->showRepository(connection, repository);
            });
    connect(tags, &TagsPane::tagSelected, this,
            [this](const QString &connection, const QString &repository, const QString &tag) {
                m_ui->detailsPane->showTag(connection, repository, tag, m_ui->tagsPane->model()->allTags());
            });
    connect(details, &DetailsPane::inspected, tags, &TagsPane::supplyMetadata);
    connect(repositories, &RepositoriesPane::editConnectionRequested, this, &MainWindow::editConnection);
    connect(tags, &TagsPane::editConnectionRequested, this, &MainWindow::editConnection);
    connect(details, &DetailsPane::editConnectionRequested, this, &MainWindow::editConnection);
    connect(m_session, &AppSession::connectionsChanged, this, [this] {
        // A removed connection takes its panes with it.
        const QString shown = m_ui->repositoriesPane->connection();
        if (!shown.isEmpty() && !m_session->connection(shown)) {
            m_ui->repositoriesPane->clear();
            m_ui->tagsPane->clear();
            m_ui->detailsPane->clear();
        }
    });

    m_ui->actionQuit->setIcon(QIcon::fromTheme(QStringLiteral("application-exit")));
    m_ui->actionAbout->setIcon(QIcon(QStringLiteral(":/icons/minato.svg")));
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionAbout, &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_ui->actionAboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
    connect(m_ui->actionShortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    connect(m_ui->actionAddConnection, &QAction::triggered, this, &MainWindow::addConnection);
    connect(m_ui->actionGoTo, &QAction::triggered, this, &MainWindow::goToReference);
    connect(m_ui->actionRefresh, &QAction::triggered, this, &MainWindow::refresh);
    connect(m_ui->actionFilter, &QAction::triggered, this, &MainWindow::focusFilter);
    connect(m_ui->actionSearch, &QAction::triggered, this, &MainWindow::searchAll);

    setUpTasks();
    setUpToolBar();
    setUpTheme();
    restoreState();
    if (const QString problem = m_session->loginFileProblem(); !problem.isEmpty()) {
        showLoginFileProblem(problem);
    } else {
        statusBar()->showMessage(tr("Ready"));
    }
}

void MainWindow::showLoginFileProblem(const QString &problem)
{
    // A lasting note, not a timed message: it stays until the file is fixed (read again at the next start).
    // Other messages cover it while they show.
    auto *box = new QWidget(statusBar());
    box->setObjectName(QStringLiteral("loginFileProblem"));
    auto *layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *icon = new QLabel(box);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(size, size));
    auto *text = new QLabel(problem, box);
    text->setObjectName(QStringLiteral("loginFileProblemText"));
    text->setTextFormat(Qt::PlainText);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text->setToolTip(problem);
    // Narrow windows cut the sentence; the tooltip keeps all of it.
    text->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(icon);
    layout->addWidget(text, 1);
    statusBar()->addWidget(box, 1);
}

void MainWindow::setUpToolBar()
{
    QToolBar *bar = m_ui->mainToolBar;
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_ui->actionRefresh->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    bar->addAction(m_ui->actionRefresh);
    m_ui->actionAddConnection->setIcon(style()->standardIcon(QStyle::SP_FileDialogNewFolder));
    m_ui->actionAddConnection->setIconText(tr("Connection"));
    bar->addAction(m_ui->actionAddConnection);
    bar->addSeparator();
    auto *go = new QLineEdit(bar);
    go->setObjectName(QStringLiteral("goToEdit"));
    go->setPlaceholderText(tr("Go to a reference, e.g. ghcr.io/org/app:1.2 (Ctrl+L)"));
    go->setClearButtonEnabled(true);
    go->setMinimumWidth(360);
    go->setMaximumWidth(520);
    connect(go, &QLineEdit::returnPressed, this, [this, go] {
        const QString error = openReference(go->text());
        if (error.isEmpty()) {
            go->clear();
        } else {
            statusBar()->showMessage(error, 8000);
        }
    });
    bar->addWidget(go);
}

void MainWindow::setUpTheme()
{
    auto *group = new QActionGroup(this);
    group->addAction(m_ui->actionThemeSystem)->setData(Theme::toString(Theme::Mode::System));
    group->addAction(m_ui->actionThemeLight)->setData(Theme::toString(Theme::Mode::Light));
    group->addAction(m_ui->actionThemeDark)->setData(Theme::toString(Theme::Mode::Dark));
    const Theme::Mode mode = Theme::modeFromString(m_session->settings()->value(kTheme).toString());
    for (QAction *a : group->actions()) {
        a->setChecked(a->data().toString() == Theme::toString(mode));
    }
    if (mode != Theme::current()) {
        Theme::apply(mode);
    }
    connect(group, &QActionGroup::triggered, this, [this](QAction *a) {
        const Theme::Mode chosen = Theme::modeFromString(a->data().toString());
        Theme::apply(chosen);
        m_session->settings()->setValue(kTheme, Theme::toString(chosen));
    });
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        m_ui->detailsPane->paletteChanged();
    }
}

void MainWindow::restoreState()
{
    QSettings *s = m_session->settings();
    if (s->contains(kGeometry)) {
        restoreGeometry(s->value(kGeometry).toByteArray());
        QMainWindow::restoreState(s->value(kWindowState).toByteArray());
        m_ui->splitter->restoreState(s->value(kSplitter).toByteArray());
        m_ui->detailSplitter->restoreState(s->value(kDetailSplitter).toByteArray());
        m_ui->tagsPane->view()->horizontalHeader()->restoreState(s->value(kTagsHeader).toByteArray());
    }
    const QString last = s->value(kLastConnection).toString();
    if (!last.isEmpty() && m_session->connection(last)) {
        m_ui->connectionsPane->selectConnection(last);
    }
}

void MainWindow::saveState()
{
    QSettings *s = m_session->settings();
    s->setValue(kGeometry, saveGeometry());
    s->setValue(kWindowState, QMainWindow::saveState());
    s->setValue(kSplitter, m_ui->splitter->saveState());
    s->setValue(kDetailSplitter, m_ui->detailSplitter->saveState());
    s->setValue(kTagsHeader, m_ui->tagsPane->view()->horizontalHeader()->saveState());
    if (const QString shown = m_ui->repositoriesPane->connection(); !shown.isEmpty()) {
        s->setValue(kLastConnection, shown);
    }
    s->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (const int running = m_tasks->runningCount(); running > 0) {
        QMessageBox box(QMessageBox::Question, tr("Tasks are running"),
                        Format::plural(running, tr("1 task is still running."), tr("%1 tasks are still running.")) +
                            QLatin1Char(' ') +
                            tr("Stop and quit? What finished stays done; a copy can be run again later and sends "
                               "only what is missing."),
                        QMessageBox::NoButton, this);
        QPushButton *stop = box.addButton(tr("Stop and quit"), QMessageBox::DestructiveRole);
        box.addButton(tr("Keep running"), QMessageBox::RejectRole);
        box.setDefaultButton(qobject_cast<QPushButton *>(box.buttons().constLast()));
        box.exec();
        if (box.clickedButton() != stop) {
            event->ignore();
            return;
        }
        m_tasks->cancelAll();
    }
    saveState();
    QMainWindow::closeEvent(event);
}

void MainWindow::setUpTasks()
{
    m_tasks = new TaskListModel(this);
    m_tasksPane = new TasksPane(this);
    m_tasksPane->setModel(m_tasks);
    m_tasksDock = new QDockWidget(tr("Tasks"), this);
    m_tasksDock->setObjectName(QStringLiteral("tasksDock")); // saveState() keeps where it is
    m_tasksDock->setWidget(m_tasksPane);
    m_tasksDock->setAllowedAreas(Qt::BottomDockWidgetArea | Qt::RightDockWidgetArea);
    addDockWidget(Qt::BottomDockWidgetArea, m_tasksDock);
    m_tasksDock->hide(); // until there is a task (or the person asks: View > Tasks)
    connect(m_tasksDock, &QDockWidget::visibilityChanged, m_ui->actionShowTasks, &QAction::setChecked);
    connect(m_ui->actionShowTasks, &QAction::triggered, m_tasksDock, &QDockWidget::setVisible);

    m_pullLimit = new QLabel(this);
    m_pullLimit->setObjectName(QStringLiteral("pullRateLimit"));
    statusBar()->addPermanentWidget(m_pullLimit);
    m_pullLimit->hide();

    m_tasksStatus = new QLabel(this);
    m_tasksStatus->setObjectName(QStringLiteral("tasksStatus"));
    statusBar()->addPermanentWidget(m_tasksStatus);
    m_tasksStatus->hide();
    connect(m_tasks, &TaskListModel::runningChanged, this, [this](int running) {
        m_tasksStatus->setText(Format::plural(running, tr("1 task running"), tr("%1 tasks running")));
        m_tasksStatus->setVisible(running > 0);
    });
    connect(m_tasks, &TaskListModel::taskAdded, this, [this](Task *task) {
        m_tasksDock->show();
        connect(task, &Task::finished, this, [this, task]() {
            // A new tag, an import or a delete changes the list of tags: the tags pane follows when it shows
            // that repository.
            if (const auto changed = task->changedTags(); changed &&
                m_ui->tagsPane->connection() == changed->connection &&
                m_ui->tagsPane->repository() == changed->repository) {
                if (changed->removedTags) {
                    m_ui->detailsPane->clear();
                }
                m_ui->tagsPane->reload();
            }
            if (task->state() == Task::State::Failed) {
                statusBar()->showMessage(tr("%1: failed — see Tasks").arg(task->title()), 8000);
            }
        });
    });

    connect(m_ui->actionRetag, &QAction::triggered, this, &MainWindow::retag);
    connect(m_ui->actionCopyTo, &QAction::triggered, this, &MainWindow::copyTo);
    connect(m_ui->actionDeleteTags, &QAction::triggered, this, &MainWindow::deleteTags);
    connect(m_ui->actionCleanUp, &QAction::triggered, this, &MainWindow::cleanUp);
    connect(m_ui->actionExport, &QAction::triggered, this, &MainWindow::exportTag);
    connect(m_ui->actionCompare, &QAction::triggered, this, &MainWindow::compareTags);
    connect(m_ui->actionImport, &QAction::triggered, this, &MainWindow::importImage);
    m_ui->tagsPane->view()->addAction(m_ui->actionExport);
    // The tag table's context menu offers the same actions.
    m_ui->tagsPane->view()->addAction(m_ui->actionRetag);
    m_ui->tagsPane->view()->addAction(m_ui->actionCopyTo);
    m_ui->tagsPane->view()->addAction(m_ui->actionDeleteTags);
    m_ui->tagsPane->view()->addAction(m_ui->actionCompare);
    connect(m_ui->tagsPane, &TagsPane::tagSelected, this, &MainWindow::updateTagActions);
    connect(m_ui->tagsPane->view()->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::updateTagActions);
    connect(m_ui->tagsPane->model(), &QAbstractItemModel::modelReset, this, &MainWindow::updateTagActions);
    updateTagActions();
}

void MainWindow::updateTagActions()
{
    const QStringList selected = m_ui->tagsPane->selectedTags();
    m_ui->actionCopyTo->setEnabled(!m_ui->tagsPane->currentTag().isEmpty());
    m_ui->actionRetag->setEnabled(!m_ui->tagsPane->currentTag().isEmpty());
    m_ui->actionCleanUp->setEnabled(!m_ui->tagsPane->repository().isEmpty());
    m_ui->actionExport->setEnabled(!m_ui->tagsPane->currentTag().isEmpty());
    m_ui->actionCompare->setEnabled(!selected.isEmpty());
    m_ui->actionDeleteTags->setEnabled(!selected.isEmpty());
    m_ui->actionDeleteTags->setText(selected.size() > 1 ? tr("&Delete %1 tags…").arg(selected.size())
                                                        : tr("&Delete…"));
}

void MainWindow::retag()
{
    TagsPane *tags = m_ui->tagsPane;
    const QString tag = tags->currentTag();
    if (tag.isEmpty()) {
        return;
    }
    Client::Retag::Image source;
    source.repository = tags->repository();
    source.reference = tag;
    RetagDialog dialog(m_session, tags->connection(), source, this);
    if (dialog.exec() == QDialog::Accepted) {
        m_tasks->add(dialog.makeTask());
    }
}

void MainWindow::copyTo()
{
    TagsPane *tags = m_ui->tagsPane;
    const QString tag = tags->currentTag();
    if (tag.isEmpty()) {
        return;
    }
    // The platforms of an index, when the tag's details are known (otherwise every platform is copied).
    QList<Oci::Platform> platforms;
    if (const Client::TagMetadata *metadata = tags->model()->metadata(tag);
        metadata && Oci::MediaType::isIndex(metadata->mediaType)) {
        platforms = metadata->platforms;
    }
    CopyDialog dialog(m_session, {tags->connection(), tags->repository(), tag}, platforms, this);
    if (dialog.exec() == QDialog::Accepted) {
        m_tasks->add(dialog.makeTask());
    }
}

void MainWindow::deleteTags()
{
    TagsPane *tags = m_ui->tagsPane;
    const QStringList selected = tags->selectedTags();
    if (selected.isEmpty()) {
        return;
    }
    DeleteDialog dialog(m_session, tags->connection(), tags->repository(), selected, this);
    if (dialog.exec() == QDialog::Accepted) {
        m_tasks->add(dialog.makeTask());
    }
}

void MainWindow::cleanUp()
{
    TagsPane *tags = m_ui->tagsPane;
    if (tags->repository().isEmpty()) {
        return;
    }
    RetentionDialog dialog(m_session, tags->connection(), tags->repository(), this);
    if (dialog.exec() == QDialog::Accepted) {
        if (DeleteTagsTask *task = dialog.makeTask()) {
            m_tasks->add(task);
        }
    }
}

void MainWindow::exportTag()
{
    TagsPane *tags = m_ui->tagsPane;
    const QString tag = tags->currentTag();
    if (tag.isEmpty()) {
        return;
    }
    QFileDialog dialog(this, tr("Export %1:%2").arg(tags->repository(), tag));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    const QString archiveFilter = tr("docker-archive for docker load (*.tar)");
    const QString layoutFilter = tr("OCI image layout: a folder, every platform (*)");
    dialog.setNameFilters({archiveFilter, layoutFilter});
    dialog.selectFile(QString(tags->repository()).replace(u'/', u'-') + u'-' + tag + QStringLiteral(".tar"));
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) {
        return;
    }
    QString path = dialog.selectedFiles().constFirst();
    const bool archive = dialog.selectedNameFilter() == archiveFilter;
    if (archive && !path.endsWith(QStringLiteral(".tar"), Qt::CaseInsensitive)) {
        path += QStringLiteral(".tar");
    } else if (!archive && path.endsWith(QStringLiteral(".tar"), Qt::CaseInsensitive)) {
        path.chop(4);
    }
    Client::ImageExport::Options options;
    options.format = archive ? Client::ImageExport::Format::DockerArchive : Client::ImageExport::Format::OciLayout;
    // A docker-archive holds one platform: ask when the tag is an index of several.
    const Client::TagMetadata *metadata = tags->model()->metadata(tag);
    if (archive && metadata && Oci::MediaType::isIndex(metadata->mediaType) && metadata->platforms.size() > 1) {
        QStringList names;
        for (const Oci::Platform &p : metadata->platforms) {
            names.append(p.toString());
        }
        bool ok = false;
        const QString chosen =
            QInputDialog::getItem(this, tr("Platform"), tr("A docker-archive holds one platform of %1:").arg(tag), names,
                                  std::max<qsizetype>(0, names.indexOf(QStringLiteral("linux/amd64"))), false, &ok);
        if (!ok) {
            return;
        }
        options.platform = Oci::Platform::parse(chosen).toOptional();
    }
    m_tasks->add(new ExportTask(m_session, tags->connection(), tags->repository(), tag, path, options));
}

void MainWindow::compareTags()
{
    TagsPane *tags = m_ui->tagsPane;
    const QStringList selected = tags->selectedTags();
    if (selected.isEmpty()) {
        return;
    }
    // Two selected: those two; one: it on the left, the dialog proposes the other. Non-modal, so the window
    // stays usable beside it.
    const QString left = selected.size() == 2 ? selected.at(0) : tags->currentTag();
    const QString right = selected.size() == 2 ? selected.at(1) : QString();
    auto *dialog = new CompareDialog(m_session, tags->connection(), tags->repository(),
                                     left.isEmpty() ? selected.constFirst() : left, right, tags->model()->allTags(),
                                     this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::importImage()
{
    const QString connection = m_ui->repositoriesPane->connection();
    if (connection.isEmpty()) {
        statusBar()->showMessage(tr("Choose the connection to import into first."), 8000);
        return;
    }
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import an image into %1").arg(connection), {},
        tr("docker-archive (*.tar);;OCI image layout: its index.json (index.json)"));
    if (path.isEmpty()) {
        return;
    }
    const QFileInfo chosen(path);
    const QString source = chosen.fileName() == QStringLiteral("index.json") ? chosen.absolutePath() : path;
    const QString suggested = (m_ui->tagsPane->repository().isEmpty() ? QStringLiteral("imported/image")
                                                                       : m_ui->tagsPane->repository()) +
                              QStringLiteral(":latest");
    bool ok = false;
    const QString target = QInputDialog::getText(this, tr("Import as"), tr("Repository and tag in %1:").arg(connection),
                                                 QLineEdit::Normal, suggested, &ok)
                               .trimmed();
    if (!ok) {
        return;
    }
    const qsizetype colon = target.lastIndexOf(u':');
    const QString repository = colon > 0 ? target.left(colon) : target;
    const QString tag = colon > 0 ? target.mid(colon + 1) : QStringLiteral("latest");
    if (!Oci::Reference::isValidRepositoryPath(repository) || !Oci::Reference::isValidTag(tag)) {
        statusBar()->showMessage(tr("\"%1\" is not a repository and tag like team/app:v1.").arg(target), 8000);
        return;
    }
    m_tasks->add(new ImportTask(m_session, source, connection, repository, tag));
}

void MainWindow::followPullRateLimit(const QString &connection)
{
    if (m_limitClient) {
        disconnect(m_limitClient, &Client::RegistryClient::pullRateLimitChanged, this, &MainWindow::updatePullRateLimit);
    }
    m_limitClient = m_session->client(connection);
    if (m_limitClient) {
        connect(m_limitClient, &Client::RegistryClient::pullRateLimitChanged, this, &MainWindow::updatePullRateLimit);
    }
    updatePullRateLimit();
}

void MainWindow::updatePullRateLimit()
{
    const auto &limit = m_limitClient ? m_limitClient->pullRateLimit() : std::nullopt;
    if (!limit) {
        m_pullLimit->hide();
        return;
    }
    const int hours = limit->windowSeconds.value_or(0) / 3600;
    QString text = tr("Docker Hub pulls left: %1 of %2").arg(limit->remaining.value_or(0)).arg(limit->limit.value_or(0));
    if (hours > 0) {
        text += Format::plural(hours, tr(" (per hour)"), tr(" (per %1 hours)"));
    }
    m_pullLimit->setText(text);
    // Below a tenth left: the person should know before a copy or an opened tag is refused.
    const bool low = limit->remaining.value_or(0) * 10 < limit->limit.value_or(0);
    m_pullLimit->setStyleSheet(low ? QStringLiteral("QLabel { color: #c0392b; font-weight: bold; }") : QString());
    m_pullLimit->setToolTip(
        tr("Docker Hub's pull limit, as its registry reported it %1%2. Listing tags and their details uses HEAD "
           "requests, which cost no pull; opening a tag, copying or exporting an image reads manifests, which do.")
            .arg(Format::relativeTime(limit->seenAt),
                 limit->source.isEmpty() ? QString() : tr(" (counted for %1)").arg(limit->source)));
    m_pullLimit->show();
}

void MainWindow::showConnection(const QString &name)
{
    followPullRateLimit(name);
    // The connection shown is remembered when the window closes (saveState), not here: a QSettings write is
    // synced to disk on the next turn of the GUI thread's event loop, in the middle of the first pages.
    m_ui->tagsPane->clear();
    m_ui->detailsPane->clear();
    m_ui->repositoriesPane->showConnection(name);
}

void MainWindow::addConnection()
{
    ConnectionDialog dialog(m_session, this);
    if (dialog.exec() == QDialog::Accepted) {
        m_ui->connectionsPane->selectConnection(dialog.savedName());
    }
}

void MainWindow::editConnection(const QString &name)
{
    if (name.isEmpty()) {
        return;
    }
    ConnectionDialog dialog(m_session, name, this);
    if (dialog.exec() == QDialog::Accepted) {
        m_ui->connectionsPane->selectConnection(dialog.savedName());
    }
}

void MainWindow::removeConnection(const QString &name)
{
    QMessageBox box(QMessageBox::Question, tr("Remove connection"),
                    tr("Remove the connection “%1”? Its images stay on the registry.").arg(name),
                    QMessageBox::Cancel, this);
    QPushButton *remove = box.addButton(tr("Remove"), QMessageBox::DestructiveRole);
    auto *forget = new QCheckBox(tr("Also forget the login saved for it"), &box);
    forget->setChecked(true);
    box.setCheckBox(forget);
    box.exec();
    if (box.clickedButton() != static_cast<QAbstractButton *>(remove)) {
        return;
    }
    m_session->removeConnection(name, forget->isChecked(), [this](const QString &error) {
        if (!error.isEmpty()) {
            statusBar()->showMessage(error, 10000);
        }
    });
}

QString MainWindow::openReference(const QString &input)
{
    const QString text = input.trimmed();
    if (text.isEmpty()) {
        return tr("Type a reference such as ghcr.io/org/app:1.2.");
    }
    const auto parsed = Oci::Reference::parseNormalized(text);
    if (!parsed) {
        return tr("“%1” is not an image reference: write registry/repository:tag, e.g. ghcr.io/org/app:1.2.")
            .arg(text);
    }
    const Oci::Reference &ref = parsed.value();
    // findByHost knows Docker Hub under all its names (docker.io, registry-1.docker.io, …).
    std::optional<Client::ConnectionProfile> profile = m_session->connectionForRegistry(ref.domain());
    if (!profile) {
        Client::ConnectionProfile p = ref.isDockerHub() ? AppSession::dockerHubProfile() : Client::ConnectionProfile();
        if (!ref.isDockerHub()) {
            p.name = ref.domain();
            p.baseUrl = QUrl((ref.isLoopback() ? QStringLiteral("http://") : QStringLiteral("https://")) + ref.domain());
            p.kind = Client::ConnectionProfile::guessKind(p.baseUrl);
        }
        QString failure;
        m_session->addConnection(p, std::nullopt, [&failure](const QString &error) { failure = error; });
        if (!failure.isEmpty()) {
            return failure;
        }
        profile = p;
        statusBar()->showMessage(tr("Added a connection for %1 (anonymous; edit it to sign in).").arg(ref.domain()),
                                 8000);
    }
    const QString name = profile->name;
    if (m_ui->connectionsPane->currentConnection().compare(name, Qt::CaseInsensitive) != 0) {
        m_ui->connectionsPane->selectConnection(name);
    }
    m_ui->tagsPane->showRepository(name, ref.path());
    m_ui->repositoriesPane->selectRepository(ref.path());
    if (ref.hasDigest()) {
        m_ui->detailsPane->showTag(name, ref.path(), ref.digest().toString());
    } else {
        m_ui->tagsPane->selectTag(ref.hasTag() ? ref.tag() : Oci::Reference::defaultTag());
    }
    return {};
}

void MainWindow::goToReference()
{
    if (auto *go = findChild<QLineEdit *>(QStringLiteral("goToEdit")); go && go->isVisible()) {
        go->setFocus();
        go->selectAll();
        return;
    }
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Go to reference"),
                                               tr("Image reference (registry/repository:tag or @digest):"),
                                               QLineEdit::Normal, {}, &ok);
    if (ok) {
        if (const QString error = openReference(text); !error.isEmpty()) {
            statusBar()->showMessage(error, 8000);
        }
    }
}

void MainWindow::refresh()
{
    if (!m_ui->tagsPane->repository().isEmpty()) {
        m_ui->tagsPane->reload();
        m_ui->detailsPane->reload();
    } else {
        m_ui->repositoriesPane->reload();
    }
}

void MainWindow::focusFilter()
{
    QWidget *focus = QApplication::focusWidget();
    const bool inTags = focus && (m_ui->tagsPane->isAncestorOf(focus) || m_ui->detailsPane->isAncestorOf(focus));
    if (inTags && !m_ui->tagsPane->repository().isEmpty()) {
        m_ui->tagsPane->focusFilter();
    } else {
        m_ui->repositoriesPane->focusFilter();
    }
}

void MainWindow::searchAll()
{
    // One dialog, kept while the window lives: Ctrl+K again brings back the last search.
    auto *dialog = findChild<SearchDialog *>();
    if (!dialog) {
        dialog = new SearchDialog(m_session, this);
        connect(dialog, &SearchDialog::repositoryChosen, this,
                [this](const QString &connection, const QString &repository) {
                    // As a pin does, with the connection selected in the sidebar.
                    if (m_ui->connectionsPane->currentConnection().compare(connection, Qt::CaseInsensitive) != 0) {
                        m_ui->connectionsPane->selectConnection(connection);
                    }
                    if (m_ui->repositoriesPane->connection().compare(connection, Qt::CaseInsensitive) != 0) {
                        m_ui->repositoriesPane->showConnection(connection);
                    }
                    m_ui->detailsPane->clear();
                    m_ui->tagsPane->showRepository(connection, repository);
                    m_ui->repositoriesPane->selectRepository(repository);
                });
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
    dialog->focusQuery();
}

void MainWindow::showShortcuts()
{
    // The actions' own shortcuts, written the way this platform and language write keys (Strg+F, ⌘F …).
    const QList<QPair<QKeySequence, QString>> rows = {
        {m_ui->actionGoTo->shortcut(), tr("Go to a reference (paste ghcr.io/org/app:1.2)")},
        {m_ui->actionFilter->shortcut(), tr("Filter the repositories, or the tags when they have the focus")},
        {m_ui->actionSearch->shortcut(), tr("Search the repositories of every connection")},
        {m_ui->actionRefresh->shortcut(), tr("Refresh what is shown")},
        {m_ui->actionAddConnection->shortcut(), tr("Add a connection")},
        {QKeySequence(QKeySequence::Copy), tr("Copy the selected tags' references (in the tag table)")},
        {m_ui->actionRetag->shortcut(), tr("Give the tag's image another tag (no data moves)")},
        {m_ui->actionCopyTo->shortcut(), tr("Copy the tag's image to another connection or repository")},
        {m_ui->actionDeleteTags->shortcut(), tr("Delete the selected tags (after a confirmation)")},
        {m_ui->actionCleanUp->shortcut(), tr("Clean up old tags by rules, with a preview first")},
        {m_ui->actionExport->shortcut(), tr("Export the tag's image (docker-archive or OCI layout)")},
        {m_ui->actionCompare->shortcut(), tr("Compare two tags side by side (the two selected, or one and another)")},
        {m_ui->actionImport->shortcut(), tr("Import an image from disk into the connection shown")},
        {m_ui->actionShowTasks->shortcut(), tr("Show or hide the running and finished tasks")},
        {QKeySequence(Qt::Key_Tab), tr("Move between panes")},
        {m_ui->actionShortcuts->shortcut(), tr("This overview")},
        {m_ui->actionQuit->shortcut(), tr("Quit")},
    };
    QString html = QStringLiteral("<table cellspacing='6'>");
    for (const auto &[key, what] : rows) {
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                    .arg(key.toString(QKeySequence::NativeText).toHtmlEscaped(), what.toHtmlEscaped());
    }
    html += QStringLiteral("</table>");
    QMessageBox box(QMessageBox::NoIcon, tr("Keyboard shortcuts"), html, QMessageBox::Close, this);
    box.setTextFormat(Qt::RichText);
    box.exec();
}

void MainWindow::showAbout()
{
    AboutDialog dialog(this);
    dialog.exec();
}

} // namespace Minato::App
