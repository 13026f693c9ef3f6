package auth

import (
	"slices"
	"time"

	"github.com/planstore/planstore/tenancy"
)

// Principal is the authenticated caller.
type Principal struct {
	// Subject is the token's sub claim; it becomes the actor of events.
	Subject string
	// Scopes is sorted and free of duplicates.
	Scopes []string
	// ExpiresAt is the token's exp; zero when nothing expires (auth off).
	// It lets the caching verifier never serve a principal past its token.
	ExpiresAt time.Time
	// Orgs are the organisations the token's org claim names (see tenancy.go).
	Orgs []string
	// Access is what the caller may see: Orgs, or every organisation with
	// ScopeOperator. WithPrincipal puts it in the context for the command and
	// query layers.
	Access tenancy.Access
	// claims are the token's claims, kept so WithTenancy can read the org
	// claim under the name a deployment configured.
	claims map[string]any
}

// HasScope reports whether the principal was granted scope s. Scopes are
// independent: plans:admin does not imply plans:read or plans:write, because
// the contract lists them as separate grants.
func (p Principal) HasScope(s string) bool {
	_, found := slices.BinarySearch(p.Scopes, s)
	return found
}

// RequireScope returns *InsufficientScopeError unless p holds scope.
func RequireScope(p Principal, scope string) error {
	if p.HasScope(scope) {
		return nil
	}
	return &InsufficientScopeError{Required: scope}
}
