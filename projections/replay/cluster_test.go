package replay

import (
	"context"
	"encoding/json"
	"testing"
	"time"

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
		api := client.Cluster.Health
		res, err := api(api.WithContext(ctx), api.WithIndex(name), api.WithWaitForStatus("green"), api.WithTimeout(time.Minute))
		if _, err := elastic.Do("health of "+name, res, err); err != nil {
			t.Fatal(err)
		}
		get := client.Indices.GetSettings
		res, err = get(get.WithContext(ctx), get.WithIndex(name), get.WithName("index.number_of_replicas"))
		body, err := elastic.Do("settings of "+name, res, err)
		if err != nil {
			t.Fatal(err)
		}
		var answer map[string]struct {
			Settings struct {
				Index struct {
					Replicas string `json:"number_of_replicas"`
				} `json:"index"`
			} `json:"settings"`
		}
		if err := json.Unmarshal(body, &answer); err != nil {
			t.Fatal(err)
		}
		if got := answer[name].Settings.Index.Replicas; got != "1" {
			t.Errorf("%s: number_of_replicas %q on a %d-node cluster, want 1", name, got, len(urls))
		}
	}
}
