package auth

import (
	"slices"
	"strings"
)

// The scopes of the contract (section 4).
const (
	ScopeRead  = "plans:read"  // GET, search
	ScopeWrite = "plans:write" // POST, PUT, PATCH, DELETE
	ScopeAdmin = "plans:admin" // replay, admin
)

// AllScopes returns every scope planstore knows, sorted. It returns a fresh
// slice so callers may keep or modify it.
func AllScopes() []string {
	return []string{ScopeAdmin, ScopeRead, ScopeWrite}
}

func isKnownScope(s string) bool {
	return s == ScopeRead || s == ScopeWrite || s == ScopeAdmin
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
