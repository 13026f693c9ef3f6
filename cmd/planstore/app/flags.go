package app

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/internal/commalist"
	"github.com/planstore/planstore/transport/auth"
)

// Command is one command of the binary that takes configuration flags: a role, or the
// replay tool.
type Command = Role

// RoleReplay is `planstore replay`: it opens the event store and the read model like a
// role, and asks a running query API otherwise.
const RoleReplay Role = "replay"

// Sets of commands a flag belongs to.
var (
	allRoles    = []Command{RoleServe, RoleCommandAPI, RoleQueryAPI, RoleRelay, RoleProjector, RoleWorker}
	apiRoles    = []Command{RoleServe, RoleCommandAPI, RoleQueryAPI}                                       // verify tokens
	busRoles    = []Command{RoleServe, RoleQueryAPI, RoleRelay, RoleProjector, RoleCommandAPI, RoleWorker} // the bus, or the import queue
	searchRoles = []Command{RoleServe, RoleQueryAPI, RoleProjector, RoleReplay}                            // use the read model
	storeUsers  = []Command{RoleServe, RoleCommandAPI, RoleQueryAPI, RoleRelay, RoleProjector, RoleReplay, RoleWorker}
)

// with adds commands to a set.
func with(set []Command, more ...Command) []Command { return append(slices.Clone(set), more...) }

// configFlag is one flag, the commands that accept it, and how it fills Config. Each
// command registers only its own flags, so `planstore relay -h` lists what a relay
// uses and `planstore command-api --es-url ...` is refused instead of ignored. Adding a
// flag to some roles is one entry here.
type configFlag struct {
	name     string
	commands []Command
	define   func(fs *flag.FlagSet, c *Config)
}

var configFlags = []configFlag{
	{"addr", with(allRoles, RoleReplay), func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "HTTP listen address (port 0 picks a free port)")
	}},
	{"data-dir", []Command{RoleServe, RoleCommandAPI, RoleQueryAPI, RoleReplay}, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.DataDir, "data-dir", "./data", "directory of the embedded stores and the default dev signing key (auth/dev-signing-key.pem)")
	}},
	{"redis-url", storeUsers, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.RedisURL, "redis-url", "", "Redis URL for the event store (empty: embedded store in the data dir)")
	}},
	{"redis-min-replicas", storeUsers, func(fs *flag.FlagSet, c *Config) {
		fs.IntVar(&c.RedisMinReplicas, "redis-min-replicas", -1, "replicas that must confirm each commit (WAIT) before it is acknowledged; -1: 1 when Redis has replicas, else 0")
	}},
	{"redis-retry-window", storeUsers, func(fs *flag.FlagSet, c *Config) {
		fs.DurationVar(&c.RedisRetryWindow, "redis-retry-window", defaultRedisRetryWindow, "how long a Redis call retries through a failover (CLUSTERDOWN, TRYAGAIN, a dead master) before answering 503")
	}},
	{"amqp-url", busRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.AMQPURL, "amqp-url", "", "RabbitMQ URL for the event bus, or a comma-separated list of a cluster's node URLs (empty: in-process bus)")
	}},
	{"amqp-queue-type", busRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.AMQPQueueType, "amqp-queue-type", "", "type of planstore's RabbitMQ queues: classic, or quorum (replicated; the default, and the only choice, with several --amqp-url nodes; classic for one)")
	}},
	{"es-url", searchRoles, func(fs *flag.FlagSet, c *Config) {
		fs.Func("es-url", "comma-separated Elasticsearch node URLs (empty: embedded search engine)", func(v string) error {
			c.ESURLs = commalist.Split(v)
			return nil
		})
	}},
	{"auth", allRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.Auth, "auth", "", "token verification: dev, oidc or off (default: oidc when --oidc-issuer is set, else dev)")
	}},
	{"signing-key-file", with(allRoles, RoleReplay), func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.SigningKeyFile, "signing-key-file", "", "dev signing key (PEM, from planstore keygen) shared by every role of a deployment (default: the data dir's, created on first use)")
	}},
	{"oidc-issuer", allRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.OIDCIssuer, "oidc-issuer", "", "OpenID Connect issuer URL (for --auth oidc)")
	}},
	{"oidc-audience", allRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.OIDCAudience, "oidc-audience", "", "expected audience of access tokens (for --auth oidc)")
	}},
	{"jwks-url", allRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.JWKSURL, "jwks-url", "", "JWKS URL (default: from the issuer's discovery document)")
	}},
	{"oidc-client-id", apiRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.OIDCClientID, "oidc-client-id", "", "the admin console's public client id at the provider (sign-in by authorization code with PKCE; empty: the console takes a pasted token)")
	}},
	{"oidc-console-scope", apiRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.OIDCConsoleScope, "oidc-console-scope", "", `scopes the console requests at sign-in (default "openid plans:read plans:write plans:admin")`)
	}},
	{"oidc-scope-claims", allRoles, func(fs *flag.FlagSet, c *Config) {
		fs.Func("oidc-scope-claims", "comma-separated claims that carry scopes (default: scope,scp; Auth0 RBAC: scope,permissions)", func(v string) error {
			c.ScopeClaims = commalist.Split(v)
			return nil
		})
	}},
	{"org-claim", allRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.OrgClaim, "org-claim", auth.DefaultOrgClaim, "token claim naming the caller's organisations: a string (comma- or space-separated) or an array (docs/tenancy.md)")
	}},
	{"default-org", allRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.DefaultOrg, "default-org", auth.DefaultOrgName, "organisation of tokens without the org claim, whose plans keep the pre-tenancy key layout (docs/tenancy.md)")
	}},
	{"log-level", with(allRoles, RoleReplay), func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	}},
	{"grpc-addr", apiRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.GRPCAddr, "grpc-addr", "", "also serve gRPC on this address with gRPC's own transport, e.g. 127.0.0.1:9090 (gRPC is always served on --addr too)")
	}},
	{"max-body-bytes", apiRoles, func(fs *flag.FlagSet, c *Config) {
		fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", defaultMaxBodyBytes, "largest accepted request body in bytes")
	}},
	{"import-max-bytes", []Command{RoleServe, RoleCommandAPI}, func(fs *flag.FlagSet, c *Config) {
		fs.Int64Var(&c.ImportMaxBytes, "import-max-bytes", imports.DefaultMaxBytes, "largest bulk import (POST /v1/imports) in bytes, uncompressed")
	}},
	{"import-workers", []Command{RoleServe, RoleWorker}, func(fs *flag.FlagSet, c *Config) {
		fs.IntVar(&c.ImportWorkers, "import-workers", imports.DefaultPrefetch, "import chunks this process works on at once ("+fmt.Sprint(imports.DefaultLineConcurrency)+" lines of each at a time); -1 in serve: no import worker (with --amqp-url, `planstore worker` processes run them)")
	}},
	{"import-upload-lease", []Command{RoleServe, RoleCommandAPI, RoleWorker}, func(fs *flag.FlagSet, c *Config) {
		fs.DurationVar(&c.ImportUploadLease, "import-upload-lease", imports.DefaultUploadLease, "an import whose upload was not renewed for this long (its server died mid-upload) is ended failed by any serve, command-api or worker; keep it the same on all")
	}},
	{"shutdown-grace", allRoles, func(fs *flag.FlagSet, c *Config) {
		fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", 10*time.Second, "how long shutdown waits for in-flight work")
	}},
	{"heap-floor-bytes", allRoles, func(fs *flag.FlagSet, c *Config) {
		fs.Int64Var(&c.HeapFloorBytes, "heap-floor-bytes", autoHeapFloor, "the Go heap may grow to this many bytes before the collector runs; above it GOGC paces it as usual (-1: a sixteenth of the memory the process may use, its cgroup's limit or the RAM, 64 MiB to 1 GiB; 0: GOGC alone; ignored when GOGC is set)")
	}},
	{"pprof-addr", allRoles, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.PprofAddr, "pprof-addr", "", "serve net/http/pprof on this address, e.g. 127.0.0.1:6060 (empty: off)")
	}},
	{"relay-lease-ttl", []Command{RoleServe, RoleRelay}, func(fs *flag.FlagSet, c *Config) {
		fs.DurationVar(&c.RelayLeaseTTL, "relay-lease-ttl", defaultRelayLeaseTTL, "with --redis-url, one relay reads the outbox at a time; a standby takes over within this time after the leader dies")
	}},
	{"max-projection-lag", []Command{RoleQueryAPI}, func(fs *flag.FlagSet, c *Config) {
		fs.DurationVar(&c.MaxProjectionLag, "max-projection-lag", defaultMaxProjectionLag, "/readyz answers 503 while an event committed longer ago than this has not reached the read model (0: never)")
	}},
	{"webhook-deny", with(apiRoles, RoleRelay), func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.WebhookDeny, "webhook-deny", "", "comma-separated CIDR ranges webhooks may not reach (default: loopback, private, link-local and the like; none: nothing denied, for tests)")
	}},
	{"webhook-attempts", []Command{RoleServe, RoleRelay}, func(fs *flag.FlagSet, c *Config) {
		fs.IntVar(&c.WebhookAttempts, "webhook-attempts", 0, "delivery attempts of a webhook before it is dead-lettered (default 8)")
	}},
	{"webhook-backoff", []Command{RoleServe, RoleRelay}, func(fs *flag.FlagSet, c *Config) {
		fs.DurationVar(&c.WebhookBackoff, "webhook-backoff", 0, "wait before a webhook's second attempt, doubled for each next one up to 5m, with jitter (default 1s)")
	}},
	{"webhook-timeout", []Command{RoleServe, RoleRelay}, func(fs *flag.FlagSet, c *Config) {
		fs.DurationVar(&c.WebhookTimeout, "webhook-timeout", 0, "how long a subscriber has to answer a webhook (default 10s)")
	}},
}

// RegisterFlags declares the flags of cmd on fs and returns the config they fill.
func RegisterFlags(fs *flag.FlagSet, cmd Command) *Config {
	c := &Config{}
	for _, f := range configFlags {
		if slices.Contains(f.commands, cmd) {
			f.define(fs, c)
		}
	}
	return c
}

// ParseFlags parses args, then fills every flag not given on the command line from its
// PLANSTORE_* environment variable, so a flag always beats the environment. A flag that
// belongs to other commands is refused with a message naming them; its environment
// variable is ignored, so one environment can serve every role of a deployment.
func ParseFlags(fs *flag.FlagSet, args []string) error {
	if err := refuseForeignFlags(fs, args); err != nil {
		fmt.Fprintln(fs.Output(), strings.TrimPrefix(err.Error(), errForeignFlag.Error()+": "))
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		env := EnvName(f.Name)
		if v, ok := os.LookupEnv(env); ok {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
			}
		}
	})
	return errors.Join(errs...)
}

// EnvName is the environment variable of flag name: redis-url → PLANSTORE_REDIS_URL.
func EnvName(name string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// refuseForeignFlags explains a flag of another command before the flag package calls
// it merely undefined: `command-api --es-url` says that the search URL is for serve,
// query-api, projector and replay.
func refuseForeignFlags(fs *flag.FlagSet, args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			return nil // flags end here
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if own := fs.Lookup(name); own != nil {
			b, isBool := own.Value.(interface{ IsBoolFlag() bool })
			if !hasValue && (!isBool || !b.IsBoolFlag()) {
				i++ // its value is the next argument
			}
			continue
		}
		for _, f := range configFlags {
			if f.name == name {
				return fmt.Errorf("%w: --%s is a flag of %s; %s does not use it (see %s -h)",
					errForeignFlag, name, commandList(f.commands), fs.Name(), fs.Name())
			}
		}
	}
	return nil
}

var errForeignFlag = errors.New("flag not accepted")

func commandList(cmds []Command) string {
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}
