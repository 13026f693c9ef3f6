package redisstore

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/storetest"
	"github.com/planstore/planstore/transport/redisconn"
	"github.com/planstore/planstore/transport/testenv"
)

// replicasOf returns the nodes of cluster that are not masters.
func replicasOf(cluster *testenv.RedisCluster) []string {
	masters := map[string]bool{}
	for _, m := range cluster.Masters() {
		masters[m] = true
	}
	var out []string
	for _, a := range cluster.Addrs() {
		if !masters[a] {
			out = append(out, a)
		}
	}
	return out
}

// TestCommitWithoutReplicaIsNotAcknowledged: with the replicas gone, a commit reaches
// its master but no replica, so Append does not acknowledge it (ErrUnavailable, after
// the retry window), though the master has it. Once the replicas are back, sending the
// same commit again recognises the earlier try as its own and succeeds, instead of
// failing with a version conflict.
func TestCommitWithoutReplicaIsNotAcknowledged(t *testing.T) {
	cluster := testenv.StartRedisCluster(t, 3, 1)
	// One partition: every key of the commit in one slot, so the append script runs at
	// once and lands on the master, unconfirmed.
	s := opener{url: cluster.URL(), opts: []Option{
		WithPartitions(1), WithRetryWindow(300 * time.Millisecond), WithReplicaTimeout(50 * time.Millisecond),
	}}.open(t)
	defer s.Close()
	ctx := context.Background()
	if s.minReplicas != 1 {
		t.Fatalf("waits for %d replicas, want 1", s.minReplicas)
	}
	p := storetest.NewPlan("failover-plan", 1)
	commit := storetest.CreateCommit(p)

	replicas := replicasOf(cluster)
	for _, r := range replicas {
		cluster.Kill(r)
	}
	err := s.Append(ctx, commit)
	if !errors.Is(err, events.ErrUnavailable) {
		t.Fatalf("append without replicas: %v, want ErrUnavailable", err)
	}
	if evs, err := s.Events(ctx, p.ID); err != nil || len(evs) != 1 {
		t.Fatalf("the unacknowledged commit is on the master: %d events, %v; want 1", len(evs), err)
	}

	for _, r := range replicas {
		cluster.Restart(r)
	}
	cluster.WaitOK(time.Minute)
	// A replica that is back may need a moment to catch up before it confirms within
	// the 50 ms: until then the append is unavailable again, never anything else.
	testenv.WaitFor(t, time.Minute, "the same commit again to be acknowledged, replicas back", func() bool {
		err := s.Append(ctx, commit)
		if err != nil && !errors.Is(err, events.ErrUnavailable) {
			t.Fatalf("the same commit again, replicas back: %v", err)
		}
		return err == nil
	})
	snap, err := s.Load(ctx, p.ID)
	if err != nil || snap.Version != 1 {
		t.Fatalf("load: version %d, %v; want 1", snap.Version, err)
	}
	evs, err := s.Events(ctx, p.ID)
	if err != nil || len(evs) != 1 {
		t.Fatalf("events: %d, %v; want exactly one", len(evs), err)
	}
	// Another commit at the same version is still a conflict.
	other := storetest.CreateCommit(storetest.NewPlan("failover-plan", 2))
	if err := s.Append(ctx, other); !errors.Is(err, events.ErrVersionConflict) {
		t.Fatalf("a different commit at the taken version: %v, want a version conflict", err)
	}
}

// TestLeaseSurvivesFailover kills the master that holds the relay's lease: its replica
// takes over with the key, and the holder keeps renewing it there, without losing the
// lease, as long as the failover takes less than two thirds of the TTL.
func TestLeaseSurvivesFailover(t *testing.T) {
	cluster := testenv.StartRedisCluster(t, 3, 1)
	s := opener{url: cluster.URL()}.open(t)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const ttl = 10 * time.Second // the relay's default; a failover here takes ~3 s of its 6.7 s budget
	lease := s.Lease("relay", ttl)
	lost, err := lease.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	master, err := redisconn.MasterFor(ctx, s.rdb, lease.key)
	if err != nil {
		t.Fatal(err)
	}
	victim := master.Options().Addr
	killed := time.Now()
	cluster.Kill(victim)
	testenv.WaitFor(t, time.Minute, "a replica promoted in place of "+victim, func() bool {
		m := cluster.Masters()
		return len(m) == 3 && !slices.Contains(m, victim)
	})
	// A renewal after the kill moves the expiry past killed+ttl; none could before.
	testenv.WaitFor(t, ttl, "a renewal of the lease on the promoted master", func() bool {
		token, err1 := s.rdb.Get(ctx, lease.key).Result()
		pttl, err2 := s.rdb.PTTL(ctx, lease.key).Result()
		return err1 == nil && err2 == nil && token == lease.token && time.Now().Add(pttl).After(killed.Add(ttl))
	})
	select {
	case err := <-lost:
		t.Fatalf("lease lost in the failover: %v", err)
	default:
	}
}

// TestFullRedisIsStorageFull: a Redis at maxmemory with noeviction refuses the append
// script before it runs, which is the store being full, not an internal error.
func TestFullRedisIsStorageFull(t *testing.T) {
	url := testenv.StartRedisServer(t, "--maxmemory", "4mb", "--maxmemory-policy", "noeviction")
	s := opener{url: url}.open(t)
	defer s.Close()
	ctx := context.Background()
	for i := range 10000 {
		err := s.Append(ctx, storetest.CreateCommit(storetest.NewPlan("full-"+strconv.Itoa(i), 1)))
		if err == nil {
			continue
		}
		if !errors.Is(err, events.ErrStorageFull) {
			t.Fatalf("append %d to a full Redis: %v, want ErrStorageFull", i, err)
		}
		return
	}
	t.Fatal("10,000 plans fit in 4 MB")
}
