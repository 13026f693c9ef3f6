package elastic

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/projections/enginetest"
	"github.com/planstore/planstore/queries/search"
)

// The ids of the example plan's objects, and those that remain once
// withoutSecondService has dropped the second linked service.
var (
	examplePlanIDs = []string{"12xvxc345ssdsds-508", "1234vxc2324sdf-501", "27283xvx9asdff-504", "1234520xvc30asdf-502",
		"1234512xvc1314asdfs-503", "27283xvx9sdf-507", "1234520xvc30sfs-505", "1234512xvc1314sdfsd-506"}
	patchedPlanIDs = examplePlanIDs[:5]
)

// TestClusterSurvivesLosingANode projects plans through the projector's own path (the
// Writer on the alias `plans`, NewClient as every role builds it) into a three-node
// cluster, kills -9 the node holding the primary shard while plans keep being
// projected and searched, starts it again, and checks that every acknowledged
// projection is searchable exactly once and that no search failed. It needs a cluster
// of its own: PLANSTORE_TEST_ES_CLUSTER_URLS (see enginetest.ClusterURLsEnv).
func TestClusterSurvivesLosingANode(t *testing.T) {
	urls := enginetest.ClusterURLs(t)
	ctx := context.Background()
	client, err := NewClient(urls)
	if err != nil {
		t.Fatal(err)
	}
	enginetest.WaitClusterGreen(t, client, len(urls))
	index, err := EnsureAlias(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	if replicas := enginetest.IndexReplicas(t, client, index); replicas != 1 {
		t.Fatalf("index %s has %d replicas on %d data nodes, want 1 (auto_expand_replicas 0-1)", index, replicas, len(urls))
	}
	_, p := newProjector(t, client, WriterConfig{})
	searcher, err := search.NewSearcher(client)
	if err != nil {
		t.Fatal(err)
	}

	run := randomSuffix(t)
	plans := make([][]byte, 50)
	planIDs := make([]string, len(plans))
	for i := range plans {
		suffix := fmt.Sprintf("-%s-%d", run, i)
		plans[i] = renamed(t, exampleplan.JSON(), suffix)
		planIDs[i] = planID + suffix
	}
	var retries atomic.Int64
	// A failed Handle is what the projector's consumer nacks and gets redelivered:
	// retried here the same way, until it is acknowledged.
	handle := func(e events.Envelope) {
		deadline := time.Now().Add(3 * time.Minute)
		for {
			err := p.Handle(ctx, e)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s v%d of %s not projected within 3 minutes: %v", e.Type, e.Version, e.AggregateID, err)
			}
			if retries.Add(1) <= 5 {
				t.Logf("projection retried: %v", err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	project := func(from, to int) {
		for i := from; i < to; i++ {
			handle(event(events.PlanCreated, planIDs[i], 1, nil, plans[i]))
		}
	}

	searches := startSearching(t, searcher, planIDs)
	project(0, 20)

	victim := enginetest.PrimaryNode(t, client, index)
	enginetest.Node(t, urls, "kill", victim)
	project(20, 40)
	// Patches of plans projected before the loss: their primary was on the lost node.
	for i := range 10 {
		handle(event(events.PlanPatched, planIDs[i], 2, plans[i], exampleplan.WithoutSecondService(t, plans[i])))
	}
	enginetest.Node(t, urls, "start", victim)
	project(40, 50)
	ok, failed := searches.stop()
	t.Logf("searches during the test: %d answered, %d failed; projections retried %d times", ok, failed, retries.Load())
	if failed > 0 {
		t.Errorf("%d of %d searches failed while a node was lost, want none; first: %v", failed, ok+failed, searches.firstErrors())
	}

	enginetest.WaitClusterGreen(t, client, len(urls))
	if err := Refresh(ctx, client, projections.Alias); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, id := range planIDs {
		objects := examplePlanIDs
		if i < 10 {
			objects = patchedPlanIDs
		}
		suffix := strings.TrimPrefix(id, planID)
		for _, o := range objects {
			want = append(want, o+suffix)
		}
	}
	got := searchIDs(t, client, run)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("after the node came back: %d documents of this run, want %d (each exactly once)\n got %v\nwant %v", len(got), len(want), got, want)
	}
}

// searchLoop runs searches through the query side's Searcher until stopped.
type searchLoop struct {
	stopCh   chan struct{}
	done     sync.WaitGroup
	ok, fail atomic.Int64
	mu       sync.Mutex
	errs     []error
}

func startSearching(t *testing.T, s *search.Searcher, planIDs []string) *searchLoop {
	t.Helper()
	ids, _ := json.Marshal(planIDs)
	req, err := search.ParseRequest([]byte(`{"size":10,"query":{"bool":{"filter":[{"term":{"objectType":"plan"}},{"ids":{"values":` + string(ids) + `}}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	l := &searchLoop{stopCh: make(chan struct{})}
	l.done.Add(1)
	go func() {
		defer l.done.Done()
		for {
			select {
			case <-l.stopCh:
				return
			case <-time.After(50 * time.Millisecond):
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			_, err := s.Search(ctx, req)
			cancel()
			if err == nil {
				l.ok.Add(1)
				continue
			}
			l.fail.Add(1)
			l.mu.Lock()
			if len(l.errs) < 5 {
				l.errs = append(l.errs, err)
			}
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *searchLoop) stop() (ok, failed int64) {
	close(l.stopCh)
	l.done.Wait()
	return l.ok.Load(), l.fail.Load()
}

func (l *searchLoop) firstErrors() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.errs)
}

// searchIDs returns the sorted ids of every document of this run behind the alias,
// duplicates included.
func searchIDs(t *testing.T, client *elasticsearch.Client, run string) []string {
	t.Helper()
	api := client.Search
	body := `{"size":1000,"query":{"wildcard":{"objectId":"*-` + run + `-*"}}}`
	res, err := api(api.WithContext(context.Background()), api.WithIndex(projections.Alias), api.WithBody(strings.NewReader(body)))
	answer, err := do("search", res, err)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := enginetest.DecodeAnswer(answer)
	if err != nil {
		t.Fatal(err)
	}
	return hits.IDs()
}

func randomSuffix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
