#pragma once

#include "HttpRobot.h"

#include <QObject>
#include <QUrl>

#include <functional>

// Plays the system browser and the person in it. Connected to
// SessionManager::authorizeWithBrowser, or registered with
// QDesktopServices::setUrlHandler for the window's launcher, it catches the
// URL the app opens, then,
// a moment later (never inside the app's call), clicks through the
// server's pages as told and follows the redirect to the app's loopback port.
class BrowserRobot : public QObject
{
    Q_OBJECT
public:
    explicit BrowserRobot(QObject *parent = nullptr);
    ~BrowserRobot() override;

    void usePersona(const QString &provider, const QString &persona);
    void useIdentity(const QString &provider, const QString &userId, const QString &email = {}, bool verified = false,
                     const QString &name = {});
    void cancelAtProvider(const QString &provider);
    // Catch the URL and do nothing: a browser that never comes back.
    void stayAway() { m_mode = Mode::StayAway; }

    // Fault hooks: change the authorize URL before "the browser" opens it, or
    // the redirect before it reaches the app.
    std::function<QUrl(const QUrl &)> rewriteAuthorizeUrl;
    std::function<QUrl(const QUrl &)> rewriteRedirect;
    // Called with the redirect URL just before it is followed.
    std::function<void(const QUrl &)> beforeRedirect;

    QList<QUrl> openedUrls() const { return m_opened; }
    const HttpResult &lastLanding() const { return m_landing; }
    HttpRobot &http() { return m_http; }

public Q_SLOTS:
    void openUrl(const QUrl &url);

private:
    enum class Mode { Persona, Identity, Cancel, StayAway };
    void act(const QUrl &url);
    // Where the server sent the browser back to the app (or an error page).
    void land(const QUrl &location);

    HttpRobot m_http;
    Mode m_mode = Mode::Persona;
    QString m_provider = QStringLiteral("google");
    QString m_persona = QStringLiteral("returning");
    FieldList m_identity;
    QList<QUrl> m_opened;
    HttpResult m_landing;
};
