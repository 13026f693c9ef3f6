package imports_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/imports/importtest"
	"github.com/planstore/planstore/transport/testenv"
)

// An upload whose process died (its lease lapsed) is sealed failed by the sweeper, at
// the line where it broke off, and its stored chunk (never queued: the process died
// between storing and queueing it) is queued again and counted; an upload whose lease
// is alive (another command API still receiving it) is left alone.
func TestSweeperEndsOnlyLapsedUploads(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { checkSweeper(t, embeddedRig(t, 1)) })
	t.Run("redis", func(t *testing.T) {
		client := testenv.Redis(t, redisTestDB)
		store, err := redisstore.New(context.Background(), client, testenv.PlanCodec(t))
		if err != nil {
			t.Fatal(err)
		}
		checkSweeper(t, newRig(t, store, imports.NewRedisStore(client, ""), []imports.Queue{imports.NewMemoryQueue()}))
	})
}

func checkSweeper(t *testing.T, r *rig) {
	ctx := context.Background()
	now := time.Now()
	suffix := fmt.Sprint(now.UnixNano())
	dead := imports.Job{ID: "dead-" + suffix, Mode: imports.ModeCreate, Principal: caller, Access: callerAccess, Created: now, UploadLease: now.Add(-time.Second)}
	alive := imports.Job{ID: "alive-" + suffix, Mode: imports.ModeCreate, Principal: caller, Access: callerAccess, Created: now, UploadLease: now.Add(time.Hour)}
	for _, j := range []imports.Job{dead, alive} {
		if err := r.jobs.CreateJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	var data strings.Builder
	for i := 1; i <= 3; i++ {
		data.WriteString(importtest.Plan(fmt.Sprintf("sweep-%s-%d", suffix, i), fmt.Sprintf("sweep-%s-%d", suffix, i), 1) + "\n")
	}
	if err := r.jobs.AddChunk(ctx, imports.Chunk{Job: dead.ID, FirstLine: 1, Data: []byte(data.String())}, 3); err != nil {
		t.Fatal(err)
	}
	sweeper := &imports.UploadSweeper{Store: r.jobs, Queue: r.queue, Logger: testenv.Logger(t, 0)}
	sealed, err := sweeper.Sweep(ctx)
	if err != nil || fmt.Sprint(sealed) != fmt.Sprint([]string{dead.ID}) {
		t.Fatalf("sweep sealed %v (%v), want only %s", sealed, err, dead.ID)
	}
	err = r.jobs.AddChunk(ctx, imports.Chunk{Job: dead.ID, Index: 1, FirstLine: 4, Data: []byte("{}\n")}, 1)
	if !errors.Is(err, imports.ErrJobFinished) {
		t.Fatalf("a chunk after the seal: %v, want ErrJobFinished", err)
	}
	// The live upload renews; a sweep after its old lease would have lapsed leaves it.
	if err := r.jobs.RenewUpload(ctx, alive.ID, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	late := &imports.UploadSweeper{Store: r.jobs, Queue: r.queue, Logger: testenv.Logger(t, 0), Now: func() time.Time { return now.Add(90 * time.Minute) }}
	if sealed, err := late.Sweep(ctx); err != nil || len(sealed) != 0 {
		t.Fatalf("a sweep within the renewed lease sealed %v (%v)", sealed, err)
	}
	if j, _ := r.jobs.Job(ctx, alive.ID); j.State != imports.StateReceiving {
		t.Fatalf("live upload is %s, want receiving", j.State)
	}
	r.run(t)
	j := r.waitFinal(t, dead.ID)
	if j.State != imports.StateFailed || j.Counts[imports.OutcomeCreated] != 3 || j.Lines != 3 ||
		!strings.HasPrefix(j.Error, "upload interrupted at line 4:") {
		t.Fatalf("lapsed upload: %s %d lines %v %q, want failed, 3 created, interrupted at line 4", j.State, j.Lines, j.Counts, j.Error)
	}
}

// A chunk queued twice (the sweeper queues a dead upload's last chunk again) may run
// twice at once: an attempt that is not recovering meets the plan the other attempt just
// created for the same line, and counts it created, not as a conflict with itself.
func TestConcurrentCopyOfAChunkCountsItsOwnWriteCreated(t *testing.T) {
	r := embeddedRig(t, 1)
	ctx := context.Background()
	job, err := r.ingest.Ingest(ctx, imports.Request{Body: strings.NewReader(importtest.Plan("twice-1", "twice-1", 1) + "\n"),
		Mode: imports.ModeCreate, Principal: caller, Access: callerAccess})
	if err != nil {
		t.Fatal(err)
	}
	// The other attempt's write of line 1, committed before this attempt begins.
	doc, _ := plan.DecodeChecked([]byte(importtest.Plan("twice-1", "twice-1", 1)))
	meta := commands.Metadata{Actor: caller.Subject, CausationID: "import:" + job.ID + ":line:1"}
	if _, err := r.create.Handle(asCaller(), commands.CreatePlan{Plan: doc, Meta: meta}); err != nil {
		t.Fatal(err)
	}
	if err := r.workers[0].HandleChunk(ctx, imports.ChunkRef{Job: job.ID}); err != nil {
		t.Fatal(err)
	}
	j := r.waitFinal(t, job.ID)
	if j.State != imports.StateSucceeded || j.Counts[imports.OutcomeCreated] != 1 || j.Counts[imports.OutcomeConflict] != 0 {
		t.Fatalf("job %s %v, want succeeded with the line created", j.State, j.Counts)
	}
}
