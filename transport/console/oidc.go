package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// OIDCConfig is the provider the console signs in with (authorization code + PKCE, as a
// public client: no client secret lives in the server).
type OIDCConfig struct {
	Issuer   string
	ClientID string
	// Scope requested; default "openid plans:read plans:write plans:admin".
	Scope string
	// HTTPClient for discovery and the token exchange (default: 10 s timeout).
	HTTPClient *http.Client
}

// oidcFlow runs the code flow on the server: the PKCE verifier and state never reach
// the page, and the exchange needs no CORS from the provider nor WebCrypto (which
// browsers only offer on https or localhost).
type oidcFlow struct {
	cfg    OIDCConfig
	logger *slog.Logger

	mu        sync.Mutex
	endpoints *oidcEndpoints
}

type oidcEndpoints struct {
	Authorization string `json:"authorization_endpoint"`
	Token         string `json:"token_endpoint"`
}

// flowCookie holds state and verifier between login and callback, for ten minutes,
// readable only by the server (HttpOnly) and only on the callback path.
const flowCookie = "planstore_oidc_flow"

func newOIDCFlow(cfg OIDCConfig, logger *slog.Logger) *oidcFlow {
	if cfg.Scope == "" {
		cfg.Scope = "openid plans:read plans:write plans:admin"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &oidcFlow{cfg: cfg, logger: logger}
}

func (f *oidcFlow) discover(ctx context.Context) (*oidcEndpoints, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.endpoints != nil {
		return f.endpoints, nil
	}
	u := strings.TrimSuffix(f.cfg.Issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := f.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("oidc discovery: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("oidc discovery: %s answered %s", u, resp.Status)
	}
	var e oidcEndpoints
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e); err != nil {
		return nil, fmt.Errorf("oidc discovery: %w", err)
	}
	if e.Authorization == "" || e.Token == "" {
		return nil, errors.New("oidc discovery: the document names no authorization or token endpoint")
	}
	f.endpoints = &e
	return &e, nil
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

func redirectURI(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/admin/oidc/callback"
}

// login sends the browser to the provider with a fresh state and PKCE challenge.
func (f *oidcFlow) login(w http.ResponseWriter, r *http.Request) {
	e, err := f.discover(r.Context())
	if err != nil {
		f.logger.Warn("admin console: oidc", slog.Any("error", err))
		http.Error(w, "the identity provider cannot be reached; see the server log", http.StatusBadGateway)
		return
	}
	state, verifier := randomString(), randomString()
	sum := sha256.Sum256([]byte(verifier))
	http.SetCookie(w, &http.Cookie{
		Name: flowCookie, Value: state + "." + verifier, Path: "/admin/oidc/callback",
		MaxAge: 600, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
	q := url.Values{
		"response_type": {"code"}, "client_id": {f.cfg.ClientID}, "redirect_uri": {redirectURI(r)},
		"scope": {f.cfg.Scope}, "state": {state},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	sep := "?"
	if strings.Contains(e.Authorization, "?") {
		sep = "&"
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, e.Authorization+sep+q.Encode(), http.StatusFound)
}

// callback checks the state and exchanges the code for an access token.
func (f *oidcFlow) callback(w http.ResponseWriter, r *http.Request) (string, error) {
	c, err := r.Cookie(flowCookie)
	if err != nil {
		return "", errors.New("sign-in expired or was started elsewhere; start again")
	}
	http.SetCookie(w, &http.Cookie{Name: flowCookie, Path: "/admin/oidc/callback", MaxAge: -1, HttpOnly: true})
	state, verifier, ok := strings.Cut(c.Value, ".")
	q := r.URL.Query()
	if msg := q.Get("error"); msg != "" {
		return "", fmt.Errorf("the identity provider refused: %s", msg)
	}
	if !ok || q.Get("state") == "" || q.Get("state") != state {
		return "", errors.New("state does not match; start the sign-in again")
	}
	e, err := f.discover(r.Context())
	if err != nil {
		return "", err
	}
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {redirectURI(r)},
		"client_id": {f.cfg.ClientID}, "code_verifier": {verifier},
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, e.Token, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := f.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("token exchange: %w", err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tok); err != nil {
		return "", fmt.Errorf("token exchange: %s: %w", resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		return "", fmt.Errorf("token exchange: %s %s", resp.Status, tok.Error)
	}
	return tok.AccessToken, nil
}
