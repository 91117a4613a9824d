#pragma once

class QLabel;
class QPushButton;

// The app's few typographic roles, applied on top of the platform theme so
// the windows stay native (and follow the system's font size and scaling).
// Every role shows plain text: labels carry names, emails and messages from
// servers, which must never be read as markup.
namespace Style {
void heading(QLabel *label);
void subheading(QLabel *label);
void secondary(QLabel *label);
void primary(QPushButton *button);
// A label for a status line: wraps, selectable, announced by screen readers.
void status(QLabel *label);
} // namespace Style
