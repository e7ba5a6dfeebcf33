#pragma once

// RetentionDialog: clean up a repository's tags by rules, with a dry run first (USERS.md: "keep the last N,
// delete older than X") — keep the N newest, delete only those older than an age, only tags matching a
// pattern. Preview runs RetentionPlanQuery (client/retention.h) and lists every tag with what would happen and
// why; nothing is deleted until the person presses "Delete N tags" (typing the repository's name above 10), which
// hands exactly the previewed list to a DeleteTagsTask. Changing a rule empties the preview.
//
//   RetentionDialog dialog(session, u"Local registry"_s, u"team/app"_s, this);
//   if (dialog.exec() == QDialog::Accepted) tasks->add(dialog.makeTask());

#include "task.h"

#include "client/retention.h"

#include <QDialog>
#include <QPointer>

#include <memory>
#include <optional>

class QPushButton;

namespace Ui {
class RetentionDialog;
}

namespace Minato::App {

class AppSession;

class RetentionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetentionDialog)

public:
    static constexpr int TypedConfirmationAbove = 10;

    RetentionDialog(AppSession *session, QString connection, QString repository, QWidget *parent = nullptr);
    ~RetentionDialog() override;

    // The rules as set; nullopt with a sentence in *problem when they cannot be used.
    std::optional<Client::RetentionRules> rules(QString *problem) const;
    void preview();
    const std::optional<Client::RetentionPlan> &plan() const { return m_plan; }
    bool isPreviewing() const { return !m_query.isNull(); }
    // The previewed deletions as a task (only after a preview that deletes something).
    DeleteTagsTask *makeTask() const;

    Ui::RetentionDialog *ui() const { return m_ui.get(); }
    QPushButton *deleteButton() const { return m_delete; }

private:
    void rulesChanged();
    void showPlan(const Client::RetentionPlan &plan);
    void updateButton();

    std::unique_ptr<Ui::RetentionDialog> m_ui;
    AppSession *m_session = nullptr;
    QString m_connection;
    QString m_repository;
    QPushButton *m_delete = nullptr;
    QPointer<Client::RetentionPlanQuery> m_query;
    std::optional<Client::RetentionPlan> m_plan;
};

} // namespace Minato::App
