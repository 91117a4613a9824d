#pragma once

class AccountStore;
class ClientRegistry;
class Clock;
class Database;
class DeviceGrantStore;
class KeyStore;
class LinkStore;
class Metrics;
class OnboardingStore;
class ProviderDirectory;
class SignInFlow;
class TokenIssuer;
class TokenStore;
class TrustedProxies;
class UsernameSuggester;
struct ServerShared;
struct ServerConfig;

// The services every endpoint works with: a worker thread's own
// (ServerWorker), and what all workers share.
struct ServerContext
{
    const ServerConfig &config;
    const Clock &clock;
    Database &db;
    KeyStore &keys;
    AccountStore &accounts;
    TokenStore &tokens;
    OnboardingStore &onboardings;
    LinkStore &links;
    DeviceGrantStore &devices;
    TokenIssuer &issuer;
    const ClientRegistry &clients;
    UsernameSuggester &suggester;
    ProviderDirectory &providers;
    SignInFlow &signIns;
    const TrustedProxies &proxies;
    ServerShared &shared;
    // Shared by every thread's endpoints: thread-safe.
    Metrics &metrics;
};
