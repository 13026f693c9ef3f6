package auth

import (
	"errors"
	"fmt"
)

// ErrMissingToken means the request carried no credentials at all. The HTTP
// layer answers 401 without an error code (RFC 6750 section 3.1).
var ErrMissingToken = errors.New("missing bearer token")

// ErrInvalidToken matches, with errors.Is, every *InvalidTokenError. The HTTP
// layer answers 401 with error="invalid_token".
var ErrInvalidToken = errors.New("invalid token")

// InvalidTokenError says why a token or Authorization header was refused.
//
// Reason is written for the client: it comes from a fixed vocabulary and
// never contains key material, token contents or internal URLs, so it can go
// into a problem+json detail or a WWW-Authenticate error_description. The
// underlying cause, which may name internal hosts, is reachable only through
// errors.Unwrap for server-side logs.
type InvalidTokenError struct {
	Reason string
	cause  error
}

func (e *InvalidTokenError) Error() string { return "invalid token: " + e.Reason }

// Is lets errors.Is(err, ErrInvalidToken) hold for every refusal.
func (e *InvalidTokenError) Is(target error) bool { return target == ErrInvalidToken }

// Unwrap exposes the internal cause for logging; it is not client-safe.
func (e *InvalidTokenError) Unwrap() error { return e.cause }

func invalidToken(reason string, cause error) *InvalidTokenError {
	return &InvalidTokenError{Reason: reason, cause: cause}
}

// InsufficientScopeError means the token was good but lacks the scope the
// operation needs. The HTTP layer answers 403 with error="insufficient_scope".
type InsufficientScopeError struct {
	Required string
}

func (e *InsufficientScopeError) Error() string {
	return fmt.Sprintf("insufficient scope: %q required", e.Required)
}
