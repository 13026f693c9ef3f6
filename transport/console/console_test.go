package console_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/planstore/planstore/transport/console"
)

func newConsole(t *testing.T, cfg console.Config) *console.Console {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := console.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func get(h http.Handler, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestEveryPageIsServedUnderAStrictPolicy(t *testing.T) {
	c := newConsole(t, console.Config{Auth: "dev", Version: "test"})
	for _, path := range []string{"/admin/", "/admin/dead-letters", "/admin/replay", "/admin/plans", "/admin/search", "/admin/signin"} {
		rec := get(c, path)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Header().Get("Content-Type"))
		}
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		body := rec.Body.String()
		if strings.Contains(body, "<script>") || strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			t.Errorf("%s: inline script or an outside reference in the page", path)
		}
	}
	for _, asset := range []string{"/admin/static/console.js", "/admin/static/console.css"} {
		if rec := get(c, asset); rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			t.Errorf("%s: %d", asset, rec.Code)
		}
	}
	if rec := get(c, "/admin"); rec.Code != http.StatusFound || rec.Header().Get("Location") != "/admin/" {
		t.Errorf("/admin: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := get(c, "/admin/nope"); rec.Code != http.StatusNotFound {
		t.Errorf("/admin/nope: %d", rec.Code)
	}
}

// The OIDC sign-in is the authorization code flow with PKCE (S256), run by the server:
// the provider gets the challenge, the token endpoint the matching verifier, and the
// access token reaches the page in its body, never in a URL.
func TestOIDCSignInIsTheCodeFlowWithPKCE(t *testing.T) {
	var challenge string
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			base := "http://" + r.Host
			_ = json.NewEncoder(w).Encode(map[string]string{
				"issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
			})
		case "/token":
			_ = r.ParseForm()
			sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
			if r.PostForm.Get("code") != "the-code" || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge ||
				r.PostForm.Get("client_id") != "console" || r.PostForm.Get("grant_type") != "authorization_code" {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, `{"error":"invalid_grant"}`)
				return
			}
			_, _ = io.WriteString(w, `{"access_token":"header.payload.signature","token_type":"Bearer"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer idp.Close()
	c := newConsole(t, console.Config{Auth: "oidc", OIDC: &console.OIDCConfig{Issuer: idp.URL, ClientID: "console"}})
	if body := get(c, "/admin/signin").Body.String(); !strings.Contains(body, "/admin/oidc/login") {
		t.Fatal("the sign-in page offers no provider sign-in")
	}
	login := get(c, "/admin/oidc/login")
	if login.Code != http.StatusFound {
		t.Fatalf("login: %d %s", login.Code, login.Body)
	}
	to, err := url.Parse(login.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := to.Query()
	if to.Path != "/authorize" || q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code" || q.Get("state") == "" {
		t.Fatalf("authorize request: %s", to)
	}
	challenge = q.Get("code_challenge")
	cookies := login.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly {
		t.Fatalf("flow cookie: %+v", cookies)
	}
	if rec := get(c, "/admin/oidc/callback?code=the-code&state=forged", cookies...); rec.Code != http.StatusBadRequest {
		t.Fatalf("forged state: %d", rec.Code)
	}
	rec := get(c, "/admin/oidc/callback?code=the-code&state="+url.QueryEscape(q.Get("state")), cookies...)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-token="header.payload.signature"`) {
		t.Fatalf("callback: %d %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Error("the page carrying the token may be cached")
	}
}
