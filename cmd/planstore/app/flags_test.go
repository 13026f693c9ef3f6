package app_test

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/planstore/planstore/cmd/planstore/app"
)

// TestEachRoleTakesItsOwnFlags: a role accepts its flags from the command line and the
// environment, refuses another role's flag by name, and ignores another role's
// environment variable (one environment serves a whole deployment).
func TestEachRoleTakesItsOwnFlags(t *testing.T) {
	t.Setenv("PLANSTORE_REDIS_URL", "redis://from-env:6379/0")
	t.Setenv("PLANSTORE_ES_URL", "http://es:9200")
	t.Setenv("PLANSTORE_SIGNING_KEY_FILE", "/keys/k.pem")

	parse := func(role app.Role, args ...string) (*app.Config, string, error) {
		fs := flag.NewFlagSet("planstore "+string(role), flag.ContinueOnError)
		var out strings.Builder
		fs.SetOutput(&out)
		cfg := app.RegisterFlags(fs, role)
		err := app.ParseFlags(fs, args)
		return cfg, out.String(), err
	}

	cfg, _, err := parse(app.RoleCommandAPI, "--addr", "127.0.0.1:9", "--max-body-bytes=5")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RedisURL != "redis://from-env:6379/0" || cfg.SigningKeyFile != "/keys/k.pem" || cfg.Addr != "127.0.0.1:9" || cfg.MaxBodyBytes != 5 {
		t.Errorf("command-api config = %+v", cfg)
	}
	if len(cfg.ESURLs) != 0 {
		t.Errorf("command-api took PLANSTORE_ES_URL: %v", cfg.ESURLs)
	}

	_, out, err := parse(app.RoleCommandAPI, "--redis-url", "redis://x/0", "--relay-lease-ttl", "5s")
	if err == nil || !strings.Contains(out, "--relay-lease-ttl is a flag of serve, relay; planstore command-api does not use it") {
		t.Errorf("command-api --relay-lease-ttl: %v, %q", err, out)
	}
	// The command API queues imports on RabbitMQ.
	if cfg, _, err := parse(app.RoleCommandAPI, "--amqp-url", "amqp://x/"); err != nil || cfg.AMQPURL != "amqp://x/" {
		t.Errorf("command-api --amqp-url: %v", err)
	}
	// A relay takes the shared key, to answer the admin system view; not a request limit.
	if cfg, _, err := parse(app.RoleRelay, "--signing-key-file=/k.pem"); err != nil || cfg.SigningKeyFile != "/k.pem" {
		t.Errorf("relay --signing-key-file: %v", err)
	}
	_, out, err = parse(app.RoleRelay, "--max-body-bytes=5")
	if err == nil || !strings.Contains(out, "--max-body-bytes is a flag of") {
		t.Errorf("relay --max-body-bytes: %v, %q", err, out)
	}
	// replay takes the backend flags it shares with the roles.
	if _, _, err := parse(app.RoleReplay, "--es-url", "http://a", "--log-level", "warn"); err != nil {
		t.Errorf("replay with its own flags: %v", err)
	}

	cfg, _, err = parse(app.RoleQueryAPI, "--max-projection-lag", "5s")
	if err != nil || cfg.MaxProjectionLag.String() != "5s" || len(cfg.ESURLs) != 1 {
		t.Errorf("query-api: %+v, %v", cfg, err)
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	app.RegisterFlags(fs, app.RoleProjector)
	for _, name := range []string{"data-dir", "max-body-bytes", "relay-lease-ttl"} {
		if fs.Lookup(name) != nil {
			t.Errorf("projector registers --%s", name)
		}
	}
}
