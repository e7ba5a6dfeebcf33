#pragma once

// The Tasks panel: every long job (copy, delete of many tags, …) with its progress bar, bytes and speed, the final
// error in plain words, Cancel, Retry of what failed, and Clear finished. The jobs are owned by TaskListModel,
// not by a pane, so they keep running while the person browses elsewhere; the window asks before closing while
// one runs (MainWindow).
//
//   auto *tasks = new TaskListModel(this);
//   tasks->add(new CopyTask(session, from, to, options));   // shown and started
//   auto *pane = new TasksPane(this);
//   pane->setModel(tasks);
//   connect(tasks, &TaskListModel::runningChanged, statusBar, …);

#include <QAbstractListModel>
#include <QList>
#include <QPointer>
#include <QStyledItemDelegate>
#include <QWidget>

class QLabel;
class QListView;
class QPushButton;

namespace Minato::App {

class Task;

class TaskListModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskListModel)

public:
    enum Role { TaskRole = Qt::UserRole + 1 };

    explicit TaskListModel(QObject *parent = nullptr);
    ~TaskListModel() override;

    // Takes the task (newest first) and starts it.
    void add(Task *task);
    Task *task(int row) const { return m_tasks.value(row); }
    const QList<Task *> &tasks() const { return m_tasks; }
    int runningCount() const;
    // Removes the tasks that have ended (succeeded, failed or cancelled).
    void clearFinished();
    // Cancels every running task (closing the window).
    void cancelAll();

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

signals:
    void runningChanged(int running);
    void taskAdded(Minato::App::Task *task);

private:
    void onChanged(Task *task);

    QList<Task *> m_tasks;
    int m_running = 0;
};

// Paints a task: title and state, a progress bar, then its detail or its error.
class TaskDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskDelegate)

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    ~TaskDelegate() override;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    // "Running", "Done", "Failed", "Cancelled"; with the percentage while running.
    static QString stateText(const Task *task);
};

class TasksPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TasksPane)

public:
    explicit TasksPane(QWidget *parent = nullptr);
    ~TasksPane() override;

    void setModel(TaskListModel *model);
    QListView *view() const { return m_view; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *clearButton() const { return m_clear; }

private:
    Task *currentTask() const;
    void updateButtons();

    QPointer<TaskListModel> m_model;
    QListView *m_view = nullptr;
    QLabel *m_empty = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_clear = nullptr;
};

} // namespace Minato::App
