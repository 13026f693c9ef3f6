package replay

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/planstore/planstore/events"
)

// SnapshotStore is what CheckSnapshots reads: the log (the truth) and the snapshots
// derived from it.
type SnapshotStore interface {
	Log
	Load(ctx context.Context, aggregateID string) (events.Snapshot, error)
}

// ProblemKind names what is wrong with one plan.
type ProblemKind string

// The problems CheckSnapshots finds.
const (
	// ProblemMissing: the log has events of the plan but the store has no snapshot.
	ProblemMissing ProblemKind = "missing_snapshot"
	// ProblemVersion: the snapshot is at another version than the plan's last event.
	ProblemVersion ProblemKind = "version"
	// ProblemDeleted: the snapshot says deleted and the last event does not, or the
	// other way round.
	ProblemDeleted ProblemKind = "deleted"
	// ProblemDocument: same version, but the document differs from the last event's
	// after state.
	ProblemDocument ProblemKind = "document"
	// ProblemLogGap: the plan's versions in the log are not 1, 2, 3...: the log itself
	// is damaged, and no snapshot can be trusted or rebuilt from it.
	ProblemLogGap ProblemKind = "log_gap"
)

// MaxReportedProblems bounds Report.Problems; Report.Mismatches still counts them all.
const MaxReportedProblems = 1000

// SnapshotProblem is one plan whose snapshot disagrees with its log.
type SnapshotProblem struct {
	PlanID          string      `json:"plan_id"`
	Kind            ProblemKind `json:"kind"`
	LogVersion      int64       `json:"log_version"`
	SnapshotVersion int64       `json:"snapshot_version"`
	LogDeleted      bool        `json:"log_deleted"`
	SnapshotDeleted bool        `json:"snapshot_deleted"`
	Detail          string      `json:"detail,omitempty"`
}

// Report is the outcome of CheckSnapshots (and of RebuildSnapshots, which also counts
// what it rewrote).
type Report struct {
	Plans      int64             `json:"plans"`
	Events     int64             `json:"events"`
	Mismatches int64             `json:"mismatches"`
	Problems   []SnapshotProblem `json:"problems"`
	// Rebuilt counts snapshots RebuildSnapshots rewrote; Skipped those it left because
	// a live write had meanwhile moved the plan on (that write's snapshot is right).
	Rebuilt int64 `json:"rebuilt,omitempty"`
	Skipped int64 `json:"skipped,omitempty"`
}

// OK reports whether every snapshot agreed with the log.
func (r Report) OK() bool { return r.Mismatches == 0 }

// CheckSnapshots reads the whole log and compares, for every plan in it, the last
// event (version, deleted or not, after state) with the stored snapshot. A live write
// racing the check can show as a version mismatch; run it again, or on a quiet store.
func CheckSnapshots(ctx context.Context, store SnapshotStore) (Report, error) {
	return checkSnapshots(ctx, store, nil)
}

// planTail is what the check keeps of a plan while reading the log: enough to judge the
// snapshot, without holding every document in memory.
type planTail struct {
	version int64
	deleted bool
	doc     [sha256.Size]byte
	gap     bool
}

// checkSnapshots runs the check; fix, when set, is called for each problem found.
func checkSnapshots(ctx context.Context, store SnapshotStore, fix func(SnapshotProblem) error) (Report, error) {
	var (
		mu     sync.Mutex
		report Report
		wg     sync.WaitGroup
		errs   = make([]error, store.Partitions())
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, DefaultReaders)
	for p := range store.Partitions() {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			tails, n, err := readTails(ctx, store, p)
			if err != nil {
				errs[p] = err
				cancel()
				return
			}
			mu.Lock()
			report.Events += n
			report.Plans += int64(len(tails))
			mu.Unlock()
			if err := judge(ctx, store, tails, func(problem SnapshotProblem) error {
				mu.Lock()
				report.Mismatches++
				if len(report.Problems) < MaxReportedProblems {
					report.Problems = append(report.Problems, problem)
				}
				mu.Unlock()
				if fix == nil {
					return nil
				}
				return fix(problem)
			}); err != nil {
				errs[p] = err
				cancel()
			}
		})
	}
	wg.Wait()
	sort.Slice(report.Problems, func(i, j int) bool { return report.Problems[i].PlanID < report.Problems[j].PlanID })
	return report, errors.Join(errs...)
}

// readTails reads one partition and keeps the last state of each plan in it.
func readTails(ctx context.Context, log Log, partition int) (map[string]*planTail, int64, error) {
	tails := map[string]*planTail{}
	var n int64
	after := ""
	for {
		entries, err := log.ReadLog(ctx, partition, after, DefaultPageSize)
		if err != nil {
			return nil, n, fmt.Errorf("replay: check snapshots: read partition %d after %q: %w", partition, after, err)
		}
		if len(entries) == 0 {
			return tails, n, nil
		}
		for _, entry := range entries {
			e := entry.Event
			n++
			if !isPlan(e) {
				continue
			}
			t := tails[e.AggregateID]
			if t == nil {
				t = &planTail{}
				tails[e.AggregateID] = t
			}
			if e.Version != t.version+1 {
				t.gap = true
			}
			t.version = e.Version
			t.deleted = e.Type == events.PlanDeleted
			if !t.deleted {
				t.doc = documentHash(e.Data.After)
			}
		}
		after = entries[len(entries)-1].Position
	}
}

// judge compares each plan's tail with its snapshot, in plan id order.
func judge(ctx context.Context, store SnapshotStore, tails map[string]*planTail, report func(SnapshotProblem) error) error {
	ids := make([]string, 0, len(tails))
	for id := range tails {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t := tails[id]
		problem := SnapshotProblem{PlanID: id, LogVersion: t.version, LogDeleted: t.deleted}
		if t.gap {
			problem.Kind = ProblemLogGap
			problem.Detail = "the plan's versions in the log are not consecutive from 1"
			if err := report(problem); err != nil {
				return err
			}
			continue
		}
		snap, err := store.Load(ctx, id)
		switch {
		case errors.Is(err, events.ErrNotFound):
			problem.Kind = ProblemMissing
		case err != nil:
			return fmt.Errorf("replay: check snapshots: %w", err)
		default:
			problem.SnapshotVersion, problem.SnapshotDeleted = snap.Version, snap.Deleted
			problem.Kind = compare(t, snap)
		}
		if problem.Kind == "" {
			continue
		}
		if err := report(problem); err != nil {
			return err
		}
	}
	return nil
}

func compare(t *planTail, snap events.Snapshot) ProblemKind {
	switch {
	case snap.Version != t.version:
		return ProblemVersion
	case snap.Deleted != t.deleted:
		return ProblemDeleted
	case !t.deleted && documentHash(snap.Document) != t.doc:
		return ProblemDocument
	}
	return ""
}

// documentHash identifies a JSON document regardless of insignificant whitespace.
func documentHash(doc []byte) [sha256.Size]byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, doc); err != nil {
		// Not JSON: hash the bytes; it can then only match an identical snapshot.
		return sha256.Sum256(doc)
	}
	return sha256.Sum256(buf.Bytes())
}
