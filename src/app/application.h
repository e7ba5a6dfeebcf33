#pragma once

// Application-wide set-up shared by main() and the widget tests: names, icon, resources, translations.
//
//   QApplication app(argc, argv);
//   Minato::App::initApplication(app);

class QApplication;

namespace Minato::App {

void initApplication(QApplication &app);

} // namespace Minato::App
