#include "UsernameSuggester.h"

#include "AccountStore.h"
#include "UsernameRules.h"

namespace {
constexpr int NumberedVariants = 50;

QString emailLocalPart(const QString &email)
{
    return email.section(u'@', 0, 0);
}
} // namespace

UsernameSuggester::UsernameSuggester(AccountStore &accounts)
    : m_accounts(accounts)
{
}

bool UsernameSuggester::isFree(const QString &username)
{
    // A name whose check failed is not offered: it may be taken.
    return UsernameRules::isValid(username) && !m_accounts.isUsernameTaken(username).value_or(true);
}

QStringList UsernameSuggester::candidates(const QString &base) const
{
    // In the order of PROTOCOL.md's example: alice_w2, alice.w, alicew, then alice_w3...
    QString joined = base;
    joined.remove(u'_').remove(u'.').remove(u'-');
    QString dotted = base;
    dotted.replace(u'_', u'.').replace(u'-', u'.');
    if (dotted == base)
        dotted.replace(u'.', u'_');
    auto numbered = [&base](int n) -> QString {
        const QString suffix = QString::number(n);
        return base.left(UsernameRules::MaxLength - int(suffix.size())) + suffix;
    };
    QStringList list{base, numbered(2), dotted, joined};
    for (int n = 3; n < NumberedVariants; ++n)
        list.append(numbered(n));
    return list;
}

QString UsernameSuggester::preferred(const QString &upstreamUsername, const QString &name, const QString &email)
{
    const QStringList found = suggestions(QString(), {upstreamUsername, name, emailLocalPart(email)}, 1);
    return found.value(0);
}

QStringList UsernameSuggester::suggestions(const QString &wanted, const QStringList &hints, int max)
{
    QStringList bases;
    for (const QString &text : QStringList{wanted} + hints) {
        const QString base = UsernameRules::fromFreeText(text);
        if (!base.isEmpty() && !bases.contains(base))
            bases.append(base);
    }
    QStringList found;
    for (const QString &base : bases) {
        for (const QString &candidate : candidates(base)) {
            if (found.size() >= max)
                return found;
            if (candidate != wanted && !found.contains(candidate) && isFree(candidate))
                found.append(candidate);
        }
    }
    return found;
}
