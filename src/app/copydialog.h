#pragma once

// CopyDialog: where an image goes — a connection, a repository and a tag (the source's by default), the platforms
// to take (all by default: the same index, the same digest; a subset writes a new index, and the dialog says so
// before anything happens), and whether signatures, SBOMs and attestations come along. The copy itself is a
// CopyTask in the Tasks panel.
//
//   CopyDialog dialog(session, {u"Docker Hub"_s, u"library/nginx"_s, u"1.27"_s}, platforms, this);
//   if (dialog.exec() == QDialog::Accepted) tasks->add(dialog.makeTask());

#include "task.h"

#include "oci/platform.h"

#include <QDialog>

#include <memory>

class QPushButton;

namespace Ui {
class CopyDialog;
}

namespace Minato::App {

class AppSession;

class CopyDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CopyDialog)

public:
    // platforms: the runnable platforms of an index (empty for a single image: no choice to make).
    CopyDialog(AppSession *session, CopyTask::Place source, QList<Oci::Platform> platforms, QWidget *parent = nullptr);
    ~CopyDialog() override;

    CopyTask::Place target() const;
    Client::CopyJob::Options options() const;
    // A new task for what the dialog says (the caller adds it to the TaskListModel).
    CopyTask *makeTask() const;

    Ui::CopyDialog *ui() const { return m_ui.get(); }
    QPushButton *copyButton() const { return m_copy; }

private:
    void validate();

    std::unique_ptr<Ui::CopyDialog> m_ui;
    AppSession *m_session = nullptr;
    CopyTask::Place m_source;
    QList<Oci::Platform> m_platforms;
    QPushButton *m_copy = nullptr;
};

} // namespace Minato::App
