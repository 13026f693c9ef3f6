package redisstore

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/testenv"
)

// TestHealthySeesEveryMaster: /readyz asks Healthy, which must see a cluster that cannot
// acknowledge writes to some partitions: a killed master (before and after its replica
// takes over, when the promoted master has no replica of its own for commits to wait
// for), and be healthy again once the old master is back as a replica.
func TestHealthySeesEveryMaster(t *testing.T) {
	cluster := testenv.StartRedisCluster(t, 3, 1)
	s := opener{url: cluster.URL()}.open(t)
	defer s.Close()
	ctx := context.Background()
	if err := s.Healthy(ctx); err != nil {
		t.Fatalf("a whole cluster is not healthy: %v", err)
	}
	victim := cluster.Masters()[1]
	cluster.Kill(victim)
	if err := s.Healthy(ctx); !errors.Is(err, events.ErrUnavailable) {
		t.Fatalf("a cluster with master %s killed is healthy: %v", victim, err)
	}
	if err := s.Reachable(ctx); !errors.Is(err, events.ErrUnavailable) {
		t.Fatalf("a cluster with master %s killed is reachable: %v", victim, err)
	}
	testenv.WaitFor(t, time.Minute, "a replica promoted in place of "+victim, func() bool {
		m := cluster.Masters()
		return len(m) == 3 && !slices.Contains(m, victim)
	})
	// The promoted master has no replica: commits there would answer 503, reads work.
	if err := s.Healthy(ctx); !errors.Is(err, events.ErrUnavailable) {
		t.Fatalf("a promoted master without a replica counts as healthy: %v", err)
	}
	testenv.WaitFor(t, 10*time.Second, "every master reachable after the failover", func() bool {
		return s.Reachable(ctx) == nil
	})
	cluster.Restart(victim)
	testenv.WaitFor(t, time.Minute, "healthy again once "+victim+" is back as a replica", func() bool {
		return s.Healthy(ctx) == nil
	})
}
