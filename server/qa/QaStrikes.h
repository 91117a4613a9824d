#pragma once

#include <QMutex>
#include <QSet>
#include <QString>

// The onboarding tokens (by jti) a once-only QA fault already struck, for the
// whole server: whichever worker thread answers the retry, it succeeds.
class QaStrikes
{
public:
    // True the first time for `jti`.
    bool strikeFirstTime(const QString &jti);

private:
    QMutex m_mutex;
    QSet<QString> m_struck;
};
