package redisstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/events/storetest"
)

// opener opens stores on one Redis, one key prefix per test, so the tests share a
// database without seeing each other; opening again with the same test reuses its
// prefix, which is what a restart looks like.
type opener struct {
	url     string   // a single server, opened with Dial
	cluster []string // or the seed addresses of a cluster
	opts    []Option
}

func (o opener) open(tb testing.TB, extra ...Option) *Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	prefix := "test:" + strings.NewReplacer("{", "(", "}", ")").Replace(tb.Name()) + ":"
	opts := append(append([]Option{WithPrefix(prefix)}, o.opts...), extra...)
	if o.cluster != nil {
		client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: o.cluster})
		s, err := New(ctx, client, storetest.NewCodec(tb), opts...)
		if err != nil {
			tb.Fatalf("open store on cluster: %v", err)
		}
		tb.Cleanup(func() { _ = client.Close() })
		return s
	}
	s, err := Dial(ctx, o.url, storetest.NewCodec(tb), opts...)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	return s
}

func (o opener) newStore(t *testing.T) storetest.Store { return o.open(t) }

func TestAcceptanceSharedRedis(t *testing.T) {
	storetest.Run(t, opener{url: sharedRedisURL(t)}.newStore)
}

func TestAcceptanceOwnServer(t *testing.T) {
	storetest.Run(t, opener{url: startRedisServer(t)}.newStore)
}

// TestAcceptanceFewPartitions puts most objectIds in the aggregate's own slot, which
// exercises the one-script path for claims.
func TestAcceptanceFewPartitions(t *testing.T) {
	storetest.Run(t, opener{url: startRedisServer(t), opts: []Option{WithPartitions(2)}}.newStore)
}

// TestAcceptanceCluster runs the suite on a three-node Redis Cluster: a script whose
// keys span slots fails there with CROSSSLOT, so passing shows the key layout and the
// ownership transaction are cluster-safe.
func TestAcceptanceCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node cluster")
	}
	storetest.Run(t, opener{cluster: startRedisCluster(t, 3)}.newStore)
}
