#include "CountdownLabel.h"

CountdownLabel::CountdownLabel(qint64 expiresAt, std::function<qint64()> clock, QWidget *parent)
    : WrappingLabel(parent)
    , m_expiresAt(expiresAt)
    , m_clock(std::move(clock))
{
    setObjectName(QStringLiteral("countdownLabel"));
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &CountdownLabel::update);
    m_timer.start();
    update();
}

void CountdownLabel::update()
{
    const qint64 left = m_expiresAt - m_clock();
    setVisible(left < VisibleBelowSeconds);
    if (left <= 0)
        setText(tr("This registration has expired. Cancel and sign in again to start over."));
    else
        setText(tr("Finish within %1:%2 minutes, or sign in again to start over.")
                    .arg(left / 60)
                    .arg(left % 60, 2, 10, QLatin1Char('0')));
    setAccessibleName(text());
}
