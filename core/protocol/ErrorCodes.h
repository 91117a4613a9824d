#pragma once

// The "error" values of PROTOCOL.md (RFC 6749 5.2 and 4.1.2.1, RFC 6750 3.1,
// RFC 7009, OIDC Core 3.1.2.6 and the onboarding extension), in one place for
// client and server: a typo in one side's copy would be a silent mismatch.
namespace ErrorCode {

// RFC 6749 and OpenID Connect.
inline constexpr char InvalidRequest[] = "invalid_request";
inline constexpr char InvalidClient[] = "invalid_client";
inline constexpr char InvalidGrant[] = "invalid_grant";
inline constexpr char InvalidScope[] = "invalid_scope";
inline constexpr char UnauthorizedClient[] = "unauthorized_client";
inline constexpr char UnsupportedGrantType[] = "unsupported_grant_type";
inline constexpr char UnsupportedResponseType[] = "unsupported_response_type";
inline constexpr char AccessDenied[] = "access_denied";
inline constexpr char ServerError[] = "server_error";
inline constexpr char TemporarilyUnavailable[] = "temporarily_unavailable";
inline constexpr char LoginRequired[] = "login_required";
inline constexpr char ConsentRequired[] = "consent_required";
inline constexpr char InteractionRequired[] = "interaction_required";
// RFC 6750 (Bearer tokens).
inline constexpr char InvalidToken[] = "invalid_token";
inline constexpr char InsufficientScope[] = "insufficient_scope";
// RFC 8628 (device grant) and rate limits.
inline constexpr char SlowDown[] = "slow_down";
inline constexpr char AuthorizationPending[] = "authorization_pending";
inline constexpr char ExpiredToken[] = "expired_token";

// The onboarding and linking extension (PROTOCOL.md 6).
inline constexpr char InvalidUsername[] = "invalid_username";
inline constexpr char UsernameTaken[] = "username_taken";
inline constexpr char EmailInUse[] = "email_in_use";
inline constexpr char TermsNotAccepted[] = "terms_not_accepted";
inline constexpr char OnboardingAlreadyCompleted[] = "onboarding_already_completed";
inline constexpr char ReauthenticationRequired[] = "reauthentication_required";
inline constexpr char LastIdentity[] = "last_identity";
inline constexpr char LinkUnavailable[] = "link_unavailable";
inline constexpr char NotLinked[] = "not_linked";

// HTTP-level answers of the reference server (PROTOCOL.md 9).
inline constexpr char NotFound[] = "not_found";
inline constexpr char MethodNotAllowed[] = "method_not_allowed";

} // namespace ErrorCode
