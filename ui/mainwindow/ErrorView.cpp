#include "ErrorView.h"

#include "Style.h"
#include "WrappingLabel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

ErrorView::ErrorView(QWidget *parent)
    : QWidget(parent)
    , m_message(new WrappingLabel(this))
    , m_detail(new WrappingLabel(this))
    , m_detailCaption(new QLabel(tr("Details:"), this))
{
    auto *title = new WrappingLabel(tr("Signing in didn't work"), this);
    Style::heading(title);
    Style::status(m_message);
    m_message->setObjectName(QStringLiteral("errorMessageLabel"));
    m_detail->setObjectName(QStringLiteral("errorDetailLabel"));
    Style::status(m_detail); // plain text: the server's words are never markup
    m_detail->setAccessibleDescription(tr("Details"));
    m_detail->hide();
    // The server's own words stand apart from our sentence, under a caption.
    m_detailCaption->setObjectName(QStringLiteral("errorDetailCaption"));
    m_detailCaption->setTextFormat(Qt::PlainText);
    m_detailCaption->hide();
    auto *retry = new QPushButton(tr("&Try again"), this);
    retry->setObjectName(QStringLiteral("retryButton"));
    Style::primary(retry);
    auto *settings = new QPushButton(tr("Se&rver settings…"), this);
    settings->setObjectName(QStringLiteral("errorSettingsButton"));
    auto *back = new QPushButton(tr("&Back"), this);
    back->setObjectName(QStringLiteral("errorBackButton"));
    auto *copy = new QPushButton(tr("&Copy details"), this);
    copy->setObjectName(QStringLiteral("copyDetailsButton"));
    copy->setToolTip(tr("Copies a report for your administrator: versions, server, recent errors. It holds no "
                        "password or token."));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(retry);
    buttons->addWidget(settings);
    buttons->addWidget(copy);
    buttons->addStretch(1);
    buttons->addWidget(back);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(title);
    layout->addWidget(m_message);
    auto *detailRow = new QHBoxLayout;
    detailRow->addWidget(m_detailCaption, 0, Qt::AlignTop);
    detailRow->addWidget(m_detail, 1);
    layout->addLayout(detailRow);
    layout->addLayout(buttons);
    layout->addStretch(2);
    connect(retry, &QPushButton::clicked, this, &ErrorView::retryRequested);
    connect(settings, &QPushButton::clicked, this, &ErrorView::settingsRequested);
    connect(back, &QPushButton::clicked, this, &ErrorView::dismissRequested);
    connect(copy, &QPushButton::clicked, this, &ErrorView::copyDetailsRequested);
    setFocusProxy(retry);
}

void ErrorView::setMessage(const QString &message, const QString &detail)
{
    m_message->setText(message);
    m_message->setAccessibleName(message);
    m_detail->setText(detail);
    m_detail->setAccessibleName(detail);
    m_detail->setVisible(!detail.isEmpty());
    m_detailCaption->setVisible(!detail.isEmpty());
}
