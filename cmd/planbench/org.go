package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// defaultOrg is the organisation of a token without an org claim on a server left at
// its default --default-org.
const defaultOrg = "example.com"

// runOrg is the organisation a run writes in: --org, else the first organisation of the
// token's org claim, else defaultOrg. The claim is read, not verified: the server
// verifies the token, and a wrong guess only costs 403s it reports.
func runOrg(opts *options) string {
	if opts.org != "" {
		return opts.org
	}
	parts := strings.Split(opts.token, ".")
	if len(parts) != 3 {
		return defaultOrg
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return defaultOrg
	}
	var claims struct {
		Org any `json:"org"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return defaultOrg
	}
	switch v := claims.Org.(type) {
	case string:
		if f := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }); len(f) > 0 {
			return f[0]
		}
	case []any:
		if len(v) > 0 {
			if s, ok := v[0].(string); ok && s != "" {
				return s
			}
		}
	}
	return defaultOrg
}
