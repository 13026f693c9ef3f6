package enginetest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// What the node-loss tests of projections/elastic and projections/replay ask a cluster.

// WaitClusterGreen waits (up to 3 minutes) until the cluster has nodes nodes and every
// shard allocated, and fails the test if it does not get there.
func WaitClusterGreen(tb testing.TB, client *elasticsearch.Client, nodes int) {
	tb.Helper()
	api := client.Cluster.Health
	res, err := api(api.WithContext(context.Background()), api.WithWaitForStatus("green"),
		api.WithWaitForNodes(fmt.Sprint(nodes)), api.WithTimeout(3*time.Minute))
	body := answer(tb, fmt.Sprintf("cluster green with %d nodes", nodes), res, err)
	if !strings.Contains(string(body), `"status":"green"`) {
		tb.Fatalf("cluster not green with %d nodes: %s", nodes, body)
	}
}

// IndexReplicas waits (up to a minute) until index is green and returns its
// number_of_replicas.
func IndexReplicas(tb testing.TB, client *elasticsearch.Client, index string) int {
	tb.Helper()
	ctx := context.Background()
	api := client.Cluster.Health
	res, err := api(api.WithContext(ctx), api.WithIndex(index), api.WithWaitForStatus("green"), api.WithTimeout(time.Minute))
	answer(tb, "health of "+index, res, err)
	get := client.Indices.GetSettings
	res, err = get(get.WithContext(ctx), get.WithIndex(index), get.WithName("index.number_of_replicas"))
	var settings map[string]struct {
		Settings struct {
			Index struct {
				Replicas string `json:"number_of_replicas"`
			} `json:"index"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(answer(tb, "settings of "+index, res, err), &settings); err != nil {
		tb.Fatal(err)
	}
	var n int
	_, _ = fmt.Sscan(settings[index].Settings.Index.Replicas, &n)
	return n
}

// PrimaryNode returns the number of the node holding the started primary of index's
// (single) shard.
func PrimaryNode(tb testing.TB, client *elasticsearch.Client, index string) int {
	tb.Helper()
	api := client.Cat.Shards
	res, err := api(api.WithContext(context.Background()), api.WithIndex(index), api.WithFormat("json"), api.WithH("prirep,state,node"))
	body := answer(tb, "shards of "+index, res, err)
	var shards []struct{ Prirep, State, Node string }
	if err := json.Unmarshal(body, &shards); err != nil {
		tb.Fatal(err)
	}
	for _, s := range shards {
		if s.Prirep == "p" && s.State == "STARTED" {
			n, err := NodeNumber(s.Node)
			if err != nil {
				tb.Fatal(err)
			}
			return n
		}
	}
	tb.Fatalf("no started primary of %s: %s", index, body)
	return 0
}

// answer reads a successful response's body, failing the test on an error or a status
// of 300 and up.
func answer(tb testing.TB, what string, res *esapi.Response, err error) []byte {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
	if res.StatusCode >= 300 {
		tb.Fatalf("%s: %s: %s", what, res.Status(), body)
	}
	return body
}
