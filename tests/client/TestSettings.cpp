// The typed settings of Settings.h: each one round-trips through a real
// settings file, reads its default when absent, and reads the default, not
// garbage, when the file holds a value of another type.

#include "ClientConfig.h"
#include "Settings.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

namespace {
using Reader = std::function<QVariant(const QSettings &)>;
using Writer = std::function<void(QSettings &, const QVariant &)>;

template<typename T>
Reader reader(const SettingValue<T> &setting)
{
    return [&setting](const QSettings &s) { return QVariant::fromValue(setting.get(s)); };
}

template<typename T>
Writer writer(const SettingValue<T> &setting)
{
    return [&setting](QSettings &s, const QVariant &v) { setting.set(s, v.value<T>()); };
}
} // namespace

Q_DECLARE_METATYPE(Reader)
Q_DECLARE_METATYPE(Writer)

class TestSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void roundTrip_data();
    void roundTrip();
    void keysStayAsStored();
    void defaultsMatchClientConfig();
    void unexpectedTypeReadsDefault_data();
    void unexpectedTypeReadsDefault();
    void valueOfAnotherTypeInMemoryReadsDefault();
    void removeForgetsTheValue();

private:
    std::unique_ptr<QSettings> reopen();
    void writeFile(const QByteArray &ini);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSettings::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

std::unique_ptr<QSettings> TestSettings::reopen()
{
    return std::make_unique<QSettings>(m_dir->filePath("settings.ini"), QSettings::IniFormat);
}

void TestSettings::writeFile(const QByteArray &ini)
{
    QFile file(m_dir->filePath("settings.ini"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(ini);
}

void TestSettings::roundTrip_data()
{
    QTest::addColumn<Reader>("read");
    QTest::addColumn<Writer>("write");
    QTest::addColumn<QVariant>("value");
    // Commas, quotes, equals signs and non-ASCII text are what INI files trip on.
    const QString text = QStringLiteral("a, b = \"c\"; Zoë %u");
    QTest::newRow("Issuer") << reader(Settings::Issuer) << writer(Settings::Issuer)
                            << QVariant("https://id.example.org:8443/realm, x");
    QTest::newRow("ClientId") << reader(Settings::ClientId) << writer(Settings::ClientId) << QVariant(text);
    QTest::newRow("BrowserCommand") << reader(Settings::BrowserCommand) << writer(Settings::BrowserCommand)
                                    << QVariant("\"/opt/My Browser/run\" --flag \"a,b\" %u");
    QTest::newRow("AccountIssuer") << reader(Settings::AccountIssuer) << writer(Settings::AccountIssuer)
                                   << QVariant(text);
    QTest::newRow("AccountSubject") << reader(Settings::AccountSubject) << writer(Settings::AccountSubject)
                                    << QVariant(text);
    QTest::newRow("AccountName") << reader(Settings::AccountName) << writer(Settings::AccountName) << QVariant(text);
    QTest::newRow("AccountUsername") << reader(Settings::AccountUsername) << writer(Settings::AccountUsername)
                                     << QVariant(text);
    QTest::newRow("AccountEmail") << reader(Settings::AccountEmail) << writer(Settings::AccountEmail) << QVariant(text);
    QTest::newRow("AccountProvider") << reader(Settings::AccountProvider) << writer(Settings::AccountProvider)
                                     << QVariant(text);
    QTest::newRow("AccountEmailVerified true")
        << reader(Settings::AccountEmailVerified) << writer(Settings::AccountEmailVerified) << QVariant(true);
    QTest::newRow("AccountEmailVerified false")
        << reader(Settings::AccountEmailVerified) << writer(Settings::AccountEmailVerified) << QVariant(false);
}

void TestSettings::roundTrip()
{
    QFETCH(Reader, read);
    QFETCH(Writer, write);
    QFETCH(QVariant, value);
    {
        auto settings = reopen();
        write(*settings, value);
        QCOMPARE(read(*settings), value);
        settings->sync();
        QCOMPARE(settings->status(), QSettings::NoError);
    }
    QCOMPARE(read(*reopen()), value); // from the file, not the cache
}

void TestSettings::keysStayAsStored()
{
    // The keys earlier versions wrote: a renamed key silently drops the user's setting.
    QCOMPARE(Settings::Issuer.key(), QStringLiteral("server/issuer"));
    QCOMPARE(Settings::ClientId.key(), QStringLiteral("server/clientId"));
    QCOMPARE(Settings::BrowserCommand.key(), QStringLiteral("browser/command"));
    const QStringList account{Settings::AccountIssuer.key(),  Settings::AccountSubject.key(),
                              Settings::AccountName.key(),    Settings::AccountUsername.key(),
                              Settings::AccountEmail.key(),   Settings::AccountEmailVerified.key(),
                              Settings::AccountProvider.key()};
    QCOMPARE(account,
             (QStringList{"account/issuer", "account/subject", "account/name", "account/username", "account/email",
                          "account/emailVerified", "account/provider"}));
    // Forgetting the account removes AccountGroup: every account key must be in it.
    for (const QString &key : account)
        QVERIFY2(key.startsWith(Settings::AccountGroup + '/'), qPrintable(key));
}

void TestSettings::defaultsMatchClientConfig()
{
    auto settings = reopen();
    const ClientConfig config;
    QCOMPARE(Settings::Issuer.get(*settings), config.issuer);
    QCOMPARE(Settings::Issuer.get(*settings), QStringLiteral("http://127.0.0.1:8765"));
    QCOMPARE(Settings::ClientId.get(*settings), config.clientId);
    QCOMPARE(Settings::ClientId.get(*settings), QStringLiteral("latchkey-desktop"));
    QCOMPARE(Settings::BrowserCommand.get(*settings), QString());
    QCOMPARE(Settings::AccountSubject.get(*settings), QString());
    QCOMPARE(Settings::AccountEmailVerified.get(*settings), false);
}

void TestSettings::unexpectedTypeReadsDefault_data()
{
    QTest::addColumn<QByteArray>("ini");
    QTest::addColumn<Reader>("read");
    QTest::addColumn<QVariant>("expected");
    const QVariant defaultIssuer = Settings::Issuer.defaultValue();
    QTest::newRow("list for a string") << QByteArray("[server]\nissuer=http://a, http://b\n")
                                       << reader(Settings::Issuer) << defaultIssuer;
    QTest::newRow("byte array for a string")
        << QByteArray("[server]\nissuer=@ByteArray(http://a)\n") << reader(Settings::Issuer) << defaultIssuer;
    QTest::newRow("rect for a string") << QByteArray("[browser]\ncommand=@Rect(1 2 3 4)\n")
                                       << reader(Settings::BrowserCommand) << QVariant(QString());
    QTest::newRow("word for a bool") << QByteArray("[account]\nemailVerified=maybe\n")
                                     << reader(Settings::AccountEmailVerified) << QVariant(false);
    QTest::newRow("number for a bool") << QByteArray("[account]\nemailVerified=1\n")
                                       << reader(Settings::AccountEmailVerified) << QVariant(false);
    QTest::newRow("list for a bool") << QByteArray("[account]\nemailVerified=true, true\n")
                                     << reader(Settings::AccountEmailVerified) << QVariant(false);
    // The expected type next to them still reads: the fallback is per key.
    QTest::newRow("string next to them") << QByteArray("[server]\nissuer=http://a, http://b\nclientId=mine\n")
                                         << reader(Settings::ClientId) << QVariant("mine");
    QTest::newRow("bool as written") << QByteArray("[account]\nemailVerified=true\n")
                                     << reader(Settings::AccountEmailVerified) << QVariant(true);
}

void TestSettings::unexpectedTypeReadsDefault()
{
    QFETCH(QByteArray, ini);
    QFETCH(Reader, read);
    QFETCH(QVariant, expected);
    writeFile(ini);
    QCOMPARE(read(*reopen()), expected);
}

void TestSettings::valueOfAnotherTypeInMemoryReadsDefault()
{
    auto settings = reopen();
    settings->setValue(Settings::ClientId.key(), 42);
    settings->setValue(Settings::AccountEmailVerified.key(), QStringList{"yes"});
    QCOMPARE(Settings::ClientId.get(*settings), Settings::ClientId.defaultValue());
    QCOMPARE(Settings::AccountEmailVerified.get(*settings), false);
}

void TestSettings::removeForgetsTheValue()
{
    auto settings = reopen();
    Settings::BrowserCommand.set(*settings, "firefox %u");
    Settings::Issuer.set(*settings, "https://id.example.org");
    Settings::BrowserCommand.remove(*settings);
    QVERIFY(!settings->contains(Settings::BrowserCommand.key()));
    QCOMPARE(Settings::BrowserCommand.get(*settings), QString());
    QCOMPARE(Settings::Issuer.get(*settings), QStringLiteral("https://id.example.org"));
}

QTEST_GUILESS_MAIN(TestSettings)
#include "TestSettings.moc"
