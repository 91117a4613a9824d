#include "SimulatedProviders.h"

#include "SecureRandom.h"

#include <QCoreApplication>

QList<SimulatedProviders::Provider> SimulatedProviders::providers()
{
    return {
        {QStringLiteral("google"), QStringLiteral("Google")},
        {QStringLiteral("github"), QStringLiteral("GitHub")},
        {QStringLiteral("microsoft"), QStringLiteral("Microsoft")},
    };
}

QList<SimulatedProviders::Persona> SimulatedProviders::personas()
{
    return {
        {QStringLiteral("returning"), QStringLiteral("Returning user"),
         QStringLiteral("Rita, already linked to the account \"rita\": signs straight in.")},
        {QStringLiteral("new"), QStringLiteral("New user"),
         QStringLiteral("Nora, never seen before, with a verified email: the registration wizard.")},
        {QStringLiteral("email-in-use"), QStringLiteral("New user, email belongs to another account"),
         QStringLiteral(
             "A new identity whose verified email rita@example.com is Rita's: onboarding answers email_in_use.")},
        {QStringLiteral("unverified-email"), QStringLiteral("New user, unverified email"),
         QStringLiteral("Uma, whose provider has not verified her email.")},
        {QStringLiteral("no-email"), QStringLiteral("New user, no email"),
         QStringLiteral("Noel, whose provider shares no email address.")},
        {QStringLiteral("long-name"), QStringLiteral("New user, very long Unicode name"),
         QStringLiteral("A long name with accents, CJK and emoji: layout and username derivation.")},
        {QStringLiteral("sam"), QStringLiteral("Sam, the GitHub account"),
         QStringLiteral("Sam Existing (sam@example.com): at GitHub he signs straight in to the account \"sam\"; "
                        "at Google or Microsoft his email belongs to that GitHub account, so the wizard offers to "
                        "link.")},
        {QStringLiteral("taken-username"), QStringLiteral("New user, username taken"),
         QStringLiteral("Sam, whose provider login \"sam\" is already an account's username.")},
    };
}

std::optional<UpstreamProfile> SimulatedProviders::personaProfile(const QString &providerId, const QString &key)
{
    const QString fresh = QString::fromLatin1(SecureRandom::token(6)).toLower().remove(u'-').remove(u'_');
    auto make = [&](const QString &userId, const QString &email, bool verified, const QString &name,
                    const QString &login = {}) {
        return UpstreamProfile{{providerId, userId, {}}, email, verified, name, login, {}, {}};
    };
    if (key == QLatin1String("returning"))
        return make(QStringLiteral("qa-returning"), QStringLiteral("rita@example.com"), true,
                    QStringLiteral("Rita Returning"), QStringLiteral("rita"));
    if (key == QLatin1String("new"))
        return make(QStringLiteral("qa-new-") + fresh, QStringLiteral("nora.%1@example.com").arg(fresh), true,
                    QStringLiteral("Nora Newcomer"));
    if (key == QLatin1String("email-in-use"))
        return make(QStringLiteral("qa-email-in-use-") + fresh, QStringLiteral("rita@example.com"), true,
                    QStringLiteral("Rita Again"));
    if (key == QLatin1String("sam"))
        return make(QStringLiteral("qa-sam"), QStringLiteral("sam@example.com"), true, QStringLiteral("Sam Existing"),
                    QStringLiteral("sam"));
    if (key == QLatin1String("unverified-email"))
        return make(QStringLiteral("qa-unverified-") + fresh, QStringLiteral("uma.%1@example.com").arg(fresh), false,
                    QStringLiteral("Uma Unverified"));
    if (key == QLatin1String("no-email"))
        return make(QStringLiteral("qa-no-email-") + fresh, QString(), false, QStringLiteral("Noel Noemail"));
    if (key == QLatin1String("long-name"))
        return make(QStringLiteral("qa-long-name-") + fresh, QStringLiteral("maxi.%1@example.com").arg(fresh), true,
                    QStringLiteral("Maximiliane Adelheid Großherzogin von Überlingen-Ästhetikwald "
                                   "李小龍 Ἀφροδίτη Ñúñez-Çelik ✨🦊"));
    if (key == QLatin1String("taken-username"))
        return make(QStringLiteral("qa-taken-") + fresh, QStringLiteral("sam.%1@example.com").arg(fresh), true,
                    QStringLiteral("Sam Taken"), QStringLiteral("sam"));
    return std::nullopt;
}
