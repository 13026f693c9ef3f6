package app

import (
	"github.com/planstore/planstore/transport/console"
)

// newConsole is the admin console of an API role (issue 21).
func (m *Main) newConsole() (*console.Console, error) {
	cfg := console.Config{Logger: m.log, Auth: m.cfg.Auth, Version: Version()}
	if m.cfg.Auth == AuthOIDC {
		cfg.OIDC = &console.OIDCConfig{
			Issuer: m.cfg.OIDCIssuer, ClientID: m.cfg.OIDCClientID, Scope: m.cfg.OIDCConsoleScope,
		}
	}
	return console.New(cfg)
}
