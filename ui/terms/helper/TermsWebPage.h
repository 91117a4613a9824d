#pragma once

#include <QUrl>
#include <QWebEnginePage>

// The terms page in WebEngine: it shows the terms URL (and the server's
// redirects of it) and nothing else. A followed link, or one meant for a new
// window, is handed to the app (linkClicked) when it is http(s), which opens
// it in the system browser; any other link goes nowhere.
class TermsWebPage : public QWebEnginePage
{
    Q_OBJECT
public:
    TermsWebPage(const QUrl &terms, QWebEngineProfile *profile, QObject *parent);

    // The policy of acceptNavigationRequest(). `type` is a QWebEnginePage::NavigationType.
    bool allowsNavigation(const QUrl &url, int type, bool isMainFrame);

Q_SIGNALS:
    void linkClicked(const QUrl &url);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;

private:
    void follow(const QUrl &url);

    QUrl m_terms;
};
