package auth

import (
	"errors"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// DefaultLeeway absorbs clock skew between the issuer and this host when
// checking exp, nbf and iat. Small on purpose: it extends a token's life.
const DefaultLeeway = 30 * time.Second

// defaultScopeClaims are the claims scopes are read from, in any
// combination: "scope" is the space-separated string of RFC 8693 and RFC 9068
// (Auth0, Keycloak); "scp" is used by Okta (an array) and Entra ID (a
// space-separated string).
var defaultScopeClaims = []string{"scope", "scp"}

// errUnknownSigningKey is returned by key functions that find no key for a
// token's kid.
var errUnknownSigningKey = errors.New("no signing key with that kid")

// tokenRules holds the verification rules shared by the dev and OIDC
// verifiers, so both modes refuse exactly the same tokens.
type tokenRules struct {
	parser      *jwt.Parser
	keyfunc     jwt.Keyfunc
	scopeClaims []string
}

func newTokenRules(issuer, audience string, algorithms []string, leeway time.Duration, scopeClaims []string, keyfunc jwt.Keyfunc) *tokenRules {
	return &tokenRules{
		parser: jwt.NewParser(
			// An allow-list of asymmetric algorithms is what stops "none"
			// and the HS256-with-the-public-key confusion attack.
			jwt.WithValidMethods(algorithms),
			jwt.WithIssuer(issuer),
			jwt.WithAudience(audience),
			jwt.WithLeeway(leeway),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			// Canonical base64 only, so one signed token has exactly one
			// accepted spelling.
			jwt.WithStrictDecoding(),
		),
		keyfunc:     keyfunc,
		scopeClaims: scopeClaims,
	}
}

// verify checks signature and claims and builds the principal. Every refusal
// is an *InvalidTokenError whose Reason is safe to show the client.
func (r *tokenRules) verify(raw string) (Principal, error) {
	switch {
	case raw == "":
		return Principal{}, ErrMissingToken
	case len(raw) > MaxTokenBytes:
		return Principal{}, invalidToken("token too large", nil)
	}
	claims := jwt.MapClaims{}
	if _, err := r.parser.ParseWithClaims(raw, claims, r.keyfunc); err != nil {
		return Principal{}, invalidToken(refusalReason(err), err)
	}
	sub, err := claims.GetSubject()
	if err != nil || sub == "" {
		// The subject becomes the actor of every event; a token that
		// names nobody cannot write an honest audit trail.
		return Principal{}, invalidToken("token has no subject", err)
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		// Unreachable after WithExpirationRequired; kept so a parser
		// change can never yield a principal without an expiry.
		return Principal{}, invalidToken("token has no expiry", err)
	}
	p := Principal{
		Subject:   sub,
		Scopes:    scopesFromClaims(claims, r.scopeClaims),
		ExpiresAt: exp.Time,
		claims:    claims,
	}
	return DefaultTenancy.apply(p), nil
}

// scopesFromClaims collects scopes from each named claim, accepting a
// space-separated string or an array of strings; other shapes grant nothing.
func scopesFromClaims(claims jwt.MapClaims, names []string) []string {
	var found []string
	for _, name := range names {
		switch v := claims[name].(type) {
		case string:
			found = append(found, v)
		case []any:
			for _, item := range v {
				if s, ok := item.(string); ok {
					found = append(found, s)
				}
			}
		}
	}
	return normalizeScopes(found)
}

// refusalReasons maps a jwt/keyfunc error to fixed, client-safe text; the first entry
// the error matches wins. Library messages are not passed through: they may quote kids,
// URLs or claim values.
var refusalReasons = []struct {
	err    error
	reason string
}{
	{jwt.ErrTokenMalformed, "malformed token"},
	{jwt.ErrTokenExpired, "token expired"},
	{jwt.ErrTokenNotValidYet, "token not valid yet"},
	{jwt.ErrTokenUsedBeforeIssued, "token issued in the future"},
	{jwt.ErrTokenInvalidIssuer, "wrong issuer"},
	{jwt.ErrTokenInvalidAudience, "wrong audience"},
	{jwt.ErrTokenRequiredClaimMissing, "required claim missing (exp, iss and aud are required)"},
	{jwt.ErrInvalidType, "claim has the wrong type"},
	{errUnknownSigningKey, "unknown signing key"},
	{jwkset.ErrKeyNotFound, "unknown signing key"},
	{jwt.ErrTokenSignatureInvalid, "invalid signature or algorithm not allowed"},
	{jwt.ErrTokenUnverifiable, "token could not be verified"},
}

// refusalReason is the client-safe text of a refused token's error (refusalReasons).
func refusalReason(err error) string {
	for _, r := range refusalReasons {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return "token refused"
}
