package replay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Replayer rebuilds the read model, as background jobs (Start, Status: the admin API)
// or synchronously (Run: the CLI). One replay runs at a time: in this process, and
// through the lock in Elasticsearch (lock.go) across processes.
type Replayer struct {
	cfg Config

	// base ends background jobs on Close; a job must outlive the HTTP request that
	// started it.
	base context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu       sync.Mutex // guards everything below
	closed   bool
	running  *progress
	jobs     map[string]*progress
	finished []string // ids of finished jobs, oldest first
}

// New checks the configuration; nothing is contacted until a replay starts.
func New(cfg Config) (*Replayer, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	base, stop := context.WithCancel(context.Background())
	return &Replayer{cfg: cfg, base: base, stop: stop, jobs: map[string]*progress{}}, nil
}

// Start takes the lock and begins a replay in the background, returning its job id at
// once. It fails with an error wrapping ErrReplayRunning while a replay runs anywhere.
// The job keeps ctx's values but not its cancellation: it runs until it ends or the
// Replayer is closed.
func (r *Replayer) Start(ctx context.Context) (string, error) {
	prog, lock, err := r.begin(ctx)
	if err != nil {
		return "", err
	}
	jobCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopWithReplayer := context.AfterFunc(r.base, cancel)
	r.wg.Go(func() {
		defer cancel()
		defer stopWithReplayer()
		r.finish(prog, lock, r.rebuild(jobCtx, prog, lock))
	})
	return prog.id, nil
}

// Status describes a job: a Status value, whether the job has ended, and whether the id
// is known (the last KeepJobs finished jobs and the running one are).
func (r *Replayer) Status(jobID string) (status any, done bool, found bool) {
	r.mu.Lock()
	prog, found := r.jobs[jobID]
	r.mu.Unlock()
	if !found {
		return nil, false, false
	}
	s := prog.status()
	return s, s.Done(), true
}

// Run replays synchronously, calling progress every ProgressInterval and once more with
// the final status. Cancelling ctx stops the replay and deletes the unfinished index;
// the alias is never moved to an incomplete index.
func (r *Replayer) Run(ctx context.Context, progress func(Status)) (Status, error) {
	prog, lock, err := r.begin(ctx)
	if err != nil {
		return Status{}, err
	}
	reported := make(chan struct{})
	stopReporting := make(chan struct{})
	go func() {
		defer close(reported)
		if progress == nil {
			return
		}
		t := time.NewTicker(r.cfg.ProgressInterval)
		defer t.Stop()
		for {
			select {
			case <-stopReporting:
				return
			case <-t.C:
				progress(prog.status())
			}
		}
	}()
	err = r.rebuild(ctx, prog, lock)
	r.finish(prog, lock, err)
	close(stopReporting)
	<-reported
	status := prog.status()
	if progress != nil {
		progress(status)
	}
	return status, err
}

// Close cancels a background replay (its unfinished index is deleted) and waits for it.
func (r *Replayer) Close() error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.stop()
	r.wg.Wait()
	return nil
}

// begin registers a job and takes the locks: the process's, then the cluster's.
func (r *Replayer) begin(ctx context.Context) (*progress, *clusterLock, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, nil, fmt.Errorf("replay: job id: %w", err)
	}
	prog := newProgress(id.String(), r.cfg.Now)
	r.mu.Lock()
	switch {
	case r.closed:
		r.mu.Unlock()
		return nil, nil, errors.New("replay: replayer is closed")
	case r.running != nil:
		running := r.running.id
		r.mu.Unlock()
		return nil, nil, fmt.Errorf("%w: job %s", ErrReplayRunning, running)
	}
	r.running = prog
	r.mu.Unlock()

	lock, err := acquireLock(ctx, r.cfg.Client, r.cfg.Alias, r.cfg.Owner, prog.id, r.cfg.LockTTL, r.cfg.Now)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.running = nil
		return nil, nil, err
	}
	r.jobs[prog.id] = prog
	r.cfg.Logger.Info("replay: started", slog.String("job", prog.id), slog.String("owner", r.cfg.Owner))
	return prog, lock, nil
}

// finish records the outcome, releases the locks and forgets the oldest finished jobs.
func (r *Replayer) finish(prog *progress, lock *clusterLock, err error) {
	if rerr := lock.release(r.base); rerr != nil {
		r.cfg.Logger.Warn("replay: could not release the lock; it expires by itself", slog.String("job", prog.id), slog.Any("error", rerr))
	}
	prog.finish(err)
	r.releaseMappedLog(prog.id)
	s := prog.status()
	attrs := []any{slog.String("job", prog.id), slog.String("state", string(s.State)), slog.Int64("events", s.EventsRead),
		slog.Int64("documents", s.DocumentsWritten), slog.Int64("plans", s.Plans), slog.String("index", s.IndexTo)}
	if err != nil {
		r.cfg.Logger.Error("replay: failed", append(attrs, slog.Any("error", err))...)
	} else {
		r.cfg.Logger.Info("replay: done", attrs...)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running = nil
	r.finished = append(r.finished, prog.id)
	for len(r.finished) > r.cfg.KeepJobs {
		delete(r.jobs, r.finished[0])
		r.finished = r.finished[1:]
	}
}

// releaseMappedLog drops the pages the replay read from a memory-mapped log (MappedLog).
func (r *Replayer) releaseMappedLog(jobID string) {
	mapped, ok := r.cfg.Log.(MappedLog)
	if !ok {
		return
	}
	if err := mapped.ReleaseMappedPages(); err != nil {
		r.cfg.Logger.Warn("replay: could not release the event log's mapped pages; they stay counted in RSS",
			slog.String("job", jobID), slog.Any("error", err))
	}
}
