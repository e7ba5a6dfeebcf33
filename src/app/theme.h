#pragma once

// Theme: System (the platform's style and palette, as the desktop sets them), Light or Dark (Fusion with
// explicit palettes, so both are legible anywhere and can be screenshotted). Qt 6.4 has no
// QStyleHints::colorScheme, so "System" means whatever palette the platform theme gives at start.
//
//   Theme::apply(Theme::Mode::Dark);         // restyles the running application
//   Theme::modeFromString(u"dark"_s);

#include <QString>

namespace Minato::App::Theme {

enum class Mode { System, Light, Dark };

void apply(Mode mode);
Mode current();
QString toString(Mode mode);     // "system", "light", "dark" (settings)
Mode modeFromString(const QString &text);
bool isDark();                    // the palette in use is dark

} // namespace Minato::App::Theme
