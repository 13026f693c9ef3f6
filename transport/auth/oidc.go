package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/planstore/planstore/internal/defaults"
)

// Defaults for OIDCConfig's optional fields.
const (
	DefaultJWKSRefreshInterval = time.Hour
	// DefaultUnknownKIDRefreshGap bounds how often tokens naming an unknown
	// kid can make us fetch the JWKS: often enough to pick up a rotated key
	// quickly, rarely enough that forged kids cannot hammer the issuer.
	DefaultUnknownKIDRefreshGap = time.Minute
	// maxDiscoveryBytes bounds the discovery document.
	maxDiscoveryBytes = 1 << 20
)

// OIDCConfig configures --auth oidc.
type OIDCConfig struct {
	// Issuer must equal the tokens' iss claim exactly (Auth0's ends in
	// "/", Keycloak's is https://HOST/realms/REALM). Required.
	Issuer string
	// Audience must be one of the tokens' aud values. Required.
	Audience string
	// JWKSURL, if set, is used instead of the jwks_uri of the issuer's
	// discovery document, and discovery is skipped.
	JWKSURL string
	// HTTPClient fetches discovery and keys; nil means a client with a 10s
	// timeout. Each request is bounded by 10s in any case.
	HTTPClient *http.Client
	// Leeway for exp, nbf and iat; zero means DefaultLeeway, negative none.
	Leeway time.Duration
	// ScopeClaims names the claims scopes are read from, each a
	// space-separated string or an array of strings; nil means "scope" and
	// "scp". Add "permissions" to use Auth0 RBAC permissions.
	ScopeClaims []string
	// RefreshInterval of the periodic JWKS refresh; zero means
	// DefaultJWKSRefreshInterval.
	RefreshInterval time.Duration
	// UnknownKIDRefreshGap is the minimum time between JWKS fetches caused
	// by unknown kids; zero means DefaultUnknownKIDRefreshGap.
	UnknownKIDRefreshGap time.Duration
	// Logger receives failed periodic refreshes; nil means slog.Default().
	Logger *slog.Logger
}

// OIDCVerifier is --auth oidc: it accepts RS256 and ES256 tokens signed by a
// key in the issuer's JWKS.
type OIDCVerifier struct {
	rules *tokenRules
	jwks  *jwksCache
}

// NewOIDCVerifier discovers the issuer's keys and returns a verifier for its
// tokens. It fails, naming the issuer, if discovery or the first key fetch
// fails: a misconfigured issuer is a startup error, not a stream of 401s.
//
// ctx bounds the verifier's life: when it ends, the periodic key refresh
// stops and fetches for unknown kids fail.
func NewOIDCVerifier(ctx context.Context, cfg OIDCConfig) (*OIDCVerifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	jwksURL := cfg.JWKSURL
	if jwksURL == "" {
		jwksURL, err = discoverJWKSURL(ctx, cfg.HTTPClient, cfg.Issuer)
		if err != nil {
			return nil, fmt.Errorf("oidc: issuer %s: %w", cfg.Issuer, err)
		}
	}
	cache := newJWKSCache(jwksURL, cfg.HTTPClient, cfg.UnknownKIDRefreshGap)
	if err := cache.refresh(ctx); err != nil {
		return nil, fmt.Errorf("oidc: issuer %s: %w", cfg.Issuer, err)
	}
	// keyfunc does the kid lookup, checks that a JWK's own "alg" (when it
	// has one) matches the token's, and hands jwt the public key.
	kf, err := keyfunc.New(keyfunc.Options{Ctx: ctx, Storage: cache})
	if err != nil {
		return nil, fmt.Errorf("oidc: issuer %s: %w", cfg.Issuer, err)
	}
	logger := cfg.Logger
	go cache.runPeriodicRefresh(ctx, cfg.RefreshInterval, func(err error) {
		logger.WarnContext(ctx, "oidc: JWKS refresh failed; keeping the previous keys",
			"issuer", cfg.Issuer, "error", err)
	})
	algorithms := []string{jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg()}
	rules := newTokenRules(cfg.Issuer, cfg.Audience, algorithms, cfg.Leeway, cfg.ScopeClaims, kf.Keyfunc)
	return &OIDCVerifier{rules: rules, jwks: cache}, nil
}

// Verify checks an OIDC token.
func (v *OIDCVerifier) Verify(_ context.Context, rawToken string) (Principal, error) {
	return v.rules.verify(rawToken)
}

func (cfg OIDCConfig) withDefaults() (OIDCConfig, error) {
	if err := checkHTTPURL("issuer", cfg.Issuer); err != nil {
		return cfg, err
	}
	if strings.TrimSpace(cfg.Audience) == "" {
		return cfg, errors.New("oidc: audience is required (--oidc-audience)")
	}
	if cfg.JWKSURL != "" {
		if err := checkHTTPURL("JWKS URL", cfg.JWKSURL); err != nil {
			return cfg, err
		}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: fetchTimeout}
	}
	switch {
	case cfg.Leeway == 0:
		cfg.Leeway = DefaultLeeway
	case cfg.Leeway < 0:
		cfg.Leeway = 0
	}
	cfg.ScopeClaims = slices.Clone(cfg.ScopeClaims) // the caller may reuse its slice
	if cfg.ScopeClaims == nil {
		cfg.ScopeClaims = defaultScopeClaims
	}
	cfg.RefreshInterval = defaults.Positive(cfg.RefreshInterval, DefaultJWKSRefreshInterval)
	cfg.UnknownKIDRefreshGap = defaults.Positive(cfg.UnknownKIDRefreshGap, DefaultUnknownKIDRefreshGap)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg, nil
}

func checkHTTPURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("oidc: %s %q is not an absolute http(s) URL", what, raw)
	}
	return nil
}

// discoverJWKSURL reads {issuer}/.well-known/openid-configuration (OpenID
// Connect Discovery 1.0, section 4) and returns its jwks_uri.
func discoverJWKSURL(ctx context.Context, client *http.Client, issuer string) (string, error) {
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	wellKnown := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	if err := getJSON(ctx, client, wellKnown, maxDiscoveryBytes, &doc); err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	// The spec requires this match; checking it here turns a trailing-slash
	// mistake into one clear startup error instead of "wrong issuer" on
	// every request.
	if doc.Issuer != issuer {
		return "", fmt.Errorf("discovery: document names issuer %q; --oidc-issuer must match it exactly", doc.Issuer)
	}
	if doc.JWKSURI == "" {
		return "", errors.New("discovery: document has no jwks_uri")
	}
	if err := checkHTTPURL("jwks_uri", doc.JWKSURI); err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	return doc.JWKSURI, nil
}
