package auth

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func newOIDC(t testing.TB, iss *testIssuer, edit func(*OIDCConfig)) *OIDCVerifier {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // stops the periodic refresh goroutine
	cfg := OIDCConfig{Issuer: iss.URL(), Audience: "planstore-api"}
	if edit != nil {
		edit(&cfg)
	}
	v, err := NewOIDCVerifier(ctx, cfg)
	if err != nil {
		t.Fatalf("NewOIDCVerifier: %v", err)
	}
	return v
}

func TestOIDCAccepts(t *testing.T) {
	rsaKey, ecKey, _ := sharedKeys(t)
	iss := newTestIssuer(t, rsaKey, ecKey)
	v := newOIDC(t, iss, nil)

	withClaims := func(edit func(jwt.MapClaims)) jwt.MapClaims { return claimsWith(iss.URL(), edit) }
	tests := []struct {
		name   string
		token  string
		scopes []string
	}{
		{"RS256 with scope string", sign(t, rsaKey, goodClaims(iss.URL())),
			[]string{ScopeRead, ScopeWrite}},
		{"ES256 with scope string", sign(t, ecKey, goodClaims(iss.URL())),
			[]string{ScopeRead, ScopeWrite}},
		{"scp as a string", sign(t, ecKey, withClaims(func(c jwt.MapClaims) {
			delete(c, "scope")
			c["scp"] = "plans:admin plans:read"
		})), []string{ScopeAdmin, ScopeRead}},
		{"scp as an array", sign(t, rsaKey, withClaims(func(c jwt.MapClaims) {
			delete(c, "scope")
			c["scp"] = []string{"plans:write", "plans:read", "plans:write"}
		})), []string{ScopeRead, ScopeWrite}},
		{"scope and scp together", sign(t, rsaKey, withClaims(func(c jwt.MapClaims) {
			c["scope"] = "plans:read"
			c["scp"] = []string{"plans:admin"}
		})), []string{ScopeAdmin, ScopeRead}},
		{"no scope claim at all", iss.tokenWithout(t, rsaKey, "scope"), nil},
		{"aud as an array holding ours", iss.tokenWith(t, rsaKey, "aud", []string{"other-api", "planstore-api"}),
			[]string{ScopeRead, ScopeWrite}},
		{"expired 10s ago, inside the 30s leeway", iss.tokenWith(t, ecKey, "exp", time.Now().Add(-10*time.Second).Unix()),
			[]string{ScopeRead, ScopeWrite}},
		{"no kid: tried against every published key",
			signWith(t, jwt.SigningMethodES256, "", testEC, goodClaims(iss.URL())),
			[]string{ScopeRead, ScopeWrite}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := v.Verify(context.Background(), tt.token)
			if err != nil {
				t.Fatalf("refused a good token: %v", err)
			}
			if p.Subject != "user-42" {
				t.Errorf("subject = %q, want user-42", p.Subject)
			}
			if !slices.Equal(p.Scopes, tt.scopes) {
				t.Errorf("scopes = %q, want %q", p.Scopes, tt.scopes)
			}
			if p.ExpiresAt.IsZero() {
				t.Error("ExpiresAt not set")
			}
		})
	}
}

func TestOIDCRefuses(t *testing.T) {
	rsaKey, ecKey, unpublished := sharedKeys(t)
	iss := newTestIssuer(t, rsaKey, ecKey)
	v := newOIDC(t, iss, nil)

	withClaims := func(edit func(jwt.MapClaims)) jwt.MapClaims { return claimsWith(iss.URL(), edit) }
	good := sign(t, rsaKey, goodClaims(iss.URL()))
	parts := strings.Split(good, ".")

	publicPEM := func() []byte {
		der, err := x509.MarshalPKIXPublicKey(&testRSA.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}()
	hmacWith := func(secret []byte, kid string) string {
		return signWith(t, jwt.SigningMethodHS256, kid, secret, goodClaims(iss.URL()))
	}

	tests := []struct {
		name   string
		token  string
		reason string
	}{
		{"expired", sign(t, rsaKey, withClaims(func(c jwt.MapClaims) {
			c["iat"] = time.Now().Add(-2 * time.Hour).Unix()
			c["nbf"] = time.Now().Add(-2 * time.Hour).Unix()
			c["exp"] = time.Now().Add(-time.Hour).Unix()
		})), "token expired"},
		{"not yet valid (nbf)", iss.tokenWith(t, ecKey, "nbf", time.Now().Add(time.Hour).Unix()), "token not valid yet"},
		{"issued in the future (iat)", iss.tokenWith(t, ecKey, "iat", time.Now().Add(time.Hour).Unix()), "token issued in the future"},
		{"wrong audience", iss.tokenWith(t, rsaKey, "aud", "someone-else"), "wrong audience"},
		{"no audience", iss.tokenWithout(t, rsaKey, "aud"), "required claim missing"},
		{"wrong issuer", iss.tokenWith(t, rsaKey, "iss", "https://evil.example"), "wrong issuer"},
		{"issuer differs by a trailing slash", iss.tokenWith(t, rsaKey, "iss", iss.URL()+"/"), "wrong issuer"},
		{"missing exp", iss.tokenWithout(t, ecKey, "exp"), "required claim missing"},
		{"exp of the wrong type", iss.tokenWith(t, ecKey, "exp", "tomorrow"), "claim has the wrong type"},
		{"missing sub", iss.tokenWithout(t, ecKey, "sub"), "token has no subject"},
		{"alg none", signWith(t, jwt.SigningMethodNone, rsaKey.kid, jwt.UnsafeAllowNoneSignatureType, goodClaims(iss.URL())),
			"invalid signature or algorithm not allowed"},
		{"HS256 keyed with the RSA public key PEM", hmacWith(publicPEM, rsaKey.kid),
			"invalid signature or algorithm not allowed"},
		{"HS256 keyed with the RSA public key DER, no kid",
			hmacWith(x509.MarshalPKCS1PublicKey(&testRSA.PublicKey), ""),
			"invalid signature or algorithm not allowed"},
		{"RS512 (asymmetric but not allowed)", signWith(t, jwt.SigningMethodRS512, rsaKey.kid, testRSA, goodClaims(iss.URL())),
			"invalid signature or algorithm not allowed"},
		{"unknown kid", sign(t, unpublished, goodClaims(iss.URL())), "unknown signing key"},
		{"published kid, other key's signature", sign(t,
			testKey{kid: rsaKey.kid, alg: "RS256", private: unpublished.private},
			goodClaims(iss.URL())), "invalid signature or algorithm not allowed"},
		{"ES256 naming the RSA key's kid", sign(t,
			testKey{kid: rsaKey.kid, alg: "ES256", private: testEC},
			goodClaims(iss.URL())), "token could not be verified"},
		{"tampered payload (scope raised to admin)", func() string {
			c := goodClaims(iss.URL())
			c["scope"] = "plans:admin plans:read plans:write"
			payload, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, c).SigningString()
			return parts[0] + "." + strings.Split(payload, ".")[1] + "." + parts[2]
		}(), "invalid signature or algorithm not allowed"},
		{"tampered signature", parts[0] + "." + parts[1] + "." + flipChar(parts[2], 10),
			"invalid signature or algorithm not allowed"},
		{"signature with non-canonical base64", parts[0] + "." + parts[1] + "." + parts[2] + "=",
			"malformed token"},
		{"signature stripped", parts[0] + "." + parts[1] + ".", "invalid signature or algorithm not allowed"},
		{"garbage", "garbage", "malformed token"},
		{"three garbage segments", "a.b.c", "malformed token"},
		{"header is not JSON", base64.RawURLEncoding.EncodeToString([]byte("hi")) + "." + parts[1] + "." + parts[2],
			"malformed token"},
		{"too large", strings.Repeat("a", MaxTokenBytes+1), "token too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := v.Verify(context.Background(), tt.token)
			if err == nil {
				t.Fatalf("accepted a bad token as %+v", p)
			}
			assertSafeRefusal(t, err, tt.reason, iss.URL())
		})
	}

	t.Run("empty token", func(t *testing.T) {
		if _, err := v.Verify(context.Background(), ""); !errors.Is(err, ErrMissingToken) {
			t.Fatalf("err = %v, want ErrMissingToken", err)
		}
	})
}

// assertSafeRefusal checks a refusal is an *InvalidTokenError with the wanted
// reason, and that its client-facing text leaks no internal URL or key.
func assertSafeRefusal(t *testing.T, err error, reason, internalURL string) {
	t.Helper()
	if !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("err = %v, want one matching ErrInvalidToken", err)
	}
	var ite *InvalidTokenError
	if !errors.As(err, &ite) {
		t.Fatalf("err = %T, want *InvalidTokenError", err)
	}
	if !strings.Contains(ite.Reason, reason) {
		t.Errorf("reason = %q, want it to contain %q (cause: %v)", ite.Reason, reason, errors.Unwrap(err))
	}
	for _, secret := range []string{internalURL, "127.0.0.1", "http", "BEGIN", "kid"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("client-facing text %q leaks %q", err.Error(), secret)
		}
	}
}

func flipChar(s string, i int) string {
	b := []byte(s)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func TestOIDCKeyRotationRefetchesJWKSRateLimited(t *testing.T) {
	rsaKey, ecKey, rotated := sharedKeys(t)
	iss := newTestIssuer(t, rsaKey)
	v := newOIDC(t, iss, func(c *OIDCConfig) { c.UnknownKIDRefreshGap = time.Minute })
	clock := newFakeClock()
	v.jwks.now = clock.Now
	ctx := context.Background()

	wantFetches := func(want int64) {
		t.Helper()
		if got := iss.jwksFetches.Load(); got != want {
			t.Fatalf("JWKS fetched %d times, want %d", got, want)
		}
	}
	wantFetches(1) // at construction

	// The issuer rotates in a new key; the first token signed with it names
	// a kid we have never seen, which makes us fetch the JWKS again.
	iss.publish(rsaKey, rotated)
	if _, err := v.Verify(ctx, sign(t, rotated, goodClaims(iss.URL()))); err != nil {
		t.Fatalf("token signed by the rotated-in key refused: %v", err)
	}
	wantFetches(2)

	// Within the gap, more unknown kids (forged or not) cause no fetch,
	// and fail at once instead of waiting for the limiter.
	forged := testKey{kid: "made-up", alg: "ES256", private: ecKey.private}
	for range 5 {
		start := time.Now()
		_, err := v.Verify(ctx, sign(t, forged, goodClaims(iss.URL())))
		assertSafeRefusal(t, err, "unknown signing key", iss.URL())
		if time.Since(start) > time.Second {
			t.Fatal("a rate-limited miss blocked")
		}
	}
	wantFetches(2)

	// The old key is retired. Once the gap has passed, the next unknown kid
	// fetches again, and the refreshed set no longer holds the old key.
	iss.publish(rotated)
	clock.Advance(61 * time.Second)
	_, err := v.Verify(ctx, sign(t, forged, goodClaims(iss.URL())))
	assertSafeRefusal(t, err, "unknown signing key", iss.URL())
	wantFetches(3)
	_, err = v.Verify(ctx, sign(t, rsaKey, goodClaims(iss.URL())))
	assertSafeRefusal(t, err, "unknown signing key", iss.URL())
	wantFetches(3)

	// Many concurrent misses after the gap still cause a single fetch.
	clock.Advance(61 * time.Second)
	forgedToken := sign(t, forged, goodClaims(iss.URL()))
	errs := make(chan error, 20)
	for range 20 {
		go func() {
			_, err := v.Verify(ctx, forgedToken)
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("err = %v, want ErrInvalidToken", err)
		}
	}
	wantFetches(4)
}

func TestOIDCPeriodicRefreshPicksUpNewKeys(t *testing.T) {
	rsaKey, _, rotated := sharedKeys(t)
	iss := newTestIssuer(t, rsaKey)
	v := newOIDC(t, iss, func(c *OIDCConfig) {
		c.RefreshInterval = 20 * time.Millisecond
		c.UnknownKIDRefreshGap = time.Hour
	})
	// Use up the unknown-kid allowance, so only the periodic refresh can
	// bring the new key in.
	_, err := v.Verify(context.Background(), sign(t, rotated, goodClaims(iss.URL())))
	assertSafeRefusal(t, err, "unknown signing key", iss.URL())

	iss.publish(rsaKey, rotated)
	before := iss.jwksFetches.Load()
	deadline := time.Now().Add(5 * time.Second)
	for iss.jwksFetches.Load() < before+2 { // +2: a whole fetch after publish
		if time.Now().After(deadline) {
			t.Fatal("no periodic JWKS refresh within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := v.Verify(context.Background(), sign(t, rotated, goodClaims(iss.URL()))); err != nil {
		t.Fatalf("new key not picked up by the periodic refresh: %v", err)
	}
}

func TestOIDCScopeClaimsConfigurable(t *testing.T) {
	rsaKey, _, _ := sharedKeys(t)
	iss := newTestIssuer(t, rsaKey)
	v := newOIDC(t, iss, func(c *OIDCConfig) { c.ScopeClaims = []string{"scope", "permissions"} })
	c := goodClaims(iss.URL())
	c["scope"] = "openid profile"
	c["permissions"] = []string{"plans:read", "plans:admin"}
	p, err := v.Verify(context.Background(), sign(t, rsaKey, c))
	if err != nil {
		t.Fatal(err)
	}
	if !p.HasScope(ScopeAdmin) || !p.HasScope(ScopeRead) || p.HasScope(ScopeWrite) {
		t.Fatalf("scopes = %q, want admin and read from the permissions claim", p.Scopes)
	}
}

// fakeClock is a time source tests can move forward.
type fakeClock struct{ offset atomic.Int64 }

func newFakeClock() *fakeClock               { return &fakeClock{} }
func (c *fakeClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *fakeClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }
