#pragma once

#include <QProxyStyle>

// The platform's own style (QProxyStyle picks it as QApplication would),
// with one change: standard icons are made when first drawn. QMenuBar asks
// for its extension button's icon when it is built, though that button shows
// only when the menus do not fit; making it loaded every image plugin before
// the first frame (3 M instructions, callgrind), and kept them loaded.
class LatchkeyStyle final : public QProxyStyle
{
    Q_OBJECT
public:
    LatchkeyStyle();

    QIcon standardIcon(StandardPixmap pixmap, const QStyleOption *option = nullptr,
                       const QWidget *widget = nullptr) const override;
};
