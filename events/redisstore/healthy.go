package redisstore

import (
	"context"
	"fmt"
	"regexp"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/redisconn"
)

// connectedReplicas reads connected_slaves from INFO replication.
var connectedReplicas = regexp.MustCompile(`(?m)^connected_slaves:(\d+)`)

// Healthy says whether a write to any partition would be acknowledged now: every master
// answers and, when commits wait for replicas, has that many connected. One read of one
// key (what a /readyz probe did before) reaches one slot's master only, so a cluster
// that had lost another master, or whose promoted master had no replica yet, looked
// ready while a third of the writes answered 503.
func (s *Store) Healthy(ctx context.Context) error {
	check := func(ctx context.Context, node *redis.Client) error {
		if s.minReplicas == 0 {
			return node.Ping(ctx).Err()
		}
		info, err := node.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		m := connectedReplicas.FindStringSubmatch(info)
		n := 0
		if m != nil {
			n, _ = strconv.Atoi(m[1])
		}
		if n < s.minReplicas {
			return fmt.Errorf("master %s has %d of the %d replica(s) commits wait for", node.Options().Addr, n, s.minReplicas)
		}
		return nil
	}
	var err error
	switch c := s.rdb.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, check)
	case *redis.Client:
		err = check(ctx, c)
	default:
		err = s.rdb.Ping(ctx).Err()
	}
	if err != nil {
		// The slot map may name a master that has since failed over: refresh it, so the
		// next probe asks the masters that serve now.
		redisconn.Reload(ctx, s.rdb)
		return fmt.Errorf("%w: %w", events.ErrUnavailable, err)
	}
	return nil
}

// Reachable says whether every server of the deployment answers: each master of a
// cluster, or the one server. What a role that only reads needs.
func (s *Store) Reachable(ctx context.Context) error {
	var err error
	if c, ok := s.rdb.(*redis.ClusterClient); ok {
		err = c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error { return node.Ping(ctx).Err() })
	} else {
		err = s.rdb.Ping(ctx).Err()
	}
	if err != nil {
		redisconn.Reload(ctx, s.rdb)
		return fmt.Errorf("%w: %w", events.ErrUnavailable, err)
	}
	return nil
}
