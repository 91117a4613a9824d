#include "BusyView.h"

#include "Style.h"
#include "WrappingLabel.h"

#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

BusyView::BusyView(QWidget *parent)
    : QWidget(parent)
    , m_text(new WrappingLabel(this))
{
    Style::subheading(m_text);
    m_text->setObjectName(QStringLiteral("busyLabel"));
    auto *progress = new QProgressBar(this);
    progress->setRange(0, 0);
    progress->setTextVisible(false);
    progress->setAccessibleName(tr("Working"));
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(m_text);
    layout->addWidget(progress);
    layout->addStretch(2);
}

void BusyView::setText(const QString &text)
{
    m_text->setText(text);
    m_text->setAccessibleName(text);
}
