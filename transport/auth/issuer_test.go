package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testIssuer is a real OpenID Connect issuer on loopback: it serves a
// discovery document and a JWKS built from keys the test generates, and
// counts how often the JWKS is fetched.
type testIssuer struct {
	srv         *httptest.Server
	jwksFetches atomic.Int64

	mu        sync.Mutex
	published []testKey // what /jwks currently serves
}

type testKey struct {
	kid     string
	alg     string // "RS256" or "ES256"
	private any    // *rsa.PrivateKey or *ecdsa.PrivateKey
}

func newTestIssuer(t testing.TB, keys ...testKey) *testIssuer {
	t.Helper()
	iss := &testIssuer{published: keys}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"issuer":   iss.URL(),
			"jwks_uri": iss.URL() + "/jwks",
		})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		iss.jwksFetches.Add(1)
		iss.mu.Lock()
		keys := append([]testKey(nil), iss.published...)
		iss.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": publicJWKs(t, keys)})
	})
	iss.srv = httptest.NewServer(mux)
	t.Cleanup(iss.srv.Close)
	return iss
}

func (iss *testIssuer) URL() string { return iss.srv.URL }

// publish replaces the keys the JWKS serves (key rotation).
func (iss *testIssuer) publish(keys ...testKey) {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.published = keys
}

// publicJWKs writes JWKs by hand from the key's numbers, independently of the
// JWKS library under test.
func publicJWKs(t testing.TB, keys []testKey) []map[string]string {
	enc := base64.RawURLEncoding
	var out []map[string]string
	for _, k := range keys {
		switch priv := k.private.(type) {
		case *rsa.PrivateKey:
			out = append(out, map[string]string{
				"kty": "RSA", "use": "sig", "alg": k.alg, "kid": k.kid,
				"n": enc.EncodeToString(priv.N.Bytes()),
				"e": enc.EncodeToString(big.NewInt(int64(priv.E)).Bytes()),
			})
		case *ecdsa.PrivateKey:
			point, err := priv.PublicKey.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, map[string]string{
				"kty": "EC", "use": "sig", "alg": k.alg, "kid": k.kid, "crv": "P-256",
				"x": enc.EncodeToString(point[1:33]), "y": enc.EncodeToString(point[33:]),
			})
		}
	}
	return out
}

var (
	testKeysOnce sync.Once
	testRSA      *rsa.PrivateKey
	testEC       *ecdsa.PrivateKey
	testRSA2     *rsa.PrivateKey
)

// sharedKeys generates keys once per test binary: RSA generation is slow and
// the machine is shared.
func sharedKeys(t testing.TB) (rsaKey testKey, ecKey testKey, rsaKey2 testKey) {
	t.Helper()
	testKeysOnce.Do(func() {
		var err error
		if testRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if testRSA2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if testEC, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
	return testKey{kid: "rsa-1", alg: "RS256", private: testRSA},
		testKey{kid: "ec-1", alg: "ES256", private: testEC},
		testKey{kid: "rsa-2", alg: "RS256", private: testRSA2}
}

// goodClaims are claims the verifier under test accepts; tests edit a copy.
func goodClaims(issuer string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"iss":   issuer,
		"aud":   "planstore-api",
		"sub":   "user-42",
		"scope": "plans:read plans:write",
		"iat":   now.Unix(),
		"nbf":   now.Unix(),
		"exp":   now.Add(time.Hour).Unix(),
	}
}

// sign produces a token signed with k, with k.kid in the header.
func sign(t testing.TB, k testKey, claims jwt.MapClaims) string {
	t.Helper()
	return signWith(t, jwt.GetSigningMethod(k.alg), k.kid, k.private, claims)
}

// signWith produces a token of claims signed by method with key, whatever the verifier
// allows, with kid in the header unless it is empty.
func signWith(t testing.TB, method jwt.SigningMethod, kid string, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// claimsWith returns goodClaims of issuer as edit changed them.
func claimsWith(issuer string, edit func(jwt.MapClaims)) jwt.MapClaims {
	c := goodClaims(issuer)
	edit(c)
	return c
}

// tokenWith is a token signed with k of the issuer's goodClaims, but for claim set to value.
func (iss *testIssuer) tokenWith(t testing.TB, k testKey, claim string, value any) string {
	t.Helper()
	return sign(t, k, claimsWith(iss.URL(), func(c jwt.MapClaims) { c[claim] = value }))
}

// tokenWithout is a token signed with k of the issuer's goodClaims, but for claim.
func (iss *testIssuer) tokenWithout(t testing.TB, k testKey, claim string) string {
	t.Helper()
	return sign(t, k, claimsWith(iss.URL(), func(c jwt.MapClaims) { delete(c, claim) }))
}
