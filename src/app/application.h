#pragma once

// Application-wide set-up shared by main() and the widget tests: names, icon, resources, translations, and
// the TLS backend initialised on a pool thread (warmUpTls) so that the first connection does not do it on the
// GUI thread.
//
//   QApplication app(argc, argv);
//   Minato::App::initApplication(app);

class QApplication;

namespace Minato::App {

void initApplication(QApplication &app);
// Loads the TLS backend and OpenSSL in the background, once per process (initApplication calls it).
void warmUpTls();

} // namespace Minato::App
