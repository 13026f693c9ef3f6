// Package imports runs bulk imports: an NDJSON upload is cut into chunks kept in the
// event store's backend, the chunks go on a work queue, and workers send every line
// through the same command handlers as POST /v1/plans. Each chunk's outcomes are
// recorded once, atomically with the job's counts, so a chunk handed out again after a
// crash never counts twice; a line whose write committed before the crash is
// recognised by the causation id its event carries (see worker_recover.go).
package imports

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
)

// State of a job.
type State string

// The states a job goes through: receiving (the upload is still arriving) → running
// (every chunk is queued) → succeeded; cancelled by DELETE; failed when its upload
// broke off (the chunks received before the break are still processed).
const (
	StateReceiving State = "receiving"
	StateRunning   State = "running"
	StateSucceeded State = "succeeded"
	StateCancelled State = "cancelled"
	StateFailed    State = "failed"
)

// Final reports whether the job will change no more.
func (s State) Final() bool { return s == StateSucceeded || s == StateCancelled || s == StateFailed }

// Mode says what a line does to a plan that exists.
type Mode string

// Modes of an import.
const (
	ModeCreate Mode = "create" // an existing plan is a conflict
	ModeUpsert Mode = "upsert" // an existing plan is replaced (or left unchanged)
)

// ParseMode accepts "", create and upsert.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", ModeCreate:
		return ModeCreate, nil
	case ModeUpsert:
		return ModeUpsert, nil
	}
	return "", fmt.Errorf("%w: mode %q: use create or upsert", ErrInvalidRequest, s)
}

// Outcome of one line.
type Outcome string

// The outcomes a line can have.
const (
	OutcomeCreated   Outcome = "created"
	OutcomeInvalid   Outcome = "invalid"  // the document failed validation (paths in the error)
	OutcomeConflict  Outcome = "conflict" // the plan or one of its objectIds is taken
	OutcomeReplaced  Outcome = "replaced"
	OutcomeUnchanged Outcome = "unchanged"
)

// Outcomes lists every outcome, in the order counts are shown.
var Outcomes = []Outcome{OutcomeCreated, OutcomeReplaced, OutcomeUnchanged, OutcomeInvalid, OutcomeConflict}

// Failed reports whether the line lands in the job's error list.
func (o Outcome) Failed() bool { return o == OutcomeInvalid || o == OutcomeConflict }

// Counts are lines by outcome.
type Counts map[Outcome]int64

// Total is the number of lines counted.
func (c Counts) Total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

// Errors of the import package that the HTTP layer maps.
var (
	ErrJobNotFound    = errors.New("import job not found")
	ErrInvalidRequest = errors.New("invalid import request")
	ErrTooLarge       = errors.New("import too large")
	ErrLineTooLong    = errors.New("import line too long")
	ErrJobFinished    = errors.New("import job already finished")
)

// Job is what the store keeps about one import.
type Job struct {
	ID        string
	State     State
	Mode      Mode
	Principal auth.Principal // the caller; every line is written as them
	// Access is the caller's tenancy access at the upload (?org= narrowing included):
	// every line is confined to it, as the caller's own POST would be.
	Access tenancy.Access
	// CorrelationID is the upload request's; every event of the job carries it.
	CorrelationID string
	Created       time.Time
	Finished      time.Time // zero until the job is final
	Lines         int64     // lines received (blank lines are skipped, not counted)
	Chunks        int       // chunks received
	ChunksDone    int
	Counts        Counts
	Error         string // why a job failed
	// UploadLease is when a receiving job's upload is presumed dead: the process taking
	// the upload renews it while it reads, so a job whose lease ended lost its uploader
	// (killed, its host gone) and whoever sees it seals it failed (see sweep.go).
	UploadLease time.Time
	// NextLine is the number of the first line of the upload not stored yet.
	NextLine int64
}

// interruptedReason is a job's error when its upload broke off with its process: the
// lines before nextLine were stored, and are imported; the rest never arrived.
func interruptedReason(nextLine int64) string {
	return interruptedPrefix + strconv.FormatInt(nextLine, 10) + interruptedSuffix
}

// The two halves of interruptedReason, also used by the Redis script that seals.
const (
	interruptedPrefix = "upload interrupted at line "
	interruptedSuffix = ": the process receiving it stopped; the lines before it were received and are imported, upload the rest again"
)

// Processed is the number of lines with an outcome.
func (j Job) Processed() int64 { return j.Counts.Total() }

// Status is the job as GET /v1/imports/{job} shows it.
type Status struct {
	ID         string           `json:"id"`
	State      State            `json:"state"`
	Mode       Mode             `json:"mode"`
	Lines      int64            `json:"lines"`
	Processed  int64            `json:"processed"`
	Counts     map[string]int64 `json:"counts"`
	Chunks     int              `json:"chunks"`
	ChunksDone int              `json:"chunks_done"`
	// Rate is lines processed per second since the job was created (until it finished).
	Rate       float64    `json:"rate"`
	StartedAt  time.Time  `json:"started_at"` // when the upload began
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Error      string     `json:"error,omitempty"`
}

// StatusOf renders j as of now.
func StatusOf(j Job, now time.Time) Status {
	st := Status{
		ID: j.ID, State: j.State, Mode: j.Mode, Lines: j.Lines, Processed: j.Processed(),
		Counts: map[string]int64{}, Chunks: j.Chunks, ChunksDone: j.ChunksDone,
		StartedAt: j.Created.UTC(), Error: j.Error,
	}
	for _, o := range Outcomes {
		st.Counts[string(o)] = j.Counts[o]
	}
	end := now
	if !j.Finished.IsZero() {
		f := j.Finished.UTC()
		st.FinishedAt = &f
		end = j.Finished
	}
	if d := end.Sub(j.Created).Seconds(); d > 0 {
		st.Rate = float64(st.Processed) / d
	}
	return st
}

// LineError is one failed line in the job's error list (NDJSON, one per line).
type LineError struct {
	Line    int64        `json:"line"`
	Outcome Outcome      `json:"outcome"`
	Detail  string       `json:"detail"`
	Errors  []FieldError `json:"errors,omitempty"`
}

// FieldError is a validation problem with its problem+json path.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// ChunkResult is what processing one chunk produced: its counts and failed lines.
type ChunkResult struct {
	Counts Counts
	Errors []LineError // in line order
}

// encodeErrors renders failed lines as NDJSON.
func encodeErrors(errs []LineError) ([]byte, error) {
	var out []byte
	for _, e := range errs {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		out = append(append(out, b...), '\n')
	}
	return out, nil
}
