package imports

import (
	"context"
	"log/slog"
	"time"

	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/internal/periodic"
)

// DefaultUploadLease is how long an upload's lease lasts without renewal. The process
// taking an upload renews it every third of this, whatever the client's pace, so only a
// process that stopped (kill -9, a lost host) or lost its job store for this long lets
// it lapse.
const DefaultUploadLease = 30 * time.Second

// UploadSweeper finds jobs whose upload lost its process and ends them: such a job is
// sealed failed ("upload interrupted at line N"), its chunks received before the break
// are still processed and counted, and it ends when they are done. Every process that
// takes uploads or runs a worker sweeps, at start and then periodically, so any of them
// finalises a job whose uploader died; the lease keeps them away from an upload that
// another command API is still receiving.
type UploadSweeper struct {
	Store    Store
	Queue    Queue
	Logger   *slog.Logger
	Interval time.Duration // between sweeps (default half of DefaultUploadLease)
	Now      func() time.Time
}

// Sweep seals every receiving job whose lease ended and queues again its chunks not
// done (a process killed between storing a chunk and queueing it left one unqueued). It
// returns the jobs it sealed.
func (s *UploadSweeper) Sweep(ctx context.Context) ([]string, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	receiving, err := s.Store.Receiving(ctx)
	if err != nil {
		return nil, err
	}
	var sealed []string
	for _, id := range receiving {
		ok, err := s.Store.InterruptUpload(ctx, id, now(), false)
		if err != nil {
			return sealed, err
		}
		if ok {
			sealed = append(sealed, id)
		}
	}
	if len(sealed) == 0 {
		return nil, nil
	}
	pending, err := s.Store.Pending(ctx)
	if err != nil {
		return sealed, err
	}
	// Chunks are queued in order, each right after it is stored: only a job's last chunk
	// can have been stored and never queued. Queue it again if it is not done (a copy
	// handled twice is recorded once, see Worker.line).
	last := map[string]ChunkRef{}
	for _, ref := range pending {
		if l, ok := last[ref.Job]; !ok || ref.Index > l.Index {
			last[ref.Job] = ref
		}
	}
	for _, id := range sealed {
		j, err := s.Store.Job(ctx, id)
		if err != nil {
			return sealed, err
		}
		if ref, ok := last[id]; ok && ref.Index == j.Chunks-1 {
			if err := s.Queue.Publish(ctx, ref); err != nil {
				return sealed, err
			}
		}
	}
	return sealed, nil
}

// Run sweeps now and then every Interval until ctx ends; a failed sweep is logged and
// tried again at the next.
func (s *UploadSweeper) Run(ctx context.Context) {
	sweep := func() {
		sealed, err := s.Sweep(ctx)
		if err != nil && ctx.Err() == nil {
			s.Logger.Warn("import upload sweep failed", slog.Any("err", err))
		}
		for _, id := range sealed {
			s.Logger.Warn("import upload interrupted: its uploader stopped; the job ends failed once the lines received are done", slog.String("job", id))
		}
	}
	sweep()
	periodic.Every(ctx, defaults.Positive(s.Interval, DefaultUploadLease/2), sweep)
}
