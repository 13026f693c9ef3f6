package redisstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/storetest"
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
	if testing.Short() {
		t.Skip("starts a six-node Redis Cluster")
	}
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
	if err := s.Append(ctx, commit); err != nil {
		t.Fatalf("the same commit again, replicas back: %v", err)
	}
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

// TestLeaseNeedsReplica: a lease a failover could forget is not a lease. With the
// replicas gone, the holder's renewals are not confirmed, and it gives the lease up
// before the key could expire; a new holder cannot take it until a replica is back.
func TestLeaseNeedsReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a six-node Redis Cluster")
	}
	cluster := testenv.StartRedisCluster(t, 3, 1)
	s := opener{url: cluster.URL()}.open(t)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lost, err := s.Lease("relay", 600*time.Millisecond).Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range replicasOf(cluster) {
		cluster.Kill(r)
	}
	select {
	case err := <-lost:
		if !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("lost with %v, want ErrLeaseLost", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the lease was kept without a replica to confirm it")
	}
	short, cancelShort := context.WithTimeout(ctx, 2*time.Second)
	defer cancelShort()
	if _, err := s.Lease("relay", 600*time.Millisecond).Acquire(short); err == nil {
		t.Fatal("a lease was taken that no replica confirmed")
	}
}
