package auth

import (
	"context"
	"errors"
)

// AuthenticateValues is Authenticate for transports without an *http.Request (gRPC):
// it verifies the bearer token of the Authorization values and answers the principal,
// refusing with ErrMissingToken or an *InvalidTokenError only.
func AuthenticateValues(ctx context.Context, authorization []string, v Verifier) (Principal, error) {
	if v == nil {
		return Principal{}, ErrMissingToken
	}
	token, err := BearerTokenOf(authorization)
	if err != nil && !isTokenOptional(v) {
		return Principal{}, err
	}
	p, err := v.Verify(ctx, token)
	if err != nil {
		if !errors.Is(err, ErrMissingToken) && !errors.Is(err, ErrInvalidToken) {
			err = invalidToken("token could not be verified", err)
		}
		return Principal{}, err
	}
	return p, nil
}
