#include "connectionspane.h"

#include "appsession.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QStackedWidget>
#include <QStyle>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Minato::App {

namespace {
constexpr int NameRole = Qt::UserRole + 1;       // connection name (both kinds of rows)
constexpr int RepositoryRole = Qt::UserRole + 2; // pinned repository; empty on a connection row
} // namespace

ConnectionsPane::ConnectionsPane(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    auto *headerRow = new QHBoxLayout;
    m_header = new QLabel(tr("CONNECTIONS"), this);
    m_header->setObjectName(QStringLiteral("connectionsHeader"));
    QFont header = m_header->font();
    header.setBold(true);
    header.setPointSizeF(header.pointSizeF() * 0.85);
    m_header->setFont(header);
    m_header->setForegroundRole(QPalette::PlaceholderText);
    auto *add = new QToolButton(this);
    add->setObjectName(QStringLiteral("addConnectionTool"));
    add->setText(QStringLiteral("+"));
    add->setToolTip(tr("Add a connection"));
    add->setAccessibleName(tr("Add a connection")); // "+" is not a name a screen reader can say
    add->setAutoRaise(true);
    connect(add, &QToolButton::clicked, this, &ConnectionsPane::addRequested);
    headerRow->addWidget(m_header, 1);
    headerRow->addWidget(add);
    layout->addLayout(headerRow);

    m_stack = new QStackedWidget(this);
    m_stack->setObjectName(QStringLiteral("connectionsStack"));
    m_view = new QTreeWidget(m_stack);
    m_view->setObjectName(QStringLiteral("connectionsView"));
    m_view->setHeaderHidden(true);
    m_view->setRootIsDecorated(false);
    m_view->setIndentation(14);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setAccessibleName(tr("Connections"));
    connect(m_view, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem *current) { onCurrentChanged(current); });
    connect(m_view, &QTreeWidget::customContextMenuRequested, this, &ConnectionsPane::showContextMenu);

    m_empty = new QWidget(m_stack);
    m_empty->setObjectName(QStringLiteral("connectionsEmpty"));
    auto *emptyLayout = new QVBoxLayout(m_empty);
    emptyLayout->addStretch(1);
    auto *emptyLabel = new QLabel(
        tr("<b>No registries yet</b><br>Add Docker Hub, ECR, GHCR, Harbor or any OCI registry, or start a local "
           "one."),
        m_empty);
    emptyLabel->setObjectName(QStringLiteral("connectionsEmptyLabel"));
    emptyLabel->setAlignment(Qt::AlignCenter);
    emptyLabel->setWordWrap(true);
    m_addButton = new QPushButton(tr("Add a registry…"), m_empty);
    m_addButton->setObjectName(QStringLiteral("addConnectionButton"));
    connect(m_addButton, &QPushButton::clicked, this, &ConnectionsPane::addRequested);
    auto *startLocal = new QPushButton(tr("Start a local registry"), m_empty);
    startLocal->setObjectName(QStringLiteral("startLocalButton"));
    startLocal->setEnabled(false);
    startLocal->setToolTip(tr("The local registry panel is not part of this build yet: run `minato-registry` "
                              "and add http://127.0.0.1:5000."));
    connect(startLocal, &QPushButton::clicked, this, &ConnectionsPane::startLocalRequested);
    emptyLayout->addWidget(emptyLabel);
    emptyLayout->addWidget(m_addButton);
    emptyLayout->addWidget(startLocal);
    emptyLayout->addStretch(1);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_view);
    layout->addWidget(m_stack, 1);
    m_stack->setCurrentWidget(m_empty);
}

ConnectionsPane::~ConnectionsPane() = default;

void ConnectionsPane::setSession(AppSession *session)
{
    m_session = session;
    connect(session, &AppSession::connectionsChanged, this, &ConnectionsPane::reload);
    connect(session, &AppSession::pinsChanged, this, &ConnectionsPane::reload);
    reload();
}

QIcon ConnectionsPane::stateIcon(State state) const
{
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    QPixmap pixmap(size * 2, size * 2);
    pixmap.setDevicePixelRatio(2.0);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    QColor colour;
    switch (state) {
    case State::Unknown:
        colour = palette().color(QPalette::PlaceholderText);
        break;
    case State::Loading:
        colour = QColor(0xe0, 0xa0, 0x20);
        break;
    case State::Reachable:
        colour = QColor(0x2e, 0xa0, 0x43);
        break;
    case State::Failing:
        colour = QColor(0xd0, 0x3b, 0x2f);
        break;
    }
    const qreal d = size * 0.5;
    const QRectF dot((size - d) / 2.0, (size - d) / 2.0, d, d);
    if (state == State::Unknown) {
        painter.setPen(QPen(colour, 1.4));
        painter.setBrush(Qt::NoBrush);
    } else {
        painter.setPen(Qt::NoPen);
        painter.setBrush(colour);
    }
    painter.drawEllipse(dot);
    return QIcon(pixmap);
}

void ConnectionsPane::reload()
{
    if (!m_session) {
        return;
    }
    const QString current = currentConnection();
    m_reloading = true;
    m_view->clear();
    const auto profiles = m_session->connections();
    for (const auto &profile : profiles) {
        auto *item = new QTreeWidgetItem(m_view);
        item->setText(0, profile.name);
        item->setData(0, NameRole, profile.name);
        const State state = m_states.value(profile.name.toLower(), State::Unknown);
        item->setIcon(0, stateIcon(state));
        item->setToolTip(0, toolTip(profile.name, profile.baseUrl));
        for (const QString &repository : m_session->pins(profile.name)) {
            auto *pin = new QTreeWidgetItem(item);
            pin->setText(0, repository);
            pin->setData(0, NameRole, profile.name);
            pin->setData(0, RepositoryRole, repository);
            pin->setToolTip(0, tr("Pinned: %1").arg(repository));
            pin->setIcon(0, style()->standardIcon(QStyle::SP_FileLinkIcon));
        }
        item->setExpanded(true);
    }
    m_stack->setCurrentWidget(profiles.isEmpty() ? m_empty : static_cast<QWidget *>(m_view));
    m_reloading = false;
    if (QTreeWidgetItem *item = itemFor(current)) {
        const QSignalBlocker block(m_view);
        m_view->setCurrentItem(item);
    }
}

QString ConnectionsPane::toolTip(const QString &name, const QUrl &url) const
{
    // The address, and under it why the connection is in its state (when there is a reason).
    QString tip = url.isEmpty() ? name : url.toString();
    if (const QString detail = m_details.value(name.toLower()); !detail.isEmpty()) {
        tip += QStringLiteral("\n") + detail;
    }
    return tip;
}

QTreeWidgetItem *ConnectionsPane::itemFor(const QString &name) const
{
    if (name.isEmpty()) {
        return nullptr;
    }
    for (int i = 0; i < m_view->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_view->topLevelItem(i);
        if (item->data(0, NameRole).toString().compare(name, Qt::CaseInsensitive) == 0) {
            return item;
        }
    }
    return nullptr;
}

QString ConnectionsPane::currentConnection() const
{
    const QTreeWidgetItem *item = m_view->currentItem();
    return item ? item->data(0, NameRole).toString() : QString();
}

void ConnectionsPane::selectConnection(const QString &name)
{
    if (QTreeWidgetItem *item = itemFor(name)) {
        if (m_view->currentItem() == item) {
            emit connectionSelected(name); // re-selecting reloads
        } else {
            m_view->setCurrentItem(item);
        }
    }
}

void ConnectionsPane::setState(const QString &name, State state, const QString &detail)
{
    m_states.insert(name.toLower(), state);
    m_details.insert(name.toLower(), detail);
    if (QTreeWidgetItem *item = itemFor(name)) {
        item->setIcon(0, stateIcon(state));
        const auto profile = m_session ? m_session->connection(name) : std::nullopt;
        item->setToolTip(0, toolTip(name, profile ? profile->baseUrl : QUrl()));
    }
}

void ConnectionsPane::onCurrentChanged(QTreeWidgetItem *current)
{
    if (m_reloading || !current) {
        return;
    }
    const QString name = current->data(0, NameRole).toString();
    const QString repository = current->data(0, RepositoryRole).toString();
    if (repository.isEmpty()) {
        emit connectionSelected(name);
    } else {
        emit pinSelected(name, repository);
    }
}

void ConnectionsPane::showContextMenu(const QPoint &pos)
{
    QTreeWidgetItem *item = m_view->itemAt(pos);
    QMenu menu(this);
    if (item) {
        const QString name = item->data(0, NameRole).toString();
        const QString repository = item->data(0, RepositoryRole).toString();
        if (!repository.isEmpty()) {
            menu.addAction(tr("Unpin %1").arg(repository), this,
                           [this, name, repository] { m_session->unpin(name, repository); });
        } else {
            menu.addAction(tr("Edit connection…"), this, [this, name] { emit editRequested(name); });
            menu.addAction(tr("Remove connection…"), this, [this, name] { emit removeRequested(name); });
        }
        menu.addSeparator();
    }
    menu.addAction(tr("Add a connection…"), this, &ConnectionsPane::addRequested);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace Minato::App
