package auth

import (
	"slices"
	"strings"
)

// The scopes of docs/contract.md 4.
const (
	ScopeRead  = "plans:read"  // GET, search
	ScopeWrite = "plans:write" // POST, PUT, PATCH, DELETE
	ScopeAdmin = "plans:admin" // replay, admin
	// ScopeOperator crosses tenants: its holder sees and changes the plans of
	// every organisation, and every request it makes is audited. It grants no
	// access by itself: plans:read, plans:write and plans:admin still decide.
	ScopeOperator = "plans:operator"
)

// AllScopes returns every scope planstore knows, sorted. It returns a fresh
// slice so callers may keep or modify it.
func AllScopes() []string {
	return []string{ScopeAdmin, ScopeOperator, ScopeRead, ScopeWrite}
}

func isKnownScope(s string) bool {
	return s == ScopeRead || s == ScopeWrite || s == ScopeAdmin || s == ScopeOperator
}

// normalizeScopes splits every element on whitespace (so both
// ["a b"] and ["a", "b"] work), then sorts and removes duplicates, which is
// the form Principal.HasScope relies on.
func normalizeScopes(in []string) []string {
	var out []string
	for _, s := range in {
		out = append(out, strings.Fields(s)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
