#include "WebTermsPlugin.h"

#include "TermsWebPage.h"

#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineView>
#include <QWebEngineSettings>

#include <unistd.h>

QWidget *WebTermsPlugin::create(const QUrl &url, QWidget *parent)
{
    // Chromium refuses to run its sandbox as root (CI, containers); Qt 6.4
    // honours only this variable for it.
    if (::geteuid() == 0 && qEnvironmentVariableIsEmpty("QTWEBENGINE_DISABLE_SANDBOX"))
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    // An off-the-record profile: reading the terms leaves nothing on disk.
    auto *profile = new QWebEngineProfile(parent);
    auto *page = new TermsWebPage(url, profile, parent);
    page->settings()->setAttribute(QWebEngineSettings::JavascriptEnabled, false);
    auto *view = new QWebEngineView(parent);
    view->setPage(page);
    view->setObjectName(QStringLiteral("termsWebView"));
    view->setAccessibleName(QObject::tr("Terms of service"));
    view->load(url);
    return view;
}
