#pragma once

#include <QLocale>

class QCoreApplication;

// Loads Qt's own translations and Latchkey's for a locale (by default the
// system's). Latchkey's are compiled into the UI library.
namespace Localization {
// Returns whether a Latchkey translation for the locale was found.
bool install(QCoreApplication *app, const QLocale &locale = QLocale());
} // namespace Localization
