// The providers file's "forward_parameters" (issue 21): which of the app's
// sign-in hints an OAuth 2.0 provider gets, under which of its names; every
// mistake stops the server with the provider and field named.

#include "ProvidersFile.h"

#include <QTest>

// Declared before the raw string literals below, which moc's tokenizer misreads.
class TestProvidersFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void forwardParametersAreRead();
    void forwardParametersMistakes_data();
    void forwardParametersMistakes();
    void promptValuesAreRead();
    void promptValuesMistakes_data();
    void promptValuesMistakes();
};

namespace {

// A GitHub-style entry with `forward` as its "forward_parameters" (none when empty).
QByteArray oauth2Provider(const QByteArray &forward, const QByteArray &type = "oauth2")
{
    QByteArray entry = R"({"id": "github", "name": "GitHub", "type": ")" + type + R"(", "client_id": "x")";
    if (type == "oauth2")
        entry += R"(, "authorization_endpoint": "https://github.com/login/oauth/authorize",
                    "token_endpoint": "https://github.com/login/oauth/access_token",
                    "userinfo_endpoint": "https://api.github.com/user",
                    "claims": {"provider_user_id": "id"})";
    else
        entry += R"(, "issuer": "https://accounts.google.com")";
    if (!forward.isEmpty())
        entry += R"(, "forward_parameters": )" + forward;
    return R"({"providers": [)" + entry + "}]}";
}

// A Google-style entry with `prompts` as its "prompt_values".
QByteArray oidcProvider(const QByteArray &prompts, const QByteArray &type = "oidc")
{
    QByteArray json = oauth2Provider({}, type);
    json.chop(3); // "}]}"
    return json + R"(, "prompt_values": )" + prompts + "}]}";
}

Result<QList<UpstreamSettings>> parse(const QByteArray &json)
{
    return ProvidersFile::parse(json, ProvidersFile::Secrets::Skipped, QProcessEnvironment());
}

} // namespace

void TestProvidersFile::forwardParametersAreRead()
{
    const auto github = parse(oauth2Provider(R"({"prompt": "prompt", "login_hint": "login"})"));
    QVERIFY2(github, github ? "" : qPrintable(github.error().description));
    const QHash<QString, QString> expected{{"prompt", "prompt"}, {"login_hint", "login"}};
    QCOMPARE(github->first().forwardParameters, expected);

    // Without the key an OAuth 2.0 provider gets none of the hints.
    const auto plain = parse(oauth2Provider({}));
    QVERIFY(plain);
    QVERIFY(plain->first().forwardParameters.isEmpty());
}

void TestProvidersFile::forwardParametersMistakes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("not an object") << oauth2Provider(R"(["prompt"])")
                                   << R"(provider "github": field "forward_parameters": must be an object of sign-in )"
                                      R"(hint to the provider's parameter name)";
    QTest::newRow("unknown hint") << oauth2Provider(R"({"acr_values": "acr"})")
                                  << R"(provider "github": field "forward_parameters.acr_values": is not a sign-in )"
                                     R"(hint the server passes on; use "prompt", "login_hint", "max_age")";
    QTest::newRow("a number") << oauth2Provider(R"({"prompt": 1})")
                              << R"(provider "github": field "forward_parameters.prompt": must be a string: the )"
                                 R"(name of the provider's parameter)";
    QTest::newRow("null") << oauth2Provider(R"({"login_hint": null})")
                          << R"(provider "github": field "forward_parameters.login_hint": must be a string: the )"
                             R"(name of the provider's parameter)";
    QTest::newRow("empty string") << oauth2Provider(R"({"max_age": ""})")
                                  << R"(provider "github": field "forward_parameters.max_age": must be a string: the )"
                                     R"(name of the provider's parameter)";
    QTest::newRow("not a parameter name") << oauth2Provider(R"({"login_hint": "login&x=1"})")
                                          << R"(provider "github": field "forward_parameters.login_hint": )"
                                             R"("login&x=1" is not a parameter name)";
    QTest::newRow("one the server sets") << oauth2Provider(R"({"login_hint": "state"})")
                                         << R"(provider "github": field "forward_parameters.login_hint": "state" is )"
                                            R"(a parameter the server sets itself)";
    QTest::newRow("two hints, one name") << oauth2Provider(R"({"login_hint": "login", "prompt": "login"})")
                                         << R"(provider "github": field "forward_parameters.prompt": "login" is )"
                                            R"(already the parameter of "login_hint")";
    QTest::newRow("on an oidc provider") << oauth2Provider(R"({"prompt": "prompt"})", "oidc")
                                         << R"(provider "github": field "forward_parameters": is for "oauth2" )"
                                            R"(providers; an "oidc" provider gets prompt, login_hint and max_age )"
                                            R"(under their own names)";
}

void TestProvidersFile::forwardParametersMistakes()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const auto parsed = parse(json);
    QVERIFY(!parsed);
    QVERIFY2(parsed.error().description.startsWith(error), qPrintable(parsed.error().description));
}

void TestProvidersFile::promptValuesAreRead()
{
    const auto google = parse(oidcProvider(R"(["login", "select_account"])"));
    QVERIFY2(google, google ? "" : qPrintable(google.error().description));
    QVERIFY(google->first().promptValuesSet);
    QCOMPARE(google->first().promptValues, QStringList({"login", "select_account"}));
    // An empty list: the provider takes no prompt at all.
    const auto none = parse(oidcProvider("[]"));
    QVERIFY(none && none->first().promptValuesSet && none->first().promptValues.isEmpty());
    const auto unset = parse(oauth2Provider({}, "oidc"));
    QVERIFY(unset && !unset->first().promptValuesSet);
}

void TestProvidersFile::promptValuesMistakes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("not a list") << oidcProvider(R"("login")")
                                << R"(provider "github": field "prompt_values": must be a list)";
    QTest::newRow("a value not passed on")
        << oidcProvider(R"(["login", "consent"])") << R"(provider "github": field "prompt_values": holds "consent")";
    QTest::newRow("on an oauth2 provider")
        << oidcProvider(R"(["login"])", "oauth2") << R"(provider "github": field "prompt_values")";
}

void TestProvidersFile::promptValuesMistakes()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const auto parsed = parse(json);
    QVERIFY(!parsed);
    QVERIFY2(parsed.error().description.startsWith(error), qPrintable(parsed.error().description));
}

QTEST_GUILESS_MAIN(TestProvidersFile)
#include "TestProvidersFile.moc"
