#pragma once

#include <QString>

class QWidget;

// Saves what a person would see, as PNGs under <build>/screenshots, so the
// windows can be looked at after a test run.
class Screenshots
{
public:
    static QString directory();
    // Returns the file written, or an empty string.
    static QString save(QWidget *widget, const QString &name);
};
