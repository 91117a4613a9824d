#include "BrowserLauncher.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QProcess>

BrowserLauncher::BrowserLauncher(const QString &commandTemplate)
    : m_template(commandTemplate.trimmed())
{
}

QStringList BrowserLauncher::command(const QUrl &url) const
{
    const QString encoded = QString::fromLatin1(url.toEncoded());
    QStringList parts = QProcess::splitCommand(m_template);
    bool placed = false;
    for (QString &part : parts) {
        if (part.contains(QLatin1String("%u"))) {
            part.replace(QLatin1String("%u"), encoded);
            placed = true;
        }
    }
    if (!placed && !parts.isEmpty())
        parts.append(encoded);
    return parts;
}

bool BrowserLauncher::open(const QUrl &url, QString *error) const
{
    if (m_template.isEmpty()) {
        if (QDesktopServices::openUrl(url))
            return true;
        *error = QCoreApplication::translate("BrowserLauncher", "No web browser could be opened.");
        return false;
    }
    QStringList parts = command(url);
    const QString program = parts.takeFirst();
    if (QProcess::startDetached(program, parts))
        return true;
    *error = QCoreApplication::translate("BrowserLauncher", "The browser command \"%1\" could not be started.")
                 .arg(program);
    return false;
}
