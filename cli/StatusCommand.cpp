#include "StatusCommand.h"

#include "ErrorMessages.h"
#include "SessionManager.h"
#include "Terminal.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

StatusCommand::StatusCommand(SessionManager *session, TokenVault *vault, Terminal *terminal, bool json,
                             QObject *parent)
    : Command(session, vault, terminal, parent)
    , m_json(json)
{
}

void StatusCommand::start()
{
    whenRestored([this] {
        if (m_json)
            printJson();
        else
            printText();
        finish(m_session->step() == SessionManager::Step::SignedIn ? 0 : 1);
    });
}

void StatusCommand::printText()
{
    if (m_session->step() != SessionManager::Step::SignedIn) {
        notSignedIn();
        return;
    }
    const AccountProfile &p = m_session->profile();
    const QString until = QLocale().toString(QDateTime::fromSecsSinceEpoch(m_session->accessTokenExpiresAt()),
                                             QLocale::ShortFormat);
    m_terminal->print(tr("Signed in as %1 (@%2)").arg(p.name.isEmpty() ? p.username : p.name, p.username));
    m_terminal->print(tr("  Provider: %1").arg(providerOf(p)));
    m_terminal->print(tr("  Server:   %1").arg(p.issuer));
    if (!p.email.isEmpty())
        m_terminal->print(tr("  Email:    %1").arg(p.email));
    m_terminal->print(m_session->canRenew() ? tr("  Access:   until %1, renews automatically").arg(until)
                                            : tr("  Access:   until %1, then sign in again").arg(until));
    if (m_session->isOffline())
        m_terminal->print(tr("  Offline:  %1").arg(ErrorMessages::sentence(m_session->renewalError())));
}

void StatusCommand::printJson()
{
    const bool signedIn = m_session->step() == SessionManager::Step::SignedIn;
    QJsonObject o{{QStringLiteral("signed_in"), signedIn}};
    if (signedIn) {
        const AccountProfile &p = m_session->profile();
        o.insert(QStringLiteral("username"), p.username);
        o.insert(QStringLiteral("name"), p.name);
        o.insert(QStringLiteral("email"), p.email);
        o.insert(QStringLiteral("provider"), p.provider);
        o.insert(QStringLiteral("issuer"), p.issuer);
        o.insert(QStringLiteral("access_token_expires_at"),
                 QDateTime::fromSecsSinceEpoch(m_session->accessTokenExpiresAt(), Qt::UTC).toString(Qt::ISODate));
        o.insert(QStringLiteral("renews"), m_session->canRenew());
        o.insert(QStringLiteral("offline"), m_session->isOffline());
    }
    m_terminal->print(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
}
