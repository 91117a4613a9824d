// Runs with a gnome-keyring of its own (isolated-keyring.sh unlocked), which
// the test locks and unlocks for real: a session found locked at start is
// kept and restored once the keyring opens.

#include "ClientHarness.h"
#include "SessionManager.h"

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusVariant>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

// The Secret Service's Secret struct (o session, ay parameters, ay value, s content type).
struct Secret
{
    QDBusObjectPath session;
    QByteArray parameters;
    QByteArray value;
    QString contentType;
};
Q_DECLARE_METATYPE(Secret)

QDBusArgument &operator<<(QDBusArgument &argument, const Secret &secret)
{
    argument.beginStructure();
    argument << secret.session << secret.parameters << secret.value << secret.contentType;
    argument.endStructure();
    return argument;
}

const QDBusArgument &operator>>(const QDBusArgument &argument, Secret &secret)
{
    argument.beginStructure();
    argument >> secret.session >> secret.parameters >> secret.value >> secret.contentType;
    argument.endStructure();
    return argument;
}

using State = SessionManager::State;

class TestKeychainLocked : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lockedAtStartIsRestoredAfterUnlock();

private:
    static bool run(const QString &program, const QStringList &arguments);
    static bool unlockWithPassword(const QByteArray &password);
};

bool TestKeychainLocked::run(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(program, arguments);
    return process.waitForFinished(10000) && process.exitCode() == 0;
}

bool TestKeychainLocked::unlockWithPassword(const QByteArray &password)
{
    // What the unlock prompt does when the person types the password:
    // gnome-keyring's own unlock call, over a "plain" Secret Service session.
    qDBusRegisterMetaType<Secret>();
    const QString service = "org.freedesktop.secrets";
    QDBusMessage open = QDBusMessage::createMethodCall(service, "/org/freedesktop/secrets",
                                                       "org.freedesktop.Secret.Service", "OpenSession");
    open << QString("plain") << QVariant::fromValue(QDBusVariant(QString()));
    const QDBusMessage opened = QDBusConnection::sessionBus().call(open);
    if (opened.type() != QDBusMessage::ReplyMessage || opened.arguments().size() != 2)
        return false;
    const Secret secret{opened.arguments().at(1).value<QDBusObjectPath>(), {}, password, "text/plain"};
    QDBusMessage unlock = QDBusMessage::createMethodCall(service, "/org/freedesktop/secrets",
                                                         "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                                         "UnlockWithMasterPassword");
    unlock << QVariant::fromValue(QDBusObjectPath("/org/freedesktop/secrets/collection/login"))
           << QVariant::fromValue(secret);
    return QDBusConnection::sessionBus().call(unlock).type() == QDBusMessage::ReplyMessage;
}

void TestKeychainLocked::lockedAtStartIsRestoredAfterUnlock()
{
    ClientHarness harness;
    QVERIFY(harness.start());
    {
        auto first = harness.newManager();
        first->signIn();
        QTRY_COMPARE_WITH_TIMEOUT(first->state(), State::SignedIn, 20000);
        QVERIFY(first->vaultError().ok());
    }
    QVERIFY(run("dbus-send",
                {"--session", "--dest=org.freedesktop.secrets", "--type=method_call", "--print-reply",
                 "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock",
                 "array:objpath:/org/freedesktop/secrets/collection/login"}));

    ClientConfig config = harness.config();
    config.keychainRetryMs = 300;
    auto manager = harness.newManager(config);
    manager->restore();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedOut, 15000);
    QCOMPARE(manager->signOutReason(), SessionManager::SignOutReason::KeychainUnavailable);
    QCOMPARE(manager->profile().username, QStringLiteral("rita"));

    QSignalSpy changes(manager.get(), &SessionManager::stateChanged);
    QTest::qWait(1000); // a few quiet retries against the locked keyring
    QCOMPARE(changes.size(), 0);
    QCOMPARE(manager->state(), State::SignedOut);
    QCOMPARE(manager->profile().username, QStringLiteral("rita"));

    QVERIFY(unlockWithPassword("test"));
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, 20000);
    QCOMPARE(manager->profile().username, QStringLiteral("rita"));
}

QTEST_MAIN(TestKeychainLocked)
#include "TestKeychainLocked.moc"
