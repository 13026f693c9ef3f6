package auth

import "net/http"

// Authenticate returns the caller of r.
//
// If an earlier middleware already attached a principal to r's context it is
// returned as is, so a token is verified at most once per request however
// many layers ask. Otherwise the bearer token is extracted and verified, and
// the returned request carries the principal for the handlers below.
func Authenticate(r *http.Request, v Verifier) (*http.Request, Principal, error) {
	if r == nil || v == nil {
		return r, Principal{}, ErrMissingToken
	}
	if p, ok := PrincipalFrom(r.Context()); ok {
		return r, p, nil
	}
	p, err := AuthenticateValues(r.Context(), r.Header.Values("Authorization"), v)
	if err != nil {
		return r, Principal{}, err
	}
	return r.WithContext(WithPrincipal(r.Context(), p)), p, nil
}
