package imports

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events/boltfile"
)

// BoltFileName is the import jobs' file in the data dir, beside the embedded event
// store (which one process holds, as it holds this one).
const BoltFileName = "imports.db"

var (
	bucketJobs   = []byte("jobs")   // job id → job record (JSON)
	bucketChunks = []byte("chunks") // job id, 0, index (4 bytes BE) → first line (8), begun (8), lines
	bucketDone   = []byte("done")   // chunk key → empty: the chunk's result is recorded
	bucketErrors = []byte("errors") // chunk key → the chunk's failed lines (NDJSON)
)

// BoltStore keeps jobs in a bbolt file for the embedded mode. Every call is one synced
// transaction, so what it acknowledged survives kill -9.
type BoltStore struct{ db *bolt.DB }

// OpenBoltStore opens (creating if needed) dataDir/imports.db.
func OpenBoltStore(dataDir string) (*BoltStore, error) {
	db, err := boltfile.OpenStore(dataDir, BoltFileName, bucketJobs, bucketChunks, bucketDone, bucketErrors)
	if err != nil {
		return nil, fmt.Errorf("imports: %w", err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return pruneExpired(tx, time.Now()) }); err != nil {
		return nil, errors.Join(fmt.Errorf("imports: prune expired jobs: %w", err), db.Close())
	}
	return &BoltStore{db: db}, nil
}

// Close closes the file cleanly (boltfile.Close: the next open need not walk it).
func (s *BoltStore) Close() error { return boltfile.Close(s.db) }

// jobRecord is Job as stored.
type jobRecord struct {
	Job
	Counts map[Outcome]int64 `json:"counts"`
	Caller json.RawMessage   `json:"caller"` // the principal and its access (access.go)
}

func chunkKey(jobID string, index int) []byte {
	k := append([]byte(jobID), 0)
	return binary.BigEndian.AppendUint32(k, uint32(index))
}

func jobPrefix(jobID string) []byte { return append([]byte(jobID), 0) }

func getJob(tx *bolt.Tx, jobID string) (Job, error) {
	v := tx.Bucket(bucketJobs).Get([]byte(jobID))
	if v == nil {
		return Job{}, fmt.Errorf("import %s: %w", jobID, ErrJobNotFound)
	}
	var r jobRecord
	err := json.Unmarshal(v, &r)
	if err != nil {
		return Job{}, fmt.Errorf("import %s: decode: %w", jobID, err)
	}
	r.Job.Counts = Counts(r.Counts)
	if r.Principal, r.Access, err = decodeCaller(r.Caller); err != nil {
		return Job{}, fmt.Errorf("import %s: decode caller: %w", jobID, err)
	}
	if r.Job.Counts == nil {
		r.Job.Counts = Counts{}
	}
	return r.Job, nil
}

func putJob(tx *bolt.Tx, j Job) error {
	caller, err := encodeCaller(j.Principal, j.Access)
	if err != nil {
		return err
	}
	b, err := json.Marshal(jobRecord{Job: j, Counts: j.Counts, Caller: caller})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketJobs).Put([]byte(j.ID), b)
}

// finishIfDone ends a running job whose chunks are all done.
func finishIfDone(j *Job, now time.Time) {
	if j.State != StateRunning || j.ChunksDone < j.Chunks {
		return
	}
	j.State = StateSucceeded
	if j.Error != "" {
		j.State = StateFailed
	}
	j.Finished = now
}

// pruneExpired removes jobs that finished longer than JobRetention ago.
func pruneExpired(tx *bolt.Tx, now time.Time) error {
	var expired []string
	err := tx.Bucket(bucketJobs).ForEach(func(k, _ []byte) error {
		j, err := getJob(tx, string(k))
		if err != nil {
			return err
		}
		if j.State.Final() && now.Sub(j.Finished) > JobRetention {
			expired = append(expired, j.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range expired {
		if err := tx.Bucket(bucketJobs).Delete([]byte(id)); err != nil {
			return err
		}
		for _, b := range [][]byte{bucketChunks, bucketDone, bucketErrors} {
			if err := deletePrefix(tx.Bucket(b), jobPrefix(id)); err != nil {
				return err
			}
		}
	}
	return nil
}

func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// update runs fn on the job in one transaction and stores what it left.
func (s *BoltStore) update(jobID string, fn func(tx *bolt.Tx, j *Job) error) (Job, error) {
	var out Job
	err := s.db.Update(func(tx *bolt.Tx) error {
		j, err := getJob(tx, jobID)
		if err != nil {
			return err
		}
		if err := fn(tx, &j); err != nil {
			return err
		}
		out = j
		return putJob(tx, j)
	})
	return out, err
}

// CreateJob stores a new receiving job.
func (s *BoltStore) CreateJob(_ context.Context, j Job) error {
	j.State, j.Counts = StateReceiving, Counts{}
	return s.db.Update(func(tx *bolt.Tx) error { return putJob(tx, j) })
}

// AddChunk stores a chunk of a receiving job.
func (s *BoltStore) AddChunk(_ context.Context, c Chunk, lines int64) error {
	_, err := s.update(c.Job, func(tx *bolt.Tx, j *Job) error {
		if j.State != StateReceiving {
			return fmt.Errorf("import %s: add chunk %d: %w", c.Job, c.Index, ErrJobFinished)
		}
		v := binary.BigEndian.AppendUint64(nil, uint64(c.FirstLine))
		v = binary.BigEndian.AppendUint64(v, 0)
		if err := tx.Bucket(bucketChunks).Put(chunkKey(c.Job, c.Index), append(v, c.Data...)); err != nil {
			return err
		}
		j.Chunks++
		j.Lines += lines
		j.NextLine = c.nextLine()
		return nil
	})
	return err
}

// Seal ends the upload.
func (s *BoltStore) Seal(_ context.Context, jobID, failure string, now time.Time) (Job, error) {
	return s.update(jobID, func(_ *bolt.Tx, j *Job) error {
		if j.State != StateReceiving {
			return nil
		}
		j.State, j.Error = StateRunning, failure
		finishIfDone(j, now)
		return nil
	})
}

// Job reads a job.
func (s *BoltStore) Job(_ context.Context, jobID string) (Job, error) {
	var j Job
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		j, err = getJob(tx, jobID)
		return err
	})
	return j, err
}

// Chunk reads a chunk's lines.
func (s *BoltStore) Chunk(_ context.Context, ref ChunkRef) (Chunk, bool, error) {
	var c Chunk
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketChunks).Get(chunkKey(ref.Job, ref.Index))
		if len(v) < 16 {
			return nil
		}
		found = true
		c = Chunk{Job: ref.Job, Index: ref.Index, FirstLine: int64(binary.BigEndian.Uint64(v)), Data: bytes.Clone(v[16:])}
		return nil
	})
	return c, found, err
}

// BeginChunk counts a start of the chunk.
func (s *BoltStore) BeginChunk(_ context.Context, ref ChunkRef) (int64, error) {
	var before int64
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketChunks)
		v := b.Get(chunkKey(ref.Job, ref.Index))
		if len(v) < 16 {
			return nil
		}
		before = int64(binary.BigEndian.Uint64(v[8:16]))
		next := bytes.Clone(v)
		binary.BigEndian.PutUint64(next[8:16], uint64(before+1))
		return b.Put(chunkKey(ref.Job, ref.Index), next)
	})
	return before, err
}

// CompleteChunk records a chunk's result once, in one transaction with the counts.
func (s *BoltStore) CompleteChunk(_ context.Context, ref ChunkRef, r ChunkResult, now time.Time) error {
	errs, err := encodeErrors(r.Errors)
	if err != nil {
		return err
	}
	key := chunkKey(ref.Job, ref.Index)
	_, err = s.update(ref.Job, func(tx *bolt.Tx, j *Job) error {
		done := tx.Bucket(bucketDone)
		if done.Get(key) != nil {
			return nil
		}
		if err := done.Put(key, nil); err != nil {
			return err
		}
		if len(errs) > 0 {
			if err := tx.Bucket(bucketErrors).Put(key, errs); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketChunks).Delete(key); err != nil {
			return err
		}
		for o, n := range r.Counts {
			j.Counts[o] += n
		}
		j.ChunksDone++
		finishIfDone(j, now)
		return nil
	})
	return err
}

// Cancel stops a job that is not final.
func (s *BoltStore) Cancel(_ context.Context, jobID string, now time.Time) (Job, error) {
	return s.update(jobID, func(_ *bolt.Tx, j *Job) error {
		if j.State.Final() {
			return fmt.Errorf("import %s is %s: %w", jobID, j.State, ErrJobFinished)
		}
		j.State, j.Finished = StateCancelled, now
		return nil
	})
}

// WriteErrors writes the failed lines in chunk order (the keys sort by index).
func (s *BoltStore) WriteErrors(_ context.Context, jobID string, w io.Writer) error {
	return s.db.View(func(tx *bolt.Tx) error {
		if _, err := getJob(tx, jobID); err != nil {
			return err
		}
		prefix := jobPrefix(jobID)
		c := tx.Bucket(bucketErrors).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if _, err := w.Write(v); err != nil {
				return err
			}
		}
		return nil
	})
}

// Receiving lists the jobs whose upload has not ended.
func (s *BoltStore) Receiving(_ context.Context) ([]string, error) {
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJobs).ForEach(func(k, _ []byte) error {
			j, err := getJob(tx, string(k))
			if err == nil && j.State == StateReceiving {
				out = append(out, j.ID)
			}
			return err
		})
	})
	return out, err
}

// Pending lists the chunks not done of every job not final.
func (s *BoltStore) Pending(_ context.Context) ([]ChunkRef, error) {
	var refs []ChunkRef
	err := s.db.View(func(tx *bolt.Tx) error {
		done := tx.Bucket(bucketDone)
		return tx.Bucket(bucketJobs).ForEach(func(k, _ []byte) error {
			j, err := getJob(tx, string(k))
			if err != nil || j.State.Final() {
				return err
			}
			for i := range j.Chunks {
				if done.Get(chunkKey(j.ID, i)) == nil {
					refs = append(refs, ChunkRef{Job: j.ID, Index: i})
				}
			}
			return nil
		})
	})
	return refs, err
}

// RenewUpload moves the upload lease of a receiving job.
func (s *BoltStore) RenewUpload(_ context.Context, jobID string, until time.Time) error {
	_, err := s.update(jobID, func(_ *bolt.Tx, j *Job) error {
		if j.State == StateReceiving {
			j.UploadLease = until
		}
		return nil
	})
	return err
}

// InterruptUpload seals a receiving job whose upload lease ended (any, with force), in
// one transaction with the lease check.
func (s *BoltStore) InterruptUpload(_ context.Context, jobID string, now time.Time, force bool) (bool, error) {
	sealed := false
	_, err := s.update(jobID, func(_ *bolt.Tx, j *Job) error {
		if j.State != StateReceiving || (!force && !j.UploadLease.Before(now)) {
			return nil
		}
		next := j.NextLine
		if next == 0 {
			next = 1
		}
		j.State, j.Error = StateRunning, interruptedReason(next)
		finishIfDone(j, now)
		sealed = true
		return nil
	})
	return sealed, err
}
