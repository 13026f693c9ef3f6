package imports

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
)

// The command and query handlers a worker calls, declared here where they are used:
// every line goes through the same handlers as POST /v1/plans, as the job's caller.
type (
	planCreator interface {
		Handle(context.Context, commands.CreatePlan) (commands.Result, error)
	}
	planUpserter interface {
		Handle(context.Context, commands.UpsertPlan) (commands.UpsertResult, error)
	}
	planHistory interface {
		History(ctx context.Context, planID string) ([]events.Envelope, error)
	}
)

// Defaults of a worker: chunks at once, and lines at once within a chunk. Many writes in
// flight is what lets the embedded store group-commit them and Redis pipeline them.
const (
	DefaultPrefetch         = 4
	DefaultLineConcurrency  = 32
	causationPrefix         = "import:"
	causationLineSeparator  = ":line:"
	DefaultChunkLines       = 500
	defaultCompleteAttempts = 5
)

// WorkerConfig wires a worker.
type WorkerConfig struct {
	Store           Store
	Queue           Queue
	Create          planCreator
	Upsert          planUpserter
	History         planHistory
	Logger          *slog.Logger
	Metrics         *Metrics
	Prefetch        int // chunks at once (default DefaultPrefetch)
	LineConcurrency int // lines at once per chunk (default DefaultLineConcurrency)
	Now             func() time.Time
}

// Worker processes chunks from the queue. Several workers (processes) may consume one
// queue; each chunk's result is recorded once whichever of them finishes it.
type Worker struct{ cfg WorkerConfig }

// NewWorker checks the configuration.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	if cfg.Store == nil || cfg.Queue == nil || cfg.Create == nil || cfg.Upsert == nil || cfg.History == nil || cfg.Logger == nil || cfg.Metrics == nil {
		return nil, errors.New("imports: worker needs a store, a queue, the handlers, a logger and metrics")
	}
	cfg.Prefetch = defaults.Positive(cfg.Prefetch, DefaultPrefetch)
	cfg.LineConcurrency = defaults.Positive(cfg.LineConcurrency, DefaultLineConcurrency)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Worker{cfg: cfg}, nil
}

// Run consumes chunks until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	return w.cfg.Queue.Consume(ctx, w.cfg.Prefetch, w.HandleChunk)
}

// Resume re-publishes the chunks not done of unfinished jobs: for a queue that loses
// its messages with the process (the in-process one), at start-up, before Run. That
// process is the only one taking uploads, so a job still receiving lost its upload with
// the last process: it is sealed as failed, its chunks received before still imported.
func (w *Worker) Resume(ctx context.Context) (int, error) {
	receiving, err := w.cfg.Store.Receiving(ctx)
	if err != nil {
		return 0, err
	}
	for _, id := range receiving {
		if _, err := w.cfg.Store.InterruptUpload(ctx, id, w.cfg.Now(), true); err != nil {
			return 0, err
		}
	}
	refs, err := w.cfg.Store.Pending(ctx)
	if err != nil {
		return 0, err
	}
	for _, ref := range refs {
		if err := w.cfg.Queue.Publish(ctx, ref); err != nil {
			return 0, err
		}
	}
	return len(refs), nil
}

// HandleChunk processes one chunk and records its result. An error means nothing was
// recorded and the chunk should be handed out again.
func (w *Worker) HandleChunk(ctx context.Context, ref ChunkRef) error {
	m := w.cfg.Metrics
	m.inProgress.Inc()
	defer m.inProgress.Dec()
	job, err := w.cfg.Store.Job(ctx, ref.Job)
	if errors.Is(err, ErrJobNotFound) {
		m.chunks.WithLabelValues("skipped").Inc()
		return nil // expired or never stored: nothing to do
	}
	if err != nil {
		m.chunks.WithLabelValues("retried").Inc()
		return err
	}
	chunk, found, err := w.cfg.Store.Chunk(ctx, ref)
	if err != nil {
		m.chunks.WithLabelValues("retried").Inc()
		return err
	}
	if !found {
		m.chunks.WithLabelValues("skipped").Inc()
		return nil // done already (a redelivery after its result was recorded)
	}
	if job.State == StateCancelled {
		m.chunks.WithLabelValues("skipped").Inc()
		return w.cfg.Store.CompleteChunk(ctx, ref, ChunkResult{Counts: Counts{}}, w.cfg.Now())
	}
	begun, err := w.cfg.Store.BeginChunk(ctx, ref)
	if err != nil {
		m.chunks.WithLabelValues("retried").Inc()
		return err
	}
	result, err := w.process(ctx, job, chunk, begun > 0)
	if err != nil {
		m.chunks.WithLabelValues("retried").Inc()
		w.cfg.Logger.Warn("import chunk will be retried", slog.String("job", ref.Job),
			slog.Int("chunk", ref.Index), slog.Any("error", err))
		return err
	}
	if err := w.cfg.Store.CompleteChunk(ctx, ref, result, w.cfg.Now()); err != nil {
		m.chunks.WithLabelValues("retried").Inc()
		return err
	}
	for o, n := range result.Counts {
		m.lines.WithLabelValues(string(o)).Add(float64(n))
	}
	m.chunks.WithLabelValues("done").Inc()
	return nil
}

// lineResult is one line's outcome.
type lineResult struct {
	outcome Outcome
	failure *LineError
}

// process runs every line of the chunk; recovering says an earlier attempt may have
// written some of them.
func (w *Worker) process(ctx context.Context, job Job, c Chunk, recovering bool) (ChunkResult, error) {
	lines := splitLines(c.Data)
	results := make([]lineResult, len(lines))
	// As the caller's request: its principal, and its access (narrowed by ?org= if it
	// was), which the command layer confines every write to.
	ctx = tenancy.WithAccess(auth.WithPrincipal(ctx, job.Principal), job.Access)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	slots := make(chan struct{}, w.cfg.LineConcurrency)
	for i, raw := range lines {
		if len(raw) == 0 {
			continue
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			r, err := w.line(ctx, job, c.FirstLine+int64(i), raw, recovering)
			if err != nil {
				cancel(err)
				return
			}
			results[i] = r
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return ChunkResult{}, err
	}
	out := ChunkResult{Counts: Counts{}}
	for _, r := range results {
		if r.outcome == "" {
			continue // a blank line
		}
		out.Counts[r.outcome]++
		if r.failure != nil {
			out.Errors = append(out.Errors, *r.failure)
		}
	}
	return out, nil
}

// splitLines cuts the chunk at '\n', dropping a '\r' before it; blank lines stay, empty.
func splitLines(data []byte) [][]byte {
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimSpace(l)
	}
	return lines
}

// causationID names a job's line in the event it writes.
func causationID(jobID string, line int64) string {
	return causationPrefix + jobID + causationLineSeparator + strconv.FormatInt(line, 10)
}

// line decides one line. An error is transient (the store unavailable): the chunk is
// retried; everything about the line itself is an outcome.
func (w *Worker) line(ctx context.Context, job Job, lineNo int64, raw []byte, recovering bool) (lineResult, error) {
	r, err := w.decide(ctx, job, lineNo, raw, recovering)
	mayBeOwnWrite := r.outcome == OutcomeConflict || (recovering && r.outcome == OutcomeUnchanged)
	if err != nil || !mayBeOwnWrite {
		return r, err
	}
	// The same chunk may be handled twice at once (queued again after its uploader died
	// between storing and queueing it, see UploadSweeper): the plan that is "taken" or
	// "unchanged" may be this very line's write by the other attempt. Such a line
	// decoded, or it would be invalid.
	doc, err := plan.Decode(raw)
	if err != nil {
		return r, err
	}
	if o, found, err := w.recorded(ctx, doc.ObjectID, causationID(job.ID, lineNo)); err != nil || found {
		return lineResult{outcome: o}, err
	}
	return r, nil
}

func (w *Worker) decide(ctx context.Context, job Job, lineNo int64, raw []byte, recovering bool) (lineResult, error) {
	doc, err := plan.DecodeChecked(raw)
	if err != nil {
		return w.failed(lineNo, err)
	}
	meta := commands.Metadata{Actor: job.Principal.Subject, CorrelationID: job.CorrelationID, CausationID: causationID(job.ID, lineNo)}
	if recovering {
		if o, found, err := w.recorded(ctx, doc.ObjectID(), meta.CausationID); err != nil || found {
			return lineResult{outcome: o}, err
		}
	}
	if job.Mode == ModeUpsert {
		res, err := w.cfg.Upsert.Handle(ctx, commands.UpsertPlan{Plan: doc, Meta: meta})
		switch {
		case errors.Is(err, commands.ErrUnchanged):
			return lineResult{outcome: OutcomeUnchanged}, nil
		case err != nil:
			return w.failed(lineNo, err)
		case res.Created:
			return lineResult{outcome: OutcomeCreated}, nil
		default:
			return lineResult{outcome: OutcomeReplaced}, nil
		}
	}
	if _, err := w.cfg.Create.Handle(ctx, commands.CreatePlan{Plan: doc, Meta: meta}); err != nil {
		return w.failed(lineNo, err)
	}
	return lineResult{outcome: OutcomeCreated}, nil
}

// recorded looks in the plan's history for the event this very line wrote on an earlier
// attempt: a write that committed before its worker died must count as done, not as a
// conflict with itself.
func (w *Worker) recorded(ctx context.Context, planID, causation string) (Outcome, bool, error) {
	evs, err := w.cfg.History.History(ctx, planID)
	if errors.Is(err, events.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("history of plan %s: %w", planID, err)
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].CausationID != causation {
			continue
		}
		if evs[i].Type == events.PlanCreated {
			return OutcomeCreated, true, nil
		}
		return OutcomeReplaced, true, nil
	}
	return "", false, nil
}

// failed turns a command's error into the line's outcome, or returns it when it is no
// fault of the line (a store that is unavailable, a full disk).
func (w *Worker) failed(lineNo int64, err error) (lineResult, error) {
	var validation *plan.ValidationError
	var taken *events.ObjectIDTakenError
	var org *tenancy.OrgError
	switch {
	case errors.As(err, &org):
		// An organisation the caller does not hold, or a plan whose objects name several:
		// what the caller's POST would get as 403 or 422 is the line's fault here.
		return lineResult{outcome: OutcomeInvalid, failure: &LineError{Line: lineNo, Outcome: OutcomeInvalid,
			Detail: err.Error(), Errors: []FieldError{{Path: org.Path, Message: org.Reason}}}}, nil
	case errors.As(err, &validation):
		le := &LineError{Line: lineNo, Outcome: OutcomeInvalid, Detail: fmt.Sprintf("%d problem(s) found", len(validation.Problems))}
		for _, p := range validation.Problems {
			le.Errors = append(le.Errors, FieldError{Path: p.Path, Message: p.Message})
		}
		return lineResult{outcome: OutcomeInvalid, failure: le}, nil
	case errors.As(err, &taken):
		return lineResult{outcome: OutcomeConflict, failure: &LineError{Line: lineNo, Outcome: OutcomeConflict,
			Detail: fmt.Sprintf("objectId %q belongs to plan %q", taken.ObjectID, taken.Owner)}}, nil
	case errors.Is(err, plan.ErrAlreadyExists):
		return lineResult{outcome: OutcomeConflict, failure: &LineError{Line: lineNo, Outcome: OutcomeConflict,
			Detail: "the plan already exists (import with mode=upsert to replace it)"}}, nil
	}
	return lineResult{}, fmt.Errorf("line %d: %w", lineNo, err)
}
