#include "TermsWebPage.h"

#include "TermsLinks.h"
#include "UiLogging.h"

#include <QMetaEnum>
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

void TermsWebPage::showTerms()
{
    m_loadRequested = true;
    load(m_terms);
}

void TermsWebPage::reloadTerms()
{
    m_loadRequested = true;
    triggerAction(Reload);
}

bool TermsWebPage::allowsNavigation(const QUrl &url, int type, bool isMainFrame)
{
    const auto navigation = NavigationType(type);
    if (navigation == NavigationTypeLinkClicked) {
        if (isMainFrame)
            follow(url);
        return false; // a link inside a frame goes nowhere
    }
    // Frames inside the terms may load from the web, never from disk, and
    // once: a frame that moves on by itself is refused like the page.
    const bool allowed = isMainFrame ? isOwnLoad(url, navigation)
                                     : TermsLinks::isWebLink(url) && navigation == NavigationTypeOther;
    if (!allowed)
        qCWarning(lcTerms).noquote() << "refused" << QMetaEnum::fromType<NavigationType>().valueToKey(navigation)
                                     << (isMainFrame ? "of the terms view to" : "of a frame in the terms to")
                                     << TermsLinks::forLog(url);
    return allowed;
}

// Chromium reports a server's redirect and a page's refresh alike (both
// NavigationTypeRedirect), so neither gets through: the app reads the terms
// without following redirects (TermsJob) and could not take a redirected
// version anyway. That leaves the loads the helper asked for.
bool TermsWebPage::isOwnLoad(const QUrl &url, NavigationType navigation)
{
    if (!m_loadRequested || url != m_terms || !TermsLinks::isWebLink(url)
        || (navigation != NavigationTypeTyped && navigation != NavigationTypeReload))
        return false;
    m_loadRequested = false; // a later refresh to the terms URL is the page's own doing
    return true;
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
