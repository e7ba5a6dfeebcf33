#pragma once

// The main window: it only assembles features (connections, repositories, tags, details, tasks).
// Each feature is its own widget and controller; this class wires them together and owns the menus.
//
//   MainWindow window;
//   window.show();

#include <QMainWindow>

#include <memory>

namespace Ui {
class MainWindow;
}

namespace Minato::App {

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

public slots:
    void showAbout();

private:
    void setUpToolBar();

    std::unique_ptr<Ui::MainWindow> m_ui;
};

} // namespace Minato::App
