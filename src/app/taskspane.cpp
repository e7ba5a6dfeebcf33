#include "taskspane.h"

#include "format.h"
#include "task.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPainter>
#include <QPushButton>
#include <QStyleOptionProgressBar>
#include <QVBoxLayout>

namespace Minato::App {

// ---- TaskListModel ----------------------------------------------------------------------------------------

TaskListModel::TaskListModel(QObject *parent)
    : QAbstractListModel(parent)
{}

TaskListModel::~TaskListModel()
{
    for (Task *task : std::as_const(m_tasks)) {
        disconnect(task, nullptr, this, nullptr);
    }
}

void TaskListModel::add(Task *task)
{
    task->setParent(this);
    beginInsertRows({}, 0, 0);
    m_tasks.prepend(task);
    endInsertRows();
    connect(task, &Task::changed, this, [this, task]() { onChanged(task); });
    emit taskAdded(task);
    task->start();
    onChanged(task);
}

int TaskListModel::runningCount() const
{
    int n = 0;
    for (const Task *task : m_tasks) {
        n += task->isRunning() ? 1 : 0;
    }
    return n;
}

void TaskListModel::clearFinished()
{
    for (qsizetype row = m_tasks.size() - 1; row >= 0; --row) {
        if (!m_tasks.at(row)->isRunning()) {
            beginRemoveRows({}, int(row), int(row));
            Task *task = m_tasks.takeAt(row);
            endRemoveRows();
            disconnect(task, nullptr, this, nullptr);
            task->deleteLater();
        }
    }
}

void TaskListModel::cancelAll()
{
    const QList<Task *> tasks = m_tasks;
    for (Task *task : tasks) {
        task->cancel();
    }
}

int TaskListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_tasks.size());
}

QVariant TaskListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_tasks.size()) {
        return {};
    }
    const Task *task = m_tasks.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return task->title();
    case Qt::ToolTipRole:
        return task->state() == Task::State::Failed ? task->errorText() : task->detail();
    case Qt::AccessibleTextRole:
        return task->title() + QStringLiteral(", ") + TaskDelegate::stateText(task);
    case TaskRole:
        return QVariant::fromValue(static_cast<QObject *>(const_cast<Task *>(task)));
    default:
        return {};
    }
}

void TaskListModel::onChanged(Task *task)
{
    const auto row = m_tasks.indexOf(task);
    if (row >= 0) {
        emit dataChanged(index(int(row)), index(int(row)));
    }
    const int running = runningCount();
    if (running != m_running) {
        m_running = running;
        emit runningChanged(running);
    }
}

// ---- TaskDelegate -----------------------------------------------------------------------------------------

namespace {

const Task *taskAt(const QModelIndex &index)
{
    return qobject_cast<const Task *>(index.data(TaskListModel::TaskRole).value<QObject *>());
}

constexpr int Margin = 6;
constexpr int BarHeight = 8;

} // namespace

TaskDelegate::~TaskDelegate() = default;

QString TaskDelegate::stateText(const Task *task)
{
    switch (task->state()) {
    case Task::State::Running:
        if (task->total() > 0) {
            return tr("%1%").arg(int(task->done() * 100 / task->total()));
        }
        return tr("Running");
    case Task::State::Succeeded:
        return tr("Done");
    case Task::State::Failed:
        return tr("Failed");
    case Task::State::Cancelled:
        return tr("Cancelled");
    }
    return {};
}

QSize TaskDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    Q_UNUSED(index)
    const QFontMetrics fm(option.font);
    return {fm.averageCharWidth() * 40, Margin * 3 + fm.height() * 2 + BarHeight + 4};
}

void TaskDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const Task *task = taskAt(index);
    if (!task) {
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    painter->save();
    const bool selected = opt.state.testFlag(QStyle::State_Selected);
    const QPalette::ColorRole textRole = selected ? QPalette::HighlightedText : QPalette::Text;
    const QRect area = opt.rect.adjusted(Margin, Margin, -Margin, -Margin);
    const QFontMetrics fm(opt.font);

    // Title (bold, elided) and the state on the right.
    QFont bold = opt.font;
    bold.setBold(true);
    const QString state = stateText(task);
    const int stateWidth = fm.horizontalAdvance(state) + Margin;
    painter->setPen(opt.palette.color(textRole));
    painter->setFont(bold);
    const QRect titleRect(area.left(), area.top(), area.width() - stateWidth, fm.height());
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(bold).elidedText(task->title(), Qt::ElideMiddle, titleRect.width()));
    painter->setFont(opt.font);
    QColor stateColor = opt.palette.color(textRole);
    if (task->state() == Task::State::Failed && !selected) {
        stateColor = QColor(0xc0, 0x39, 0x2b);
    }
    painter->setPen(stateColor);
    painter->drawText(QRect(area.right() - stateWidth, area.top(), stateWidth, fm.height()),
                      Qt::AlignRight | Qt::AlignVCenter, state);

    // The bar: the share done (busy while the total is unknown), full once done.
    QStyleOptionProgressBar bar;
    bar.rect = QRect(area.left(), area.top() + fm.height() + Margin / 2, area.width(), BarHeight);
    bar.state = QStyle::State_Enabled | QStyle::State_Horizontal;
    bar.palette = opt.palette;
    bar.minimum = 0;
    bar.textVisible = false;
    if (task->state() == Task::State::Succeeded) {
        bar.maximum = 1;
        bar.progress = 1;
    } else if (task->total() > 0) {
        bar.maximum = 1000;
        bar.progress = int(task->done() * 1000 / task->total());
    } else {
        bar.maximum = 1;
        bar.progress = 0;
    }
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, opt.widget);

    // Detail, or the error in plain words.
    const QString line = task->state() == Task::State::Failed ? task->errorText() : task->detail();
    painter->setPen(task->state() == Task::State::Failed && !selected ? QColor(0xc0, 0x39, 0x2b)
                                                                     : opt.palette.color(textRole));
    const QRect lineRect(area.left(), bar.rect.bottom() + Margin / 2, area.width(), fm.height());
    painter->drawText(lineRect, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(line, Qt::ElideRight, lineRect.width()));
    painter->restore();
}

// ---- TasksPane --------------------------------------------------------------------------------------------

TasksPane::TasksPane(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_view = new QListView(this);
    m_view->setObjectName(QStringLiteral("tasksView"));
    m_view->setItemDelegate(new TaskDelegate(m_view));
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setUniformItemSizes(true);
    m_view->setAccessibleName(tr("Tasks"));
    m_empty = new QLabel(tr("No tasks. Copies, deletes of many tags, exports and imports run here, and keep "
                            "running while you browse."),
                         this);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setEnabled(false);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_empty, 1);

    auto *buttons = new QHBoxLayout;
    m_cancel = new QPushButton(tr("&Cancel task"), this);
    m_retry = new QPushButton(tr("&Retry"), this);
    m_clear = new QPushButton(tr("C&lear finished"), this);
    m_cancel->setToolTip(tr("Stop the selected task; what it finished stays done"));
    m_retry->setToolTip(tr("Run the selected task again: only what failed or is missing"));
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_retry);
    buttons->addStretch(1);
    buttons->addWidget(m_clear);
    layout->addLayout(buttons);

    connect(m_cancel, &QPushButton::clicked, this, [this]() {
        if (Task *task = currentTask()) {
            task->cancel();
        }
    });
    connect(m_retry, &QPushButton::clicked, this, [this]() {
        if (Task *task = currentTask()) {
            task->retry();
        }
    });
    connect(m_clear, &QPushButton::clicked, this, [this]() {
        if (m_model) {
            m_model->clearFinished();
        }
    });
    updateButtons();
}

TasksPane::~TasksPane() = default;

void TasksPane::setModel(TaskListModel *model)
{
    m_model = model;
    m_view->setModel(model);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &TasksPane::updateButtons);
    connect(model, &QAbstractItemModel::dataChanged, this, &TasksPane::updateButtons);
    connect(model, &QAbstractItemModel::rowsInserted, this, [this]() {
        m_view->setCurrentIndex(m_model->index(0));
        updateButtons();
    });
    connect(model, &QAbstractItemModel::rowsRemoved, this, &TasksPane::updateButtons);
    updateButtons();
}

Task *TasksPane::currentTask() const
{
    return m_model ? m_model->task(m_view->currentIndex().row()) : nullptr;
}

void TasksPane::updateButtons()
{
    const bool any = m_model && m_model->rowCount() > 0;
    m_view->setVisible(any);
    m_empty->setVisible(!any);
    const Task *task = currentTask();
    m_cancel->setEnabled(task && task->isRunning());
    m_retry->setEnabled(task && task->canRetry());
    m_clear->setEnabled(any && m_model->runningCount() < m_model->rowCount());
}

} // namespace Minato::App
