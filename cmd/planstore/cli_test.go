package main_test

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// TestCommandLineRefusals sends each bad invocation a user might type and checks the
// exit code and that the message names what to fix.
func TestCommandLineRefusals(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	existingKey := dir + "/existing.pem"
	if out, err := exec.Command(bin, "keygen", existingKey).CombinedOutput(); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
	for name, tc := range map[string]struct {
		args []string
		code int
		says string
	}{
		"no command":               {nil, 2, "usage: planstore"},
		"unknown command":          {[]string{"bogus"}, 2, `unknown command "bogus"`},
		"unknown flag":             {[]string{"serve", "--nope"}, 2, "flag provided but not defined"},
		"unknown scope":            {[]string{"token", "--init", "--data-dir", dir, "--scope", "plans:everything"}, 1, "plans:everything"},
		"token without a key":      {[]string{"token", "--data-dir", t.TempDir()}, 1, "planstore keygen"},
		"token, missing key file":  {[]string{"token", "--signing-key-file", dir + "/none.pem"}, 1, "no dev signing key at " + dir + "/none.pem"},
		"keygen over a key":        {[]string{"keygen", existingKey}, 1, "already exists"},
		"keygen without a file":    {[]string{"keygen"}, 2, "usage: planstore keygen FILE"},
		"flag of another role":     {[]string{"command-api", "--es-url", "http://x"}, 2, "--es-url is a flag of serve, query-api, projector, replay; planstore command-api does not use it"},
		"request limit on a relay": {[]string{"relay", "--max-body-bytes", "5"}, 2, "--max-body-bytes is a flag of serve, command-api, query-api"},
		"server flag on replay":    {[]string{"replay", "--max-body-bytes", "1"}, 2, "--max-body-bytes is a flag of"},
		"replay on redis alone":    {[]string{"replay", "--redis-url", "redis://127.0.0.1:6379/0"}, 2, "--es-url"},
		"verifier key missing":     {[]string{"command-api", "--redis-url", "redis://127.0.0.1:1/0", "--signing-key-file", dir + "/none.pem"}, 1, "planstore keygen " + dir + "/none.pem"},
		"non-positive ttl":         {[]string{"token", "--data-dir", dir, "--ttl", "0s"}, 1, "--ttl"},
		"two snapshot modes":       {[]string{"replay", "--snapshots", "--check-snapshots"}, 2, "exclude each other"},
		"unknown auth mode":        {[]string{"serve", "--auth", "weird", "--data-dir", dir}, 1, "--auth"},
		"oidc without issuer":      {[]string{"serve", "--auth", "oidc", "--data-dir", dir}, 1, "--oidc-issuer"},
		"bad log level":            {[]string{"serve", "--log-level", "loud", "--data-dir", dir}, 1, "--log-level"},
		"heap floor below -1":      {[]string{"serve", "--heap-floor-bytes", "-2", "--data-dir", dir}, 1, "--heap-floor-bytes must be -1 (sized from the memory), 0 (off) or a number of bytes"},
		"heap floor not a number":  {[]string{"serve", "--heap-floor-bytes", "1GiB"}, 2, `invalid value "1GiB" for flag -heap-floor-bytes`},
		"relay on embedded store":  {[]string{"relay"}, 1, "--redis-url"},
		"tiny relay lease":         {[]string{"relay", "--relay-lease-ttl", "10ms"}, 1, "--relay-lease-ttl"},
		"projector without es":     {[]string{"projector", "--redis-url", "redis://127.0.0.1:6379/0", "--amqp-url", "amqp://x/"}, 1, "--es-url"},
		"healthcheck of nothing":   {[]string{"healthcheck", "--url", "http://127.0.0.1:1/readyz", "--timeout", "1s"}, 1, "127.0.0.1:1"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(bin, tc.args...).CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tc.code {
				t.Fatalf("exit %v, want code %d:\n%s", err, tc.code, out)
			}
			if !strings.Contains(string(out), tc.says) {
				t.Fatalf("output does not say %q:\n%s", tc.says, out)
			}
		})
	}
}
