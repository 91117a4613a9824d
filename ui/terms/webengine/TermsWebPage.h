#pragma once

#include <QUrl>
#include <QWebEnginePage>

// The terms page in WebEngine: it shows the terms URL (and the server's
// redirects of it) and nothing else. A followed link opens in the system
// browser when it is http(s) and nowhere otherwise; a link meant for a new
// window does the same.
class TermsWebPage : public QWebEnginePage
{
    Q_OBJECT
public:
    TermsWebPage(const QUrl &terms, QWebEngineProfile *profile, QObject *parent);

    // The policy of acceptNavigationRequest(), public for tests (through
    // QMetaObject, so they need not link WebEngine). `type` is a
    // QWebEnginePage::NavigationType.
    Q_INVOKABLE bool allowsNavigation(const QUrl &url, int type, bool isMainFrame);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;
    QWebEnginePage *createWindow(WebWindowType type) override;

private:
    QUrl m_terms;
};
