#pragma once

// "About Minato": the app's version and the versions of everything it runs on, with a button that
// copies them as text for bug reports.
//
//   AboutDialog dialog(parentWindow);
//   dialog.exec();

#include <QDialog>

#include <memory>

namespace Ui {
class AboutDialog;
}

namespace Minato::App {

class AboutDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AboutDialog)

public:
    explicit AboutDialog(QWidget *parent = nullptr);
    ~AboutDialog() override;

    // The versions shown, as copied to the clipboard by "Copy versions".
    QString versionsText() const;

private:
    std::unique_ptr<Ui::AboutDialog> m_ui;
};

} // namespace Minato::App
