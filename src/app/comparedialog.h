#pragma once

// CompareDialog: two tags side by side (Tag > Compare…, Ctrl+D) — Overview, Config, Env, Labels and Layers
// sections, differences tinted, a summary line ("3 of 5 layers shared, 12.3 MB differ · 4 differences"). Each
// side is a repository of the same connection (the current one by default) and a tag or digest; for an index,
// a shared platform chooser picks which image of each side is compared (linux/amd64 when both have it, else
// the first platform they share). Non-modal: the window stays usable while it is open.
//
//   auto *dialog = new CompareDialog(session, u"Local registry"_s, u"team/app"_s, u"v1"_s, u"v2"_s, allTags, this);
//   dialog->setAttribute(Qt::WA_DeleteOnClose);
//   dialog->show();                        // starts comparing at once when both tags are given
//   connect(dialog, &CompareDialog::compared, …);   // after each comparison (ok: both sides inspected)

#include "imagecompare.h"

#include "client/imageinspector.h"

#include <QDialog>
#include <QPointer>

#include <memory>
#include <optional>

namespace Ui {
class CompareDialog;
}

namespace Minato::App {

class AppSession;

class CompareDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompareDialog)

public:
    CompareDialog(AppSession *session, QString connection, const QString &repository, const QString &leftTag,
                  const QString &rightTag, const QStringList &tags, QWidget *parent = nullptr);
    ~CompareDialog() override;

    Ui::CompareDialog *ui() const { return m_ui.get(); }
    bool isLoading() const;
    // The last comparison shown; empty while loading or after a failure.
    const std::optional<ImageComparison> &comparison() const { return m_comparison; }
    // The sentence shown in place when a side could not be inspected; empty otherwise.
    QString errorText() const;

public slots:
    // Inspects both sides again (the platform chooser's choice kept when it still applies).
    void compare();

signals:
    void compared(bool ok);

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Side
    {
        QString repository;
        QString reference;
        QPointer<Client::ImageInspector> inspector;
        std::optional<Client::ImageInspection> inspection;
        std::optional<Client::InspectedImage> image;
    };

    void inspect(int side, const std::optional<Oci::Platform> &platform);
    void onInspected(int side, const Client::InspectionResult &result);
    void choosePlatforms();
    void platformChosen();
    void failWith(const QString &message);
    void setLoading(bool loading);
    void render();
    void cancelAll();

    std::unique_ptr<Ui::CompareDialog> m_ui;
    AppSession *m_session = nullptr;
    QString m_connection;
    Side m_sides[2];
    std::optional<ImageComparison> m_comparison;
    bool m_failed = false;
};

} // namespace Minato::App
