package app

import (
	"context"
	"fmt"

	"github.com/planstore/planstore/transport/auth"
)

// verifierCacheSize bounds the cache of verified tokens that keeps signature checks off
// the hot path.
const verifierCacheSize = 10_000

func (m *Main) openVerifier(ctx context.Context) (auth.Verifier, error) {
	switch m.cfg.Auth {
	case AuthOff:
		m.log.Warn("authentication is OFF: every request is treated as an all-scopes caller; use this for local experiments only")
		return auth.NewOffVerifier(), nil
	case AuthOIDC:
		v, err := auth.NewOIDCVerifier(ctx, auth.OIDCConfig{
			Issuer: m.cfg.OIDCIssuer, Audience: m.cfg.OIDCAudience, JWKSURL: m.cfg.JWKSURL,
		})
		if err != nil {
			return nil, fmt.Errorf("oidc: %w", err)
		}
		return auth.NewCachingVerifier(v, verifierCacheSize), nil
	default:
		v, err := auth.NewDevVerifier(m.cfg.DataDir)
		if err != nil {
			return nil, fmt.Errorf("dev auth: %w", err)
		}
		return auth.NewCachingVerifier(v, verifierCacheSize), nil
	}
}
