// Package app wires planstore's roles from configuration: each role is a Main with Run
// and Close, so the binary and the end-to-end tests start exactly the same thing.
package app

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/planstore/planstore/transport/messaging"
)

// Config is everything a role needs to start. An empty backend URL means the embedded
// default for that backend.
type Config struct {
	Addr          string
	DataDir       string
	RedisURL      string
	AMQPURL       string // one URL, or a comma-separated list of a cluster's nodes
	AMQPQueueType string
	ESURLs        []string
	Auth          string // dev, oidc or off
	OIDCIssuer    string
	OIDCAudience  string
	JWKSURL       string
	ScopeClaims   []string
	LogLevel      string
	MaxBodyBytes  int64
	ShutdownGrace time.Duration
	PprofAddr     string
	RelayLeaseTTL time.Duration
	// RedisMinReplicas: replicas that must confirm a commit (-1, the flag default: 1 if
	// Redis has replicas, else 0).
	RedisMinReplicas int
	// RedisRetryWindow: how long a Redis call retries through a failover before 503.
	RedisRetryWindow time.Duration
}

// Auth modes.
const (
	AuthDev  = "dev"
	AuthOIDC = "oidc"
	AuthOff  = "off"
)

// defaultRelayLeaseTTL: a standby relay takes over within 10 s of the leader's death;
// shorter makes a stalled leader (a long GC pause, a slow Redis) lose the lead sooner.
const defaultRelayLeaseTTL = 10 * time.Second

// EnvPrefix prefixes the environment variable of every flag: --redis-url is read from
// PLANSTORE_REDIS_URL when the flag is not given.
const EnvPrefix = "PLANSTORE_"

// RegisterFlags declares the shared flags on fs and returns the config they fill.
func RegisterFlags(fs *flag.FlagSet) *Config {
	c := &Config{}
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "HTTP listen address (port 0 picks a free port)")
	fs.StringVar(&c.DataDir, "data-dir", "./data", "directory of the embedded stores and the dev signing key")
	fs.StringVar(&c.RedisURL, "redis-url", "", "Redis URL for the event store (empty: embedded store in the data dir)")
	fs.StringVar(&c.AMQPURL, "amqp-url", "", "RabbitMQ URL for the event bus, or a comma-separated list of a cluster's node URLs (empty: in-process bus)")
	fs.StringVar(&c.AMQPQueueType, "amqp-queue-type", string(messaging.QueueClassic), "type of planstore's RabbitMQ queues: classic, or quorum (replicated, for a cluster)")
	fs.Func("es-url", "comma-separated Elasticsearch node URLs (empty: embedded search engine)", func(v string) error {
		c.ESURLs = splitList(v)
		return nil
	})
	fs.StringVar(&c.Auth, "auth", "", "token verification: dev, oidc or off (default: oidc when --oidc-issuer is set, else dev)")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", "", "OpenID Connect issuer URL (for --auth oidc)")
	fs.StringVar(&c.OIDCAudience, "oidc-audience", "", "expected audience of access tokens (for --auth oidc)")
	fs.StringVar(&c.JWKSURL, "jwks-url", "", "JWKS URL (default: from the issuer's discovery document)")
	fs.Func("oidc-scope-claims", "comma-separated claims that carry scopes (default: scope,scp; Auth0 RBAC: scope,permissions)", func(v string) error {
		c.ScopeClaims = splitList(v)
		return nil
	})
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", 1<<20, "largest accepted request body in bytes")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", 10*time.Second, "how long shutdown waits for in-flight work")
	fs.StringVar(&c.PprofAddr, "pprof-addr", "", "serve net/http/pprof on this address, e.g. 127.0.0.1:6060 (empty: off)")
	fs.DurationVar(&c.RelayLeaseTTL, "relay-lease-ttl", defaultRelayLeaseTTL, "with --redis-url, one relay reads the outbox at a time; a standby takes over within this time after the leader dies")
	fs.IntVar(&c.RedisMinReplicas, "redis-min-replicas", -1, "replicas that must confirm each commit (WAIT) before it is acknowledged; -1: 1 when Redis has replicas, else 0")
	fs.DurationVar(&c.RedisRetryWindow, "redis-retry-window", defaultRedisRetryWindow, "how long a Redis call retries through a failover (CLUSTERDOWN, TRYAGAIN, a dead master) before answering 503")
	return c
}

// defaultRedisRetryWindow covers a Redis Cluster failover with cluster-node-timeout 2s
// (detection, election, promotion); past it a request answers 503 with Retry-After.
const defaultRedisRetryWindow = 5 * time.Second

// ParseFlags parses args, then fills every flag not given on the command line from its
// PLANSTORE_* environment variable, so a flag always beats the environment.
func ParseFlags(fs *flag.FlagSet, args []string) error {
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
		env := EnvPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
			}
		}
	})
	return errors.Join(errs...)
}

// Validate checks the combination of settings and fills derived defaults.
func (c *Config) Validate() error {
	if c.Auth == "" {
		c.Auth = AuthDev
		if c.OIDCIssuer != "" {
			c.Auth = AuthOIDC
		}
	}
	switch c.Auth {
	case AuthDev, AuthOff:
	case AuthOIDC:
		if c.OIDCIssuer == "" || c.OIDCAudience == "" {
			return errors.New("--auth oidc needs --oidc-issuer and --oidc-audience")
		}
	default:
		return fmt.Errorf("--auth %q: want dev, oidc or off", c.Auth)
	}
	if c.DataDir == "" {
		return errors.New("--data-dir must not be empty")
	}
	if c.MaxBodyBytes <= 0 {
		return errors.New("--max-body-bytes must be positive")
	}
	if _, err := messaging.ParseQueueType(c.AMQPQueueType); err != nil {
		return fmt.Errorf("--amqp-queue-type %q: want classic or quorum", c.AMQPQueueType)
	}
	if c.RelayLeaseTTL == 0 {
		c.RelayLeaseTTL = defaultRelayLeaseTTL
	}
	if c.RedisRetryWindow == 0 {
		c.RedisRetryWindow = defaultRedisRetryWindow
	}
	if c.RedisRetryWindow < 0 {
		return fmt.Errorf("--redis-retry-window %s: must not be negative", c.RedisRetryWindow)
	}
	if c.RedisMinReplicas < -1 {
		return fmt.Errorf("--redis-min-replicas %d: want -1 (automatic), 0 or more", c.RedisMinReplicas)
	}
	if c.RelayLeaseTTL < 300*time.Millisecond {
		return fmt.Errorf("--relay-lease-ttl %s: want at least 300ms (renewed every third of it)", c.RelayLeaseTTL)
	}
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
