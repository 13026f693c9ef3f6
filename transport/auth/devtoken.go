package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The fixed issuer and audience of dev-mode tokens. Verifying them like any
// OIDC token keeps dev mode an honest rehearsal of production.
const (
	DevIssuer   = "planstore-dev"
	DevAudience = "planstore"
)

// MintDevToken signs a dev-mode token with the data dir's key, creating the
// key on first use (the single-process default: the server and the token share
// the data dir). scopes may be given one per element or space-separated; each
// must be a scope planstore knows, so a typo fails here instead of surfacing
// later as a puzzling 403. orgs, when given, become the org claim (an array); a
// token without it belongs to the server's default organisation.
func MintDevToken(dataDir, subject string, scopes []string, ttl time.Duration, orgs ...string) (string, error) {
	key, err := loadOrCreateDevKey(dataDir)
	if err != nil {
		return "", fmt.Errorf("mint dev token: %w", err)
	}
	return mintDevToken(key, subject, scopes, ttl, orgs)
}

// MintDevTokenWithKeyFile signs a dev-mode token with the key at path, which must
// exist (ErrNoSigningKey otherwise): every role given the same file accepts it.
func MintDevTokenWithKeyFile(path, subject string, scopes []string, ttl time.Duration, orgs ...string) (string, error) {
	key, err := loadDevKeyFile(path)
	if err != nil {
		return "", fmt.Errorf("mint dev token: %w", err)
	}
	return mintDevToken(key, subject, scopes, ttl, orgs)
}

func mintDevToken(key *devKey, subject string, scopes []string, ttl time.Duration, orgs []string) (string, error) {
	subject = strings.TrimSpace(subject)
	if subject == "" {
		return "", errors.New("mint dev token: subject is empty")
	}
	if ttl <= 0 {
		return "", fmt.Errorf("mint dev token: ttl must be positive, got %s", ttl)
	}
	granted := normalizeScopes(scopes)
	for _, s := range granted {
		if !isKnownScope(s) {
			return "", fmt.Errorf("mint dev token: unknown scope %q (known: %s)", s, strings.Join(AllScopes(), " "))
		}
	}
	jti, err := randomID()
	if err != nil {
		return "", fmt.Errorf("mint dev token: %w", err)
	}
	now := time.Now()
	claims := jwt.MapClaims{
		"iss":   DevIssuer,
		"aud":   DevAudience,
		"sub":   subject,
		"scope": strings.Join(granted, " "),
		"iat":   now.Unix(),
		"nbf":   now.Unix(),
		"exp":   now.Add(ttl).Unix(),
		"jti":   jti,
	}
	var named []string
	for _, o := range orgs {
		named = append(named, strings.FieldsFunc(o, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	if len(named) > 0 {
		claims[DefaultOrgClaim] = named
	}
	token := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	token.Header["kid"] = key.kid
	signed, err := token.SignedString(key.private)
	if err != nil {
		return "", fmt.Errorf("mint dev token: sign: %w", err)
	}
	return signed, nil
}

// randomID returns 128 random bits, base64url encoded, for the jti claim.
func randomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random jti: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// DevVerifier is --auth dev: it accepts ES256 tokens signed by the data dir's
// key, with the same claim rules as the OIDC verifier.
type DevVerifier struct {
	rules *tokenRules
}

// NewDevVerifier loads the data dir's dev key, creating it on first use. The
// key is read once: replacing the file needs a restart.
func NewDevVerifier(dataDir string) (*DevVerifier, error) {
	key, err := loadOrCreateDevKey(dataDir)
	if err != nil {
		return nil, fmt.Errorf("dev verifier: %w", err)
	}
	return newDevVerifier(key), nil
}

// NewDevVerifierWithKeyFile verifies with the key at path, which must exist: the key
// shared by every role of a deployment (--signing-key-file). A server never creates it,
// so that a typo in the path is a start-up error rather than a key nobody else has.
func NewDevVerifierWithKeyFile(path string) (*DevVerifier, error) {
	key, err := loadDevKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("dev verifier: %w (create it once with: planstore keygen %s)", err, path)
	}
	return newDevVerifier(key), nil
}

func newDevVerifier(key *devKey) *DevVerifier {
	public := &key.private.PublicKey
	keyfunc := func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != key.kid {
			return nil, errUnknownSigningKey
		}
		return public, nil
	}
	rules := newTokenRules(DevIssuer, DevAudience, []string{jwt.SigningMethodES256.Alg()},
		DefaultLeeway, defaultScopeClaims, keyfunc)
	return &DevVerifier{rules: rules}
}

// Verify checks a dev-mode token.
func (v *DevVerifier) Verify(_ context.Context, rawToken string) (Principal, error) {
	return v.rules.verify(rawToken)
}
