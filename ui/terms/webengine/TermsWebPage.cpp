#include "TermsWebPage.h"

#include "TermsLinks.h"

namespace {

// Stands in for a new window: its first navigation is the link, which goes
// to the system browser; the page itself never loads anything.
class LinkCatcher : public QWebEnginePage
{
public:
    using QWebEnginePage::QWebEnginePage;

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType, bool) override
    {
        TermsLinks::openInSystemBrowser(url);
        deleteLater();
        return false;
    }
};

} // namespace

TermsWebPage::TermsWebPage(const QUrl &terms, QWebEngineProfile *profile, QObject *parent)
    : QWebEnginePage(profile, parent)
    , m_terms(terms)
{
    setObjectName(QStringLiteral("termsWebPage"));
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
        TermsLinks::openInSystemBrowser(url);
    return false;
}

bool TermsWebPage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    return allowsNavigation(url, int(type), isMainFrame);
}

QWebEnginePage *TermsWebPage::createWindow(WebWindowType)
{
    return new LinkCatcher(profile(), this);
}
