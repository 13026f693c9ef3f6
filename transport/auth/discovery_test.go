package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// serve starts a loopback server answering path with body (status 200) and
// everything else with 404.
func serve(t *testing.T, routes map[string]func(base string) any) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, ok := routes[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		switch body := route(srv.URL).(type) {
		case string:
			_, _ = w.Write([]byte(body))
		default:
			_ = json.NewEncoder(w).Encode(body)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOIDCConstructionFailsClearly(t *testing.T) {
	rsaKey, _, _ := sharedKeys(t)
	goodJWKS := func(string) any { return map[string]any{"keys": publicJWKs(t, []testKey{rsaKey})} }
	discovery := func(issuerSuffix, jwksPath string) func(string) any {
		return func(base string) any {
			return map[string]string{"issuer": base + issuerSuffix, "jwks_uri": base + jwksPath}
		}
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	tests := []struct {
		name    string
		issuer  func(t *testing.T) string
		jwksURL string
		want    string
	}{
		{"issuer unreachable", func(*testing.T) string { return closedURL }, "", "discovery"},
		{"no discovery document", func(t *testing.T) string {
			return serve(t, nil).URL
		}, "", "status 404"},
		{"discovery is not JSON", func(t *testing.T) string {
			return serve(t, map[string]func(string) any{
				"/.well-known/openid-configuration": func(string) any { return "<html>" },
			}).URL
		}, "", "decode JSON"},
		{"discovery names another issuer", func(t *testing.T) string {
			return serve(t, map[string]func(string) any{
				"/.well-known/openid-configuration": discovery("/", "/jwks"),
				"/jwks":                             goodJWKS,
			}).URL
		}, "", "must match it exactly"},
		{"discovery without jwks_uri", func(t *testing.T) string {
			return serve(t, map[string]func(string) any{
				"/.well-known/openid-configuration": func(base string) any { return map[string]string{"issuer": base} },
			}).URL
		}, "", "no jwks_uri"},
		{"JWKS unreachable", func(t *testing.T) string {
			return serve(t, map[string]func(string) any{
				"/.well-known/openid-configuration": discovery("", "/missing"),
			}).URL
		}, "", "fetch JWKS"},
		{"JWKS without usable keys", func(t *testing.T) string {
			weak, err := rsa.GenerateKey(rand.Reader, 1024)
			if err != nil {
				t.Fatal(err)
			}
			return serve(t, map[string]func(string) any{
				"/.well-known/openid-configuration": discovery("", "/jwks"),
				"/jwks": func(string) any {
					keys := publicJWKs(t, []testKey{{kid: "weak", alg: "RS256", private: weak}})
					keys = append(keys, map[string]string{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"})
					return map[string]any{"keys": keys}
				},
			}).URL
		}, "", "no usable RS256 or ES256 signing key"},
		{"explicit JWKS URL unreachable", func(t *testing.T) string {
			return "https://issuer.example"
		}, closedURL + "/jwks", "fetch JWKS"},
		{"issuer is not a URL", func(*testing.T) string { return "my-issuer" }, "", "not an absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issuer := tt.issuer(t)
			_, err := NewOIDCVerifier(context.Background(), OIDCConfig{
				Issuer: issuer, Audience: "planstore-api", JWKSURL: tt.jwksURL,
			})
			if err == nil {
				t.Fatal("constructed a verifier from a broken issuer")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), issuer) {
				t.Fatalf("error %q should name the issuer %q and say %q", err, issuer, tt.want)
			}
		})
	}

	t.Run("audience required", func(t *testing.T) {
		_, err := NewOIDCVerifier(context.Background(), OIDCConfig{Issuer: "https://issuer.example"})
		if err == nil || !strings.Contains(err.Error(), "audience") {
			t.Fatalf("err = %v, want one about the audience", err)
		}
	})
}

func TestOIDCExplicitJWKSURLSkipsDiscovery(t *testing.T) {
	rsaKey, _, _ := sharedKeys(t)
	keys := serve(t, map[string]func(string) any{
		"/keys": func(string) any {
			jwks := publicJWKs(t, []testKey{rsaKey})
			// Keys the verifier must skip without failing the set.
			jwks = append(jwks,
				map[string]string{"kty": "RSA", "use": "enc", "kid": "enc-1", "n": jwks[0]["n"], "e": "AQAB"},
				map[string]string{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
				map[string]string{"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
			)
			return map[string]any{"keys": jwks}
		},
	})
	issuer := "https://issuer.invalid" // never contacted: no discovery
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v, err := NewOIDCVerifier(ctx, OIDCConfig{Issuer: issuer, Audience: "planstore-api", JWKSURL: keys.URL + "/keys"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(ctx, sign(t, rsaKey, goodClaims(issuer))); err != nil {
		t.Fatalf("good token refused: %v", err)
	}
}
