package tenancy

import (
	"context"
	"slices"
)

// MaxOrgs bounds the organisations one caller may hold: a caller's plan lookups try
// each of its namespaces, and its searches carry one filter value per organisation.
const MaxOrgs = 32

// Access is what a caller may see: its organisations, or every organisation for an
// operator. The zero Access allows nothing.
type Access struct {
	orgs       []string // in the token's order: the order namespaces are tried in
	all        bool
	defaultOrg string
}

// ForOrgs is the access of a caller in orgs (deduplicated, order kept, at most MaxOrgs,
// empty names dropped); defaultOrg names the organisation whose namespace is the bare
// objectId (see Key).
func ForOrgs(defaultOrg string, orgs ...string) Access {
	a := Access{defaultOrg: defaultOrg}
	for _, o := range orgs {
		if o != "" && !slices.Contains(a.orgs, o) && len(a.orgs) < MaxOrgs {
			a.orgs = append(a.orgs, o)
		}
	}
	return a
}

// Operator is the cross-tenant access of the operator scope: every organisation.
func Operator(defaultOrg string) Access { return Access{all: true, defaultOrg: defaultOrg} }

// All reports whether the caller is an operator, who sees every organisation.
func (a Access) All() bool { return a.all }

// Orgs lists the caller's organisations (none for an operator, who has all).
func (a Access) Orgs() []string { return slices.Clone(a.orgs) }

// DefaultOrg is the organisation whose plans keep the pre-tenancy layout.
func (a Access) DefaultOrg() string { return a.defaultOrg }

// Allows reports whether the caller may see or write plans of org.
func (a Access) Allows(org string) bool {
	return a.all || slices.Contains(a.orgs, org)
}

// Narrow confines the access to org alone, for a request that names the organisation
// it means; false when the caller does not hold org.
func (a Access) Narrow(org string) (Access, bool) {
	if !a.Allows(org) {
		return Access{}, false
	}
	return Access{orgs: []string{org}, defaultOrg: a.defaultOrg}, true
}

// Candidates lists the organisations whose namespaces a plan id is looked up in, in
// order: the caller's own, or for an operator the default organisation.
func (a Access) Candidates() []string {
	if a.all {
		return []string{a.defaultOrg}
	}
	return slices.Clone(a.orgs)
}

// Key is the store key of objectId id in org's namespace.
func (a Access) Key(org, id string) string { return Key(a.defaultOrg, org, id) }

type accessKey struct{}

// WithAccess returns a context carrying a.
func WithAccess(ctx context.Context, a Access) context.Context {
	return context.WithValue(ctx, accessKey{}, a)
}

// FromContext returns the caller's access; the zero Access (nothing) when none is set.
func FromContext(ctx context.Context) Access {
	if ctx == nil {
		return Access{}
	}
	a, _ := ctx.Value(accessKey{}).(Access)
	return a
}
