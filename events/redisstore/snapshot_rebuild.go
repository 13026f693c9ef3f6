package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/events"
)

// putSnapshotScript overwrites one aggregate's snapshot, in the aggregate's slot. It
// compares with the version of the last event in the aggregate's list (decoded by
// cjson, which Redis bundles), not with the snapshot's own version, which is what may
// be wrong. An open ownership transaction of the aggregate decided on the current
// snapshot and is about to append: the script leaves the snapshot alone then.
//
// KEYS: 1 snapshot hash, 2 event list, 3 txn lock.
// ARGV: 1 version of the snapshot, 2 '1' if deleted, 3 document.
// Reply: {'ok'} | {'conflict', last version} | {'busy'} | {'missing'}
var putSnapshotScript = redis.NewScript(`
local raw = redis.call('LINDEX', KEYS[2], -1)
if not raw then return {'missing'} end
local last = cjson.decode(raw)['version']
if tonumber(last) ~= tonumber(ARGV[1]) then return {'conflict', tostring(last)} end
if redis.call('EXISTS', KEYS[3]) == 1 then return {'busy'} end
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', '1')
  redis.call('HDEL', KEYS[1], 'doc')
else
  redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', '0', 'doc', ARGV[3])
end
return {'ok'}
`)

// PutSnapshot overwrites an aggregate's snapshot, for rebuilding snapshots from the log
// (replay.RebuildSnapshots). In the same script as the write it checks that the
// aggregate's last stored event is at snap.Version; otherwise, or while a write of the
// aggregate is under way, it changes nothing and fails with an error wrapping
// events.ErrVersionConflict, so a rebuild racing a live append never puts an older state
// back. An aggregate without events fails with events.ErrNotFound. The log, the outbox
// and objectId ownership are left as they are.
func (s *Store) PutSnapshot(ctx context.Context, snap events.Snapshot) error {
	if err := snap.Validate(); err != nil {
		return fmt.Errorf("redisstore: put %w", err)
	}
	id := snap.AggregateID
	deleted, doc := "0", string(snap.Document)
	if snap.Deleted {
		deleted, doc = "1", ""
	}
	call := &scriptCall{
		script: putSnapshotScript,
		keys:   []string{s.keys.snapshot(id), s.keys.events(id), s.keys.txn(id)},
		args:   []any{snap.Version, deleted, doc},
	}
	runScripts(ctx, s.rdb, []*scriptCall{call})
	r, err := parseReply(call.cmd)
	if err != nil {
		return fmt.Errorf("redisstore: put snapshot of %q: %w", id, err)
	}
	switch r.status() {
	case "ok":
		return nil
	case "missing":
		return fmt.Errorf("redisstore: put snapshot of %q: %w", id, events.ErrNotFound)
	case "conflict":
		return fmt.Errorf("redisstore: put snapshot of %q: %w: its last event is version %s, not %d", id, events.ErrVersionConflict, r.arg(0), snap.Version)
	case "busy":
		return fmt.Errorf("redisstore: put snapshot of %q: %w: a write of the aggregate is under way", id, events.ErrVersionConflict)
	}
	return fmt.Errorf("redisstore: put snapshot of %q: unexpected reply %q", id, r)
}
