#pragma once

#include <QUrl>
#include <QWebEnginePage>

// The terms page in WebEngine: it shows the terms URL and nothing else. Only
// the helper's own loads of it get through (showTerms(), reloadTerms()); a
// followed link, or one meant for a new window, is handed to the app
// (linkClicked) when it is http(s), which opens it in the system browser.
// Whatever else would move the view or a frame in it without a click (a
// refresh, a server's redirect) is refused and logged.
class TermsWebPage : public QWebEnginePage
{
    Q_OBJECT
public:
    TermsWebPage(const QUrl &terms, QWebEngineProfile *profile, QObject *parent);

    void showTerms();
    void reloadTerms(); // the terms changed on the server

    // The policy of acceptNavigationRequest(). `type` is a QWebEnginePage::NavigationType.
    bool allowsNavigation(const QUrl &url, int type, bool isMainFrame);

Q_SIGNALS:
    void linkClicked(const QUrl &url);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;

private:
    bool isOwnLoad(const QUrl &url, NavigationType type);
    void follow(const QUrl &url);

    QUrl m_terms;
    bool m_loadRequested = false; // showTerms() or reloadTerms() whose navigation has not come yet
};
