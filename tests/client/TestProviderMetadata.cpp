// The discovery document as the client reads it, above all the
// `upstream_providers` extension: names from a server end up on buttons, so
// whatever is odd in the list is left out, and the list never fails discovery.

#include "AuthorizationSession.h"
#include "DiscoveryJob.h"
#include "Protocol.h"
#include "ProviderMetadata.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

namespace {
const QString Issuer = QStringLiteral("https://id.example.org");

QJsonObject baseDocument()
{
    return {{"issuer", Issuer},
            {"authorization_endpoint", QString(Issuer + "/authorize")},
            {"token_endpoint", QString(Issuer + "/token")},
            {"jwks_uri", QString(Issuer + "/jwks.json")},
            {"code_challenge_methods_supported", QJsonArray{"S256"}}};
}

QJsonObject entry(const QJsonValue &id, const QJsonValue &name)
{
    return {{"id", id}, {"name", name}};
}

// "id=name" per provider: easy to compare and to read in a failure.
QStringList described(const QList<UpstreamProviderInfo> &providers)
{
    QStringList lines;
    for (const UpstreamProviderInfo &p : providers)
        lines << QString(p.id + "=" + p.name);
    return lines;
}
} // namespace

class TestProviderMetadata : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void upstreamProviders_data();
    void upstreamProviders();
    void absentAtStandardProvider();
    void listsUpstreamProvider();
    void realServerDocument();
    void transportSecurity_data();
    void transportSecurity();
    void insecureIssuerNeverContacted_data();
    void insecureIssuerNeverContacted();
    void offlineAccess_data();
    void offlineAccess();
};

void TestProviderMetadata::upstreamProviders_data()
{
    QTest::addColumn<QJsonValue>("list");
    QTest::addColumn<QStringList>("expected");

    const QJsonArray three{entry("google", "Google"), entry("github", "GitHub"), entry("microsoft", "Microsoft")};
    QTest::newRow("listed, in the server's order")
        << QJsonValue(three) << QStringList{"google=Google", "github=GitHub", "microsoft=Microsoft"};
    QTest::newRow("empty list") << QJsonValue(QJsonArray()) << QStringList{};

    QTest::newRow("not an array: object") << QJsonValue(entry("google", "Google")) << QStringList{};
    QTest::newRow("not an array: string") << QJsonValue("google") << QStringList{};
    QTest::newRow("not an array: number") << QJsonValue(3) << QStringList{};
    QTest::newRow("not an array: null") << QJsonValue(QJsonValue::Null) << QStringList{};

    const QJsonArray malformed{QJsonValue("google"),
                               QJsonValue(7),
                               QJsonValue(QJsonArray{"google", "Google"}),
                               QJsonObject{{"name", "No id"}},
                               QJsonObject{{"id", "noname"}},
                               entry(7, "Number id"),
                               entry("numbername", 7),
                               entry("nullname", QJsonValue::Null),
                               entry("objectname", QJsonObject{{"en", "Name"}}),
                               entry("emptyname", ""),
                               entry("blankname", " \t\n "),
                               entry("github", "GitHub")};
    QTest::newRow("malformed rows are skipped, good ones kept") << QJsonValue(malformed) << QStringList{"github=GitHub"};

    const QJsonArray badIds{entry("", "Empty"),
                            entry("Google", "Upper case"),
                            entry("goo gle", "Space"),
                            entry("google\n", "Trailing newline"),
                            entry("../etc", "Slash"),
                            entry("gööle", "Not ASCII"),
                            entry("a&b", "Ampersand"),
                            entry("x\"><b>", "Markup"),
                            entry(QString(65, 'a'), "Too long"),
                            entry(QString(64, 'a'), "Longest"),
                            entry("corp.sso_2-eu", "Corporate")};
    QTest::newRow("bad ids") << QJsonValue(badIds)
                             << QStringList{QString(64, 'a') + "=Longest", "corp.sso_2-eu=Corporate"};

    QTest::newRow("a repeated id keeps the first")
        << QJsonValue(QJsonArray{entry("google", "Google"), entry("google", "Evil Google")})
        << QStringList{"google=Google"};

    QJsonArray many;
    QStringList firstTwenty;
    for (int i = 0; i < 25; ++i) {
        many.append(entry(QStringLiteral("p%1").arg(i), QStringLiteral("Provider %1").arg(i)));
        if (i < ProviderMetadata::MaxUpstreamProviders)
            firstTwenty << QStringLiteral("p%1=Provider %1").arg(i);
    }
    QTest::newRow("too many: the first 20") << QJsonValue(many) << firstTwenty;

    QTest::newRow("names are trimmed to one line")
        << QJsonValue(QJsonArray{entry("a", "  Google  "), entry("b", "Two\nlines\tand  spaces")})
        << QStringList{"a=Google", "b=Two lines and spaces"};
    QTest::newRow("control and bidi characters go")
        << QJsonValue(QJsonArray{entry("a", QString::fromUtf8("\u202eelgooG")), entry("b", QString("Bell\x07"))})
        << QStringList{"a=elgooG", "b=Bell"};
    QTest::newRow("markup stays text") << QJsonValue(QJsonArray{entry("a", "<b>Bold</b> & Co")})
                                       << QStringList{"a=<b>Bold</b> & Co"};
    QTest::newRow("Unicode beyond the BMP is kept")
        << QJsonValue(QJsonArray{entry("a", QString::fromUtf8("Überall 🔑 ID"))})
        << QStringList{QString::fromUtf8("a=Überall 🔑 ID")};
    QTest::newRow("long names are cut at 80") << QJsonValue(QJsonArray{entry("a", QString(200, 'x'))})
                                              << QStringList{"a=" + QString(79, 'x') + QString::fromUtf8("…")};
}

void TestProviderMetadata::upstreamProviders()
{
    QFETCH(QJsonValue, list);
    QFETCH(QStringList, expected);
    QJsonObject document = baseDocument();
    document.insert("upstream_providers", list);
    QString problem;
    const auto metadata = ProviderMetadata::fromDiscovery(document, Issuer, &problem);
    QVERIFY2(metadata, qPrintable(problem)); // never fatal: it is only an extension
    QCOMPARE(described(metadata->upstreamProviders), expected);
    for (const UpstreamProviderInfo &p : metadata->upstreamProviders)
        QVERIFY(p.name.size() <= ProviderMetadata::MaxUpstreamNameLength);
}

void TestProviderMetadata::absentAtStandardProvider()
{
    QString problem;
    const auto metadata = ProviderMetadata::fromDiscovery(baseDocument(), Issuer, &problem);
    QVERIFY2(metadata, qPrintable(problem));
    QVERIFY(metadata->upstreamProviders.isEmpty());
    QVERIFY(!metadata->listsUpstreamProvider("google"));
}

void TestProviderMetadata::listsUpstreamProvider()
{
    QJsonObject document = baseDocument();
    document.insert("upstream_providers", QJsonArray{entry("google", "Google"), entry("github", "GitHub")});
    QString problem;
    const auto metadata = ProviderMetadata::fromDiscovery(document, Issuer, &problem);
    QVERIFY(metadata);
    QVERIFY(metadata->listsUpstreamProvider("github"));
    QVERIFY(!metadata->listsUpstreamProvider("microsoft"));
    QVERIFY(!metadata->listsUpstreamProvider(""));
}

void TestProviderMetadata::realServerDocument()
{
    // Whatever the reference server lists (or not), the client reads it.
    TestServer server;
    QVERIFY(server.start());
    QNetworkAccessManager network;
    DiscoveryJob job(&network, server.issuer());
    QSignalSpy finished(&job, &NetworkJob::finished);
    job.start();
    QVERIFY(finished.wait(10000));
    QVERIFY2(job.error().ok(), qPrintable(job.error().codeName()));
    QCOMPARE(job.metadata().issuer, server.issuer());
    static const QRegularExpression validId(QRegularExpression::anchoredPattern("[a-z0-9._-]{1,64}"));
    for (const UpstreamProviderInfo &p : job.metadata().upstreamProviders) {
        QVERIFY2(validId.match(p.id).hasMatch(), qPrintable(p.id));
        QVERIFY(!p.name.isEmpty());
    }
}

// Tokens never cross a network in clear text: https everywhere, except
// http to a loopback IP literal on this computer.
void TestProviderMetadata::transportSecurity_data()
{
    QTest::addColumn<QString>("issuer");
    QTest::addColumn<QString>("endpointKey"); // empty: every endpoint on the issuer
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("https") << "https://id.example.org"
                           << ""
                           << "" << true;
    QTest::newRow("http, remote issuer") << "http://id.example.org"
                                         << ""
                                         << "" << false;
    QTest::newRow("http, issuer named localhost") << "http://localhost:8765"
                                                  << ""
                                                  << "" << false;
    QTest::newRow("http, issuer 10.0.0.1") << "http://10.0.0.1:8765"
                                           << ""
                                           << "" << false;
    QTest::newRow("http, issuer 127.0.0.1") << "http://127.0.0.1:8765"
                                            << ""
                                            << "" << true;
    QTest::newRow("http, issuer 127.8.9.10") << "http://127.8.9.10:8765"
                                             << ""
                                             << "" << true;
    QTest::newRow("http, issuer [::1]") << "http://[::1]:8765"
                                        << ""
                                        << "" << true;
    QTest::newRow("https issuer, http token endpoint") << "https://id.example.org"
                                                       << "token_endpoint"
                                                       << "http://id.example.org/token" << false;
    QTest::newRow("https issuer, http jwks") << "https://id.example.org"
                                             << "jwks_uri"
                                             << "http://id.example.org/jwks.json" << false;
    QTest::newRow("https issuer, http userinfo") << "https://id.example.org"
                                                 << "userinfo_endpoint"
                                                 << "http://id.example.org/userinfo" << false;
    QTest::newRow("https issuer, http revocation") << "https://id.example.org"
                                                   << "revocation_endpoint"
                                                   << "http://id.example.org/revoke" << false;
    QTest::newRow("https issuer, http terms") << "https://id.example.org"
                                              << "op_tos_uri"
                                              << "http://id.example.org/terms" << false;
    QTest::newRow("https issuer, HTTP (upper case) authorize") << "https://id.example.org"
                                                               << "authorization_endpoint"
                                                               << "HTTP://id.example.org/authorize" << false;
    QTest::newRow("loopback issuer, remote http endpoint") << "http://127.0.0.1:8765"
                                                           << "token_endpoint"
                                                           << "http://id.example.org/token" << false;
    QTest::newRow("loopback issuer, loopback endpoint") << "http://127.0.0.1:8765"
                                                        << "token_endpoint"
                                                        << "http://127.0.0.1:9000/token" << true;
}

void TestProviderMetadata::transportSecurity()
{
    QFETCH(QString, issuer);
    QFETCH(QString, endpointKey);
    QFETCH(QString, endpoint);
    QFETCH(bool, accepted);
    QJsonObject document{{"issuer", issuer},
                         {"authorization_endpoint", QString(issuer + "/authorize")},
                         {"token_endpoint", QString(issuer + "/token")},
                         {"jwks_uri", QString(issuer + "/jwks.json")}};
    if (!endpointKey.isEmpty())
        document.insert(endpointKey, endpoint);
    QString problem;
    const auto metadata = ProviderMetadata::fromDiscovery(document, issuer, &problem);
    QCOMPARE(bool(metadata), accepted);
    if (!accepted)
        QVERIFY2(problem.contains("https"), qPrintable(problem));
}

void TestProviderMetadata::insecureIssuerNeverContacted_data()
{
    QTest::addColumn<QString>("issuer");
    QTest::newRow("remote host") << "http://id.example.org";
    QTest::newRow("localhost by name") << "http://localhost:1";
}

void TestProviderMetadata::insecureIssuerNeverContacted()
{
    QFETCH(QString, issuer);
    QNetworkAccessManager network;
    DiscoveryJob job(&network, issuer);
    QSignalSpy finished(&job, &NetworkJob::finished);
    job.start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(job.error().code, ClientError::Code::InsecureIssuer);
    QCOMPARE(job.error().detail, issuer);
}

// OIDC Core 11: offline_access only where the provider lists it, with
// prompt=consent unless its prompt list leaves consent out.
void TestProviderMetadata::offlineAccess_data()
{
    QTest::addColumn<QJsonValue>("scopes");
    QTest::addColumn<QJsonValue>("prompts");
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QString>("prompt");
    const QJsonValue none = QJsonValue::Undefined;
    const QJsonArray withOffline{"openid", "profile", "email", "offline_access"};
    QTest::newRow("listed, no prompt list (node-oidc-provider)")
        << QJsonValue(withOffline) << none << "openid profile email offline_access"
        << "consent";
    QTest::newRow("listed, prompts with consent")
        << QJsonValue(withOffline) << QJsonValue(QJsonArray{"none", "login", "consent"})
        << "openid profile email offline_access"
        << "consent";
    QTest::newRow("listed, prompts without consent (Latchkey server)")
        << QJsonValue(withOffline) << QJsonValue(QJsonArray{"login", "select_account"})
        << "openid profile email offline_access"
        << "";
    QTest::newRow("not listed") << QJsonValue(QJsonArray{"openid", "profile", "email"}) << none
                                << "openid profile email"
                                << "";
    QTest::newRow("no scopes_supported") << none << none << "openid profile email"
                                         << "";
    QTest::newRow("scopes_supported not an array") << QJsonValue("offline_access") << none << "openid profile email"
                                                   << "";
}

void TestProviderMetadata::offlineAccess()
{
    QFETCH(QJsonValue, scopes);
    QFETCH(QJsonValue, prompts);
    QFETCH(QString, scope);
    QFETCH(QString, prompt);
    QJsonObject document = baseDocument();
    if (!scopes.isUndefined())
        document.insert("scopes_supported", scopes);
    if (!prompts.isUndefined())
        document.insert("prompt_values_supported", prompts);
    QString problem;
    const auto metadata = ProviderMetadata::fromDiscovery(document, Issuer, &problem);
    QVERIFY2(metadata, qPrintable(problem));
    const AuthorizationSession session = AuthorizationSession::create("http://127.0.0.1:5000/callback");
    const QUrlQuery query(session.url(*metadata, "latchkey-desktop", Protocol::DefaultScope));
    QCOMPARE(query.queryItemValue("scope", QUrl::FullyDecoded), scope);
    QCOMPARE(query.hasQueryItem("prompt"), !prompt.isEmpty());
    QCOMPARE(query.queryItemValue("prompt"), prompt);
}

QTEST_GUILESS_MAIN(TestProviderMetadata)
#include "TestProviderMetadata.moc"
