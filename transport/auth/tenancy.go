package auth

import (
	"context"
	"strings"

	"github.com/planstore/planstore/tenancy"
)

// Tenancy says where a token names its organisations.
type Tenancy struct {
	// OrgClaim is the claim holding the caller's organisations: a string (one
	// organisation, or several separated by spaces or commas) or an array of
	// strings.
	OrgClaim string
	// DefaultOrg is the organisation of a token without OrgClaim, so tokens and
	// data from before tenancy keep working, and the organisation whose plans keep
	// the pre-tenancy key layout (tenancy.Key).
	DefaultOrg string
}

// The defaults of --org-claim and --default-org.
const (
	DefaultOrgClaim = "org"
	DefaultOrgName  = "example.com"
)

// DefaultTenancy is what every verifier applies unless wrapped by WithTenancy.
var DefaultTenancy = Tenancy{OrgClaim: DefaultOrgClaim, DefaultOrg: DefaultOrgName}

// apply fills p's Orgs and Access from its claims.
func (t Tenancy) apply(p Principal) Principal {
	p.Orgs = orgsFromClaim(p.claims, t.OrgClaim, t.DefaultOrg)
	if p.HasScope(ScopeOperator) {
		p.Access = tenancy.Operator(t.DefaultOrg)
	} else {
		p.Access = tenancy.ForOrgs(t.DefaultOrg, p.Orgs...)
	}
	return p
}

// orgsFromClaim reads the organisations of a token. A token without the claim is in
// the default organisation; a claim of another shape (a number, an object) names none,
// so such a caller sees nothing rather than something it was not given.
func orgsFromClaim(claims map[string]any, name, defaultOrg string) []string {
	v, present := claims[name]
	if !present || v == nil {
		if defaultOrg == "" {
			return nil
		}
		return []string{defaultOrg}
	}
	var orgs []string
	add := func(s string) {
		for _, o := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
			if len(orgs) < tenancy.MaxOrgs {
				orgs = append(orgs, o)
			}
		}
	}
	switch v := v.(type) {
	case string:
		add(v)
	case []any:
		for _, item := range v {
			if s, ok := item.(string); ok {
				add(s)
			}
		}
	}
	return orgs
}

// WithTenancy reads every principal's organisations as t says (the claim name and
// default organisation a deployment configured).
func WithTenancy(v Verifier, t Tenancy) Verifier {
	if t.OrgClaim == "" {
		t.OrgClaim = DefaultOrgClaim
	}
	return tenancyVerifier{next: v, t: t}
}

type tenancyVerifier struct {
	next Verifier
	t    Tenancy
}

func (v tenancyVerifier) Verify(ctx context.Context, raw string) (Principal, error) {
	p, err := v.next.Verify(ctx, raw)
	if err != nil {
		return p, err
	}
	return v.t.apply(p), nil
}

func (v tenancyVerifier) tokenOptional() bool { return isTokenOptional(v.next) }
