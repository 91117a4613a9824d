#pragma once

#include <QLabel>

#include <array>

// A word-wrapped QLabel that remembers its height for the last few widths.
// QLabel lays its text out anew (shaped by HarfBuzz) on every
// heightForWidth(), and layouts ask it dozens of times while a window is
// first shown: for the signed-out view about a tenth of all the app's
// instructions before its first frame (callgrind). The text, width and
// everything else that changes the answer are part of the key.
class WrappingLabel : public QLabel
{
    Q_OBJECT
public:
    explicit WrappingLabel(QWidget *parent = nullptr);
    explicit WrappingLabel(const QString &text, QWidget *parent = nullptr);

    int heightForWidth(int width) const override;

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Entry
    {
        int width = -1;
        int height = 0;
    };
    // What the cached heights were measured with (fonts, style and contents
    // margins reach changeEvent() instead).
    struct Key
    {
        QString text;
        Qt::Alignment alignment;
        Qt::TextFormat format = Qt::AutoText;
        bool wordWrap = false;
        int margin = 0;
        int indent = 0;
        bool operator==(const Key &other) const = default;
    };
    Key currentKey() const;
    bool cacheMatches() const;

    mutable std::array<Entry, 4> m_entries{};
    mutable int m_next = 0;
    mutable Key m_key;
};
