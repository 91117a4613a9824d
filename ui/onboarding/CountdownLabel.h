#pragma once

#include "WrappingLabel.h"

#include <QTimer>

// Tells how long the registration stays valid, once that is under two
// minutes; silent before, so it never nags.
class CountdownLabel : public WrappingLabel
{
    Q_OBJECT
public:
    static constexpr int VisibleBelowSeconds = 120;

    CountdownLabel(qint64 expiresAt, std::function<qint64()> clock, QWidget *parent = nullptr);

private:
    void update();

    qint64 m_expiresAt;
    std::function<qint64()> m_clock;
    QTimer m_timer;
};
