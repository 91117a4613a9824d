#pragma once

class AccountStore;
class ClientRegistry;
class Clock;
class Database;
class KeyStore;
class Metrics;
class OnboardingStore;
class ProviderDirectory;
class SignInFlow;
class TokenIssuer;
class TokenStore;
class TrustedProxies;
class UsernameSuggester;
struct ServerConfig;

// The services every endpoint works with, owned by OidcServer.
struct ServerContext
{
    const ServerConfig &config;
    const Clock &clock;
    Database &db;
    KeyStore &keys;
    AccountStore &accounts;
    TokenStore &tokens;
    OnboardingStore &onboardings;
    TokenIssuer &issuer;
    const ClientRegistry &clients;
    UsernameSuggester &suggester;
    ProviderDirectory &providers;
    SignInFlow &signIns;
    const TrustedProxies &proxies;
    // Shared by every thread's endpoints: thread-safe.
    Metrics &metrics;
};
