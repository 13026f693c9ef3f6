package auth

import (
	"context"

	"github.com/planstore/planstore/tenancy"
)

type principalKey struct{}

// WithPrincipal returns a context carrying p, so handlers deeper in the stack
// read the caller instead of verifying the token again.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	// The caller's access travels beside it, for the command and query layers,
	// which know nothing of tokens.
	return tenancy.WithAccess(context.WithValue(ctx, principalKey{}, p), p.Access)
}

// PrincipalFrom returns the principal stored by WithPrincipal, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	if ctx == nil {
		return Principal{}, false
	}
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
