#include "TermsWebPage.h"

#include "TermsLinks.h"

#include <QWebEngineNewWindowRequest>

TermsWebPage::TermsWebPage(const QUrl &terms, QWebEngineProfile *profile, QObject *parent)
    : QWebEnginePage(profile, parent)
    , m_terms(terms)
{
    setObjectName(QStringLiteral("termsWebPage"));
    // A link meant for a new window opens no window: it goes where other links go.
    connect(this, &QWebEnginePage::newWindowRequested, this,
            [this](QWebEngineNewWindowRequest &request) { follow(request.requestedUrl()); });
}

bool TermsWebPage::allowsNavigation(const QUrl &url, int type, bool isMainFrame)
{
    const auto navigation = NavigationType(type);
    // The terms themselves, loaded or reloaded, and the server's redirects of them.
    const bool showsTerms = (url == m_terms && navigation != NavigationTypeLinkClicked
                             && navigation != NavigationTypeFormSubmitted)
        || navigation == NavigationTypeRedirect;
    if (showsTerms && TermsLinks::isWebLink(url))
        return true;
    // Frames inside the terms may load from the web, never from disk.
    if (!isMainFrame)
        return TermsLinks::isWebLink(url) && navigation != NavigationTypeLinkClicked;
    if (navigation == NavigationTypeLinkClicked)
        follow(url);
    return false;
}

void TermsWebPage::follow(const QUrl &url)
{
    if (TermsLinks::isWebLink(url))
        Q_EMIT linkClicked(url);
}

bool TermsWebPage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    return allowsNavigation(url, int(type), isMainFrame);
}
