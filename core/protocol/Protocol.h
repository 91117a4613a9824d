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
// RFC 8628 (PROTOCOL.md 10).
inline constexpr char DeviceAuthorizationEndpointKey[] = "device_authorization_endpoint";
inline constexpr char DeviceCodeGrantType[] = "urn:ietf:params:oauth:grant-type:device_code";
inline constexpr char OnboardingTokenTypesKey[] = "onboarding_token_types_supported";

inline constexpr char IdempotencyKeyHeader[] = "Idempotency-Key";

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
