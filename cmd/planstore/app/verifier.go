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
		// The verifier refreshes keys until its context ends: give it the role's lifetime,
		// not the start-up context.
		lifetime, stop := context.WithCancel(context.WithoutCancel(ctx))
		m.onClose("oidc key refresh", func(context.Context) error { stop(); return nil })
		v, err := auth.NewOIDCVerifier(lifetime, auth.OIDCConfig{
			Issuer: m.cfg.OIDCIssuer, Audience: m.cfg.OIDCAudience, JWKSURL: m.cfg.JWKSURL,
			ScopeClaims: m.cfg.ScopeClaims, Logger: m.log,
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
