package auth

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/planstore/planstore/tenancy"
)

func TestOrgsFromClaim(t *testing.T) {
	for _, tc := range []struct {
		name   string
		claims map[string]any
		want   []string
	}{
		{"absent: the default organisation", map[string]any{}, []string{"example.com"}},
		{"a string", map[string]any{"org": "a.org"}, []string{"a.org"}},
		{"a list in a string", map[string]any{"org": "a.org, b.org"}, []string{"a.org", "b.org"}},
		{"an array", map[string]any{"org": []any{"a.org", 7, "b.org"}}, []string{"a.org", "b.org"}},
		{"another shape names none", map[string]any{"org": 7.0}, nil},
	} {
		if got := orgsFromClaim(tc.claims, "org", "example.com"); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestOperatorScopeSeesEveryOrganisation(t *testing.T) {
	p := DefaultTenancy.apply(Principal{Scopes: []string{ScopeOperator, ScopeRead}, claims: map[string]any{"org": "a.org"}})
	if !p.Access.All() {
		t.Fatal("plans:operator is confined")
	}
	p = DefaultTenancy.apply(Principal{Scopes: []string{ScopeRead}, claims: map[string]any{"org": "a.org"}})
	if p.Access.All() || !p.Access.Allows("a.org") || p.Access.Allows("example.com") {
		t.Fatalf("access %+v", p.Access)
	}
}

func TestDevTokenCarriesItsOrganisations(t *testing.T) {
	dir := t.TempDir()
	tok, err := MintDevToken(dir, "alice@a.org", []string{ScopeRead}, time.Hour, "a.org,b.org")
	if err != nil {
		t.Fatal(err)
	}
	v := mustDevVerifier(t, dir)
	p, err := WithTenancy(v, Tenancy{DefaultOrg: "example.com"}).Verify(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Orgs, []string{"a.org", "b.org"}) || !p.Access.Allows("b.org") || p.Access.Allows("example.com") {
		t.Fatalf("principal %+v", p)
	}
	if a := tenancy.FromContext(WithPrincipal(context.Background(), p)); !a.Allows("a.org") {
		t.Fatal("WithPrincipal does not carry the access")
	}
}
