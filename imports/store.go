package imports

import (
	"bytes"
	"context"
	"io"
	"time"
)

// Chunk is a run of consecutive lines of an upload, as received (blank lines included,
// so line numbers stay those of the file).
type Chunk struct {
	Job       string
	Index     int
	FirstLine int64  // the number of the chunk's first line in the upload, from 1
	Data      []byte // the lines, each ending in '\n'
}

// nextLine is the number of the line after the chunk's last.
func (c Chunk) nextLine() int64 { return c.FirstLine + int64(bytes.Count(c.Data, []byte{'\n'})) }

// ChunkRef names a chunk on the work queue; its lines stay in the store.
type ChunkRef struct {
	Job   string `json:"job"`
	Index int    `json:"chunk"`
}

// Store keeps jobs, their chunks and their outcomes where the event store lives (Redis,
// or a bbolt file beside the embedded store), so that every worker process sees them and
// a restart resumes. Implementations make CompleteChunk idempotent: a chunk's counts are
// added once, however often it is completed.
type Store interface {
	CreateJob(ctx context.Context, j Job) error
	// AddChunk stores a chunk of a receiving job and adds its lines to the job's.
	AddChunk(ctx context.Context, c Chunk, lines int64) error
	// Seal ends the upload: the job runs (or, with a non-empty failure, will end failed
	// once the chunks received are done). It returns the job as sealed.
	Seal(ctx context.Context, jobID, failure string, now time.Time) (Job, error)
	Job(ctx context.Context, jobID string) (Job, error)
	// Chunk returns a chunk's lines and how often it was begun before; found is false
	// when the chunk is done (its lines are dropped then) or unknown.
	Chunk(ctx context.Context, ref ChunkRef) (c Chunk, found bool, err error)
	// BeginChunk notes that a worker starts the chunk and returns how many times it had
	// been begun before: more than zero means an earlier attempt may have written some of
	// its lines.
	BeginChunk(ctx context.Context, ref ChunkRef) (int64, error)
	// CompleteChunk records the chunk's result once; a second call changes nothing.
	CompleteChunk(ctx context.Context, ref ChunkRef, r ChunkResult, now time.Time) error
	// Cancel stops a job that is not final; ErrJobFinished when it is.
	Cancel(ctx context.Context, jobID string, now time.Time) (Job, error)
	// WriteErrors writes the job's failed lines as NDJSON, in line order.
	WriteErrors(ctx context.Context, jobID string, w io.Writer) error
	// Pending lists the chunks of jobs not final that are not done, for a queue that does
	// not keep its messages across a restart (the in-process one).
	Pending(ctx context.Context) ([]ChunkRef, error)
	// Receiving lists the jobs whose upload has not ended.
	Receiving(ctx context.Context) ([]string, error)
	// RenewUpload moves a receiving job's upload lease to until (a job no longer
	// receiving is left alone).
	RenewUpload(ctx context.Context, jobID string, until time.Time) error
	// InterruptUpload seals a receiving job whose upload lease ended before now (any
	// lease, with force) as failed with interruptedReason, atomically with the lease
	// check so an upload that renewed in time is never sealed. It reports whether it did.
	InterruptUpload(ctx context.Context, jobID string, now time.Time, force bool) (bool, error)
}

// JobRetention is how long a finished job, its counts and its errors are kept.
const JobRetention = 7 * 24 * time.Hour
