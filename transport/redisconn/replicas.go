package redisconn

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrNotReplicated: the master applied a write but fewer replicas than required
// confirmed it in time. Redis replicates asynchronously, so a failover now could promote
// a replica without it: the write must not be acknowledged. It is still on the master,
// so its outcome is unknown to the caller until a failover or a later read decides.
var ErrNotReplicated = errors.New("redis: write not confirmed by enough replicas")

// Replicas returns how many replicas to wait for by default: 1 when the deployment has
// replicas (any master of a cluster has one, failed ones included, or a single server
// has a connected replica), else 0. Deciding once at start-up means a replica that dies
// later makes writes to its master fail (503) rather than silently lose their safety.
func Replicas(ctx context.Context, client redis.UniversalClient) (int, error) {
	switch c := client.(type) {
	case *redis.ClusterClient:
		nodes, err := c.ClusterNodes(ctx).Result()
		if err != nil {
			return 0, fmt.Errorf("cluster nodes: %w", err)
		}
		for _, line := range strings.Split(nodes, "\n") {
			fields := strings.Fields(line)
			if len(fields) > 2 && strings.Contains(fields[2], "slave") {
				return 1, nil
			}
		}
		return 0, nil
	case *redis.Client:
		info, err := c.Info(ctx, "replication").Result()
		if err != nil {
			return 0, fmt.Errorf("info replication: %w", err)
		}
		if strings.Contains(info, "\nconnected_slaves:0") || !strings.Contains(info, "connected_slaves:") {
			return 0, nil
		}
		return 1, nil
	}
	return 0, nil
}

// MasterFor returns the client of the one server that holds key: the slot's master on a
// cluster, the server itself otherwise. WAIT counts the replicas that have the writes
// of its own connection, so it must follow the writes on the same node and connection.
func MasterFor(ctx context.Context, client redis.UniversalClient, key string) (*redis.Client, error) {
	switch c := client.(type) {
	case *redis.ClusterClient:
		node, err := c.MasterForKey(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("master of %s: %w", key, err)
		}
		return node, nil
	case *redis.Client:
		return c, nil
	}
	return nil, fmt.Errorf("redis: cannot wait for replicas through a %T", client)
}

// WaitOn runs the writes queue adds, then WAIT replicas timeout, in one pipeline on one
// connection to node, and returns ErrNotReplicated when WAIT counts fewer replicas
// (replication is ordered, so that covers every earlier write on node too). The
// commands' own results are in the commands queue made. node must be the master of
// every key the writes touch (MasterFor).
func WaitOn(ctx context.Context, node *redis.Client, replicas int, timeout time.Duration, queue func(redis.Pipeliner)) error {
	pipe := node.Pipeline()
	queue(pipe)
	wait := redis.NewIntCmd(ctx, "wait", replicas, timeout.Milliseconds())
	_ = pipe.Process(ctx, wait)
	_, _ = pipe.Exec(ctx) // the errors are per command
	n, err := wait.Result()
	if err != nil {
		return fmt.Errorf("wait for %d replica(s): %w", replicas, err)
	}
	if n < int64(replicas) {
		return fmt.Errorf("%w: %d of %d within %s", ErrNotReplicated, n, replicas, timeout)
	}
	return nil
}
