package redisstore

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/storetest"
	"github.com/planstore/planstore/transport/testenv"
)

// opener opens stores on one Redis, one key prefix per test, so the tests share a
// database without seeing each other; opening again with the same test reuses its
// prefix, which is what a restart looks like.
type opener struct {
	url  string // a single server or a cluster (its seeds), opened with Dial
	opts []Option
}

func (o opener) open(tb testing.TB, extra ...Option) *Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	prefix := "test:" + strings.NewReplacer("{", "(", "}", ")").Replace(tb.Name()) + ":"
	opts := append(append([]Option{WithPrefix(prefix)}, o.opts...), extra...)
	s, err := Dial(ctx, o.url, storetest.NewCodec(tb), opts...)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	return s
}

// mustAppendWith returns the suite's newStore: it opens stores that must use the
// one-script path (or must not), so a test cannot pass on the wrong path unnoticed.
func (o opener) mustAppendWith(oneScript bool) func(t *testing.T) storetest.Store {
	return func(t *testing.T) storetest.Store {
		s := o.open(t)
		if s.oneScript != oneScript {
			_ = s.Close()
			t.Fatalf("store appends with one script: %v, want %v", s.oneScript, oneScript)
		}
		return s
	}
}

func TestAcceptanceSharedRedis(t *testing.T) {
	storetest.Run(t, opener{url: sharedRedisURL(t)}.mustAppendWith(true))
}

// TestAcceptanceOwnServer runs the suite on a single server, where every append is one
// script.
func TestAcceptanceOwnServer(t *testing.T) {
	storetest.Run(t, opener{url: testenv.StartRedisServer(t)}.mustAppendWith(true))
}

// TestAcceptanceReservation runs the suite through the reservation protocol a cluster
// needs, on a single server.
func TestAcceptanceReservation(t *testing.T) {
	o := opener{url: testenv.StartRedisServer(t), opts: []Option{WithReservationProtocol()}}
	storetest.Run(t, o.mustAppendWith(false))
}

// TestAcceptanceFewPartitions puts most objectIds in the aggregate's own slot, which
// exercises the reservation protocol's one-script path for claims.
func TestAcceptanceFewPartitions(t *testing.T) {
	o := opener{url: testenv.StartRedisServer(t), opts: []Option{WithPartitions(2), WithReservationProtocol()}}
	storetest.Run(t, o.mustAppendWith(false))
}

// TestAcceptanceMixedModes runs the suite with appends alternating between a one-script
// store and a reservation-protocol store on the same keys, so every race in the suite
// also races the two modes against each other: they must share one set of rules.
func TestAcceptanceMixedModes(t *testing.T) {
	url := testenv.StartRedisServer(t)
	storetest.Run(t, func(t *testing.T) storetest.Store {
		return &mixedStore{
			Store:       opener{url: url}.mustAppendWith(true)(t).(*Store),
			reservation: opener{url: url}.open(t, WithReservationProtocol()),
		}
	})
}

// mixedStore reads through its one-script store and appends through either store in
// turn.
type mixedStore struct {
	*Store
	reservation *Store
	turn        atomic.Uint32
}

func (m *mixedStore) Append(ctx context.Context, c events.Commit) error {
	if m.turn.Add(1)%2 == 0 {
		return m.reservation.Append(ctx, c)
	}
	return m.Store.Append(ctx, c)
}

func (m *mixedStore) Close() error { return errors.Join(m.Store.Close(), m.reservation.Close()) }

// TestAcceptanceCluster runs the suite on a Redis Cluster of three masters with a
// replica each, dialled from its seed URL: a script whose keys span slots fails there
// with CROSSSLOT, so passing shows the key layout and the ownership transaction are
// cluster-safe, and every commit waits for its replica (WAIT) on the way.
func TestAcceptanceCluster(t *testing.T) {
	o := opener{url: testenv.StartRedisCluster(t, 3, 1).URL()}
	storetest.Run(t, func(t *testing.T) storetest.Store {
		s := o.mustAppendWith(false)(t).(*Store)
		if _, ok := s.rdb.(*redis.ClusterClient); !ok || s.minReplicas != 1 {
			t.Fatalf("store on a cluster with replicas: client %T, waits for %d replicas; want a cluster client and 1", s.rdb, s.minReplicas)
		}
		return s
	})
}

// TestAcceptanceOneNodeCluster runs the suite with a plain client on a cluster of one
// node, which holds every slot: everything works as on a single server except a script
// whose keys span slots, so New must see the cluster and choose the reservation
// protocol.
func TestAcceptanceOneNodeCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	url := testenv.StartRedisServer(t, "--cluster-enabled", "yes",
		"--cluster-config-file", filepath.Join(t.TempDir(), "nodes.conf"), "--dir", t.TempDir())
	client := redis.NewClient(&redis.Options{Addr: strings.TrimSuffix(strings.TrimPrefix(url, "redis://"), "/0")})
	defer client.Close()
	if err := client.Do(context.Background(), "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		t.Fatalf("assign the slots: %v", err)
	}
	if err := waitForClusterOK(client.Options().Addr, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, opener{url: url}.mustAppendWith(false))
}
