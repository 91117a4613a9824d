// Proxies and certificates as a person behind a company network meets them,
// with real parts: Debian's tinyproxy (with and without BasicAuth) in front
// of the reference server, the proxy dialog answered as a person would, the
// real keychain; and Debian's nginx with TLS in front of the server, its
// certificates from a throwaway CA that the client trusts through the
// system trust store of a private mount namespace. Each failure must end in
// its own code and a sentence naming the host or the proxy.

#include "ClientError.h"
#include "DiscoveryJob.h"
#include "ErrorMessages.h"
#include "ErrorView.h"
#include "ProxyConfig.h"
#include "ProxyCredentials.h"
#include "ProxyCredentialsDialog.h"
#include "Screenshots.h"
#include "TestServer.h"
#include "TokenVault.h"
#include "UiTestMain.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <qt6keychain/keychain.h>

using Code = ClientError::Code;

namespace {
constexpr int JobTimeoutMs = 20000;
const QString ProxyUser = QStringLiteral("alice");
const QString ProxyPassword = QStringLiteral("corridor-7-lantern");

bool ciRun()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

bool waitForPort(quint16 port)
{
    for (int i = 0; i < 100; ++i) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (socket.waitForConnected(100))
            return true;
        QTest::qWait(50);
    }
    return false;
}

// A tool the test needs (tinyproxy, nginx, unshare as root): CI installs
// them and must not skip; elsewhere a missing one skips.
#define LATCHKEY_REQUIRE(condition, what) \
    do { \
        if (!(condition)) { \
            if (ciRun()) \
                QFAIL(what); \
            QSKIP(what); \
        } \
    } while (false)

// Every message the test process logs (Qt's, the client's, the server's):
// no proxy password may be among them.
QStringList g_messages;
QtMessageHandler g_previousHandler = nullptr;
void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_messages.append(message);
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

// What the dialog is answered with, each time it opens.
struct Answer
{
    QString password;
    bool remember = false;
};
} // namespace

class TestProxyAndTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void throughTheProxy();
    void systemProxyFromTheEnvironment();
    void proxyRefused();
    void proxyWithoutCredentials();
    void proxyCredentialsFromTheDialog();
    void rememberedCredentialsAreUsedWithoutAsking();
    void wrongRememberedPasswordAsksAgain();
    void certificates_data();
    void certificates();

private:
    // tinyproxy on a free port of 127.0.0.1, with BasicAuth when asked; its log in the temp dir.
    bool startTinyproxy(bool withAuth);
    QString tinyproxyLog() const;
    bool startNginx();
    bool makePki();
    // The proxy as `--proxy http://127.0.0.1:<port>` names it, set on `network`.
    void useProxy(QNetworkAccessManager *network, quint16 port);
    // A discovery of the plain server through `network`: what a sign-in starts with.
    ClientError discover(QNetworkAccessManager *network, const QString &issuer);
    // Answers every proxy dialog that opens with the next of `answers`; counts them.
    void answerDialogs(ProxyCredentials *credentials, const QList<Answer> &answers);
    static void forgetProxyPassword(const QString &proxy);
    void saveErrorView(const ClientError &error, const QString &name);

    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_plainServer;
    std::unique_ptr<TestServer> m_tlsServer;
    QProcess m_tinyproxy;
    QProcess m_nginx;
    quint16 m_proxyPort = 0;
    QMap<QString, quint16> m_tlsPorts; // certificate name -> nginx port
    int m_dialogsShown = 0;
    QList<bool> m_retryShown;
    QList<Answer> m_answers;
};

void TestProxyAndTls::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("latchkey.*.debug=true"));
    g_previousHandler = qInstallMessageHandler(recordMessage);
    QVERIFY(m_dir.isValid());
    m_plainServer = std::make_unique<TestServer>();
    QVERIFY(m_plainServer->start());
}

void TestProxyAndTls::cleanupTestCase()
{
    qInstallMessageHandler(g_previousHandler);
    for (const QString &message : std::as_const(g_messages)) {
        QVERIFY2(!message.contains(ProxyPassword) && !message.contains(QStringLiteral("last-years-password")),
                 qPrintable(message));
    }
    // The search covered the proxy's log lines (none when the proxy rows skipped).
    if (m_proxyPort)
        QVERIFY(g_messages.join(QLatin1Char('\n')).contains(QStringLiteral("remembered the credentials for")));
    for (QProcess *process : {&m_tinyproxy, &m_nginx}) {
        if (process->state() != QProcess::NotRunning) {
            process->terminate();
            process->waitForFinished(5000);
        }
    }
}

void TestProxyAndTls::init()
{
    m_dialogsShown = 0;
    m_retryShown.clear();
    m_answers.clear();
}

void TestProxyAndTls::cleanup()
{
    QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    if (m_tinyproxy.state() != QProcess::NotRunning) {
        m_tinyproxy.terminate();
        m_tinyproxy.waitForFinished(5000);
    }
}

bool TestProxyAndTls::startTinyproxy(bool withAuth)
{
    if (QStandardPaths::findExecutable(QStringLiteral("tinyproxy"),
                                       {QStringLiteral("/usr/bin"), QStringLiteral("/usr/sbin")})
            .isEmpty()) {
        if (ciRun())
            qWarning("tinyproxy is missing (apt-get install tinyproxy)");
        return false;
    }
    m_proxyPort = freePort();
    const QString dir = m_dir.filePath(QStringLiteral("tinyproxy-%1").arg(m_proxyPort));
    QDir().mkpath(dir);
    QFile::remove(tinyproxyLog());
    QFile config(dir + QStringLiteral("/tinyproxy.conf"));
    if (!config.open(QIODevice::WriteOnly))
        return false;
    QString text = QStringLiteral("Port %1\nListen 127.0.0.1\nTimeout 30\nLogFile \"%2\"\nLogLevel Info\n"
                                  "PidFile \"%3/tinyproxy.pid\"\nMaxClients 20\nAllow 127.0.0.1\n")
                       .arg(m_proxyPort)
                       .arg(tinyproxyLog(), dir);
    if (withAuth)
        text += QStringLiteral("BasicAuth %1 %2\n").arg(ProxyUser, ProxyPassword);
    config.write(text.toUtf8());
    config.close();
    m_tinyproxy.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_tinyproxy.start(QStringLiteral("tinyproxy"), {QStringLiteral("-d"), QStringLiteral("-c"), config.fileName()});
    return m_tinyproxy.waitForStarted(5000) && waitForPort(m_proxyPort);
}

QString TestProxyAndTls::tinyproxyLog() const
{
    return m_dir.filePath(QStringLiteral("tinyproxy.log"));
}

// Qt sends loopback addresses direct whatever the application proxy
// (QNetworkProxyFactory::proxyForQuery), and the test's server is on
// loopback: so the manager gets the proxy itself, which Qt then uses for
// every host, and the rest of the path is the app's.
void TestProxyAndTls::useProxy(QNetworkAccessManager *network, quint16 port)
{
    const ProxyConfig::Parsed parsed = ProxyConfig::parse(QStringLiteral("http://127.0.0.1:%1").arg(port));
    QCOMPARE(parsed.problem, ProxyConfig::Problem::None);
    network->setProxy(parsed.proxy);
}

ClientError TestProxyAndTls::discover(QNetworkAccessManager *network, const QString &issuer)
{
    DiscoveryJob job(network, issuer);
    QSignalSpy finished(&job, &NetworkJob::finished);
    job.start();
    if (!finished.wait(JobTimeoutMs))
        return ClientError::make(Code::Timeout, QStringLiteral("the test's own deadline"));
    return job.error();
}

void TestProxyAndTls::answerDialogs(ProxyCredentials *credentials, const QList<Answer> &answers)
{
    m_answers = answers;
    connect(credentials, &ProxyCredentials::credentialsRequired, this, [this](ProxyCredentialsPrompt *prompt) {
        // As a person would: the dialog is found on screen, filled in and accepted.
        QTimer::singleShot(0, this, [this] {
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            QCOMPARE(dialog->objectName(), QStringLiteral("proxyCredentialsDialog"));
            m_retryShown.append(dialog->findChild<QLabel *>(QStringLiteral("proxyRetryLabel"))->isVisible());
            if (m_answers.isEmpty()) {
                dialog->findChild<QPushButton *>(QStringLiteral("proxyCancelButton"))->click();
                return;
            }
            const Answer answer = m_answers.takeFirst();
            QVERIFY(!dialog->findChild<QCheckBox *>(QStringLiteral("proxyRememberCheck"))->isChecked());
            dialog->findChild<QLineEdit *>(QStringLiteral("proxyUserEdit"))->setText(ProxyUser);
            dialog->findChild<QLineEdit *>(QStringLiteral("proxyPasswordEdit"))->setText(answer.password);
            dialog->findChild<QCheckBox *>(QStringLiteral("proxyRememberCheck"))->setChecked(answer.remember);
            dialog->findChild<QPushButton *>(QStringLiteral("proxyOkButton"))->click();
        });
        ++m_dialogsShown;
        ProxyCredentialsDialog::answer(prompt, nullptr);
    });
}

void TestProxyAndTls::forgetProxyPassword(const QString &proxy)
{
    auto *job = new QKeychain::DeletePasswordJob(QLatin1String(TokenVault::Service));
    job->setKey(ProxyCredentials::keychainKey(proxy));
    QSignalSpy done(job, &QKeychain::Job::finished);
    job->start();
    QVERIFY(done.wait(ProxyCredentials::KeychainTimeoutMs));
}

void TestProxyAndTls::throughTheProxy()
{
    LATCHKEY_REQUIRE(startTinyproxy(false), "tinyproxy did not start");
    // --proxy as the app applies it: for every host but loopback ones.
    ProxyConfig::apply(ProxyConfig::parse(QStringLiteral("http://127.0.0.1:%1").arg(m_proxyPort)).proxy);
    QCOMPARE(ProxyConfig::describe(ProxyConfig::proxyFor(nullptr, QUrl(QStringLiteral("https://auth.example.org")))),
             QStringLiteral("http://127.0.0.1:%1").arg(m_proxyPort));
    QCOMPARE(ProxyConfig::describe(ProxyConfig::proxyFor(nullptr, QUrl(m_plainServer->issuer()))),
             QStringLiteral("none"));
    QNetworkAccessManager network;
    useProxy(&network, m_proxyPort);
    QCOMPARE(ProxyConfig::hostAndPort(ProxyConfig::proxyFor(&network, QUrl(m_plainServer->issuer()))),
             QStringLiteral("127.0.0.1:%1").arg(m_proxyPort));
    const ClientError error = discover(&network, m_plainServer->issuer());
    QVERIFY2(error.ok(), qPrintable(error.codeName() + " " + error.detail));
    QFile log(tinyproxyLog());
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray request = "GET " + m_plainServer->issuer().toUtf8() + "/.well-known/openid-configuration";
    QVERIFY2(log.readAll().contains(request), "tinyproxy did not see the discovery request");
}

// libproxy, which Debian's Qt uses for the system configuration, reads
// https_proxy; it sends loopback addresses direct, so the host here is one
// only tinyproxy tries to resolve (https: the client refuses plain http to
// another computer before anything is sent).
void TestProxyAndTls::systemProxyFromTheEnvironment()
{
    LATCHKEY_REQUIRE(startTinyproxy(false), "tinyproxy did not start");
    const QByteArray before = qgetenv("https_proxy");
    qputenv("https_proxy", QStringLiteral("http://127.0.0.1:%1").arg(m_proxyPort).toLatin1());
    ProxyConfig::apply(std::nullopt);
    const QUrl elsewhere(QStringLiteral("https://auth.latchkey-test.invalid"));
    const QString proxy = ProxyConfig::describe(ProxyConfig::proxyFor(nullptr, elsewhere));
    QNetworkAccessManager network;
    const ClientError error = discover(&network, elsewhere.toString());
    qputenv("https_proxy", before);
    QCOMPARE(proxy, QStringLiteral("http://127.0.0.1:%1").arg(m_proxyPort));
    QCOMPARE(ProxyConfig::describe(ProxyConfig::proxyFor(nullptr, QUrl(m_plainServer->issuer()))),
             QStringLiteral("none"));
    QFile log(tinyproxyLog());
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray seen = log.readAll();
    QVERIFY2(seen.contains("CONNECT auth.latchkey-test.invalid:443"), seen.constData());
    // tinyproxy cannot resolve the name, and answers the CONNECT with an HTTP
    // error: the server is not reachable, through that proxy.
    QCOMPARE(error.code, Code::Network);
    QCOMPARE(error.proxy, QStringLiteral("127.0.0.1:%1").arg(m_proxyPort));
}

void TestProxyAndTls::proxyRefused()
{
    const quint16 closed = freePort(); // nothing listens there once the probe is gone
    QNetworkAccessManager network;
    useProxy(&network, closed);
    const ClientError error = discover(&network, m_plainServer->issuer());
    QCOMPARE(error.code, Code::ProxyRefused);
    const QString proxy = QStringLiteral("127.0.0.1:%1").arg(closed);
    QCOMPARE(error.proxy, proxy);
    QVERIFY2(ErrorMessages::sentence(error).contains(proxy), qPrintable(ErrorMessages::sentence(error)));
}

void TestProxyAndTls::proxyWithoutCredentials()
{
    LATCHKEY_REQUIRE(startTinyproxy(true), "tinyproxy did not start");
    QNetworkAccessManager network;
    useProxy(&network, m_proxyPort);
    ProxyCredentials credentials(&network);
    answerDialogs(&credentials, {}); // Cancel
    const ClientError error = discover(&network, m_plainServer->issuer());
    QCOMPARE(error.code, Code::ProxyAuthenticationRequired);
    QCOMPARE(m_dialogsShown, 1);
    const QString proxy = QStringLiteral("127.0.0.1:%1").arg(m_proxyPort);
    QCOMPARE(error.proxy, proxy);
    QVERIFY2(ErrorMessages::sentence(error).contains(proxy), qPrintable(ErrorMessages::sentence(error)));
    QVERIFY(!ErrorMessages::sentence(error).contains(ProxyPassword));
}

void TestProxyAndTls::proxyCredentialsFromTheDialog()
{
    LATCHKEY_REQUIRE(startTinyproxy(true), "tinyproxy did not start");
    const QString proxy = QStringLiteral("127.0.0.1:%1").arg(m_proxyPort);
    forgetProxyPassword(proxy);
    {
        QNetworkAccessManager network;
        useProxy(&network, m_proxyPort);
        ProxyCredentials credentials(&network);
        answerDialogs(&credentials, {{ProxyPassword, false}});
        const ClientError error = discover(&network, m_plainServer->issuer());
        QVERIFY2(error.ok(), qPrintable(error.codeName()));
        QCOMPARE(m_dialogsShown, 1);
        QCOMPARE(m_retryShown, QList<bool>{false});
    }
    // Not remembered: the next start asks again.
    QNetworkAccessManager network;
    useProxy(&network, m_proxyPort);
    ProxyCredentials credentials(&network);
    answerDialogs(&credentials, {});
    QCOMPARE(discover(&network, m_plainServer->issuer()).code, Code::ProxyAuthenticationRequired);
    QCOMPARE(m_dialogsShown, 2);
}

void TestProxyAndTls::rememberedCredentialsAreUsedWithoutAsking()
{
    LATCHKEY_REQUIRE(startTinyproxy(true), "tinyproxy did not start");
    forgetProxyPassword(QStringLiteral("127.0.0.1:%1").arg(m_proxyPort));
    {
        QNetworkAccessManager network;
        useProxy(&network, m_proxyPort);
        ProxyCredentials credentials(&network);
        answerDialogs(&credentials, {{ProxyPassword, true}});
        QVERIFY(discover(&network, m_plainServer->issuer()).ok());
        QCOMPARE(m_dialogsShown, 1);
    }
    // A fresh start: the keychain answers, nobody is asked.
    QNetworkAccessManager network;
    useProxy(&network, m_proxyPort);
    ProxyCredentials credentials(&network);
    answerDialogs(&credentials, {});
    const ClientError error = discover(&network, m_plainServer->issuer());
    QVERIFY2(error.ok(), qPrintable(error.codeName()));
    QCOMPARE(m_dialogsShown, 1);
}

// tinyproxy 1.11 refuses wrong credentials with 401 (not 407, as it does
// when none are given): the request that carried them fails, and the next
// one asks again. (A proxy that answers 407 is asked again within the same
// request: Qt emits proxyAuthenticationRequired once more.)
void TestProxyAndTls::wrongRememberedPasswordAsksAgain()
{
    LATCHKEY_REQUIRE(startTinyproxy(true), "tinyproxy did not start");
    forgetProxyPassword(QStringLiteral("127.0.0.1:%1").arg(m_proxyPort));
    const QString wrong = QStringLiteral("last-years-password");
    // Each start of the app: a manager of its own, `attempts` sign-in starts.
    auto freshStart = [this](const QList<Answer> &answers, int attempts = 1) {
        QNetworkAccessManager network;
        useProxy(&network, m_proxyPort);
        ProxyCredentials credentials(&network);
        answerDialogs(&credentials, answers);
        QList<Code> codes;
        for (int i = 0; i < attempts; ++i)
            codes.append(discover(&network, m_plainServer->issuer()).code);
        return codes;
    };
    using Codes = QList<Code>;
    // A wrong password typed and remembered: refused.
    QCOMPARE(freshStart({{wrong, true}}), Codes{Code::ProxyAuthenticationRequired});
    QCOMPARE(m_retryShown, QList<bool>{false});
    // Next start: the remembered one is used without asking and refused; the
    // next attempt asks, saying so; the right one, not to be remembered, ends the entry.
    QCOMPARE(freshStart({{ProxyPassword, false}}, 2), (Codes{Code::ProxyAuthenticationRequired, Code::None}));
    QCOMPARE(m_retryShown, (QList<bool>{false, true}));
    QCOMPARE(freshStart({}), Codes{Code::ProxyAuthenticationRequired}); // asked: nothing remembered
    QCOMPARE(m_retryShown, (QList<bool>{false, true, false}));
    // Wrong and remembered again, then replaced by the right one: used without asking.
    QCOMPARE(freshStart({{wrong, true}}), Codes{Code::ProxyAuthenticationRequired});
    QCOMPARE(freshStart({{ProxyPassword, true}}, 2), (Codes{Code::ProxyAuthenticationRequired, Code::None}));
    const int asked = m_dialogsShown;
    QCOMPARE(freshStart({}), Codes{Code::None});
    QCOMPARE(m_dialogsShown, asked);
}

bool TestProxyAndTls::makePki()
{
    QProcess pki;
    pki.setProcessChannelMode(QProcess::ForwardedChannels);
    pki.start(QStringLiteral("sh"), {QStringLiteral(LATCHKEY_MAKE_TEST_PKI), m_dir.path()});
    if (!pki.waitForFinished(60000) || pki.exitCode() != 0)
        return false;
    // The trust store of the client's namespace: only the test's root CA,
    // named by its subject hash as OpenSSL's directory lookup wants.
    const QString trust = m_dir.filePath(QStringLiteral("trust"));
    QDir().mkpath(trust);
    QFile::copy(m_dir.filePath(QStringLiteral("ca.pem")), trust + QStringLiteral("/latchkey-test-ca.pem"));
    return QProcess::execute(QStringLiteral("openssl"), {QStringLiteral("rehash"), trust}) == 0;
}

bool TestProxyAndTls::startNginx()
{
    const QString nginx = QStandardPaths::findExecutable(QStringLiteral("nginx"), {QStringLiteral("/usr/sbin")});
    if (nginx.isEmpty())
        return false;
    const QString dir = m_dir.path();
    QString servers;
    for (const char *name : {"good", "untrusted", "wrong-name", "expired"}) {
        const quint16 port = m_tlsPorts.contains(QLatin1String(name)) ? m_tlsPorts.value(QLatin1String(name))
                                                                      : freePort();
        m_tlsPorts.insert(QLatin1String(name), port);
        servers += QStringLiteral("server { listen 127.0.0.1:%1 ssl; ssl_certificate %2/%3.pem; "
                                  "ssl_certificate_key %2/%3.key; location / { proxy_pass http://127.0.0.1:%4; } }\n")
                       .arg(port)
                       .arg(dir, QLatin1String(name))
                       .arg(m_tlsServer->server().port());
    }
    QFile config(dir + QStringLiteral("/nginx.conf"));
    if (!config.open(QIODevice::WriteOnly))
        return false;
    config.write(QStringLiteral("daemon off; user root root; worker_processes 1; pid %1/nginx.pid; "
                                "error_log %1/error.log;\nevents { worker_connections 64; }\n"
                                "http { access_log %1/access.log; client_body_temp_path %1/body; "
                                "proxy_temp_path %1/proxy; fastcgi_temp_path %1/fastcgi; uwsgi_temp_path %1/uwsgi; "
                                "scgi_temp_path %1/scgi;\n%2}\n")
                     .arg(dir, servers)
                     .toUtf8());
    config.close();
    m_nginx.setProcessChannelMode(QProcess::ForwardedChannels);
    m_nginx.start(nginx, {QStringLiteral("-p"), dir, QStringLiteral("-c"), config.fileName()});
    if (!m_nginx.waitForStarted(5000))
        return false;
    for (const quint16 port : std::as_const(m_tlsPorts)) {
        if (!waitForPort(port))
            return false;
    }
    return true;
}

void TestProxyAndTls::certificates_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("issuerName"); // the CA the report's chain must name
    QTest::newRow("trusted") << "good" << int(Code::None) << "";
    QTest::newRow("untrusted CA") << "untrusted" << int(Code::CertificateUntrusted) << "Latchkey Untrusted Test CA";
    QTest::newRow("wrong name") << "wrong-name" << int(Code::CertificateNameMismatch) << "Latchkey Test Root CA";
    QTest::newRow("expired") << "expired" << int(Code::CertificateExpired) << "Latchkey Test Root CA";
}

void TestProxyAndTls::certificates()
{
    QFETCH(QString, certificate);
    QFETCH(int, code);
    QFETCH(QString, issuerName);
    if (!m_tlsServer) {
        QVERIFY(makePki());
        // The issuer people use is nginx's https address; the server itself listens on plain http behind it.
        ServerConfig config = qaServerConfig();
        config.issuer = QStringLiteral("https://127.0.0.1:%1").arg(freePort());
        m_tlsPorts.insert(QStringLiteral("good"), quint16(QUrl(config.issuer).port()));
        m_tlsServer = std::make_unique<TestServer>(config);
        QVERIFY(m_tlsServer->start());
        LATCHKEY_REQUIRE(startNginx(), "nginx (nginx-light) did not start");
    }
    const QString issuer = QStringLiteral("https://127.0.0.1:%1").arg(m_tlsPorts.value(certificate));
    // Trusted through the system trust store of a private mount namespace:
    // Qt's OpenSSL backend looks CAs up by hash in /etc/ssl/certs on demand.
    QProcess client;
    client.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    client.start(QStringLiteral("unshare"),
                 {QStringLiteral("-m"), QStringLiteral("sh"), QStringLiteral("-c"),
                  QStringLiteral("mount --bind \"$1\" /etc/ssl/certs && exec \"$2\" \"$3\""), QStringLiteral("sh"),
                  m_dir.filePath(QStringLiteral("trust")), QStringLiteral(LATCHKEY_TLS_CLIENT), issuer});
    QVERIFY(client.waitForFinished(JobTimeoutMs + 5000));
    LATCHKEY_REQUIRE(client.exitCode() == 0, "unshare -m with a bind mount needs root");
    const QJsonObject outcome = QJsonDocument::fromJson(client.readAllStandardOutput()).object();
    const QString report = outcome.value("report").toString();
    const QString expected = QString::fromLatin1(QMetaEnum::fromType<Code>().valueToKey(code));
    QVERIFY2(outcome.value("code").toString() == expected, qPrintable(QJsonDocument(outcome).toJson()));
    if (code == int(Code::None)) {
        QCOMPARE(outcome.value("issuer").toString(), m_tlsServer->issuer());
        return;
    }
    ClientError error = ClientError::make(Code(code), outcome.value("detail").toString());
    error.host = outcome.value("host").toString();
    QCOMPARE(error.host, QStringLiteral("127.0.0.1"));
    const QString sentence = ErrorMessages::sentence(error);
    QVERIFY2(sentence.contains(QStringLiteral("certificate of 127.0.0.1")), qPrintable(sentence));
    // Copy details: the chain's subjects and issuers, the findings, no proxy.
    QVERIFY2(report.contains(QStringLiteral("certificate: subject: ")), qPrintable(report));
    QVERIFY2(report.contains(QStringLiteral("issuer: ") + issuerName), qPrintable(report));
    QVERIFY2(report.contains(QStringLiteral("TLS error: ")), qPrintable(report));
    QVERIFY2(report.contains(QStringLiteral("proxy to the server: none")), qPrintable(report));
    saveErrorView(error, QStringLiteral("tls-") + certificate);
}

void TestProxyAndTls::saveErrorView(const ClientError &error, const QString &name)
{
    ErrorView view;
    view.setMessage(ErrorMessages::sentence(error), ErrorMessages::details(error));
    view.resize(520, 360);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!Screenshots::save(&view, name).isEmpty());
}

LATCHKEY_UI_TEST_MAIN(TestProxyAndTls)
#include "TestProxyAndTls.moc"
