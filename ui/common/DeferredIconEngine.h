#pragma once

#include <QIcon>
#include <QIconEngine>

#include <functional>

// An icon that is made only when something first draws it or asks about it.
// Until then it holds a function that makes it. For the style's standard
// icons (LatchkeyStyle): some are read from image files, and QImageReader
// asks every installed image plugin whether it reads PNG, loading each one.
class DeferredIconEngine final : public QIconEngine
{
public:
    using Maker = std::function<QIcon()>;

    explicit DeferredIconEngine(Maker maker);

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override;
    QSize actualSize(const QSize &size, QIcon::Mode mode, QIcon::State state) override;
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override;
    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state, qreal scale) override;
    QList<QSize> availableSizes(QIcon::Mode mode, QIcon::State state) override;
    QString iconName() override;
    bool isNull() override;
    QString key() const override;
    QIconEngine *clone() const override;

private:
    const QIcon &icon();

    Maker m_maker;
    QIcon m_icon;
    bool m_made = false;
};
