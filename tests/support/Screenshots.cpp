#include "Screenshots.h"

#include <QDir>
#include <QPixmap>
#include <QWidget>

QString Screenshots::directory()
{
    return QStringLiteral(LATCHKEY_SCREENSHOT_DIR);
}

QString Screenshots::save(QWidget *widget, const QString &name)
{
    QDir().mkpath(directory());
    const QString path = QDir(directory()).filePath(name + QStringLiteral(".png"));
    return widget->grab().save(path) ? path : QString();
}
