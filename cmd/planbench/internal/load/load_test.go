package load

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/client"
	"github.com/planstore/planstore/cmd/planbench/internal/plangen"
	"github.com/planstore/planstore/cmd/planbench/internal/progress"
)

func newTestClient(t *testing.T, url string) *client.Client {
	t.Helper()
	c, err := client.New(client.Options{BaseURL: url, Token: "test-token", Conns: 8, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func newTestGen(t *testing.T) *plangen.Generator {
	t.Helper()
	g, err := plangen.New(plangen.NewRunID())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestParseMix(t *testing.T) {
	m, err := ParseMix("create=40, patch=20,read=30,search=10")
	if err != nil {
		t.Fatal(err)
	}
	if m.String() != "create=40,read=30,patch=20,search=10" {
		t.Errorf("String() = %q", m.String())
	}
	for _, bad := range []string{"", "create=0", "fly=1", "create", "create=-1", "create=1,create=2", "read=x"} {
		if _, err := ParseMix(bad); err == nil {
			t.Errorf("ParseMix(%q) accepted", bad)
		}
	}
}

func TestMixPicksInProportion(t *testing.T) {
	m, _ := ParseMix("create=1,read=3")
	r := rand.New(rand.NewPCG(1, 1))
	counts := map[string]int{}
	for range 40000 {
		counts[m.Pick(r)]++
	}
	if share := float64(counts[OpRead]) / 40000; share < 0.73 || share > 0.77 {
		t.Fatalf("read share %.3f, want about 0.75 (%v)", share, counts)
	}
	if counts[OpPatch]+counts[OpSearch] != 0 {
		t.Fatalf("picked an operation of weight 0: %v", counts)
	}
}

func TestLookupScenario(t *testing.T) {
	for _, name := range []string{"create-only", "mixed", "read", "search", "lag"} {
		if _, err := LookupScenario(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := LookupScenario("soak"); err == nil || !strings.Contains(err.Error(), "create-only") {
		t.Errorf("unknown scenario: %v", err)
	}
}

// A short mixed run against the fake records every operation, counts 304s and 412s
// apart from errors, and adds its creates to the pool.
func TestRunRecordsEveryOperation(t *testing.T) {
	_, srv := newFakeStore(t, 0)
	c, gen := newTestClient(t, srv.URL), newTestGen(t)
	pool := &Pool{}
	live := &progress.Counters{}
	if _, err := Preload(context.Background(), c, gen, pool, 20, 4, 1, live); err != nil {
		t.Fatal(err)
	}
	mix, _ := ParseMix("create=1,read=2,patch=2")
	measured := false
	res, err := Run(context.Background(), Config{
		Client: c, Gen: gen, Pool: pool, Clients: 8, Warmup: 50 * time.Millisecond, Duration: 300 * time.Millisecond,
		Mix: mix, Seed: 1, Revalidate: 1, Live: live, OnMeasure: func() { measured = true },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !measured {
		t.Error("OnMeasure never ran")
	}
	rows := res.Recorder.Summarize(res.Elapsed)
	byOp := map[string]int64{}
	var notModified, conflicts, errs int64
	for _, r := range rows {
		byOp[r.Op] = r.OK + r.NotModified
		notModified += r.NotModified
		conflicts += r.PreconditionFailed
		errs += r.Errors
	}
	if byOp[OpCreate] == 0 || byOp[OpRead] == 0 || byOp[OpPatch] == 0 {
		t.Fatalf("missing operations: %+v", rows)
	}
	if notModified == 0 {
		t.Error("reads revalidating with the last ETag never got a 304")
	}
	if conflicts == 0 {
		t.Error("8 clients patching 20 plans never raced into a 412")
	}
	if errs != 0 {
		t.Fatalf("errors against a healthy fake: %+v", rows)
	}
	if int64(pool.Len()) != 20+res.Created || res.LastCreate.IsZero() {
		t.Fatalf("pool %d, created %d", pool.Len(), res.Created)
	}
	if res.Elapsed < 300*time.Millisecond || res.Elapsed > time.Second {
		t.Fatalf("elapsed %v for a 300ms window", res.Elapsed)
	}
}

func TestRunStopsWhenInterrupted(t *testing.T) {
	_, srv := newFakeStore(t, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, Config{Client: newTestClient(t, srv.URL), Gen: newTestGen(t), Pool: &Pool{}, Clients: 2,
		Duration: time.Minute, Mix: Only(OpCreate), Live: &progress.Counters{}})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("the run ignored the end of its context")
	}
}

func TestPreloadGivesUpOnARefusedToken(t *testing.T) {
	_, srv := newFakeStore(t, 0)
	c, err := client.New(client.Options{BaseURL: srv.URL, Token: "wrong", Conns: 2, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Preload(context.Background(), c, newTestGen(t), &Pool{}, 1000, 2, 1, &progress.Counters{})
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Fatalf("err = %v, want a preload failure naming the 401", err)
	}
}

// With plans that become searchable 30 ms after their create, the sampled lag is at
// least 30 ms and at most 30 ms plus a few poll intervals, and the drain sees them all.
func TestLagProberAndWaitSearchable(t *testing.T) {
	const delay = 30 * time.Millisecond
	_, srv := newFakeStore(t, delay)
	c, gen := newTestClient(t, srv.URL), newTestGen(t)
	prober := NewLagProber(c, 1, 2*time.Millisecond, 5*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { prober.Run(ctx); close(done) }()

	pool := &Pool{}
	res, err := Run(context.Background(), Config{Client: c, Gen: gen, Pool: pool, Clients: 2,
		Duration: 100 * time.Millisecond, Mix: Only(OpCreate), Lag: prober, Live: &progress.Counters{}})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	prober.Finish(context.Background())
	rep, failure := prober.Report()
	if failure != "" {
		t.Fatal(failure)
	}
	if rep.Sampled != res.Created || rep.Seen != rep.Sampled || rep.NotSeen != 0 {
		t.Fatalf("sampled %d seen %d not seen %d of %d created", rep.Sampled, rep.Seen, rep.NotSeen, res.Created)
	}
	if rep.Latency.P50 < 30 || rep.Latency.Max > 200 {
		t.Fatalf("lag %+v, want 30..200 ms", rep.Latency)
	}

	drain, err := WaitSearchable(context.Background(), c, gen.Org(), 0, int64(pool.Len()), res.LastCreate, 2*time.Millisecond, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if drain.TimedOut || drain.Searchable != int64(pool.Len()) || drain.WithinMs < 0 {
		t.Fatalf("drain %+v", drain)
	}
}

func TestLagProberSamplesAShare(t *testing.T) {
	p := NewLagProber(nil, 0.1, time.Millisecond, time.Second)
	for i := range 100 {
		p.Offer("p"+string(rune('a'+i%26)), time.Now())
	}
	if p.sampled != 10 {
		t.Fatalf("sampled %d of 100 at 0.1", p.sampled)
	}
}
