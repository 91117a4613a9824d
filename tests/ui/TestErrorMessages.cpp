// The German UI speaks German on every error: each code of ClientError has
// a German sentence, and the real failures the tests can cause (server down,
// wrong or plain-http issuer, refusals at the provider, a forged callback,
// a clock an hour off, a browser that never returns, a revoked session) show
// it in the main window, with the server's own (English) words only in the
// Details line. "Copy details" puts the diagnostics report on the clipboard.

#include "AccessibilityAudit.h"
#include "ClaimNames.h"
#include "ClientHarness.h"
#include "DiscoveryOverlay.h"
#include "ErrorMessages.h"
#include "Localization.h"
#include "MainWindow.h"
#include "SessionManager.h"
#include "VaultJob.h"

#include <QApplication>
#include <QClipboard>
#include <QJsonArray>
#include <QLabel>
#include <QMetaEnum>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTest>
#include <QTranslator>
#include <QUrlQuery>

using Code = ClientError::Code;
using State = SessionManager::State;

namespace {
constexpr int FlowTimeoutMs = 15000;

// The failures driven for real, one per row.
enum class Failure {
    ServerDown,
    PlainHttpIssuer,
    NotAnAddress,
    WrongIssuer,
    ProviderError,
    ProviderUnavailable,
    AccessDenied,
    ForgedIssuer,
    ClockAhead,
    BrowserNeverReturns,
    SessionRevoked,
};
} // namespace
Q_DECLARE_METATYPE(Failure)

class TestErrorMessages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void everyCodeHasGermanWords_data();
    void everyCodeHasGermanWords();
    void realFailuresInGerman_data();
    void realFailuresInGerman();
    void copyDetailsPutsTheReportOnTheClipboard();
    void linkOutcomesInGerman_data();
    void linkOutcomesInGerman();
    void linkConfirmationNamesBothProviders();
    void certificateAndProxySentencesNameTheHost_data();
    void certificateAndProxySentencesNameTheHost();
    void proxyOptionProblems_data();
    void proxyOptionProblems();

private:
    // What the same sentence says without the German translation.
    static QString inEnglish(const std::function<QString()> &sentence);
    void startWindow(const ClientConfig &config);
    void cause(Failure failure);
    QString storedRefreshToken();
    QWidget *currentView() const { return m_window->findChild<QStackedWidget *>()->currentWidget(); }

    std::unique_ptr<ClientHarness> m_harness;
    std::unique_ptr<DiscoveryOverlay> m_overlay;
    std::unique_ptr<SessionManager> m_session;
    std::unique_ptr<MainWindow> m_window;
};

void TestErrorMessages::initTestCase()
{
    QVERIFY(Localization::install(qApp, QLocale(QLocale::German, QLocale::Germany)));
}

QString TestErrorMessages::inEnglish(const std::function<QString()> &sentence)
{
    const QList<QTranslator *> translators = qApp->findChildren<QTranslator *>();
    for (QTranslator *translator : translators)
        QCoreApplication::removeTranslator(translator);
    const QString english = sentence();
    for (QTranslator *translator : translators)
        QCoreApplication::installTranslator(translator);
    return english;
}

void TestErrorMessages::everyCodeHasGermanWords_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("serverError");
    const QMetaEnum codes = QMetaEnum::fromType<Code>();
    for (int i = 0; i < codes.keyCount(); ++i) {
        if (Code(codes.value(i)) != Code::None)
            QTest::newRow(codes.key(i)) << codes.value(i) << QString();
    }
    // Some codes have a sentence per protocol error.
    for (const char *error : {"invalid_grant", "invalid_client", "unauthorized_client", "username_taken"})
        QTest::addRow("ServerRefused %s", error) << int(Code::ServerRefused) << QString::fromLatin1(error);
    for (const char *error : {"temporarily_unavailable", "server_error", "invalid_scope", "mystery"})
        QTest::addRow("AuthorizationRejected %s", error)
            << int(Code::AuthorizationRejected) << QString::fromLatin1(error);
}

void TestErrorMessages::everyCodeHasGermanWords()
{
    QFETCH(int, code);
    QFETCH(QString, serverError);
    ClientError error = ClientError::make(Code(code), QStringLiteral("http://id.example.org"));
    error.serverError = serverError;
    error.serverDescription = QStringLiteral("The server's own words, in English.");
    error.host = QStringLiteral("id.example.org");
    error.httpStatus = 503;
    error.retryAfter = 5;
    const QString german = ErrorMessages::sentence(error);
    const QString english = inEnglish([&] { return ErrorMessages::sentence(error); });
    QVERIFY(!german.isEmpty());
    QVERIFY2(german != english, qPrintable(german));
    QVERIFY(!german.contains(error.serverDescription));
    QCOMPARE(ErrorMessages::details(error), error.serverDescription);
    const QString restore = ErrorMessages::restoreProblem(error);
    QVERIFY2(restore.startsWith("Ihre Sitzung kann gerade nicht wiederhergestellt werden: "), qPrintable(restore));
    QVERIFY(ErrorMessages::saveProblem(error).startsWith("Ihre Sitzung kann auf diesem Computer nicht gespeichert"));
}

void TestErrorMessages::certificateAndProxySentencesNameTheHost_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("named"); // the server's host for TLS, the proxy's host:port otherwise
    QTest::addColumn<QString>("german");
    QTest::newRow("untrusted") << int(Code::CertificateUntrusted) << "auth.example.org"
                               << "Das Zertifikat von auth.example.org ist auf diesem Computer nicht vertrauenswürdig.";
    QTest::newRow("name mismatch") << int(Code::CertificateNameMismatch) << "auth.example.org"
                                   << "Das Zertifikat von auth.example.org wurde für einen anderen Namen ausgestellt";
    QTest::newRow("expired") << int(Code::CertificateExpired) << "auth.example.org"
                             << "Das Zertifikat von auth.example.org ist abgelaufen oder noch nicht gültig.";
    QTest::newRow("proxy refused") << int(Code::ProxyRefused) << "proxy.corp.example:3128"
                                   << "Der Proxy-Server proxy.corp.example:3128 hat die Verbindung abgelehnt.";
    QTest::newRow("proxy authentication") << int(Code::ProxyAuthenticationRequired) << "proxy.corp.example:3128"
                                          << "Der Proxy-Server proxy.corp.example:3128 verlangt einen Benutzernamen";
    QTest::newRow("proxy unreachable") << int(Code::ProxyUnreachable) << "proxy.corp.example:3128"
                                       << "Der Proxy-Server proxy.corp.example:3128 wurde nicht gefunden";
}

void TestErrorMessages::certificateAndProxySentencesNameTheHost()
{
    QFETCH(int, code);
    QFETCH(QString, named);
    QFETCH(QString, german);
    ClientError error = ClientError::make(Code(code), QStringLiteral("Qt's own words"));
    error.host = QStringLiteral("auth.example.org");
    error.proxy = QStringLiteral("proxy.corp.example:3128");
    const QString sentence = ErrorMessages::sentence(error);
    QVERIFY2(sentence.startsWith(german), qPrintable(sentence));
    const QString english = inEnglish([&] { return ErrorMessages::sentence(error); });
    QVERIFY2(english.contains(named), qPrintable(english));
    // What to do, not only what happened.
    QVERIFY2(english.contains(QRegularExpression("\\. (Check|If|Try|Ask)")), qPrintable(english));
    QCOMPARE(ErrorMessages::details(error), error.detail);
}

void TestErrorMessages::proxyOptionProblems_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("problem");
    QTest::addColumn<QString>("german");
    using Problem = ProxyConfig::Problem;
    QTest::newRow("user info") << "http://alice:s3cret@proxy:3128" << int(Problem::HasUserInfo)
                               << "--proxy darf keinen Benutzernamen und kein Passwort enthalten";
    QTest::newRow("ftp") << "ftp://proxy:21" << int(Problem::UnsupportedScheme) << "--proxy „ftp://proxy:21“: Nur";
    QTest::newRow("no port") << "http://proxy" << int(Problem::NoPort) << "--proxy „http://proxy“ nennt keinen Port.";
    QTest::newRow("no host") << "http://:3128" << int(Problem::NoHost) << "--proxy „http://:3128“ nennt keinen Host.";
    QTest::newRow("words") << "proxy please" << int(Problem::NotAUrl)
                           << "--proxy „proxy please“ ist keine Proxy-Adresse.";
    QTest::newRow("a path") << "http://proxy:3128/x" << int(Problem::NotAUrl) << "--proxy „http://proxy:3128/x“ ist";
    QTest::newRow("http") << "http://proxy.corp.example:3128" << int(Problem::None) << "";
    QTest::newRow("socks5") << "socks5://127.0.0.1:1080" << int(Problem::None) << "";
}

void TestErrorMessages::proxyOptionProblems()
{
    QFETCH(QString, value);
    QFETCH(int, problem);
    QFETCH(QString, german);
    const ProxyConfig::Parsed parsed = ProxyConfig::parse(value);
    QCOMPARE(int(parsed.problem), problem);
    const QString sentence = ErrorMessages::proxyOptionProblem(parsed.problem, value);
    QVERIFY2(german.isEmpty() ? sentence.isEmpty() : sentence.startsWith(german), qPrintable(sentence));
    QVERIFY2(!sentence.contains("s3cret"), qPrintable(sentence)); // never repeated, not even in the error
    if (parsed.problem == ProxyConfig::Problem::None)
        QCOMPARE(ProxyConfig::describe(parsed.proxy), value);
}

void TestErrorMessages::init()
{
    m_harness = std::make_unique<ClientHarness>();
    QVERIFY(m_harness->start());
}

void TestErrorMessages::cleanup()
{
    m_window.reset();
    m_session.reset();
    m_overlay.reset();
    m_harness.reset();
}

void TestErrorMessages::startWindow(const ClientConfig &config)
{
    m_window.reset();
    // No hook of the harness: the window opens the browser (the robot, as the URL handler).
    m_session = std::make_unique<SessionManager>(config, &m_harness->network(), &m_harness->vault());
    m_window = std::make_unique<MainWindow>(m_session.get(), &m_harness->network(), &m_harness->settings());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

QString TestErrorMessages::storedRefreshToken()
{
    VaultJob *job = m_harness->vault().load(m_session->profile());
    QSignalSpy done(job, &VaultJob::finished);
    if (!done.wait(VaultJob::TimeoutMs + 1000) || !job->error().ok())
        return {};
    return job->session().refreshToken;
}

void TestErrorMessages::realFailuresInGerman_data()
{
    QTest::addColumn<Failure>("failure");
    QTest::addColumn<QString>("view");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("description"); // the server's words, only in the Details line
    const QString upstream = "Google did not answer within 10 seconds.";
    QTest::newRow("server down") << Failure::ServerDown << "errorView" << int(Code::Network) << "";
    QTest::newRow("plain http issuer") << Failure::PlainHttpIssuer << "errorView" << int(Code::InsecureIssuer) << "";
    QTest::newRow("not an address") << Failure::NotAnAddress << "errorView" << int(Code::NotAServerAddress) << "";
    QTest::newRow("wrong issuer") << Failure::WrongIssuer << "errorView" << int(Code::IssuerMismatch) << "";
    QTest::newRow("provider error") << Failure::ProviderError << "errorView" << int(Code::AuthorizationRejected)
                                    << upstream;
    QTest::newRow("provider unavailable")
        << Failure::ProviderUnavailable << "errorView" << int(Code::AuthorizationRejected) << upstream;
    QTest::newRow("access denied") << Failure::AccessDenied << "signedOutView" << int(Code::AccessDenied) << "";
    QTest::newRow("forged issuer") << Failure::ForgedIssuer << "errorView" << int(Code::CallbackIssuerMismatch) << "";
    QTest::newRow("server clock an hour ahead") << Failure::ClockAhead << "errorView" << int(Code::InvalidIdToken) << "";
    QTest::newRow("browser never returns")
        << Failure::BrowserNeverReturns << "errorView" << int(Code::BrowserTimedOut) << "";
    QTest::newRow("session revoked") << Failure::SessionRevoked << "signedOutView" << int(Code::SessionEnded) << "";
}

void TestErrorMessages::cause(Failure failure)
{
    ClientConfig config = m_harness->config();
    BrowserRobot &browser = m_harness->browser();
    browser.usePersona("github", "returning");
    auto redirectWith = [&browser](const QList<QPair<QString, QString>> &items) {
        browser.rewriteRedirect = [items](const QUrl &redirect) {
            QUrlQuery query(redirect);
            for (const auto &item : items) {
                query.removeAllQueryItems(item.first);
                query.addQueryItem(item.first, QString::fromLatin1(QUrl::toPercentEncoding(item.second)));
            }
            if (items.constFirst().first == "error")
                query.removeAllQueryItems("code");
            QUrl changed = redirect;
            changed.setQuery(query);
            return changed;
        };
    };
    switch (failure) {
    case Failure::ServerDown:
        config.issuer = "http://127.0.0.1:1";
        break;
    case Failure::PlainHttpIssuer:
        config.issuer = "http://id.example.org";
        break;
    case Failure::NotAnAddress:
        config.issuer = "id example org";
        break;
    case Failure::WrongIssuer:
        m_overlay = std::make_unique<DiscoveryOverlay>();
        QVERIFY(m_overlay->start(m_harness->server().issuer()));
        m_overlay->document().insert("issuer", "https://other.example");
        config.issuer = m_overlay->issuer();
        break;
    case Failure::ProviderError:
        redirectWith({{"error", "server_error"}, {"error_description", "Google did not answer within 10 seconds."}});
        break;
    case Failure::ProviderUnavailable:
        redirectWith(
            {{"error", "temporarily_unavailable"}, {"error_description", "Google did not answer within 10 seconds."}});
        break;
    case Failure::AccessDenied:
        browser.cancelAtProvider("github");
        break;
    case Failure::ForgedIssuer:
        redirectWith({{"iss", "https://evil.example"}});
        break;
    case Failure::ClockAhead:
        m_harness->server().clock().advance(3600);
        break;
    case Failure::BrowserNeverReturns:
        config.browserTimeoutMs = 300;
        browser.stayAway();
        break;
    case Failure::SessionRevoked:
        break;
    }
    startWindow(config);
    m_session->signIn();
    if (failure != Failure::SessionRevoked)
        return;
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, FlowTimeoutMs);
    browser.http().postForm(QUrl(m_harness->server().issuer() + "/revoke"),
                            {{"token", storedRefreshToken()}, {"client_id", config.clientId}});
    m_session->refreshNow();
}

void TestErrorMessages::realFailuresInGerman()
{
    QFETCH(Failure, failure);
    QFETCH(QString, view);
    QFETCH(int, code);
    QFETCH(QString, description);
    cause(failure);
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), view, FlowTimeoutMs);
    QCOMPARE(m_session->error().codeName(), ClientError::make(Code(code)).codeName());

    const bool error = view == "errorView";
    auto *message = m_window->findChild<QLabel *>(error ? "errorMessageLabel" : "signOutReasonLabel");
    auto *detail = m_window->findChild<QLabel *>(error ? "errorDetailLabel" : "signOutDetailLabel");
    QVERIFY(message && detail);
    const ClientError shown = m_session->error();
    const QString english = inEnglish([&] { return ErrorMessages::sentence(shown); });
    QCOMPARE(message->text(), ErrorMessages::sentence(shown));
    QVERIFY2(!message->text().contains(english), qPrintable(message->text()));
    QCOMPARE(message->textFormat(), Qt::PlainText);
    // Whatever the server said (English here) is the Details line, never the sentence.
    if (!shown.serverDescription.isEmpty()) {
        QVERIFY2(!message->text().contains(shown.serverDescription), qPrintable(message->text()));
        QCOMPARE(detail->text(), shown.serverDescription);
        QCOMPARE(detail->textFormat(), Qt::PlainText);
        if (error) {
            auto *caption = m_window->findChild<QLabel *>("errorDetailCaption");
            QVERIFY(caption && caption->isVisible());
            QCOMPARE(caption->text(), QStringLiteral("Details:"));
        }
    }
    if (!description.isEmpty())
        QCOMPARE(detail->text(), description);
    if (error) {
        static const QStringList englishButtons{"&Try again", "Se&rver settings…", "&Back", "&Copy details"};
        const auto buttons = currentView()->findChildren<QPushButton *>();
        for (QPushButton *button : buttons)
            QVERIFY2(!englishButtons.contains(button->text()), qPrintable(button->text()));
        QCOMPARE(currentView()->findChild<QPushButton *>("copyDetailsButton")->text(),
                 QStringLiteral("Details &kopieren"));
    }
}

void TestErrorMessages::copyDetailsPutsTheReportOnTheClipboard()
{
    ClientConfig config = m_harness->config();
    config.issuer = "http://127.0.0.1:1";
    startWindow(config);
    m_session->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("errorView"), FlowTimeoutMs);
    auto *copy = m_window->findChild<QPushButton *>("copyDetailsButton");
    QVERIFY(copy && copy->isVisible());
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());
    QApplication::clipboard()->clear();
    copy->setFocus();
    QTest::keyClick(copy, Qt::Key_Space);
    const QString report = QApplication::clipboard()->text();
    QVERIFY2(report.startsWith("Latchkey diagnostics\n"), qPrintable(report));
    QVERIFY2(report.contains("Issuer: http://127.0.0.1:1\n"), qPrintable(report));
    QVERIFY2(report.contains(" Network host=127.0.0.1"), qPrintable(report));
    for (const char *section : {"\n[Discovery]\nnot loaded\n", "\n[Clock]\n", "\n[Last errors]\n"})
        QVERIFY2(report.contains(QLatin1String(section)), qPrintable(report));
}

// Every way a link can end without a link (PROTOCOL.md 6.5) has a German
// sentence of its own, naming the providers concerned.
void TestErrorMessages::linkOutcomesInGerman_data()
{
    QTest::addColumn<QString>("linkError");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("cancelled") << "cancelled"
                               << "GitHub";
    QTest::newRow("other_account") << "other_account"
                                   << "GitHub";
    QTest::newRow("no_account") << "no_account"
                                << "GitHub";
    QTest::newRow("expired") << "expired"
                             << "GitHub";
    QTest::newRow("unavailable") << "unavailable"
                                 << "GitHub";
    QTest::newRow("unknown value") << "the_future"
                                   << "Google";
}

void TestErrorMessages::linkOutcomesInGerman()
{
    QFETCH(QString, linkError);
    QFETCH(QString, mentions);
    ClientError error = ClientError::make(Code::LinkNotMade);
    error.body.insert(QLatin1String(LinkField::LinkError), linkError);
    error.body.insert(QLatin1String(LinkField::Providers), QJsonArray{"GitHub"});
    error.body.insert(QLatin1String(LinkField::LinkedProvider), "Google");
    const QString german = ErrorMessages::sentence(error);
    const QString english = inEnglish([&] { return ErrorMessages::sentence(error); });
    QVERIFY2(german != english, qPrintable(german));
    QVERIFY2(german.contains(mentions), qPrintable(german));
    QVERIFY2(english.contains("othing was linked"), qPrintable(english));
    // Its own sentence: no other outcome says the same.
    for (const char *other : {"cancelled", "other_account", "no_account", "expired", "unavailable", "the_future"}) {
        if (linkError == QLatin1String(other))
            continue;
        ClientError otherError = error;
        otherError.body.insert(QLatin1String(LinkField::LinkError), QLatin1String(other));
        QVERIFY2(ErrorMessages::sentence(otherError) != german, other);
    }
}

void TestErrorMessages::linkConfirmationNamesBothProviders()
{
    const QString german = ErrorMessages::linkConfirmation("Google", {"GitHub"});
    QVERIFY2(german.contains("Google") && german.contains("GitHub"), qPrintable(german));
    QCOMPARE(inEnglish([] { return ErrorMessages::linkConfirmation("Google", {"GitHub"}); }),
             QStringLiteral("Google is now linked to your account; you can sign in with GitHub or Google."));
    QVERIFY(german != inEnglish([] { return ErrorMessages::linkConfirmation("Google", {"GitHub"}); }));
}

QTEST_MAIN(TestErrorMessages)
#include "TestErrorMessages.moc"
