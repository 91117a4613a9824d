#pragma once

#include <QString>
#include <QUrl>

// Opens the authorization URL in the system browser, or with a command the
// user configured ("firefox --private-window %u"), when SessionManager asks
// (authorizeWithBrowser). The URL is passed as one argument and never through
// a shell; it holds state and the PKCE challenge, never a secret, so argv may
// carry it. Here in the UI, so the client core needs no Qt Gui.
class BrowserLauncher
{
public:
    explicit BrowserLauncher(const QString &commandTemplate = {});

    bool open(const QUrl &url, QString *error) const;
    // The program and arguments the template gives for `url` (for tests and logs).
    QStringList command(const QUrl &url) const;

private:
    QString m_template;
};
