#pragma once

// Names and limits fixed by PROTOCOL.md, in one place for client and server.
namespace Protocol {

inline constexpr char DefaultClientId[] = "latchkey-desktop";
inline constexpr char DefaultScope[] = "openid profile email offline_access";
inline constexpr char RedirectPath[] = "/callback";

inline constexpr char TokenTypeBearer[] = "Bearer";
inline constexpr char TokenTypeOnboarding[] = "Onboarding";

// JWS "typ" header values (RFC 8725 section 3.11).
inline constexpr char TypIdToken[] = "JWT";
inline constexpr char TypAccessToken[] = "at+jwt";
inline constexpr char TypOnboardingToken[] = "onboarding+jwt";

inline constexpr char DiscoveryPath[] = "/.well-known/openid-configuration";

// Discovery metadata keys of the onboarding extension.
inline constexpr char OnboardingEndpointKey[] = "onboarding_endpoint";
inline constexpr char UsernameCheckEndpointKey[] = "username_check_endpoint";
inline constexpr char LinkRequestEndpointKey[] = "link_request_endpoint";
inline constexpr char IdentitiesEndpointKey[] = "identities_endpoint";
inline constexpr char OnboardingTokenTypesKey[] = "onboarding_token_types_supported";

inline constexpr char IdempotencyKeyHeader[] = "Idempotency-Key";

// The device authorization grant (RFC 8628, PROTOCOL.md 10).
inline constexpr char DeviceCodeGrantType[] = "urn:ietf:params:oauth:grant-type:device_code";
inline constexpr char DeviceAuthorizationEndpointKey[] = "device_authorization_endpoint";
inline constexpr char DeviceAuthorizationPath[] = "/device_authorization";
inline constexpr char DeviceVerificationPath[] = "/device";
// The user code's letters: no vowels (no words), no look-alikes of digits.
inline constexpr char UserCodeAlphabet[] = "BCDFGHJKLMNPQRSTVWXZ";
inline constexpr int UserCodeLength = 8;
inline constexpr int DeviceCodeLifetimeSeconds = 600;
inline constexpr int DevicePollIntervalSeconds = 5;
// RFC 8628 3.5: what slow_down adds to the interval.
inline constexpr int DeviceSlowDownSeconds = 5;

inline constexpr int MaxJwsSize = 16 * 1024;
inline constexpr int MaxRequestBody = 64 * 1024;
inline constexpr int ClockSkewLeewaySeconds = 60;

inline constexpr int AccessTokenLifetimeSeconds = 900;
inline constexpr int IdTokenLifetimeSeconds = 900;
inline constexpr int OnboardingTokenLifetimeSeconds = 600;
inline constexpr int AuthorizationCodeLifetimeSeconds = 60;
inline constexpr int RefreshTokenIdleLifetimeSeconds = 30 * 24 * 3600;
inline constexpr int MaxUsernameSuggestions = 3;

} // namespace Protocol
