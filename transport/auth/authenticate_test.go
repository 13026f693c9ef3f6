package auth

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestAuthenticateVerifiesOncePerRequest(t *testing.T) {
	counting, dir := newCountingDev(t)
	r, _ := http.NewRequest(http.MethodGet, "http://planstore.test/v1/plans", nil)
	r.Header.Set("Authorization", "Bearer "+mint(t, dir, "alice", time.Hour, ScopeRead))

	r, p, err := Authenticate(r, counting)
	if err != nil || p.Subject != "alice" {
		t.Fatalf("%+v, %v", p, err)
	}
	// A later layer asking again gets the principal from the context.
	_, again, err := Authenticate(r, counting)
	if err != nil || again.Subject != "alice" {
		t.Fatalf("%+v, %v", again, err)
	}
	if n := counting.calls.Load(); n != 1 {
		t.Fatalf("verified %d times in one request, want 1", n)
	}
	if got, ok := PrincipalFrom(r.Context()); !ok || got.Subject != "alice" {
		t.Fatalf("PrincipalFrom = %+v, %v", got, ok)
	}
}

func TestAuthenticateRefusals(t *testing.T) {
	counting, _ := newCountingDev(t)
	r, _ := http.NewRequest(http.MethodGet, "http://planstore.test/v1/plans", nil)
	if _, _, err := Authenticate(r, counting); !errors.Is(err, ErrMissingToken) {
		t.Fatalf("no header: err = %v", err)
	}
	r.Header.Set("Authorization", "Bearer not-a-jwt")
	if _, _, err := Authenticate(r, counting); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("bad token: err = %v", err)
	}
}

func TestAuthOffAcceptsEveryoneWithAllScopes(t *testing.T) {
	for _, v := range []Verifier{NewOffVerifier(), NewCachingVerifier(NewOffVerifier(), 0)} {
		r, _ := http.NewRequest(http.MethodGet, "http://planstore.test/v1/plans", nil)
		_, p, err := Authenticate(r, v)
		if err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		if p.Subject != AnonymousSubject || !slices.Equal(p.Scopes, AllScopes()) {
			t.Fatalf("%T: %+v", v, p)
		}
	}
}

func TestScopes(t *testing.T) {
	p := Principal{Subject: "a", Scopes: normalizeScopes([]string{"plans:write plans:read", "plans:read"})}
	if !p.HasScope(ScopeRead) || !p.HasScope(ScopeWrite) || p.HasScope(ScopeAdmin) {
		t.Fatalf("scopes = %q", p.Scopes)
	}
	if err := RequireScope(p, ScopeRead); err != nil {
		t.Fatal(err)
	}
	err := RequireScope(p, ScopeAdmin)
	var ise *InsufficientScopeError
	if !errors.As(err, &ise) || ise.Required != ScopeAdmin {
		t.Fatalf("err = %v, want *InsufficientScopeError{plans:admin}", err)
	}
	if errors.Is(err, ErrInvalidToken) {
		t.Fatal("a missing scope is not an invalid token (403, not 401)")
	}
	if _, ok := PrincipalFrom(context.Background()); ok {
		t.Fatal("empty context yielded a principal")
	}
}
