package auth

import "context"

// Verifier checks a raw bearer token and says who presented it.
//
// Implementations must be safe for concurrent use and must never panic,
// whatever the input. A refusal is ErrMissingToken or an *InvalidTokenError
// (errors.Is(err, ErrInvalidToken)); any other error would be a bug.
type Verifier interface {
	Verify(ctx context.Context, rawToken string) (Principal, error)
}

// AnonymousSubject is the subject every request gets when auth is off.
const AnonymousSubject = "anonymous"

// OffVerifier is --auth off: it accepts anything, including no token, as
// AnonymousSubject holding every scope. For local experiments only; the
// caller is expected to log a warning at startup.
type OffVerifier struct{}

// NewOffVerifier returns the verifier for --auth off.
func NewOffVerifier() OffVerifier { return OffVerifier{} }

// Verify ignores the token.
func (OffVerifier) Verify(context.Context, string) (Principal, error) {
	// AllScopes includes the operator scope: with auth off every plan is visible.
	return DefaultTenancy.apply(Principal{Subject: AnonymousSubject, Scopes: AllScopes()}), nil
}

func (OffVerifier) tokenOptional() bool { return true }

// tokenOptionaler is implemented by verifiers that accept requests carrying no
// bearer token at all, so Authenticate does not refuse them for lack of one.
type tokenOptionaler interface{ tokenOptional() bool }

func isTokenOptional(v Verifier) bool {
	o, ok := v.(tokenOptionaler)
	return ok && o.tokenOptional()
}
