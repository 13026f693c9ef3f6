package redisconn

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/redis/go-redis/v9"
)

// transientPrefixes are the replies of a cluster that is failing over or moving slots:
// the command did not run, and the same command will succeed once the cluster settles.
var transientPrefixes = []string{
	"CLUSTERDOWN", // no master serves the slot (yet)
	"TRYAGAIN",    // a multi-key command met a slot being migrated
	"LOADING",     // a restarted node still reads its AOF
	"MASTERDOWN",  // a replica lost its master
	"READONLY",    // the node we wrote to was demoted to replica
	"MOVED",       // the slot has another master now (go-redis follows these itself,
	"ASK",         // a bounded number of times)
	"NOREPLICAS",  // min-replicas-to-write not met right now
}

// Transient reports whether err is a Redis or connection failure that a failover or a
// resharding explains and that waiting may cure: retry within a bounded window, then
// answer "unavailable". A connection broken mid-command is transient too, but its
// command may have run: only retry commands that are safe to run twice.
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, ErrNotReplicated) || errors.Is(err, redis.ErrPoolTimeout) {
		return true
	}
	for _, p := range transientPrefixes {
		if redis.HasErrorPrefix(err, p) {
			return true
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}

// Reload asks a cluster client to refresh its slot map (lazily, rate limited), so the
// next try after a failover reaches the promoted master. Other clients need nothing.
func Reload(ctx context.Context, client redis.UniversalClient) {
	if cc, ok := client.(*redis.ClusterClient); ok {
		cc.ReloadState(ctx)
	}
}
