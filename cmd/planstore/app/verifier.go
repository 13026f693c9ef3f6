package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/planstore/planstore/transport/auth"
)

// verifierCacheSize bounds the cache of verified tokens that keeps signature checks off
// the hot path.
const verifierCacheSize = 10_000

// verifiesTokens: the roles with /v1 routes check tokens. A relay, projector or worker
// has no plan routes, yet answers the admin system view (and its dead letters) like any
// role when it can check an admin's token: given the deployment's shared
// --signing-key-file or an OIDC issuer. Without either it serves /healthz, /readyz and
// /metrics alone and holds no key (it has no data dir to make one in).
func (m *Main) verifiesTokens() bool {
	if m.servesPlans() {
		return true
	}
	return m.cfg.SigningKeyFile != "" || m.cfg.OIDCIssuer != ""
}

// servesPlans: the roles with the plan, search and import routes, which the console's
// pages call.
func (m *Main) servesPlans() bool { return m.parts.commandAPI || m.parts.queryAPI }

// signingKeyPath is the dev signing key this role verifies with: the shared file, or
// the data dir's own.
func (m *Main) signingKeyPath() string {
	if m.cfg.SigningKeyFile != "" {
		return m.cfg.SigningKeyFile
	}
	return auth.DevKeyPath(m.cfg.DataDir)
}

func (m *Main) openVerifier(ctx context.Context) (auth.Verifier, error) {
	if !m.verifiesTokens() {
		return noTokens{}, nil
	}
	v, err := m.openTokenVerifier(ctx)
	if err != nil {
		return nil, err
	}
	defaultOrg := m.cfg.DefaultOrg
	if defaultOrg == "" {
		defaultOrg = auth.DefaultOrgName // a Config built in code rather than by flags
	}
	v = auth.WithTenancy(v, auth.Tenancy{OrgClaim: m.cfg.OrgClaim, DefaultOrg: defaultOrg})
	if m.cfg.Auth == AuthOff {
		return v, nil // nothing to verify, so nothing worth remembering
	}
	// The cache wraps tenancy, so a hit answers the principal with its organisations
	// already read: a request with a known token pays for neither the signature check
	// nor reading the org claim.
	return auth.NewCachingVerifier(v, verifierCacheSize), nil
}

func (m *Main) openTokenVerifier(ctx context.Context) (auth.Verifier, error) {
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
		return v, nil
	default:
		return m.openDevVerifier()
	}
}

// openDevVerifier: with --signing-key-file every role of a deployment verifies with the
// one key, which must exist; without it, the data dir's key, created on first use, is
// right for one process (serve) and a warning for a role that runs beside others.
func (m *Main) openDevVerifier() (auth.Verifier, error) {
	var v *auth.DevVerifier
	var err error
	if m.cfg.SigningKeyFile != "" {
		v, err = auth.NewDevVerifierWithKeyFile(m.cfg.SigningKeyFile)
	} else {
		v, err = auth.NewDevVerifier(m.cfg.DataDir)
		if err == nil && m.role != RoleServe {
			m.log.Warn("dev tokens are verified with this data dir's own key; give every role of the deployment the same --signing-key-file (made by planstore keygen) so that one token works on all",
				slog.String("key", m.signingKeyPath()))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("dev auth: %w", err)
	}
	return v, nil
}

// noTokens is the verifier of a role without /v1 routes: nothing asks it, and were
// something to, it would refuse.
type noTokens struct{}

func (noTokens) Verify(context.Context, string) (auth.Principal, error) {
	return auth.Principal{}, errors.New("this role serves no API and verifies no tokens")
}
