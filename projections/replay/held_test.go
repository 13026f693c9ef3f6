package replay_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/projections/replay"
)

// TestHeldLockSeesAReplayOfAnyProcess: a lock document that has not expired is a replay
// running somewhere; none, or an expired one, is not.
func TestHeldLockSeesAReplayOfAnyProcess(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		if _, held, err := replay.HeldLock(ctx, b.client, b.alias); err != nil || held {
			t.Fatalf("no replay yet: held %v, %v", held, err)
		}
		put := func(expires time.Time) {
			body := fmt.Sprintf(`{"alias":%q,"owner":"cli:1","job_id":"job-1","acquired_at":"now","expires_at":%d}`, b.alias, expires.UnixMilli())
			res, err := b.client.Index(replay.LockIndex, strings.NewReader(body),
				b.client.Index.WithDocumentID(b.alias), b.client.Index.WithRefresh("true"))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.IsError() {
				t.Fatalf("write lock: %s", res.Status())
			}
		}
		put(time.Now().Add(time.Minute))
		rec, held, err := replay.HeldLock(ctx, b.client, b.alias)
		if err != nil || !held || rec.JobID != "job-1" || rec.Owner != "cli:1" {
			t.Fatalf("running replay: %+v held %v, %v", rec, held, err)
		}
		put(time.Now().Add(-time.Minute))
		if _, held, err := replay.HeldLock(ctx, b.client, b.alias); err != nil || held {
			t.Fatalf("expired lock: held %v, %v", held, err)
		}
	})
}
