#pragma once

// RetagDialog: another name for an image on the same connection (F2) — a tag, and the repository (the same one
// by default; another one mounts the blobs). No data moves; an existing tag of that name moves to this image.
//
//   RetagDialog dialog(session, u"Local registry"_s, {u"team/app"_s, u"v1"_s}, this);
//   if (dialog.exec() == QDialog::Accepted) tasks->add(dialog.makeTask());

#include "task.h"

#include <QDialog>

#include <memory>

class QPushButton;

namespace Ui {
class RetagDialog;
}

namespace Minato::App {

class AppSession;

class RetagDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetagDialog)

public:
    RetagDialog(AppSession *session, QString connection, Client::Retag::Image source, QWidget *parent = nullptr);
    ~RetagDialog() override;

    Client::Retag::Image target() const;
    RetagTask *makeTask() const;

    Ui::RetagDialog *ui() const { return m_ui.get(); }
    QPushButton *tagButton() const { return m_tag; }

private:
    void validate();

    std::unique_ptr<Ui::RetagDialog> m_ui;
    AppSession *m_session = nullptr;
    QString m_connection;
    Client::Retag::Image m_source;
    QPushButton *m_tag = nullptr;
};

} // namespace Minato::App
