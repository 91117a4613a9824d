#pragma once

// The names of JWT claims (and of the members of token answers and the
// onboarding request) as
// PROTOCOL.md and the OpenID specifications spell them: the server writes
// them, the client and the server read them, from here alone. Wire values:
// never change one.
namespace Claim {

// RFC 7519 and OpenID Connect Core 2.
inline constexpr char Issuer[] = "iss";
inline constexpr char Subject[] = "sub";
inline constexpr char Audience[] = "aud";
inline constexpr char Expiry[] = "exp";
inline constexpr char IssuedAt[] = "iat";
inline constexpr char AuthorizedParty[] = "azp";
inline constexpr char JwtId[] = "jti";
inline constexpr char Nonce[] = "nonce";
inline constexpr char AuthTime[] = "auth_time";
// Access tokens (RFC 9068) and the session they belong to.
inline constexpr char ClientId[] = "client_id";
inline constexpr char Scope[] = "scope";
inline constexpr char SessionId[] = "sid";

// Standard claims (OpenID Connect Core 5.1), also in userinfo answers.
inline constexpr char Name[] = "name";
inline constexpr char PreferredUsername[] = "preferred_username";
inline constexpr char Email[] = "email";
inline constexpr char EmailVerified[] = "email_verified";
// The upstream provider the person signed in with (display name).
inline constexpr char IdentityProvider[] = "idp";

// The onboarding token (PROTOCOL.md 6).
inline constexpr char Provider[] = "provider";
inline constexpr char ProviderId[] = "provider_id";
inline constexpr char ProviderUserId[] = "provider_user_id";
inline constexpr char CodeChallenge[] = "cch"; // the code_challenge of the authorization request
// A QA fault the onboarding endpoints obey (qa mode only).
inline constexpr char QaFault[] = "qa_fault";

} // namespace Claim

// The members of a token endpoint answer (RFC 6749 5.1, PROTOCOL.md 5).
namespace TokenField {

inline constexpr char AccessToken[] = "access_token";
inline constexpr char TokenType[] = "token_type";
inline constexpr char ExpiresIn[] = "expires_in";
inline constexpr char Scope[] = "scope";
inline constexpr char IdToken[] = "id_token";
inline constexpr char RefreshToken[] = "refresh_token";
// Instead of the tokens when the person has no account yet.
inline constexpr char OnboardingToken[] = "onboarding_token";

} // namespace TokenField

// The JSON body of POST /api/account/onboard (PROTOCOL.md 6.4) and its answers.
namespace OnboardField {

inline constexpr char OnboardingToken[] = "onboarding_token";
inline constexpr char CodeVerifier[] = "code_verifier";
inline constexpr char ClientId[] = "client_id";
inline constexpr char Username[] = "username";
inline constexpr char Name[] = "name";
inline constexpr char AcceptedTerms[] = "accepted_terms";
// In a terms_not_accepted error: the version to accept.
inline constexpr char TermsVersion[] = "terms_version";

} // namespace OnboardField

// The linking extension (PROTOCOL.md 6.5): the link request, its answer, the
// token response's linked_provider, the identities list, and the redirect's
// link_error parameter.
namespace LinkField {

inline constexpr char Provider[] = "provider"; // in a link request from a session: the provider to add
inline constexpr char LinkId[] = "link_id";
inline constexpr char ExpiresIn[] = "expires_in";
inline constexpr char Providers[] = "providers"; // [{"id","name"}]: where the account signs in
inline constexpr char ProviderInfoId[] = "id";
inline constexpr char ProviderInfoName[] = "name";
inline constexpr char LinkAvailable[] = "link_available"; // in email_in_use
inline constexpr char LinkedProvider[] = "linked_provider";
inline constexpr char Identities[] = "identities";
inline constexpr char IdentityProviderId[] = "provider_id";
inline constexpr char IdentityProvider[] = "provider";
inline constexpr char IdentityEmail[] = "email";
inline constexpr char IdentityLinkedAt[] = "linked_at";
inline constexpr char LinkError[] = "link_error"; // beside error=access_denied on the redirect

} // namespace LinkField

// The values of link_error: why a link sign-in linked nothing (docs/protocol-notes.md).
namespace LinkFailure {

inline constexpr char Cancelled[] = "cancelled";
inline constexpr char OtherAccount[] = "other_account";
inline constexpr char NoAccount[] = "no_account";
inline constexpr char Expired[] = "expired";
inline constexpr char Unavailable[] = "unavailable";
inline constexpr char Failed[] = "failed"; // any other ending: the generic sentence

} // namespace LinkFailure
