package esengine_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections/esengine"
	"github.com/planstore/planstore/projections/esengine/internal/benchplans"
)

// benchPlans is the read-model size the join benchmarks are held to: 10,000 plans, or
// ESENGINE_BENCH_PLANS (e.g. 100000) when set.
var benchPlans = func() int {
	if n, err := strconv.Atoi(os.Getenv("ESENGINE_BENCH_PLANS")); err == nil && n > 0 {
		return n
	}
	return 10000
}()

// planBulk renders the documents of plans [from, to) (benchplans.Each) as _bulk lines.
func planBulk(from, to int) []byte {
	var b bytes.Buffer
	benchplans.Each(from, to, func(id, routing, source string) {
		fmt.Fprintf(&b, `{"index":{"_id":%q,"routing":%q}}`+"\n%s\n", id, routing, source)
	})
	return b.Bytes()
}

func newBenchClient(tb testing.TB) (*elasticsearch.Client, string) {
	tb.Helper()
	client, err := esengine.NewClient(esengine.New())
	if err != nil {
		tb.Fatal(err)
	}
	return client, createJoinIndex(tb, client)
}

// createJoinIndex creates the benchmarks' index, with the read model's join mapping.
func createJoinIndex(tb testing.TB, client *elasticsearch.Client) string {
	tb.Helper()
	const index = "plans-bench"
	res, err := client.Indices.Create(index, client.Indices.Create.WithBody(strings.NewReader(esengine.JoinIndexBody)))
	if err != nil || res.StatusCode != 200 {
		tb.Fatalf("creating index: %v %v", err, res)
	}
	_ = res.Body.Close()
	return index
}

func bulkInto(tb testing.TB, client *elasticsearch.Client, index string, body []byte) {
	tb.Helper()
	res, err := client.Bulk(bytes.NewReader(body), client.Bulk.WithIndex(index))
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || bytes.Contains(out[:min(len(out), 64)], []byte(`"errors":true`)) {
		tb.Fatalf("bulk failed: %d %.300s", res.StatusCode, out)
	}
}

// BenchmarkBulkIndex measures _bulk indexing through the client, 100 plans (800
// documents) per request, into a fresh index every 10,000 plans.
func BenchmarkBulkIndex(b *testing.B) {
	const plansPerRequest = 100
	batches := make([][]byte, benchPlans/plansPerRequest)
	for i := range batches {
		batches[i] = planBulk(i*plansPerRequest, (i+1)*plansPerRequest)
	}
	benchBulkBatches(b, batches, plansPerRequest)
}

// benchBulkBatches sends the batches in turn, each of plansPerRequest plans, starting a
// fresh index once all were sent so every request indexes new documents.
func benchBulkBatches(b *testing.B, batches [][]byte, plansPerRequest int) {
	client, index := newBenchClient(b)
	cpu := benchplans.Run(b, len(batches),
		func() { client, index = newBenchClient(b) },
		func(i int) { bulkInto(b, client, index, batches[i]) })
	benchplans.ReportRates(b, b.N*plansPerRequest*benchplans.DocsPerPlan, cpu, "docs")
}

var (
	joinIndexOnce   sync.Once
	joinIndexClient *elasticsearch.Client
	joinIndexName   string
)

// joinIndex is one engine loaded with benchPlans plans, shared by the join benchmarks.
func joinIndex(b *testing.B) (*elasticsearch.Client, string) {
	joinIndexOnce.Do(func() {
		joinIndexClient, joinIndexName = newBenchClient(b)
		for from := 0; from < benchPlans; from += 500 {
			bulkInto(b, joinIndexClient, joinIndexName, planBulk(from, from+500))
		}
	})
	return joinIndexClient, joinIndexName
}

func benchSearch(b *testing.B, bodies []string) {
	client, index := joinIndex(b)
	cpu := benchplans.Run(b, len(bodies), nil, func(i int) {
		res, err := client.Search(client.Search.WithIndex(index), client.Search.WithBody(strings.NewReader(bodies[i])))
		if err != nil {
			b.Fatal(err)
		}
		if res.StatusCode != 200 {
			b.Fatalf("search: %s", res)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
	})
	benchplans.ReportRates(b, b.N, cpu, "queries")
}

// BenchmarkHasChild: plans having a planCostShare with copay >= N (about half to all of
// the 10,000 plans match), and plans having a service cost share above a threshold
// through a nested has_child.
func BenchmarkHasChild(b *testing.B) {
	var bodies []string
	for n := 0; n < 20; n++ {
		bodies = append(bodies, fmt.Sprintf(`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":%d}}}}}}`, n))
		bodies = append(bodies, fmt.Sprintf(`{"query":{"has_child":{"type":"linkedPlanService","query":{"has_child":{"type":"planserviceCostShare","query":{"range":{"copay":{"gt":%d}}}}}}}}`, n*10))
	}
	benchSearch(b, bodies)
}

// BenchmarkHasParent: children of the plans of one organisation (200 plans, 1,400
// children), and the grandchildren of one plan.
func BenchmarkHasParent(b *testing.B) {
	var bodies []string
	for n := 0; n < 20; n++ {
		bodies = append(bodies, fmt.Sprintf(`{"query":{"has_parent":{"parent_type":"plan","query":{"term":{"_org":"org-%d.example"}}}}}`, n))
		bodies = append(bodies, fmt.Sprintf(`{"query":{"has_parent":{"parent_type":"linkedPlanService","query":{"has_parent":{"parent_type":"plan","query":{"ids":{"values":["plan-%d"]}}}}}}}`, n*97))
	}
	benchSearch(b, bodies)
}

// BenchmarkConfinedJoins: planbench's search load as the search API hands it to the
// engine, each query confined by a filter (here one every document matches, as a
// caller's organisation does when it holds every plan): plans having a planCostShare
// with copay >= N, the children of one plan (has_parent by _id), and the
// linkedPlanServices of one plan (parent_id), in turn.
func BenchmarkConfinedJoins(b *testing.B) {
	confined := func(query string) string {
		return `{"query":{"bool":{"must":[` + query + `],"filter":[{"exists":{"field":"_org"}}]}}}`
	}
	var bodies []string
	for n := 0; n < 40; n++ {
		plan := fmt.Sprintf("plan-%d", n*97%benchPlans)
		bodies = append(bodies,
			confined(fmt.Sprintf(`{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":%d}}}}}`, n)),
			confined(fmt.Sprintf(`{"has_parent":{"parent_type":"plan","query":{"term":{"_id":%q}}}}`, plan)),
			confined(fmt.Sprintf(`{"parent_id":{"type":"linkedPlanService","id":%q}}`, plan)))
	}
	benchSearch(b, bodies)
}

// BenchmarkHasChildBetweenWrites: a one-plan _bulk write, then a has_child over a copay
// range, the case of a mixed load: every search finds the copay postings changed since
// the one before, so no range reuses kept unions (postings/suffix.go). Run it with
// -benchtime of at most 10000x, so that every write adds a new plan.
func BenchmarkHasChildBetweenWrites(b *testing.B) {
	client, index := newBenchClient(b)
	for from := 0; from < benchPlans; from += 500 {
		bulkInto(b, client, index, planBulk(from, from+500))
	}
	writes := make([][]byte, 10000)
	for i := range writes {
		writes[i] = planBulk(benchPlans+i, benchPlans+i+1)
	}
	cpu := benchplans.Run(b, len(writes), nil, func(i int) {
		bulkInto(b, client, index, writes[i])
		body := fmt.Sprintf(`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":%d}}}}}}`, i%20)
		res, err := client.Search(client.Search.WithIndex(index), client.Search.WithBody(strings.NewReader(body)))
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("search: %v %v", err, res)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
	})
	benchplans.ReportRates(b, b.N, cpu, "rounds")
}

// BenchmarkBulkReindex measures re-indexing documents that did not change, 100 plans
// (800 documents) per request: what a patch that touches one object of each plan costs
// for the other objects, and what a projector replaying events into a live index does.
func BenchmarkBulkReindex(b *testing.B) {
	const plansPerRequest = 100
	batch := planBulk(0, plansPerRequest)
	client, index := newBenchClient(b)
	bulkInto(b, client, index, batch)
	cpu := benchplans.Run(b, 1, nil, func(int) { bulkInto(b, client, index, batch) })
	benchplans.ReportRates(b, b.N*plansPerRequest*benchplans.DocsPerPlan, cpu, "docs")
}

// BenchmarkBulkIndexOnePlan measures _bulk requests of a single plan (8 documents),
// what a projector handling one event at a time sends: per-request costs dominate.
func BenchmarkBulkIndexOnePlan(b *testing.B) {
	batches := make([][]byte, benchPlans)
	for i := range batches {
		batches[i] = planBulk(i, i+1)
	}
	benchBulkBatches(b, batches, 1)
}

// BenchmarkSortByField: the cost shares of the index (30,000 documents at 10,000
// plans) sorted by a numeric field, then by a keyword: every matching document's sort
// values are read from its stored values.
func BenchmarkSortByField(b *testing.B) {
	bodies := []string{
		`{"query":{"term":{"objectType":"membercostshare"}},"sort":[{"copay":"desc"},{"objectId":"asc"}],"size":10}`,
		`{"query":{"term":{"objectType":"service"}},"sort":[{"name.keyword":"asc"}],"size":10}`,
	}
	benchSearch(b, bodies)
}
