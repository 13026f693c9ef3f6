package replay_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/projections/elastic"
	"github.com/planstore/planstore/projections/replay"
	"github.com/planstore/planstore/transport/testenv"
)

// A replay cancelled half way fails, deletes its half-built index, leaves the alias and
// frees the lock; the next replay ends exactly where an uninterrupted one would.
func TestCancelledReplayThenReplayAgain(t *testing.T) {
	store, _ := storeWithWorkload(t, 300, 4)
	eachBackend(t, func(t *testing.T, b backend) {
		first := projectLive(t, b, store)
		want, wantDocs := answers(t, b), sources(t, b)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cancelling := &holdingLog{Log: store, holdAt: 4, until: func() bool { cancel(); return true }}
		r := newReplayer(t, b, cancelling, func(c *replay.Config) { c.PageSize = 25 })
		status, err := r.Run(ctx, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled replay: %v, want context.Canceled", err)
		}
		if status.State != replay.StateFailed || status.EventsRead == 0 || status.Error == "" {
			t.Errorf("cancelled replay status %+v, want failed after reading some events", status)
		}
		if got := aliasIndices(t, b); !slices.Equal(got, []string{first}) {
			t.Errorf("alias moved to %v by a cancelled replay", got)
		}
		if indexExists(t, b, status.IndexTo) {
			t.Errorf("the cancelled replay left its index %s", status.IndexTo)
		}

		again := newReplayer(t, b, store, nil)
		if _, err := again.Run(context.Background(), nil); err != nil {
			t.Fatalf("replay after the cancelled one: %v", err)
		}
		assertSameReadModel(t, b, want, wantDocs)
	})
}

// A replay killed half way leaves a half-built index and its lock; once the lock has
// expired, the next replay takes it over, deletes the orphan and ends in the same
// state as an uninterrupted replay.
func TestReplayAfterAKilledReplay(t *testing.T) {
	store, _ := storeWithWorkload(t, 300, 5)
	eachBackend(t, func(t *testing.T, b backend) {
		projectLive(t, b, store)
		want, wantDocs := answers(t, b), sources(t, b)

		// What a killed replay leaves: an index named like a replay's with part of the
		// read model (and a stale document only it has), and a lock that expired.
		orphan := b.alias + "-20200102-030405.678"
		if err := elastic.CreateIndex(context.Background(), b.client, orphan); err != nil {
			t.Fatal(err)
		}
		w, err := elastic.NewWriter(b.client, elastic.WriterConfig{Index: orphan})
		if err != nil {
			t.Fatal(err)
		}
		stale := projections.Action{Op: projections.OpIndex, Version: 1, Doc: projections.Doc{ID: "ghost", Routing: "ghost",
			Source: []byte(`{"objectId":"ghost","objectType":"plan","_org":"example.com","plan_join":"plan"}`)}}
		if err := w.Write(context.Background(), stale); err != nil {
			t.Fatal(err)
		}
		w.Close()
		writeLock(t, b, replay.LockRecord{Alias: b.alias, Owner: "killed-host:1", JobID: "killed-job", Index: orphan,
			ExpiresAt: time.Now().Add(-time.Second).UnixMilli()})
		// Another plans-* index that is not a generation is not ours to delete.
		keep := b.alias + "-backup"
		if err := elastic.CreateIndex(context.Background(), b.client, keep); err != nil {
			t.Fatal(err)
		}

		status, err := newReplayer(t, b, store, nil).Run(context.Background(), nil)
		if err != nil {
			t.Fatalf("replay after a killed one: %v", err)
		}
		if !slices.Equal(status.OrphansDeleted, []string{orphan}) || indexExists(t, b, orphan) {
			t.Errorf("orphans deleted %v, want [%s]", status.OrphansDeleted, orphan)
		}
		if !indexExists(t, b, keep) {
			t.Errorf("%s, not a generation index, was deleted", keep)
		}
		assertSameReadModel(t, b, want, wantDocs)
	})
}

// A lock that has not expired keeps a replay out, whoever holds it.
func TestLiveLockOfAnotherProcessIsRespected(t *testing.T) {
	store := testenv.BoltStore(t)
	eachBackend(t, func(t *testing.T, b backend) {
		projectLive(t, b, store)
		writeLock(t, b, replay.LockRecord{Alias: b.alias, Owner: "other-host:7", JobID: "other-job",
			ExpiresAt: time.Now().Add(time.Minute).UnixMilli()})
		_, err := newReplayer(t, b, store, nil).Run(context.Background(), nil)
		var held *replay.LockHeldError
		if !errors.As(err, &held) || !errors.Is(err, replay.ErrReplayRunning) || held.Holder.Owner != "other-host:7" {
			t.Fatalf("replay under another's live lock: %v", err)
		}
	})
}

// A replay whose lock is taken over (it stalled past the TTL, another replay judged it
// dead) stops with ErrLockLost and never moves the alias.
func TestReplayThatLosesItsLockStops(t *testing.T) {
	store, _ := storeWithWorkload(t, 20, 6)
	eachBackend(t, func(t *testing.T, b backend) {
		first := projectLive(t, b, store)
		// A short TTL, so the replay renews often; not so short that a loaded machine
		// misses renewals.
		r, _, id := startGated(t, b, store, func(c *replay.Config) { c.LockTTL = 3 * time.Second })
		// Another process takes the lock over, as it would a stale one.
		writeLock(t, b, replay.LockRecord{Alias: b.alias, Owner: "thief:1", JobID: "thief", ExpiresAt: time.Now().Add(time.Hour).UnixMilli()})
		status := waitDone(t, r, id)
		if status.State != replay.StateFailed || !strings.Contains(status.Error, replay.ErrLockLost.Error()) {
			t.Errorf("status %+v, want failed with a lost lock", status)
		}
		if got := aliasIndices(t, b); !slices.Equal(got, []string{first}) {
			t.Errorf("alias moved to %v by a replay without its lock", got)
		}
		// The thief's lock is not released by the loser.
		if _, err := newReplayer(t, b, store, nil).Run(context.Background(), nil); !errors.Is(err, replay.ErrReplayRunning) {
			t.Errorf("the loser released the lock it lost: %v", err)
		}
	})
}

// writeLock puts a lock document as another process would have left it.
func writeLock(t testing.TB, b backend, rec replay.LockRecord) {
	t.Helper()
	res, err := b.client.Indices.Create(replay.LockIndex)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	body := fmt.Sprintf(`{"alias":%q,"owner":%q,"job_id":%q,"index":%q,"acquired_at":"2020-01-02T03:04:05Z","expires_at":%d}`,
		rec.Alias, rec.Owner, rec.JobID, rec.Index, rec.ExpiresAt)
	res, err = b.client.Index(replay.LockIndex, strings.NewReader(body), b.client.Index.WithDocumentID(b.alias), b.client.Index.WithRefresh("true"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.IsError() {
		t.Fatalf("write lock: %s", res)
	}
}

func assertSameReadModel(t *testing.T, b backend, want map[string][]string, wantDocs map[string]string) {
	t.Helper()
	if got := answers(t, b); !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("answers differ from an uninterrupted read model")
	}
	if got := sources(t, b); !maps.Equal(got, wantDocs) {
		t.Errorf("documents differ: %d, want %d", len(got), len(wantDocs))
	}
}
