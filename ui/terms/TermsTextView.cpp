#include "TermsTextView.h"

#include "TermsLinks.h"

TermsTextView::TermsTextView(const QUrl &base, QWidget *parent)
    : QTextBrowser(parent)
    , m_base(base)
{
    setObjectName(QStringLiteral("termsTextView"));
    setOpenLinks(false); // never navigate inside the view
    setOpenExternalLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this,
            [this](const QUrl &url) { TermsLinks::openInSystemBrowser(m_base.resolved(url)); });
}

QVariant TermsTextView::loadResource(int, const QUrl &)
{
    return {};
}
