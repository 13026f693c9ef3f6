package replay

import (
	"context"
	"testing"

	"github.com/planstore/planstore/projections/elastic"
	"github.com/planstore/planstore/projections/enginetest"
)

// On a cluster with two or more data nodes, the index a replay builds and the lock
// index get a replica (auto_expand_replicas 0-1), so losing one node loses neither the
// rebuilt read model nor the lock. The replay's alias swap itself runs on the cluster
// in the other tests of this package with PLANSTORE_TEST_ES_URL set to its nodes.
func TestReplayIndicesHaveAReplicaOnACluster(t *testing.T) {
	urls := enginetest.ClusterURLs(t)
	client, err := elastic.NewClient(urls)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	index := enginetest.UniqueName(t, "replaytest-cluster")
	if err := createBulkIndex(ctx, client, index); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = elastic.DeleteIndex(context.Background(), client, index) })
	if err := ensureLockIndex(ctx, client); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{index, LockIndex} {
		if got := enginetest.IndexReplicas(t, client, name); got != 1 {
			t.Errorf("%s: number_of_replicas %d on a %d-node cluster, want 1", name, got, len(urls))
		}
	}
}
