package deployments

import (
	"flag"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/internal/commalist"
)

// roles lists each planstore role of the compose file with the backends it must be given
// (cmd/planstore/app/role.go). The query API is given Elasticsearch, so it needs no bus:
// only a query API on the embedded engine has to run the projector itself.
var roles = []struct {
	name             string
	redis, amqp, es  bool
	publishesAPIPort bool
}{
	{name: "command-api", redis: true, amqp: true, publishesAPIPort: true},
	{name: "query-api", redis: true, es: true, publishesAPIPort: true},
	{name: "relay", redis: true, amqp: true},
	{name: "projector", redis: true, amqp: true, es: true},
	{name: "worker", redis: true, amqp: true},
}

// Backend services and the port each listens on inside the compose network.
var backendPorts = map[string]string{"redis": "6379", "rabbitmq": "5672", "es01": "9200", "es02": "9200", "es03": "9200"}

func TestRolesAreWired(t *testing.T) {
	f := loadCompose(t)
	for _, r := range roles {
		t.Run(r.name, func(t *testing.T) {
			s := f.mustService(t, r.name)
			if len(s.Command) == 0 || s.Command[0] != r.name {
				t.Errorf("command %v, want the subcommand %q first", s.Command, r.name)
			}
			checkBuild(t, s)
			e := s.Environment
			need := map[string]bool{"PLANSTORE_REDIS_URL": r.redis, "PLANSTORE_AMQP_URL": r.amqp, "PLANSTORE_ES_URL": r.es}
			for key, needed := range need {
				if needed && e[key] == "" {
					t.Errorf("%s is not set", key)
				}
			}
			if r.es {
				var hosts []string
				for _, u := range commalist.Split(e["PLANSTORE_ES_URL"]) {
					hosts = append(hosts, hostOf(t, u))
				}
				if got := sorted(hosts); !slices.Equal(got, esNodes) {
					t.Errorf("PLANSTORE_ES_URL names %v, want every node %v", got, esNodes)
				}
			}
			if auth := e["PLANSTORE_AUTH"]; auth == app.AuthOff {
				t.Error("PLANSTORE_AUTH=off: the stack must verify tokens")
			}
			checkBackendsAreHealthyDependencies(t, f, s)
			checkReadinessHealthcheck(t, s)
			if r.publishesAPIPort && len(s.Ports) == 0 {
				t.Error("the API is not published to the host")
			}
		})
	}
}

// checkBuild wants the role built from the project's Dockerfile.
func checkBuild(t *testing.T, s service) {
	t.Helper()
	if s.Build == nil {
		t.Error("no build: the role must be built from deployments/Dockerfile")
		return
	}
	dockerfile := s.Build.Dockerfile
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	// Compose resolves the context against the compose file's folder (this one) and the
	// Dockerfile against the context.
	path := filepath.Join(s.Build.Context, dockerfile)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("build: %v", err)
	}
	if abs, _ := filepath.Abs(path); abs != mustAbs(t, "Dockerfile") {
		t.Errorf("build uses %s, want deployments/Dockerfile", path)
	}
}

// checkBackendsAreHealthyDependencies wants every backend a role's URLs name to be a
// service of this file, reached on its own port, that the role waits for until healthy:
// a role started before its backends answer fails at startup by design (docs/contract.md 1).
func checkBackendsAreHealthyDependencies(t *testing.T, f composeFile, s service) {
	t.Helper()
	var urls []string
	for _, key := range []string{"PLANSTORE_REDIS_URL", "PLANSTORE_AMQP_URL"} {
		if v := s.Environment[key]; v != "" {
			urls = append(urls, v)
		}
	}
	urls = append(urls, commalist.Split(s.Environment["PLANSTORE_ES_URL"])...)
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			t.Errorf("%q: %v", raw, err)
			continue
		}
		host := u.Hostname()
		if _, ok := f.Services[host]; !ok {
			t.Errorf("%s names host %q, which is no service of compose.yaml", raw, host)
			continue
		}
		if want := backendPorts[host]; want != "" && u.Port() != want {
			t.Errorf("%s: port %q, %s listens on %s", raw, u.Port(), host, want)
		}
		if cond := s.DependsOn[host]; cond != "service_healthy" {
			t.Errorf("depends_on %s: condition %q, want service_healthy", host, cond)
		}
	}
}

// checkReadinessHealthcheck wants a healthcheck on /readyz at the port the role listens
// on, in exec form: the image is distroless, so there is no shell for CMD-SHELL.
func checkReadinessHealthcheck(t *testing.T, s service) {
	t.Helper()
	if s.Healthcheck == nil || s.Healthcheck.Disable || len(s.Healthcheck.Test) < 2 {
		t.Error("no healthcheck")
		return
	}
	test := s.Healthcheck.Test
	if test[0] != "CMD" {
		t.Errorf("healthcheck %v: want exec form [\"CMD\", ...]; the distroless image has no shell", test)
	}
	if test[1] != "/planstore" {
		t.Errorf("healthcheck %v: the distroless image has only /planstore to run", test)
	}
	_, listenPort, err := net.SplitHostPort(s.Environment["PLANSTORE_ADDR"])
	if err != nil {
		t.Errorf("PLANSTORE_ADDR %q: %v", s.Environment["PLANSTORE_ADDR"], err)
		return
	}
	var probed bool
	for _, arg := range test {
		if u, err := url.Parse(arg); err == nil && u.Path == "/readyz" {
			probed = true
			if u.Port() != listenPort {
				t.Errorf("healthcheck probes port %q, the role listens on %q", u.Port(), listenPort)
			}
		}
	}
	if !probed {
		t.Errorf("healthcheck %v does not probe /readyz", test)
	}
}

// TestRolesStartWithTheirEnvironment feeds each role's environment and command to the
// binary's own configuration code, which refuses a role that lacks a backend, so the
// compose file cannot drift from what the roles need.
func TestRolesStartWithTheirEnvironment(t *testing.T) {
	f := loadCompose(t)
	for _, r := range roles {
		t.Run(r.name, func(t *testing.T) {
			for _, kv := range os.Environ() { // the developer's own settings must not count
				if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, app.EnvPrefix) {
					t.Setenv(k, "")
					os.Unsetenv(k)
				}
			}
			s := f.mustService(t, r.name)
			for k, v := range s.Environment {
				t.Setenv(k, v)
			}
			fs := flag.NewFlagSet(r.name, flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			cfg := app.RegisterFlags(fs, app.Role(s.Command[0]))
			if err := app.ParseFlags(fs, s.Command[1:]); err != nil {
				t.Fatalf("flags %v: %v", s.Command[1:], err)
			}
			m, err := app.New(*cfg, app.Role(s.Command[0]), io.Discard)
			if err != nil {
				t.Fatalf("planstore %s refuses this configuration: %v", r.name, err)
			}
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// With dev auth, every role verifies tokens with the key in its data dir: they must all
// mount one volume there, or a token minted in one container fails in the others.
func TestRolesShareTheDevKey(t *testing.T) {
	f := loadCompose(t)
	volumes := map[string][]string{}
	for _, r := range roles {
		s := f.mustService(t, r.name)
		if auth := s.Environment["PLANSTORE_AUTH"]; auth != "" && auth != app.AuthDev {
			continue
		}
		dataDir := s.Environment["PLANSTORE_DATA_DIR"]
		if dataDir == "" {
			t.Errorf("%s: PLANSTORE_DATA_DIR not set", r.name)
			continue
		}
		v, ok := s.mountAt(dataDir)
		if !ok || v.Source == "" {
			t.Errorf("%s: no named volume at its data dir %s", r.name, dataDir)
			continue
		}
		if _, declared := f.Volumes[v.Source]; !declared {
			t.Errorf("%s: volume %q is not declared (a bind mount would not carry the image's ownership)", r.name, v.Source)
		}
		volumes[v.Source] = append(volumes[v.Source], r.name)
	}
	if len(volumes) > 1 {
		t.Errorf("roles mount different data volumes %v: tokens of one would fail in the others", volumes)
	}
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	return u.Hostname()
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
