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
    // A run at another scale (QT_SCALE_FACTOR=2) names its pictures apart.
    const QString suffix = qEnvironmentVariable("LATCHKEY_SCREENSHOT_SUFFIX");
    const QString path = QDir(directory()).filePath(name + suffix + QStringLiteral(".png"));
    return widget->grab().save(path) ? path : QString();
}
