// Package auth turns a bearer token into a Principal: who is calling and which
// scopes they hold.
//
// It deliberately knows nothing about HTTP responses. Verifiers return typed
// errors (ErrMissingToken, ErrInvalidToken via *InvalidTokenError, and
// *InsufficientScopeError) and the HTTP layer maps them to 401/403 in one
// place, so every route answers the same way.
//
// Three verifiers exist, one per --auth mode:
//   - dev:  ES256 tokens signed by a key kept in the data dir (MintDevToken).
//   - oidc: RS256/ES256 tokens from any OpenID Connect provider, keys from its
//     JWKS (NewOIDCVerifier).
//   - off:  everyone is "anonymous" with every scope (local experiments only).
//
// Wrap the dev or oidc verifier in NewCachingVerifier so that signature checks
// stay off the hot path.
package auth
