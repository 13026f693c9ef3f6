package replay

import (
	"context"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
)

// HeldLock returns the replay lock of alias when a replay holds it now, in any process
// (a query API, or `planstore replay --es-url` run by hand): a role exports it, so that
// a replay run from the command line shows in the deployment's metrics too.
func HeldLock(ctx context.Context, client *elasticsearch.Client, alias string) (LockRecord, bool, error) {
	rec, _, err := readLock(ctx, client, alias)
	if err != nil {
		return LockRecord{}, false, err
	}
	if rec.JobID == "" || time.Now().UnixMilli() > rec.ExpiresAt {
		return LockRecord{}, false, nil // none, or left behind by a replay that died
	}
	return rec, true, nil
}
