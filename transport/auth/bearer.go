package auth

import (
	"net/http"
	"strings"
)

// MaxTokenBytes bounds the size of a bearer token. Real access tokens are a
// few KiB at most; refusing larger ones early keeps parsing, hashing and
// signature work bounded for whatever a client sends.
const MaxTokenBytes = 8 << 10

// BearerToken extracts the token from "Authorization: Bearer <token>".
//
// The scheme is matched case-insensitively (RFC 7235); exactly one
// Authorization header and exactly one token68 value are accepted. It returns
// ErrMissingToken when there is no Authorization header, and an
// *InvalidTokenError for anything present but malformed.
func BearerToken(r *http.Request) (string, error) {
	if r == nil {
		return "", ErrMissingToken
	}
	return BearerTokenOf(r.Header.Values("Authorization"))
}

// BearerTokenOf is BearerToken for the values of an Authorization header however they
// travelled (gRPC metadata carries them as "authorization"), with the same rules.
func BearerTokenOf(values []string) (string, error) {
	switch len(values) {
	case 0:
		return "", ErrMissingToken
	case 1:
	default:
		// Two headers could be combined differently by proxies; refuse
		// rather than guess which one the client meant.
		return "", invalidToken("more than one Authorization header", nil)
	}
	value := strings.Trim(values[0], " \t")
	if value == "" {
		return "", ErrMissingToken
	}
	scheme, rest, found := strings.Cut(value, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", invalidToken("authorization scheme is not Bearer", nil)
	}
	token := strings.TrimLeft(rest, " ")
	switch {
	case token == "":
		return "", invalidToken("empty bearer token", nil)
	case len(token) > MaxTokenBytes:
		return "", invalidToken("bearer token too large", nil)
	case !isToken68(token):
		return "", invalidToken("bearer token has characters outside token68", nil)
	}
	return token, nil
}

// isToken68 reports whether s matches RFC 7235's token68:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
// Checking it rejects spaces (a second token), control characters and
// anything else that has no business in a JWT before the parser sees it.
func isToken68(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}
