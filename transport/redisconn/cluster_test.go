package redisconn_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/transport/redisconn"
	"github.com/planstore/planstore/transport/testenv"
)

// TestDialCluster dials one cluster in every URL form: each gives the cluster client,
// which reaches every slot, reads from masters, and sees the replicas.
func TestDialCluster(t *testing.T) {
	cluster := testenv.StartRedisCluster(t, 3, 1)
	addrs := cluster.Addrs()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, url := range []string{
		cluster.URL(),                               // comma-separated seeds
		"redis://" + addrs[0],                       // one seed: cluster_enabled:1 switches
		"redis://" + addrs[1] + "/0",                // database 0 is the cluster's only one
		"redis://" + addrs[0] + "?addr=" + addrs[2], // go-redis's own form
	} {
		client, err := redisconn.Dial(ctx, url)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		cc, ok := client.(*redis.ClusterClient)
		if !ok {
			t.Fatalf("%s: a %T, want a cluster client", url, client)
		}
		if o := cc.Options(); o.ReadOnly || o.RouteByLatency || o.RouteRandomly {
			t.Fatalf("%s: reads may go to replicas: %+v", url, o)
		}
		for _, key := range []string{"{a}x", "{b}x", "{c}x", "{d}x"} { // several slots
			if err := client.Set(ctx, key, url, 0).Err(); err != nil {
				t.Fatalf("%s: set %s: %v", url, key, err)
			}
			if got, err := client.Get(ctx, key).Result(); err != nil || got != url {
				t.Fatalf("%s: read after write of %s: %q, %v", url, key, got, err)
			}
		}
		if n, err := redisconn.Replicas(ctx, client); err != nil || n != 1 {
			t.Fatalf("%s: replicas %d, %v; want 1", url, n, err)
		}
		// WAIT on the slot's master confirms a write there.
		if err := redisconn.WaitOn(ctx, mustMaster(t, client, "{a}x"), 1, time.Second, func(p redis.Pipeliner) {
			p.Set(ctx, "{a}x", "waited", 0)
		}); err != nil {
			t.Fatalf("%s: wait for a replica: %v", url, err)
		}
		_ = client.Close()
	}

	for _, url := range []string{"redis://" + addrs[0] + "/2", cluster.URL() + "/1"} {
		_, err := redisconn.Dial(ctx, url)
		if err == nil || !strings.Contains(err.Error(), "only database 0") {
			t.Fatalf("%s: error %v, want a refusal of the database", url, err)
		}
	}
}

// TestWaitWithoutReplicas: a master whose replica is gone cannot confirm a write, and
// says so with ErrNotReplicated, a transient error.
func TestWaitWithoutReplicas(t *testing.T) {
	cluster := testenv.StartRedisCluster(t, 3, 0)
	ctx := context.Background()
	client, err := redisconn.Dial(ctx, cluster.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if n, err := redisconn.Replicas(ctx, client); err != nil || n != 0 {
		t.Fatalf("replicas %d, %v; want 0", n, err)
	}
	err = redisconn.WaitOn(ctx, mustMaster(t, client, "k"), 1, 50*time.Millisecond, func(p redis.Pipeliner) {
		p.Set(ctx, "k", "v", 0)
	})
	if !errors.Is(err, redisconn.ErrNotReplicated) || !redisconn.Transient(err) {
		t.Fatalf("error %v, want a transient ErrNotReplicated", err)
	}
}

func mustMaster(t *testing.T, client redis.UniversalClient, key string) *redis.Client {
	t.Helper()
	node, err := redisconn.MasterFor(context.Background(), client, key)
	if err != nil {
		t.Fatal(err)
	}
	return node
}
