package imports

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/internal/periodic"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
)

// Limits of an upload. DefaultMaxBytes bounds the NDJSON (after gzip is undone, so a
// small compressed bomb cannot grow past it): a million plans of the example's 1.3 KB.
const (
	DefaultMaxBytes   = 2 << 30
	DefaultChunkBytes = 4 << 20 // a chunk also ends at this many bytes, so one is never huge
)

// IngesterConfig wires an ingester.
type IngesterConfig struct {
	Store        Store
	Queue        Queue
	Metrics      *Metrics
	MaxBytes     int64 // whole upload, uncompressed (default DefaultMaxBytes)
	MaxLineBytes int   // one line: one plan, as the API's body limit (required)
	ChunkLines   int   // lines per chunk (default DefaultChunkLines)
	// UploadLease: an upload not renewed for this long is presumed dead (default
	// DefaultUploadLease); the ingester renews it every third of it.
	UploadLease time.Duration
	Logger      *slog.Logger // optional: notes each upload's job as it starts
	Now         func() time.Time
}

// Ingester turns an upload into a job: it cuts the stream into chunks as it arrives,
// stores each in the job store and queues it, so workers start while the upload still
// runs and the upload is never held in memory whole.
type Ingester struct{ cfg IngesterConfig }

// NewIngester checks the configuration.
func NewIngester(cfg IngesterConfig) (*Ingester, error) {
	if cfg.Store == nil || cfg.Queue == nil || cfg.Metrics == nil || cfg.MaxLineBytes <= 0 {
		return nil, errors.New("imports: ingester needs a store, a queue, metrics and a line limit")
	}
	cfg.MaxBytes = defaults.Positive(cfg.MaxBytes, DefaultMaxBytes)
	cfg.ChunkLines = defaults.Positive(cfg.ChunkLines, DefaultChunkLines)
	cfg.UploadLease = defaults.Positive(cfg.UploadLease, DefaultUploadLease)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Ingester{cfg: cfg}, nil
}

// MaxBytes is the upload limit in force.
func (in *Ingester) MaxBytes() int64 { return in.cfg.MaxBytes }

// Store is the job store the ingester writes to.
func (in *Ingester) Store() Store { return in.cfg.Store }

// Request is one upload.
type Request struct {
	Body          io.Reader // NDJSON, already decompressed
	Mode          Mode
	Principal     auth.Principal
	Access        tenancy.Access // the request's (the principal's, narrowed by ?org=)
	CorrelationID string
}

// UploadError says why an upload stopped after its job was created: the job exists
// (Job) and ends failed once the chunks received before the stop are processed.
type UploadError struct {
	Job Job
	Err error
}

func (e *UploadError) Error() string { return fmt.Sprintf("import %s: %v", e.Job.ID, e.Err) }
func (e *UploadError) Unwrap() error { return e.Err }

// Ingest reads the whole upload and returns the sealed job. A body that breaks off or
// passes a limit seals the job as failed and returns an *UploadError.
func (in *Ingester) Ingest(ctx context.Context, req Request) (Job, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Job{}, err
	}
	job := Job{
		ID: id.String(), State: StateReceiving, Mode: req.Mode, Principal: req.Principal, Access: req.Access,
		CorrelationID: req.CorrelationID, Created: in.cfg.Now(), Counts: Counts{}, NextLine: 1,
	}
	job.UploadLease = job.Created.Add(in.cfg.UploadLease)
	if err := in.cfg.Store.CreateJob(ctx, job); err != nil {
		return Job{}, err
	}
	if in.cfg.Logger != nil {
		// Before the 202 the client has no job id; should the upload break off, this is
		// where an operator finds the job it left.
		in.cfg.Logger.Info("import upload started", slog.String("job", job.ID), slog.String("correlation_id", job.CorrelationID))
	}
	stopRenewing := in.renewWhileReading(ctx, job.ID)
	readErr := in.read(ctx, job.ID, req.Body)
	stopRenewing()
	var publishErr *publishError
	if errors.As(readErr, &publishErr) {
		// A chunk is stored but not queued: no worker would ever take it, so the job
		// could never end. Cancel it; the caller answers 503 and may upload again.
		cancelled, err := in.cfg.Store.Cancel(context.WithoutCancel(ctx), job.ID, in.cfg.Now())
		in.cfg.Metrics.jobs.WithLabelValues("failed").Inc()
		return cancelled, errors.Join(readErr, err)
	}
	failure := ""
	if readErr != nil {
		failure = "upload stopped: " + readErr.Error()
	}
	sealed, err := in.cfg.Store.Seal(context.WithoutCancel(ctx), job.ID, failure, in.cfg.Now())
	if err != nil {
		return Job{}, errors.Join(readErr, err)
	}
	if readErr != nil {
		in.cfg.Metrics.jobs.WithLabelValues("failed").Inc()
		return sealed, &UploadError{Job: sealed, Err: readErr}
	}
	in.cfg.Metrics.jobs.WithLabelValues("accepted").Inc()
	return sealed, nil
}

type publishError struct{ err error }

func (e *publishError) Error() string { return e.err.Error() }
func (e *publishError) Unwrap() error { return e.err }

// read cuts body into chunks, storing and queueing each.
func (in *Ingester) read(ctx context.Context, jobID string, body io.Reader) error {
	r := bufio.NewReaderSize(io.LimitReader(body, in.cfg.MaxBytes+1), 64<<10)
	var (
		total     int64
		lineNo    int64 // lines read so far
		chunk     bytes.Buffer
		first     int64 = 1
		lines     int64 // non-blank lines in the chunk
		index     int
		lineBytes []byte
	)
	flush := func() error {
		if chunk.Len() == 0 {
			return nil
		}
		c := Chunk{Job: jobID, Index: index, FirstLine: first, Data: bytes.Clone(chunk.Bytes())}
		if err := in.cfg.Store.AddChunk(ctx, c, lines); err != nil {
			return err
		}
		if err := in.cfg.Queue.Publish(ctx, ChunkRef{Job: jobID, Index: index}); err != nil {
			return &publishError{err}
		}
		in.cfg.Metrics.linesIn.Add(float64(lines))
		index++
		first = lineNo + 1
		lines = 0
		chunk.Reset()
		return nil
	}
	stop := func(cause error) error { // keep the complete lines read before the stop
		if err := flush(); err != nil {
			return errors.Join(cause, err)
		}
		return cause
	}
	for {
		part, err := r.ReadSlice('\n')
		total += int64(len(part))
		if total > in.cfg.MaxBytes {
			return stop(fmt.Errorf("%w: the upload passed %d bytes (uncompressed)", ErrTooLarge, in.cfg.MaxBytes))
		}
		lineBytes = append(lineBytes, part...)
		if len(lineBytes) > in.cfg.MaxLineBytes+2 { // +2: the line's own "\r\n"
			return stop(fmt.Errorf("%w: line %d is longer than %d bytes", ErrLineTooLong, lineNo+1, in.cfg.MaxLineBytes))
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // a line longer than the buffer: read on
		}
		if err != nil && err != io.EOF {
			return stop(err) // the line cut short is not kept
		}
		if len(lineBytes) > 0 {
			lineNo++
			if len(bytes.TrimSpace(lineBytes)) > 0 {
				lines++
			}
			chunk.Write(lineBytes)
			if lineBytes[len(lineBytes)-1] != '\n' {
				chunk.WriteByte('\n')
			}
			lineBytes = lineBytes[:0]
		}
		if err == io.EOF {
			return flush()
		}
		if int(lines) >= in.cfg.ChunkLines || chunk.Len() >= DefaultChunkBytes {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// renewWhileReading renews the job's upload lease every third of it until the returned
// function is called, so an upload that pauses (up to the server's read timeout) keeps
// its job; only this process dying lets the lease lapse (see UploadSweeper).
func (in *Ingester) renewWhileReading(ctx context.Context, jobID string) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		periodic.Every(ctx, in.cfg.UploadLease/3, func() {
			// A failed renewal is tried again at the next tick; should the lease lapse
			// meanwhile, the job is sealed and the next chunk is refused.
			_ = in.cfg.Store.RenewUpload(ctx, jobID, in.cfg.Now().Add(in.cfg.UploadLease))
		})
	}()
	return func() { cancel(); <-done }
}
