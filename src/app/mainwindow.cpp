#include "mainwindow.h"

#include "aboutdialog.h"
#include "ui_mainwindow.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>

namespace Minato::App {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_ui(std::make_unique<Ui::MainWindow>())
{
    m_ui->setupUi(this);
    setWindowIcon(QIcon(QStringLiteral(":/icons/minato.svg")));

    QFont header = m_ui->connectionsHeader->font();
    header.setBold(true);
    header.setPointSizeF(header.pointSizeF() * 0.85);
    m_ui->connectionsHeader->setFont(header);
    m_ui->connectionsHeader->setForegroundRole(QPalette::PlaceholderText);

    m_ui->splitter->setStretchFactor(0, 0);
    m_ui->splitter->setStretchFactor(1, 1);
    m_ui->splitter->setStretchFactor(2, 2);
    m_ui->splitter->setSizes({220, 320, 740});

    // Until connections exist, the sidebar teaches what to do instead of showing an empty list.
    m_ui->connectionsStack->setCurrentWidget(m_ui->connectionsEmpty);
    m_ui->repositoryFilter->setEnabled(false);
    m_ui->tagFilter->setEnabled(false);
    // Adding connections and the local registry arrive with their features; say so rather than fail.
    const QString soon = tr("Not available in this build yet.");
    m_ui->addConnectionButton->setEnabled(false);
    m_ui->addConnectionButton->setToolTip(soon);
    m_ui->startLocalButton->setEnabled(false);
    m_ui->startLocalButton->setToolTip(soon);

    m_ui->actionQuit->setIcon(QIcon::fromTheme(QStringLiteral("application-exit")));
    m_ui->actionAbout->setIcon(QIcon(QStringLiteral(":/icons/minato.svg")));
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionAbout, &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_ui->actionAboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);

    setUpToolBar();
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow() = default;

void MainWindow::setUpToolBar()
{
    QToolBar *bar = m_ui->mainToolBar;
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    QAction *back = bar->addAction(style()->standardIcon(QStyle::SP_ArrowBack), tr("Back"));
    QAction *forward = bar->addAction(style()->standardIcon(QStyle::SP_ArrowForward), tr("Forward"));
    QAction *refresh = bar->addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Refresh"));
    back->setEnabled(false);
    forward->setEnabled(false);
    refresh->setEnabled(false);
    refresh->setShortcut(QKeySequence::Refresh);
    bar->addSeparator();

    auto *search = new QLineEdit(bar);
    search->setObjectName(QStringLiteral("searchAll"));
    search->setPlaceholderText(tr("Search all registries… (Ctrl+K)"));
    search->setClearButtonEnabled(true);
    search->setMaximumWidth(420);
    search->setEnabled(false);
    bar->addWidget(search);
}

void MainWindow::showAbout()
{
    AboutDialog dialog(this);
    dialog.exec();
}

} // namespace Minato::App
