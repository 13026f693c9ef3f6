package imports_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/imports/importtest"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/testenv"
)

// redisTestDB is this package's database on the test Redis.
const redisTestDB = 6

// eventStore is what the handlers need.
type eventStore interface {
	commands.EventStore
	queries.PlanStore
}

// rig is one deployment: an event store, a job store, a queue and n workers.
type rig struct {
	store   eventStore
	jobs    imports.Store
	queue   imports.Queue
	ingest  *imports.Ingester
	workers []*imports.Worker
	create  *commands.CreatePlanHandler
}

func newRig(t *testing.T, store eventStore, jobs imports.Store, queues []imports.Queue) *rig {
	t.Helper()
	metrics, err := imports.NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	create, _ := commands.NewCreatePlanHandler(store)
	upsert, _ := commands.NewUpsertPlanHandler(store)
	plans, _ := queries.NewPlans(store)
	r := &rig{store: store, jobs: jobs, queue: queues[0], create: create}
	r.ingest, err = imports.NewIngester(imports.IngesterConfig{
		Store: jobs, Queue: queues[0], Metrics: metrics, MaxLineBytes: 1 << 20, ChunkLines: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queues {
		w, err := imports.NewWorker(imports.WorkerConfig{
			Store: jobs, Queue: q, Create: create, Upsert: upsert, History: plans,
			Logger: testenv.Logger(t, 0), Metrics: metrics,
		})
		if err != nil {
			t.Fatal(err)
		}
		r.workers = append(r.workers, w)
	}
	return r
}

func (r *rig) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, w := range r.workers {
		wg.Add(1)
		go func() { defer wg.Done(); _ = w.Run(ctx) }()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
}

var (
	callerAccess = tenancy.ForOrgs("example.com", "example.com") // the test plans are example.com's
	caller       = auth.Principal{Subject: "importer", Scopes: []string{auth.ScopeWrite}, Orgs: []string{"example.com"}, Access: callerAccess}
)

// asCaller is a context of the caller, as a request of theirs has.
func asCaller() context.Context { return auth.WithPrincipal(context.Background(), caller) }

func (r *rig) seed(t *testing.T, exp importtest.Expected) {
	t.Helper()
	for _, s := range exp.Seeds {
		doc, err := plan.DecodeChecked([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.create.Handle(asCaller(), commands.CreatePlan{Plan: doc}); err != nil {
			t.Fatal(err)
		}
	}
}

func (r *rig) waitFinal(t *testing.T, id string) imports.Job {
	t.Helper()
	var j imports.Job
	testenv.WaitFor(t, 2*time.Minute, "the import to finish", func() bool {
		var err error
		if j, err = r.jobs.Job(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		return j.State.Final()
	})
	return j
}

// checkImport imports lines with 1 % invalid and 1 % conflicts and checks counts and
// the error list exactly.
func checkImport(t *testing.T, r *rig, lines int) {
	t.Helper()
	var body bytes.Buffer
	exp, err := importtest.Write(&body, importtest.Mix{Prefix: "p" + fmt.Sprint(time.Now().UnixNano()), Lines: lines, InvalidEvery: 100, ConflictEvery: 100})
	if err != nil {
		t.Fatal(err)
	}
	r.seed(t, exp)
	job, err := r.ingest.Ingest(context.Background(), imports.Request{Body: &body, Mode: imports.ModeCreate, Principal: caller, Access: callerAccess, CorrelationID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if job.Lines != int64(lines) {
		t.Fatalf("lines received = %d, want %d", job.Lines, lines)
	}
	final := r.waitFinal(t, job.ID)
	want := imports.Counts{imports.OutcomeCreated: int64(exp.Created), imports.OutcomeInvalid: int64(exp.Invalid), imports.OutcomeConflict: int64(exp.Conflict)}
	if final.State != imports.StateSucceeded || fmt.Sprint(final.Counts) != fmt.Sprint(want) {
		t.Fatalf("job = %s %v, want succeeded %v", final.State, final.Counts, want)
	}
	checkErrors(t, r.jobs, job.ID, exp)
}

func checkErrors(t *testing.T, jobs imports.Store, id string, exp importtest.Expected) {
	t.Helper()
	var out bytes.Buffer
	if err := jobs.WriteErrors(context.Background(), id, &out); err != nil {
		t.Fatal(err)
	}
	var invalid, conflict []int
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e imports.LineError
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("error line %q: %v", l, err)
		}
		switch e.Outcome {
		case imports.OutcomeInvalid:
			if len(e.Errors) != 1 || e.Errors[0].Path != "linkedPlanServices[0].planserviceCostShares.copay" {
				t.Fatalf("invalid line %d: errors %+v", e.Line, e.Errors)
			}
			invalid = append(invalid, int(e.Line))
		case imports.OutcomeConflict:
			conflict = append(conflict, int(e.Line))
		}
	}
	if fmt.Sprint(invalid) != fmt.Sprint(exp.InvalidLines) || fmt.Sprint(conflict) != fmt.Sprint(exp.ConflictLines) {
		t.Fatalf("errors list invalid %v conflict %v, want %v and %v", invalid, conflict, exp.InvalidLines, exp.ConflictLines)
	}
}

func embeddedRig(t *testing.T, workers int) *rig {
	dir := t.TempDir()
	store := testenv.BoltStoreIn(t, dir)
	jobs, err := imports.OpenBoltStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobs.Close() })
	q := imports.NewMemoryQueue()
	queues := make([]imports.Queue, workers)
	for i := range queues {
		queues[i] = q
	}
	return newRig(t, store, jobs, queues)
}

func TestImportEmbeddedTwoWorkersExactCounts(t *testing.T) {
	r := embeddedRig(t, 2)
	r.run(t)
	checkImport(t, r, 2000)
}

func TestImportRedisRabbitTwoWorkersExactCounts(t *testing.T) {
	client := testenv.Redis(t, redisTestDB)
	store, err := redisstore.New(context.Background(), client, testenv.PlanCodec(t))
	if err != nil {
		t.Fatal(err)
	}
	vhost := testenv.Vhost(t)
	var queues []imports.Queue
	for range 2 {
		q, err := imports.NewAMQPQueue(context.Background(), vhost, "classic", testenv.Logger(t, 0))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Close() })
		queues = append(queues, q)
	}
	r := newRig(t, store, imports.NewRedisStore(client, ""), queues)
	r.run(t)
	checkImport(t, r, 2000)
}

// A chunk handed out again after its worker died mid-chunk: some of its lines were
// committed (their events carry the line's causation id), none recorded. The redelivery
// counts them as created, not as conflicts with themselves, and recording twice adds
// nothing.
func TestRedeliveredChunkCountsCommittedLinesOnce(t *testing.T) {
	r := embeddedRig(t, 1)
	var body bytes.Buffer
	exp, _ := importtest.Write(&body, importtest.Mix{Prefix: "redo", Lines: 250, InvalidEvery: 10})
	lines := strings.Split(strings.TrimSpace(body.String()), "\n")
	job, err := r.ingest.Ingest(context.Background(), imports.Request{Body: &body, Mode: imports.ModeCreate, Principal: caller, Access: callerAccess})
	if err != nil {
		t.Fatal(err)
	}
	// The crashed attempt: chunk 0 begun, its first 40 lines written, nothing recorded.
	ref := imports.ChunkRef{Job: job.ID, Index: 0}
	if _, err := r.jobs.BeginChunk(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		doc, err := plan.DecodeChecked([]byte(lines[i]))
		if err != nil {
			continue // an invalid line writes nothing
		}
		meta := commands.Metadata{Actor: caller.Subject, CausationID: fmt.Sprintf("import:%s:line:%d", job.ID, i+1)}
		if _, err := r.create.Handle(asCaller(), commands.CreatePlan{Plan: doc, Meta: meta}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range job.Chunks {
		ref := imports.ChunkRef{Job: job.ID, Index: i}
		for range 2 { // the second delivery finds the chunk done
			if err := r.workers[0].HandleChunk(context.Background(), ref); err != nil {
				t.Fatal(err)
			}
		}
	}
	final := r.waitFinal(t, job.ID)
	want := imports.Counts{imports.OutcomeCreated: int64(exp.Created), imports.OutcomeInvalid: int64(exp.Invalid)}
	if final.State != imports.StateSucceeded || fmt.Sprint(final.Counts) != fmt.Sprint(want) {
		t.Fatalf("job = %s %v, want succeeded %v", final.State, final.Counts, want)
	}
	evs, err := r.store.Events(context.Background(), "redo-1")
	if err != nil || len(evs) != 1 {
		t.Fatalf("plan redo-1 has %d events (%v), want 1", len(evs), err)
	}
}

func TestUpsertOutcomes(t *testing.T) {
	r := embeddedRig(t, 1)
	r.run(t)
	first := importtest.Plan("up-1", "up-1", 0) + "\n" + importtest.Plan("up-2", "up-2", 0) + "\n"
	job, err := r.ingest.Ingest(context.Background(), imports.Request{Body: strings.NewReader(first), Mode: imports.ModeUpsert, Principal: caller, Access: callerAccess})
	if err != nil {
		t.Fatal(err)
	}
	if j := r.waitFinal(t, job.ID); j.Counts[imports.OutcomeCreated] != 2 {
		t.Fatalf("first upsert: %v", j.Counts)
	}
	second := importtest.Plan("up-1", "up-1", 0) + "\n\n" + importtest.Plan("up-2", "up-2", 7) + "\n" + importtest.Plan("up-3", "up-1", 0) + "\n"
	job, err = r.ingest.Ingest(context.Background(), imports.Request{Body: strings.NewReader(second), Mode: imports.ModeUpsert, Principal: caller, Access: callerAccess})
	if err != nil {
		t.Fatal(err)
	}
	j := r.waitFinal(t, job.ID)
	want := imports.Counts{imports.OutcomeUnchanged: 1, imports.OutcomeReplaced: 1, imports.OutcomeConflict: 1}
	if fmt.Sprint(j.Counts) != fmt.Sprint(want) || j.Lines != 3 {
		t.Fatalf("second upsert: %d lines %v, want 3 %v", j.Lines, j.Counts, want)
	}
	var out bytes.Buffer
	_ = r.jobs.WriteErrors(context.Background(), job.ID, &out)
	if !strings.Contains(out.String(), `"line":4`) {
		t.Fatalf("errors %s: want the conflict on line 4 (the blank line 2 keeps its number)", out.String())
	}
	evs, _ := r.store.Events(context.Background(), "up-2")
	if len(evs) != 2 || evs[1].Type != events.PlanReplaced || evs[1].Actor != "importer" {
		t.Fatalf("up-2 events: %+v", evs)
	}
}

func TestCancelSkipsTheRest(t *testing.T) {
	r := embeddedRig(t, 1) // no worker runs: the chunks wait
	var body bytes.Buffer
	_, _ = importtest.Write(&body, importtest.Mix{Prefix: "cancel", Lines: 300})
	job, err := r.ingest.Ingest(context.Background(), imports.Request{Body: &body, Mode: imports.ModeCreate, Principal: caller, Access: callerAccess})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.jobs.Cancel(context.Background(), job.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	r.run(t)
	testenv.WaitFor(t, time.Minute, "the queue to drain", func() bool { return r.queue.(*imports.MemoryQueue).Len() == 0 })
	j, _ := r.jobs.Job(context.Background(), job.ID)
	if j.State != imports.StateCancelled || j.Processed() != 0 {
		t.Fatalf("cancelled job: %s %v", j.State, j.Counts)
	}
	if _, err := r.store.Load(context.Background(), "cancel-1"); err == nil {
		t.Fatal("a cancelled job's line was imported")
	}
	if _, err := r.jobs.Cancel(context.Background(), job.ID, time.Now()); err == nil {
		t.Fatal("cancelling twice: want ErrJobFinished")
	}
}

// Two organisations import the same objectIds: each gets its own plans (objectIds are
// unique per organisation), and a line of an organisation the caller does not hold is
// invalid, naming the _org path.
func TestTwoOrganisationsImportTheSameObjectIDs(t *testing.T) {
	r := embeddedRig(t, 1)
	r.run(t)
	orgPlan := func(org string) string {
		return strings.ReplaceAll(importtest.Plan("shared-1", "shared-1", 0), `"example.com"`, `"`+org+`"`)
	}
	for _, org := range []string{"a.org", "b.org"} {
		access := tenancy.ForOrgs("example.com", org)
		p := auth.Principal{Subject: "importer-" + org, Scopes: []string{auth.ScopeWrite}, Orgs: []string{org}, Access: access}
		other := map[string]string{"a.org": "b.org", "b.org": "a.org"}[org]
		body := orgPlan(org) + "\n" + strings.ReplaceAll(orgPlan(other), "shared-1", "foreign-1") + "\n"
		job, err := r.ingest.Ingest(context.Background(), imports.Request{Body: strings.NewReader(body), Mode: imports.ModeCreate, Principal: p, Access: access})
		if err != nil {
			t.Fatal(err)
		}
		j := r.waitFinal(t, job.ID)
		want := imports.Counts{imports.OutcomeCreated: 1, imports.OutcomeInvalid: 1}
		if fmt.Sprint(j.Counts) != fmt.Sprint(want) {
			t.Fatalf("%s: %v, want %v", org, j.Counts, want)
		}
		var out bytes.Buffer
		_ = r.jobs.WriteErrors(context.Background(), job.ID, &out)
		if !strings.Contains(out.String(), `"line":2`) || !strings.Contains(out.String(), `"path":"_org"`) {
			t.Fatalf("%s: errors %s, want line 2 refused at _org", org, out.String())
		}
	}
}

// An upload cut off by a crash of the embedded server leaves a job receiving; at the
// next start Resume seals it failed and still imports the chunks it had stored.
func TestResumeEndsAnUploadCutOffByACrash(t *testing.T) {
	r := embeddedRig(t, 1)
	ctx := context.Background()
	job := imports.Job{ID: "cut-off", Mode: imports.ModeCreate, Principal: caller, Access: callerAccess, Created: time.Now()}
	if err := r.jobs.CreateJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	data := importtest.Plan("cut-1", "cut-1", 0) + "\n"
	if err := r.jobs.AddChunk(ctx, imports.Chunk{Job: job.ID, FirstLine: 1, Data: []byte(data)}, 1); err != nil {
		t.Fatal(err)
	}
	if n, err := r.workers[0].Resume(ctx); err != nil || n != 1 {
		t.Fatalf("resume: %d chunks, %v", n, err)
	}
	r.run(t)
	j := r.waitFinal(t, job.ID)
	if j.State != imports.StateFailed || j.Counts[imports.OutcomeCreated] != 1 || !strings.Contains(j.Error, "interrupted") {
		t.Fatalf("job %s %v %q, want failed with the stored line created", j.State, j.Counts, j.Error)
	}
}
