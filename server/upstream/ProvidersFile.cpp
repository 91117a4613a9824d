#include "ProvidersFile.h"

#include "UpstreamAttempt.h"

#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace {

constexpr qint64 MaxFileSize = 1024 * 1024;
constexpr qint64 MaxSecretSize = 4096;
constexpr int MaxNameLength = 64;

const QSet<QString> CommonKeys{QStringLiteral("id"),
                               QStringLiteral("name"),
                               QStringLiteral("type"),
                               QStringLiteral("client_id"),
                               QStringLiteral("client_secret_file"),
                               QStringLiteral("scopes"),
                               QStringLiteral("pkce"),
                               QStringLiteral("token_endpoint_auth_method")};
const QSet<QString> OidcKeys{QStringLiteral("issuer"), QStringLiteral("prompt_values")};
const QSet<QString> OAuth2Keys{QStringLiteral("authorization_endpoint"),
                               QStringLiteral("token_endpoint"),
                               QStringLiteral("userinfo_endpoint"),
                               QStringLiteral("emails_endpoint"),
                               QStringLiteral("claims"),
                               QStringLiteral("forward_parameters")};
// A type whose connector stays on this server (a simulated provider) has
// nothing to configure but its id and name.
const QSet<QString> LocalKeys{QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("type")};
const QString ForwardKey = QStringLiteral("forward_parameters");
// What the broker puts in every authorization request itself: a hint under
// one of these names would replace or double it.
const QSet<QString> OwnParameters{QStringLiteral("response_type"),  QStringLiteral("client_id"),
                                  QStringLiteral("redirect_uri"),   QStringLiteral("state"),
                                  QStringLiteral("scope"),          QStringLiteral("nonce"),
                                  QStringLiteral("code_challenge"), QStringLiteral("code_challenge_method")};
const QSet<QString> ClaimNames{QStringLiteral("provider_user_id"), QStringLiteral("email"),
                               QStringLiteral("email_verified"), QStringLiteral("name"),
                               QStringLiteral("preferred_username")};

// Collects the first problem with the entry being read, worded for an admin.
class EntryReader
{
public:
    EntryReader(const QJsonObject &entry, int index, ProvidersFile::Secrets secrets,
                const QProcessEnvironment &environment, const QStringList &types)
        : m_entry(entry)
        , m_secrets(secrets)
        , m_environment(environment)
        , m_types(types)
        , m_label(QStringLiteral("provider #%1").arg(index + 1))
    {
    }

    Result<UpstreamSettings> read();

private:
    bool fail(const QString &field, const QString &problem)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1: field \"%2\": %3").arg(m_label, field, problem);
        return false;
    }
    QString string(const QString &field, bool required);
    QUrl url(const QString &field, bool required);
    bool readType(UpstreamSettings &s);
    bool readKeys(const UpstreamSettings &s);
    bool readScopes(UpstreamSettings &s);
    bool readOptions(UpstreamSettings &s);
    bool readEndpoints(UpstreamSettings &s);
    bool readClaims(UpstreamSettings &s);
    bool readForwardParameters(UpstreamSettings &s);
    bool readPromptValues(UpstreamSettings &s);
    bool readSecret(UpstreamSettings &s);
    bool readRemote(UpstreamSettings &s);
    static bool isRemote(const UpstreamSettings &s)
    {
        return s.type == UpstreamSettings::OidcType || s.type == UpstreamSettings::OAuth2Type;
    }

    const QJsonObject &m_entry;
    ProvidersFile::Secrets m_secrets;
    const QProcessEnvironment &m_environment;
    const QStringList &m_types;
    QString m_label;
    QString m_error;
};

QString EntryReader::string(const QString &field, bool required)
{
    const QJsonValue value = m_entry.value(field);
    if (value.isUndefined()) {
        if (required)
            fail(field, QStringLiteral("is missing"));
        return {};
    }
    if (!value.isString() || value.toString().trimmed().isEmpty()) {
        fail(field, QStringLiteral("must be a non-empty string"));
        return {};
    }
    return value.toString().trimmed();
}

QUrl EntryReader::url(const QString &field, bool required)
{
    const QString text = string(field, required);
    if (text.isEmpty())
        return {};
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || url.hasFragment()) {
        fail(field, QStringLiteral("is not an absolute URL"));
        return {};
    }
    if (!ProvidersFile::isAcceptableUrl(url)) {
        fail(field, QStringLiteral("must be https (plain http only on a loopback address, for tests)"));
        return {};
    }
    return url;
}

bool EntryReader::readType(UpstreamSettings &s)
{
    const QString type = string(QStringLiteral("type"), true);
    if (type.isEmpty())
        return false;
    if (type == UpstreamSettings::SimulatedType && !m_types.contains(type))
        return fail(QStringLiteral("type"),
                    QStringLiteral("\"simulated\" providers exist only in QA mode (--qa): they let anyone sign in "
                                   "as anyone"));
    if (!m_types.contains(type))
        return fail(QStringLiteral("type"),
                    QStringLiteral("\"%1\" is not a type; use one of \"%2\"")
                        .arg(type, m_types.join(QStringLiteral("\", \""))));
    s.type = type;
    if (!isRemote(s))
        s.pkce = false; // nothing leaves this server
    return true;
}

bool EntryReader::readKeys(const UpstreamSettings &s)
{
    const QSet<QString> &typeKeys = s.type == UpstreamSettings::OidcType ? OidcKeys : OAuth2Keys;
    for (const QString &key : m_entry.keys()) {
        if (!isRemote(s)) {
            if (!LocalKeys.contains(key))
                return fail(key, QStringLiteral("is not a known setting for a provider of this type"));
            continue;
        }
        if (key == QLatin1String("client_secret"))
            return fail(key,
                        QStringLiteral("secrets are never read from this file: use \"client_secret_file\" "
                                       "(mode 0600) or the environment variable %1")
                            .arg(ProvidersFile::secretVariable(s.id)));
        if (key == ForwardKey && s.type == UpstreamSettings::OidcType)
            return fail(key,
                        QStringLiteral("is for \"oauth2\" providers; an \"oidc\" provider gets prompt, "
                                       "login_hint and max_age under their own names"));
        if (!CommonKeys.contains(key) && !typeKeys.contains(key))
            return fail(key, QStringLiteral("is not a known setting for a provider of this type"));
    }
    return true;
}

bool EntryReader::readScopes(UpstreamSettings &s)
{
    const QJsonValue value = m_entry.value(QStringLiteral("scopes"));
    if (value.isUndefined()) {
        if (s.type == UpstreamSettings::OidcType)
            s.scopes = {QStringLiteral("openid"), QStringLiteral("email"), QStringLiteral("profile")};
        return true;
    }
    static const QRegularExpression scopeToken(QStringLiteral("^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}$"));
    if (!value.isArray())
        return fail(QStringLiteral("scopes"), QStringLiteral("must be a list of strings"));
    for (const QJsonValue &scope : value.toArray()) {
        if (!scope.isString() || !scopeToken.match(scope.toString()).hasMatch())
            return fail(QStringLiteral("scopes"), QStringLiteral("holds something that is not a scope name"));
        s.scopes.append(scope.toString());
    }
    if (s.type == UpstreamSettings::OidcType && !s.scopes.contains(QLatin1String("openid")))
        return fail(QStringLiteral("scopes"), QStringLiteral("must include \"openid\" for an oidc provider"));
    return true;
}

bool EntryReader::readOptions(UpstreamSettings &s)
{
    const QJsonValue pkce = m_entry.value(QStringLiteral("pkce"));
    if (!pkce.isUndefined() && !pkce.isBool())
        return fail(QStringLiteral("pkce"), QStringLiteral("must be true or false"));
    s.pkce = pkce.toBool(true);
    const QString method = m_entry.contains(QStringLiteral("token_endpoint_auth_method"))
        ? string(QStringLiteral("token_endpoint_auth_method"), true)
        : QStringLiteral("client_secret_basic");
    if (method == QLatin1String("client_secret_basic"))
        s.clientAuth = UpstreamSettings::ClientAuth::SecretBasic;
    else if (method == QLatin1String("client_secret_post"))
        s.clientAuth = UpstreamSettings::ClientAuth::SecretPost;
    else
        return fail(QStringLiteral("token_endpoint_auth_method"),
                    QStringLiteral("use \"client_secret_basic\" or \"client_secret_post\""));
    return m_error.isEmpty();
}

bool EntryReader::readEndpoints(UpstreamSettings &s)
{
    if (s.type == UpstreamSettings::OidcType) {
        const QUrl issuer = url(QStringLiteral("issuer"), true);
        s.issuer = issuer.toString();
        return m_error.isEmpty();
    }
    s.authorizationEndpoint = url(QStringLiteral("authorization_endpoint"), true);
    s.tokenEndpoint = url(QStringLiteral("token_endpoint"), true);
    s.userinfoEndpoint = url(QStringLiteral("userinfo_endpoint"), true);
    s.emailsEndpoint = url(QStringLiteral("emails_endpoint"), false);
    return m_error.isEmpty();
}

bool EntryReader::readClaims(UpstreamSettings &s)
{
    if (s.type != UpstreamSettings::OAuth2Type)
        return true;
    const QJsonValue value = m_entry.value(QStringLiteral("claims"));
    if (!value.isObject())
        return fail(QStringLiteral("claims"),
                    value.isUndefined() ? QStringLiteral("is missing; it must map at least \"provider_user_id\"")
                                        : QStringLiteral("must be an object of claim name to user-info field"));
    const QJsonObject claims = value.toObject();
    for (auto it = claims.begin(); it != claims.end(); ++it) {
        if (!ClaimNames.contains(it.key()))
            return fail(QStringLiteral("claims.") + it.key(), QStringLiteral("is not a claim Latchkey reads"));
        if (!it.value().isString() || it.value().toString().isEmpty())
            return fail(QStringLiteral("claims.") + it.key(), QStringLiteral("must name a user-info field"));
        s.claims.insert(it.key(), it.value().toString());
    }
    if (!s.claims.contains(QStringLiteral("provider_user_id")))
        return fail(QStringLiteral("claims.provider_user_id"),
                    QStringLiteral("is missing: the user's stable id is required"));
    return true;
}

bool EntryReader::readForwardParameters(UpstreamSettings &s)
{
    const QJsonValue value = m_entry.value(ForwardKey);
    if (s.type != UpstreamSettings::OAuth2Type || value.isUndefined())
        return true;
    if (!value.isObject())
        return fail(ForwardKey, QStringLiteral("must be an object of sign-in hint to the provider's parameter name"));
    static const QRegularExpression parameterName(QStringLiteral("^[A-Za-z0-9._~-]{1,64}$"));
    QStringList hints;
    for (const QLatin1String hint : UpstreamHints::names())
        hints.append(hint);
    QHash<QString, QString> hintOf; // the provider's name -> the hint sent under it
    const QJsonObject forward = value.toObject();
    for (auto it = forward.begin(); it != forward.end(); ++it) {
        const QString field = ForwardKey + u'.' + it.key();
        if (!hints.contains(it.key()))
            return fail(field,
                        QStringLiteral("is not a sign-in hint the server passes on; use \"%1\"")
                            .arg(hints.join(QStringLiteral("\", \""))));
        if (!it.value().isString() || it.value().toString().isEmpty())
            return fail(field, QStringLiteral("must be a string: the name of the provider's parameter"));
        const QString name = it.value().toString();
        if (!parameterName.match(name).hasMatch())
            return fail(field,
                        QStringLiteral("\"%1\" is not a parameter name (letters, digits, '.', '_', '~', "
                                       "'-'; at most 64)")
                            .arg(name.left(64)));
        if (OwnParameters.contains(name))
            return fail(field, QStringLiteral("\"%1\" is a parameter the server sets itself").arg(name));
        if (hintOf.contains(name))
            return fail(field,
                        QStringLiteral("\"%1\" is already the parameter of \"%2\"").arg(name, hintOf.value(name)));
        hintOf.insert(name, it.key());
        s.forwardParameters.insert(it.key(), name);
    }
    return true;
}

bool EntryReader::readPromptValues(UpstreamSettings &s)
{
    const QString key = QStringLiteral("prompt_values");
    const QJsonValue value = m_entry.value(key);
    if (s.type != UpstreamSettings::OidcType || value.isUndefined())
        return true;
    static const QStringList passedOn{QStringLiteral("login"), QStringLiteral("select_account")};
    if (!value.isArray())
        return fail(key,
                    QStringLiteral("must be a list of the prompt values the provider accepts, of \"login\" and "
                                   "\"select_account\""));
    for (const QJsonValue &prompt : value.toArray()) {
        if (!passedOn.contains(prompt.toString()))
            return fail(key,
                        QStringLiteral("holds \"%1\": the server passes on only \"login\" and "
                                       "\"select_account\"")
                            .arg(prompt.toString().left(64)));
        s.promptValues.append(prompt.toString());
    }
    s.promptValuesSet = true;
    return true;
}

bool EntryReader::readSecret(UpstreamSettings &s)
{
    const QString variable = ProvidersFile::secretVariable(s.id);
    const QString path = string(QStringLiteral("client_secret_file"), false);
    if (!m_error.isEmpty())
        return false;
    if (m_secrets == ProvidersFile::Secrets::Skipped)
        return true;
    if (path.isEmpty()) {
        s.clientSecret = m_environment.value(variable).toUtf8().trimmed();
        if (s.clientSecret.isEmpty())
            return fail(QStringLiteral("client_secret_file"),
                        QStringLiteral("is missing, and %1 is not set: the client secret comes from one of them")
                            .arg(variable));
        return true;
    }
    QFile file(path);
    const QFileInfo info(file);
    if (!info.isFile() || !file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("client_secret_file"), QStringLiteral("%1 cannot be read").arg(path));
    if (info.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteOther))
        return fail(QStringLiteral("client_secret_file"),
                    QStringLiteral("%1 is readable by other users; make it mode 0600 (chmod 600 %1)").arg(path));
    s.clientSecret = file.read(MaxSecretSize + 1).trimmed();
    if (s.clientSecret.isEmpty() || s.clientSecret.size() > MaxSecretSize)
        return fail(QStringLiteral("client_secret_file"),
                    QStringLiteral("%1 holds no secret (or more than 4 KiB)").arg(path));
    return true;
}

bool EntryReader::readRemote(UpstreamSettings &s)
{
    s.clientId = string(QStringLiteral("client_id"), true);
    return m_error.isEmpty() && readScopes(s) && readOptions(s) && readEndpoints(s) && readClaims(s)
        && readForwardParameters(s) && readPromptValues(s) && readSecret(s);
}

Result<UpstreamSettings> EntryReader::read()
{
    static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9][a-z0-9-]{0,31}$"));
    UpstreamSettings s;
    s.id = string(QStringLiteral("id"), true);
    if (!s.id.isEmpty())
        m_label = QStringLiteral("provider \"%1\"").arg(s.id);
    if (!s.id.isEmpty() && !idPattern.match(s.id).hasMatch())
        fail(QStringLiteral("id"), QStringLiteral("use 1 to 32 lowercase letters, digits and '-'"));
    s.name = string(QStringLiteral("name"), true);
    if (s.name.size() > MaxNameLength)
        fail(QStringLiteral("name"), QStringLiteral("is longer than %1 characters").arg(MaxNameLength));
    const bool ok = m_error.isEmpty() && readType(s) && readKeys(s) && (!isRemote(s) || readRemote(s));
    if (!ok)
        return ServerError::startup(m_error);
    return s;
}

} // namespace

QString ProvidersFile::secretVariable(const QString &providerId)
{
    return QStringLiteral("LATCHKEY_PROVIDER_%1_SECRET").arg(providerId.toUpper().replace(u'-', u'_'));
}

bool ProvidersFile::isAcceptableUrl(const QUrl &url)
{
    if (url.scheme() == QLatin1String("https"))
        return true;
    if (url.scheme() != QLatin1String("http"))
        return false;
    const QHostAddress host(url.host());
    return url.host() == QLatin1String("localhost") || (!host.isNull() && host.isLoopback());
}

QStringList ProvidersFile::standardTypes()
{
    return {UpstreamSettings::OidcType, UpstreamSettings::OAuth2Type};
}

Result<QList<UpstreamSettings>> ProvidersFile::load(const QString &path, Secrets secrets,
                                                    const QProcessEnvironment &environment, const QStringList &types)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return ServerError::startup(QStringLiteral("providers file %1: %2").arg(path, file.errorString()));
    if (file.size() > MaxFileSize)
        return ServerError::startup(QStringLiteral("providers file %1: larger than 1 MiB").arg(path));
    auto providers = parse(file.readAll(), secrets, environment, types);
    if (!providers)
        return ServerError::startup(QStringLiteral("providers file %1: %2").arg(path, providers.error().description));
    return providers;
}

Result<QList<UpstreamSettings>> ProvidersFile::parse(const QByteArray &json, Secrets secrets,
                                                     const QProcessEnvironment &environment, const QStringList &types)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject())
        return ServerError::startup(
            parseError.error != QJsonParseError::NoError
                ? QStringLiteral("not valid JSON at byte %1: %2").arg(parseError.offset).arg(parseError.errorString())
                : QStringLiteral("the file must be a JSON object {\"providers\": [...]}"));
    const QJsonObject root = document.object();
    for (const QString &key : root.keys()) {
        if (key != QLatin1String("providers"))
            return ServerError::startup(
                QStringLiteral("unknown top-level field \"%1\"; only \"providers\" is read").arg(key));
    }
    if (!root.value(QStringLiteral("providers")).isArray())
        return ServerError::startup(QStringLiteral("field \"providers\" must be a list"));
    QList<UpstreamSettings> providers;
    QSet<QString> ids;
    const QJsonArray entries = root.value(QStringLiteral("providers")).toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        if (!entries.at(i).isObject())
            return ServerError::startup(QStringLiteral("provider #%1 is not an object").arg(i + 1));
        const QJsonObject entry = entries.at(i).toObject();
        auto settings = EntryReader(entry, int(i), secrets, environment, types).read();
        if (!settings)
            return settings.error();
        if (ids.contains(settings->id))
            return ServerError::startup(
                QStringLiteral("provider \"%1\": field \"id\": another provider already has this id").arg(settings->id));
        ids.insert(settings->id);
        providers.append(*settings);
    }
    return providers;
}
