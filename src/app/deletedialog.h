#pragma once

// DeleteDialog: the confirmation before tags go (UI.md: destruction is explicit). For one tag it first works out
// everything the delete touches (DeletePlanQuery: other tags on the same image, an index's child manifests,
// referrers left without their image) and lists it; for several tags it lists them. Above
// TypedConfirmationAbove affected items the person types the repository's name before Delete is enabled.
// Cancel leaves everything in place; the delete itself is a DeleteTagsTask in the Tasks panel.
//
//   DeleteDialog dialog(session, u"Local registry"_s, u"team/app"_s, {u"v1"_s}, this);
//   if (dialog.exec() == QDialog::Accepted) tasks->add(dialog.makeTask());

#include "task.h"

#include <QDialog>
#include <QPointer>

#include <memory>

class QPushButton;

namespace Ui {
class DeleteDialog;
}

namespace Minato::Client {
class DeletePlanQuery;
struct DeletePlan;
} // namespace Minato::Client

namespace Minato::App {

class AppSession;

class DeleteDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeleteDialog)

public:
    static constexpr int TypedConfirmationAbove = 10;

    DeleteDialog(AppSession *session, QString connection, QString repository, QStringList tags,
                 QWidget *parent = nullptr);
    ~DeleteDialog() override;

    DeleteTagsTask *makeTask() const;
    // Everything listed as affected (tags deleted, other tags, children, referrers).
    int affectedCount() const { return m_affected; }
    bool needsTypedConfirmation() const { return m_affected > TypedConfirmationAbove; }
    bool isPlanned() const { return m_planned; }

    Ui::DeleteDialog *ui() const { return m_ui.get(); }
    QPushButton *deleteButton() const { return m_delete; }

private:
    void plan();
    void showPlan(const Client::DeletePlan &plan);
    void listTags();
    void finishListing();
    void updateButton();

    std::unique_ptr<Ui::DeleteDialog> m_ui;
    AppSession *m_session = nullptr;
    QString m_connection;
    QString m_repository;
    QStringList m_tags;
    QPushButton *m_delete = nullptr;
    QPointer<Client::DeletePlanQuery> m_query;
    int m_affected = 0;
    bool m_planned = false;
};

} // namespace Minato::App
