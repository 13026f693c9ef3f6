package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/transport/redisconn"
)

// RedisStore keeps jobs in Redis. Every key of a job carries the hash tag {import:<id>},
// so a Redis Cluster keeps a job in one slot and its scripts run there:
//
//	<prefix>{import:<id>}:job         hash  the job's fields and counts (c:<outcome>)
//	<prefix>{import:<id>}:chunk:<n>   hash  first (line number), data (the lines), begun
//	<prefix>{import:<id>}:done        set   indexes of the chunks recorded
//	<prefix>{import:<id>}:errors      hash  chunk index → its failed lines (NDJSON)
//	<prefix>imports                   zset  job ids by creation time, to find unfinished ones
type RedisStore struct {
	redisconn.Namespace
}

// NewRedisStore uses client; prefix "" means "planstore:".
func NewRedisStore(client redis.UniversalClient, prefix string) *RedisStore {
	return &RedisStore{redisconn.NewNamespace(client, prefix, redisconn.DefaultPrefix)}
}

func (s *RedisStore) key(jobID, what string) string {
	return s.Prefix + "{import:" + jobID + "}:" + what
}
func (s *RedisStore) chunkKey(ref ChunkRef) string {
	return s.key(ref.Job, "chunk:"+strconv.Itoa(ref.Index))
}
func (s *RedisStore) index() string { return s.Prefix + "imports" }

// CreateJob stores a new receiving job.
func (s *RedisStore) CreateJob(ctx context.Context, j Job) error {
	principal, err := encodeCaller(j.Principal, j.Access)
	if err != nil {
		return err
	}
	if err := s.Client.ZAdd(ctx, s.index(), redis.Z{Score: float64(j.Created.UnixMilli()), Member: j.ID}).Err(); err != nil {
		return fmt.Errorf("import %s: index: %w", j.ID, err)
	}
	err = s.Client.HSet(ctx, s.key(j.ID, "job"),
		"state", string(StateReceiving), "mode", string(j.Mode), "principal", principal,
		"correlation", j.CorrelationID, "created", j.Created.UnixNano(),
		"lines", 0, "chunks", 0, "chunks_done", 0, "lease", j.UploadLease.UnixNano(), "next_line", 1).Err()
	if err != nil {
		return fmt.Errorf("import %s: create: %w", j.ID, err)
	}
	return nil
}

var addChunkScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'receiving' then return 0 end
redis.call('HSET', KEYS[2], 'first', ARGV[1], 'data', ARGV[2], 'begun', 0)
redis.call('HINCRBY', KEYS[1], 'chunks', 1)
redis.call('HINCRBY', KEYS[1], 'lines', ARGV[3])
redis.call('HSET', KEYS[1], 'next_line', ARGV[4])
return 1`)

// AddChunk stores a chunk of a receiving job.
func (s *RedisStore) AddChunk(ctx context.Context, c Chunk, lines int64) error {
	ref := ChunkRef{Job: c.Job, Index: c.Index}
	n, err := addChunkScript.Run(ctx, s.Client, []string{s.key(c.Job, "job"), s.chunkKey(ref)},
		c.FirstLine, c.Data, lines, c.nextLine()).Int()
	if err != nil {
		return fmt.Errorf("import %s: add chunk %d: %w", c.Job, c.Index, err)
	}
	if n == 0 {
		return fmt.Errorf("import %s: add chunk %d: %w", c.Job, c.Index, ErrJobFinished)
	}
	return nil
}

// finishLua ends a running job whose chunks are all done; KEYS[1] is the job, ARGV[1]
// the time and ARGV[2] the retention in seconds; KEYS[2..] expire with it.
const finishLua = `
local function finish(now, ttl)
  local st = redis.call('HGET', KEYS[1], 'state')
  if st ~= 'running' then return end
  if tonumber(redis.call('HGET', KEYS[1], 'chunks_done')) < tonumber(redis.call('HGET', KEYS[1], 'chunks')) then return end
  local final = 'succeeded'
  local e = redis.call('HGET', KEYS[1], 'error')
  if e and e ~= '' then final = 'failed' end
  redis.call('HSET', KEYS[1], 'state', final, 'finished', now)
  for i = 1, #KEYS do
    if i ~= 4 then redis.call('EXPIRE', KEYS[i], ttl) end
  end
end
`

var sealScript = redis.NewScript(finishLua + `
if redis.call('HGET', KEYS[1], 'state') ~= 'receiving' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'running', 'error', ARGV[3])
finish(ARGV[1], ARGV[2])
return 1`)

// Seal ends the upload.
func (s *RedisStore) Seal(ctx context.Context, jobID, failure string, now time.Time) (Job, error) {
	if err := sealScript.Run(ctx, s.Client, s.finishKeys(jobID, ""), now.UnixNano(), retentionSeconds(), failure).Err(); err != nil {
		return Job{}, fmt.Errorf("import %s: seal: %w", jobID, err)
	}
	return s.Job(ctx, jobID)
}

// finishKeys are the keys finishLua expires, the job's first; the fourth (a chunk) is
// the one a script deletes, or a placeholder.
func (s *RedisStore) finishKeys(jobID, chunk string) []string {
	if chunk == "" {
		chunk = s.key(jobID, "none")
	}
	return []string{s.key(jobID, "job"), s.key(jobID, "done"), s.key(jobID, "errors"), chunk}
}

func retentionSeconds() int64 { return int64(JobRetention / time.Second) }

// Job reads a job.
func (s *RedisStore) Job(ctx context.Context, jobID string) (Job, error) {
	h, err := s.Client.HGetAll(ctx, s.key(jobID, "job")).Result()
	if err != nil {
		return Job{}, fmt.Errorf("import %s: %w", jobID, err)
	}
	if len(h) == 0 {
		return Job{}, fmt.Errorf("import %s: %w", jobID, ErrJobNotFound)
	}
	j := Job{
		ID: jobID, State: State(h["state"]), Mode: Mode(h["mode"]), CorrelationID: h["correlation"],
		Lines: atoi64(h["lines"]), Chunks: int(atoi64(h["chunks"])), ChunksDone: int(atoi64(h["chunks_done"])),
		Error: h["error"], Counts: Counts{},
	}
	j.Created = time.Unix(0, atoi64(h["created"]))
	if f := atoi64(h["finished"]); f != 0 {
		j.Finished = time.Unix(0, f)
	}
	if l := atoi64(h["lease"]); l != 0 {
		j.UploadLease = time.Unix(0, l)
	}
	j.NextLine = atoi64(h["next_line"])
	if j.Principal, j.Access, err = decodeCaller([]byte(h["principal"])); err != nil {
		return Job{}, fmt.Errorf("import %s: principal: %w", jobID, err)
	}
	for _, o := range Outcomes {
		if n := atoi64(h["c:"+string(o)]); n != 0 {
			j.Counts[o] = n
		}
	}
	return j, nil
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// Chunk reads a chunk's lines.
func (s *RedisStore) Chunk(ctx context.Context, ref ChunkRef) (Chunk, bool, error) {
	vals, err := s.Client.HMGet(ctx, s.chunkKey(ref), "first", "data").Result()
	if err != nil {
		return Chunk{}, false, fmt.Errorf("import %s: chunk %d: %w", ref.Job, ref.Index, err)
	}
	first, ok1 := vals[0].(string)
	data, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return Chunk{}, false, nil
	}
	return Chunk{Job: ref.Job, Index: ref.Index, FirstLine: atoi64(first), Data: []byte(data)}, true, nil
}

// BeginChunk counts a start of the chunk.
func (s *RedisStore) BeginChunk(ctx context.Context, ref ChunkRef) (int64, error) {
	n, err := s.Client.HIncrBy(ctx, s.chunkKey(ref), "begun", 1).Result()
	if err != nil {
		return 0, fmt.Errorf("import %s: begin chunk %d: %w", ref.Job, ref.Index, err)
	}
	return n - 1, nil
}

var completeScript = redis.NewScript(finishLua + `
if redis.call('SADD', KEYS[2], ARGV[3]) == 0 then return 0 end
for i = 5, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], 'c:' .. ARGV[i], ARGV[i+1])
end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[3], ARGV[4]) end
redis.call('DEL', KEYS[4])
redis.call('HINCRBY', KEYS[1], 'chunks_done', 1)
finish(ARGV[1], ARGV[2])
return 1`)

// CompleteChunk records a chunk's result once, in one script: the done mark, the
// counts, the failed lines and the job's end cannot come apart.
func (s *RedisStore) CompleteChunk(ctx context.Context, ref ChunkRef, r ChunkResult, now time.Time) error {
	errs, err := encodeErrors(r.Errors)
	if err != nil {
		return err
	}
	args := []any{now.UnixNano(), retentionSeconds(), ref.Index, errs}
	for o, n := range r.Counts {
		if n != 0 {
			args = append(args, string(o), n)
		}
	}
	if err := completeScript.Run(ctx, s.Client, s.finishKeys(ref.Job, s.chunkKey(ref)), args...).Err(); err != nil {
		return fmt.Errorf("import %s: complete chunk %d: %w", ref.Job, ref.Index, err)
	}
	return nil
}

var cancelScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'state')
if not st then return -1 end
if st ~= 'receiving' and st ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'cancelled', 'finished', ARGV[1])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
return 1`)

// Cancel stops a job; its chunks not yet done are skipped by the workers.
func (s *RedisStore) Cancel(ctx context.Context, jobID string, now time.Time) (Job, error) {
	n, err := cancelScript.Run(ctx, s.Client, s.finishKeys(jobID, ""), now.UnixNano(), retentionSeconds()).Int()
	switch {
	case err != nil:
		return Job{}, fmt.Errorf("import %s: cancel: %w", jobID, err)
	case n < 0:
		return Job{}, fmt.Errorf("import %s: %w", jobID, ErrJobNotFound)
	case n == 0:
		j, err := s.Job(ctx, jobID)
		if err != nil {
			return Job{}, err
		}
		return j, fmt.Errorf("import %s is %s: %w", jobID, j.State, ErrJobFinished)
	}
	return s.Job(ctx, jobID)
}

// WriteErrors writes the failed lines chunk by chunk, in chunk (so line) order.
func (s *RedisStore) WriteErrors(ctx context.Context, jobID string, w io.Writer) error {
	if _, err := s.Job(ctx, jobID); err != nil {
		return err
	}
	byChunk, err := s.Client.HGetAll(ctx, s.key(jobID, "errors")).Result()
	if err != nil {
		return fmt.Errorf("import %s: errors: %w", jobID, err)
	}
	indexes := make([]int, 0, len(byChunk))
	for k := range byChunk {
		n, err := strconv.Atoi(k)
		if err != nil {
			return fmt.Errorf("import %s: errors of chunk %q: %w", jobID, k, err)
		}
		indexes = append(indexes, n)
	}
	sort.Ints(indexes)
	for _, n := range indexes {
		if _, err := io.WriteString(w, byChunk[strconv.Itoa(n)]); err != nil {
			return err
		}
	}
	return nil
}

// Receiving lists the jobs whose upload has not ended.
func (s *RedisStore) Receiving(ctx context.Context) ([]string, error) {
	ids, err := s.Client.ZRange(ctx, s.index(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("imports: list jobs: %w", err)
	}
	// Every role sweeps every half lease: the states travel in one pipelined round trip,
	// not one per job the index holds.
	states := make([]*redis.StringCmd, len(ids))
	if _, err := s.Client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			states[i] = p.HGet(ctx, s.key(id, "job"), "state")
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("imports: job states: %w", err)
	}
	var out []string
	for i, id := range ids {
		if st, err := states[i].Result(); err == nil && State(st) == StateReceiving {
			out = append(out, id)
		}
	}
	return out, nil
}

// Pending lists the chunks not done of every job still running or receiving.
func (s *RedisStore) Pending(ctx context.Context) ([]ChunkRef, error) {
	ids, err := s.Client.ZRange(ctx, s.index(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("imports: list jobs: %w", err)
	}
	var refs []ChunkRef
	for _, id := range ids {
		j, err := s.Job(ctx, id)
		if errors.Is(err, ErrJobNotFound) {
			s.Client.ZRem(ctx, s.index(), id) // expired
			continue
		}
		if err != nil {
			return nil, err
		}
		if j.State.Final() {
			continue
		}
		done, err := s.Client.SMembers(ctx, s.key(id, "done")).Result()
		if err != nil {
			return nil, fmt.Errorf("import %s: done chunks: %w", id, err)
		}
		isDone := map[string]bool{}
		for _, d := range done {
			isDone[d] = true
		}
		for i := range j.Chunks {
			if !isDone[strconv.Itoa(i)] {
				refs = append(refs, ChunkRef{Job: id, Index: i})
			}
		}
	}
	return refs, nil
}

var renewScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'receiving' then return 0 end
redis.call('HSET', KEYS[1], 'lease', ARGV[1])
return 1`)

// RenewUpload moves the upload lease of a receiving job.
func (s *RedisStore) RenewUpload(ctx context.Context, jobID string, until time.Time) error {
	if err := renewScript.Run(ctx, s.Client, []string{s.key(jobID, "job")}, until.UnixNano()).Err(); err != nil {
		return fmt.Errorf("import %s: renew upload lease: %w", jobID, err)
	}
	return nil
}

// interruptScript checks the lease and seals in one step: an uploader renewing at the
// same moment either renews first (and the job is left alone) or finds the job sealed
// (and its next chunk is refused).
var interruptScript = redis.NewScript(finishLua + `
if redis.call('HGET', KEYS[1], 'state') ~= 'receiving' then return 0 end
if ARGV[3] ~= '1' and tonumber(redis.call('HGET', KEYS[1], 'lease') or '0') >= tonumber(ARGV[1]) then return 0 end
local next = redis.call('HGET', KEYS[1], 'next_line') or '1'
redis.call('HSET', KEYS[1], 'state', 'running', 'error', ARGV[4] .. next .. ARGV[5])
finish(ARGV[1], ARGV[2])
return 1`)

// InterruptUpload seals a receiving job whose upload lease ended (any, with force).
func (s *RedisStore) InterruptUpload(ctx context.Context, jobID string, now time.Time, force bool) (bool, error) {
	forced := "0"
	if force {
		forced = "1"
	}
	n, err := interruptScript.Run(ctx, s.Client, s.finishKeys(jobID, ""),
		now.UnixNano(), retentionSeconds(), forced, interruptedPrefix, interruptedSuffix).Int()
	if err != nil {
		return false, fmt.Errorf("import %s: interrupt upload: %w", jobID, err)
	}
	return n == 1, nil
}
