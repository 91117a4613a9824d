#include "LatchkeyStyle.h"

#include "DeferredIconEngine.h"

#include <QPointer>
#include <QStyleOption>
#include <QWidget>

#include <memory>

LatchkeyStyle::LatchkeyStyle() = default;

QIcon LatchkeyStyle::standardIcon(StandardPixmap pixmap, const QStyleOption *option, const QWidget *widget) const
{
    // The option and the widget may be gone when the icon is drawn: keep a
    // copy of the option and a guarded pointer to the widget.
    std::shared_ptr<QStyleOption> kept;
    if (option)
        kept = std::make_shared<QStyleOption>(*option);
    return QIcon(
        new DeferredIconEngine([base = QPointer<QStyle>(baseStyle()), pixmap, kept,
                                guarded = QPointer<const QWidget>(widget), hadWidget = widget != nullptr]() -> QIcon {
            if (!base || (hadWidget && !guarded))
                return QIcon();
            return base->standardIcon(pixmap, kept.get(), guarded.data());
        }));
}
