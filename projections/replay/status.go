package replay

import (
	"sync"
	"sync/atomic"
	"time"
)

// State is where a replay job is in its life.
type State string

// The states of a job. A job is done once it is StateDone or StateFailed.
const (
	StateRunning State = "running"
	StateDone    State = "done"
	StateFailed  State = "failed"
)

// Phase tells what a running replay is doing; it helps an operator tell a slow copy
// from a stuck swap.
type Phase string

// The phases of a replay, in order.
const (
	PhaseLocking    Phase = "locking"
	PhaseCleaning   Phase = "cleaning"
	PhaseCopying    Phase = "copying"
	PhaseRefreshing Phase = "refreshing"
	PhaseSwapping   Phase = "swapping"
	PhaseCatchingUp Phase = "catching_up"
	PhaseFinished   Phase = "finished"
)

// Status is a point-in-time view of one replay job, served as JSON by the admin API and
// handed to the CLI's progress callback.
type Status struct {
	ID         string     `json:"id"`
	State      State      `json:"state"`
	Phase      Phase      `json:"phase"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	// EventsRead counts log entries read and projected, catch-up included.
	EventsRead int64 `json:"events_read"`
	// EventsTotal is the length of the log when the replay started, 0 when the store
	// cannot tell it cheaply (see LogCounter).
	EventsTotal int64 `json:"events_total,omitempty"`
	// DocumentsWritten counts document writes (index and delete) Elasticsearch
	// acknowledged.
	DocumentsWritten int64 `json:"documents_written"`
	// Plans counts distinct plans seen: every plan has exactly one version-1 event.
	Plans           int64 `json:"plans"`
	PartitionsDone  int   `json:"partitions_done"`
	PartitionsTotal int   `json:"partitions_total"`
	// RatePerSecond is events read per second since the copy began.
	RatePerSecond float64 `json:"rate_per_second"`
	// ETASeconds is the time left at the current rate; null when the total is unknown.
	ETASeconds *float64 `json:"eta_seconds"`
	IndexFrom  string   `json:"index_from"`
	IndexTo    string   `json:"index_to"`
	// OrphansDeleted lists indices left by interrupted replays that this one removed.
	OrphansDeleted []string `json:"orphans_deleted,omitempty"`
	Error          string   `json:"error,omitempty"`
}

// Done reports whether the job has ended, successfully or not.
func (s Status) Done() bool { return s.State == StateDone || s.State == StateFailed }

// progress is the live, concurrently updated state of one job; Status snapshots it.
type progress struct {
	id      string
	started time.Time
	now     func() time.Time

	events, docs, plans, partitionsDone atomic.Int64

	mu              sync.Mutex // guards everything below
	state           State
	phase           Phase
	copyStarted     time.Time
	finished        time.Time
	total           int64
	partitionsTotal int
	from, to        string
	orphans         []string
	err             error
}

func newProgress(id string, now func() time.Time) *progress {
	return &progress{id: id, started: now(), now: now, state: StateRunning, phase: PhaseLocking}
}

func (p *progress) setPhase(phase Phase) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase = phase
	if phase == PhaseCopying && p.copyStarted.IsZero() {
		p.copyStarted = p.now()
	}
}

func (p *progress) update(f func(p *progress)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

// finish records the outcome once; later calls are ignored.
func (p *progress) finish(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state != StateRunning {
		return
	}
	p.finished = p.now()
	p.err = err
	p.state = StateDone
	p.phase = PhaseFinished
	if err != nil {
		p.state = StateFailed
	}
}

func (p *progress) status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Status{
		ID:               p.id,
		State:            p.state,
		Phase:            p.phase,
		StartedAt:        p.started,
		EventsRead:       p.events.Load(),
		EventsTotal:      p.total,
		DocumentsWritten: p.docs.Load(),
		Plans:            p.plans.Load(),
		PartitionsDone:   int(p.partitionsDone.Load()),
		PartitionsTotal:  p.partitionsTotal,
		IndexFrom:        p.from,
		IndexTo:          p.to,
		OrphansDeleted:   append([]string(nil), p.orphans...),
	}
	end := p.now()
	if !p.finished.IsZero() {
		finished := p.finished
		s.FinishedAt = &finished
		end = finished
	}
	if p.err != nil {
		s.Error = p.err.Error()
	}
	if !p.copyStarted.IsZero() {
		if elapsed := end.Sub(p.copyStarted).Seconds(); elapsed > 0 {
			s.RatePerSecond = float64(s.EventsRead) / elapsed
		}
	}
	if s.State == StateRunning && s.EventsTotal > 0 && s.RatePerSecond > 0 {
		eta := float64(max(0, s.EventsTotal-s.EventsRead)) / s.RatePerSecond
		s.ETASeconds = &eta
	}
	return s
}
