#include "WrappingLabel.h"

#include <QEvent>

WrappingLabel::WrappingLabel(QWidget *parent)
    : QLabel(parent)
{
    setWordWrap(true);
}

WrappingLabel::WrappingLabel(const QString &text, QWidget *parent)
    : QLabel(text, parent)
{
    setWordWrap(true);
}

WrappingLabel::Key WrappingLabel::currentKey() const
{
    return {text(), alignment(), textFormat(), wordWrap(), margin(), indent()};
}

bool WrappingLabel::cacheMatches() const
{
    Key key = currentKey();
    if (key == m_key)
        return true;
    m_entries.fill({});
    m_key = std::move(key);
    return false;
}

int WrappingLabel::heightForWidth(int width) const
{
    if (cacheMatches()) {
        for (const Entry &entry : m_entries) {
            if (entry.width == width)
                return entry.height;
        }
    }
    const int height = QLabel::heightForWidth(width);
    m_entries[m_next] = {width, height};
    m_next = (m_next + 1) % int(m_entries.size());
    return height;
}

void WrappingLabel::changeEvent(QEvent *event)
{
    switch (event->type()) {
    case QEvent::FontChange:
    case QEvent::StyleChange:
    case QEvent::ContentsRectChange:
    case QEvent::LayoutDirectionChange:
        m_entries.fill({});
        break;
    default:
        break;
    }
    QLabel::changeEvent(event);
}
