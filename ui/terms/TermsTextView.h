#pragma once

#include <QTextBrowser>

// The terms as formatted text, when the WebEngine plugin is missing. It
// loads no resource at all (an <img src="file:///dev/zero"> would otherwise
// be read from disk), and a clicked http(s) link opens in the system
// browser; other links do nothing.
class TermsTextView : public QTextBrowser
{
    Q_OBJECT
public:
    // `base`: the terms URL, against which relative links resolve.
    TermsTextView(const QUrl &base, QWidget *parent = nullptr);

    QVariant loadResource(int type, const QUrl &name) override;

private:
    QUrl m_base;
};
