#include "BrowserLauncher.h"

#include <QDesktopServices>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> urls;
public Q_SLOTS:
    void openUrl(const QUrl &url) { urls.append(url); }
};

class TestBrowserLauncher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void commandTemplate_data();
    void commandTemplate();
    void systemBrowserByDefault();
    void urlReachesProgramAsOneArgument();
    void missingProgramIsAnError();
};

void TestBrowserLauncher::commandTemplate_data()
{
    QTest::addColumn<QString>("templ");
    QTest::addColumn<QStringList>("command");
    const QString url = "http://127.0.0.1:9/authorize?a=1&b=x%20y";
    QTest::newRow("placeholder") << "firefox --private-window %u" << QStringList{"firefox", "--private-window", url};
    QTest::newRow("no placeholder appends") << "chromium" << QStringList{"chromium", url};
    QTest::newRow("quoted arguments") << "\"/opt/My Browser/run\" --flag \"a b\" %u"
                                      << QStringList{"/opt/My Browser/run", "--flag", "a b", url};
    QTest::newRow("placeholder inside an argument") << "browser --url=%u" << QStringList{"browser", "--url=" + url};
}

void TestBrowserLauncher::commandTemplate()
{
    QFETCH(QString, templ);
    QFETCH(QStringList, command);
    QCOMPARE(BrowserLauncher(templ).command(QUrl("http://127.0.0.1:9/authorize?a=1&b=x%20y")), command);
}

void TestBrowserLauncher::systemBrowserByDefault()
{
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler("http", &catcher, "openUrl");
    QString error;
    QVERIFY(BrowserLauncher().open(QUrl("http://127.0.0.1:9/authorize"), &error));
    QDesktopServices::unsetUrlHandler("http");
    QCOMPARE(catcher.urls, QList<QUrl>{QUrl("http://127.0.0.1:9/authorize")});
}

void TestBrowserLauncher::urlReachesProgramAsOneArgument()
{
    // A real program records its arguments; shell metacharacters in the URL stay inert.
    QTemporaryDir dir;
    const QString out = dir.filePath("args.txt");
    QFile script(dir.filePath("browser"));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\nprintf '%s|' \"$@\" > \"$0.args\"\nmv \"$0.args\" " + out.toUtf8() + "\n");
    script.close();
    script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString templ = QStringLiteral("\"%1\" --new-window %u").arg(script.fileName());
    const QUrl url("http://127.0.0.1:9/authorize?state=a;b&x=$(touch%20pwned)");
    QString error;
    QVERIFY2(BrowserLauncher(templ).open(url, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out) && QFile(out).size() > 0, 5000);
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), "--new-window|" + url.toEncoded() + "|");
    QVERIFY(!QFile::exists("pwned"));
}

void TestBrowserLauncher::missingProgramIsAnError()
{
    QString error;
    QVERIFY(!BrowserLauncher("/nonexistent/browser %u").open(QUrl("http://127.0.0.1:9/"), &error));
    QVERIFY(error.contains("/nonexistent/browser"));
}

QTEST_MAIN(TestBrowserLauncher)
#include "TestBrowserLauncher.moc"
