// Package app wires planstore's roles from configuration: each role is a Main with Run
// and Close, so the binary and the end-to-end tests start exactly the same thing.
package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/transport/messaging/amqp"
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
	OrgClaim      string // claim of the caller's organisations (tenancy)
	DefaultOrg    string // organisation of tokens without it, and of the pre-tenancy layout
	// OIDCClientID is the admin console's client at the provider (code flow + PKCE).
	OIDCClientID string
	// OIDCConsoleScope is what the console asks the provider for.
	OIDCConsoleScope string
	LogLevel         string
	MaxBodyBytes     int64
	ShutdownGrace    time.Duration
	PprofAddr        string
	// HeapFloorBytes: the heap may grow to this size before the collector runs (0: off,
	// -1: sized from the memory the process may use).
	HeapFloorBytes int64
	// GRPCAddr, when set, serves gRPC on its own listener too (it is always on --addr).
	GRPCAddr      string
	RelayLeaseTTL time.Duration
	// RedisMinReplicas: replicas that must confirm a commit (-1, the flag default: 1 if
	// Redis has replicas, else 0).
	RedisMinReplicas int
	// RedisRetryWindow: how long a Redis call retries through a failover before 503.
	RedisRetryWindow time.Duration
	// SigningKeyFile is the dev signing key shared by the roles of a deployment; empty
	// means the data dir's key, created on first use.
	SigningKeyFile string
	// MaxProjectionLag: a query API is not ready while an event committed longer ago
	// has not reached the read model; 0 turns the check off.
	MaxProjectionLag time.Duration
	// ImportMaxBytes bounds one bulk import upload, uncompressed.
	ImportMaxBytes int64
	// ImportWorkers: import chunks the process's worker takes at once (0 in serve: none).
	ImportWorkers int
	// ImportUploadLease: an import upload not renewed for this long is taken for dead
	// and its job sealed failed by any process that sees it.
	ImportUploadLease time.Duration
	// Webhooks: the deny-list of target address ranges ("" = webhooks.DefaultDenied,
	// "none" = nothing denied, else comma-separated CIDRs), and the delivery policy
	// (zero values: webhooks.DefaultRetry, a 10 s timeout).
	WebhookDeny     string
	WebhookAttempts int
	WebhookBackoff  time.Duration
	WebhookTimeout  time.Duration
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

// defaultMaxBodyBytes bounds a request body: the largest plans are a few hundred KiB.
const defaultMaxBodyBytes = 1 << 20

// autoHeapFloor, the --heap-floor-bytes default, sizes the floor from the memory the
// process may use (gcpace.AutoFloor). With a small live heap, GOGC=100 alone collected
// several times a second under writes and cost ~15 % of a create's CPU
// (docs/performance.md, "the collector's pace").
const autoHeapFloor = -1

// defaultMaxProjectionLag: searches that miss writes older than this are worth taking a
// query API out of rotation for; a healthy pipeline lags by milliseconds.
const defaultMaxProjectionLag = 30 * time.Second

// EnvPrefix prefixes the environment variable of every flag: --redis-url is read from
// PLANSTORE_REDIS_URL when the flag is not given.
const EnvPrefix = "PLANSTORE_"

// defaultRedisRetryWindow covers a Redis Cluster failover with cluster-node-timeout 2s
// (detection, election, promotion); past it a request answers 503 with Retry-After.
const defaultRedisRetryWindow = 5 * time.Second

// checkDataDir: the embedded event store needs a data dir.
func (c *Config) checkDataDir() error {
	if c.DataDir == "" && c.RedisURL == "" {
		return errors.New("--data-dir must not be empty (the embedded event store lives there)")
	}
	return nil
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
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = defaultMaxBodyBytes
	}
	if c.HeapFloorBytes < autoHeapFloor {
		return errors.New("--heap-floor-bytes must be -1 (sized from the memory), 0 (off) or a number of bytes")
	}
	if c.MaxBodyBytes < 0 {
		return errors.New("--max-body-bytes must be positive")
	}
	if _, err := amqp.ParseQueueType(c.AMQPQueueType); err != nil {
		return fmt.Errorf("--amqp-queue-type %q: want classic or quorum", c.AMQPQueueType)
	}
	if c.ImportMaxBytes <= 0 {
		c.ImportMaxBytes = imports.DefaultMaxBytes
	}
	if c.ImportWorkers == 0 {
		c.ImportWorkers = imports.DefaultPrefetch
	}
	if c.MaxProjectionLag < 0 {
		return errors.New("--max-projection-lag must not be negative (0 turns the check off)")
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
