package replay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/planstore/planstore/projections/elastic"
)

// rebuild is one replay, run while holding the lock; doc.go walks through the steps.
func (r *Replayer) rebuild(ctx context.Context, prog *progress, lock *clusterLock) (err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	renewing := make(chan struct{})
	go func() {
		defer close(renewing)
		lock.keepAlive(ctx, cancel)
	}()
	defer func() {
		cancel(nil)
		<-renewing // the lock's state is settled before the caller releases it
	}()
	defer func() {
		// A replay stopped by losing its lock reports that, not "context canceled".
		if err != nil && errors.Is(err, context.Canceled) {
			if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
				err = cause
			}
		}
	}()
	client, log := r.cfg.Client, r.cfg.Logger.With(slog.String("job", prog.id))

	prog.setPhase(PhaseCleaning)
	alias := r.cfg.Alias
	live, err := elastic.AliasIndices(ctx, client, alias)
	if err != nil {
		return err
	}
	if len(live) > 1 {
		return fmt.Errorf("replay: alias %s points to %d indices %v; fix it by hand first", alias, len(live), live)
	}
	orphans, err := deleteOrphans(ctx, client, alias, live)
	if len(orphans) > 0 {
		log.Info("replay: deleted orphan indices of interrupted replays", slog.Any("indices", orphans))
	}
	if err != nil {
		return err
	}
	target := newIndexName(alias, r.cfg.Now(), live)
	total := r.logLength(ctx, log)
	prog.update(func(p *progress) {
		p.orphans = orphans
		if len(live) == 1 {
			p.from = live[0]
		}
		p.to = target
		p.total = total
		p.partitionsTotal = r.cfg.Log.Partitions()
	})
	if err := lock.recordIndex(ctx, target); err != nil {
		return err
	}
	if err := createBulkIndex(ctx, client, target); err != nil {
		return err
	}
	log.Info("replay: building index", slog.String("index", target), slog.String("from", prog.status().IndexFrom), slog.Int64("events", total))

	swapped := false
	defer func() {
		if err != nil && !swapped {
			if derr := dropIndex(ctx, client, alias, target); derr != nil {
				log.Warn("replay: could not delete the unfinished index; the next replay will", slog.String("index", target), slog.Any("error", derr))
			}
		}
	}()

	writer, err := elastic.NewWriter(client, elastic.WriterConfig{
		Index:       target,
		MaxActions:  r.cfg.BulkActions,
		MaxBytes:    r.cfg.BulkBytes,
		MaxInFlight: r.cfg.BulkInFlight,
		Direct:      r.cfg.Direct,
	})
	if err != nil {
		return err
	}
	defer writer.Close()
	c := &copier{log: r.cfg.Log, writer: writer, pageSize: r.cfg.PageSize, readers: r.cfg.Readers, prog: prog, eachEvent: r.cfg.EachEvent}

	prog.setPhase(PhaseCopying)
	ends, err := c.copyAll(ctx, make([]string, r.cfg.Log.Partitions()), true)
	if err != nil {
		return err
	}

	prog.setPhase(PhaseRefreshing)
	if err := restoreRefresh(ctx, client, target); err != nil {
		return err
	}
	if err := elastic.Refresh(ctx, client, target); err != nil {
		return err
	}

	prog.setPhase(PhaseSwapping)
	// Renewing right before the swap proves the lock is still ours: a replay that lost
	// it must not move the alias under the replay that took it over.
	if err := lock.renew(ctx); err != nil {
		return err
	}
	previous, err := elastic.SwapAlias(ctx, client, alias, target)
	if err != nil {
		return err
	}
	swapped = true
	log.Info("replay: alias moved", slog.String("alias", alias), slog.String("index", target), slog.Any("previous", previous))

	// Events committed after the copy read its partition's end went to the old index
	// through the live projector; read them again into the new one (writes are
	// version-guarded, so events the projector also wrote here are no-ops).
	prog.setPhase(PhaseCatchingUp)
	if _, err := c.copyAll(ctx, ends, false); err != nil {
		return fmt.Errorf("replay: alias already moved to %s, but catching up failed: %w", target, err)
	}
	if err := writer.Close(); err != nil {
		return err
	}
	if err := elastic.Refresh(ctx, client, target); err != nil {
		return err
	}
	for _, old := range previous {
		if err := deleteIndex(ctx, client, alias, old); err != nil {
			// Searches are already on the new index; the next replay deletes this one.
			log.Warn("replay: could not delete the previous index", slog.String("index", old), slog.Any("error", err))
		}
	}
	return nil
}

// logLength sums the partitions' lengths when the store can tell them cheaply; 0 means
// unknown, and progress shows no ETA.
func (r *Replayer) logLength(ctx context.Context, log *slog.Logger) int64 {
	counter, ok := r.cfg.Log.(LogCounter)
	if !ok {
		return 0
	}
	var total int64
	for p := range r.cfg.Log.Partitions() {
		n, err := counter.LogLength(ctx, p)
		if err != nil {
			log.Warn("replay: log length unknown, progress will show no ETA", slog.Any("error", err))
			return 0
		}
		total += n
	}
	return total
}
