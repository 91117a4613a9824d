#pragma once

#include <QDesktopServices>
#include <QUrl>

// What a link on the terms of service may do: open in the person's own
// browser, and only when it is http(s). Never file:, data:, javascript: or
// a custom scheme that hands the server's words to another program. Inline,
// so the WebEngine plugin shares it without linking the UI library.
namespace TermsLinks {

inline bool isWebLink(const QUrl &url)
{
    return url.isValid() && !url.host().isEmpty()
        && (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"));
}

// A link as a log line may show it: without the user name, query and
// fragment, where a page may put a person's data or a token.
inline QString forLog(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

// Opens `url` in the system browser if it is a web link; says whether it did.
inline bool openInSystemBrowser(const QUrl &url)
{
    return isWebLink(url) && QDesktopServices::openUrl(url);
}

} // namespace TermsLinks
