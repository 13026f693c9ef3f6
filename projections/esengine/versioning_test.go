package esengine

import (
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for tombstone ageing.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const extDoc = `{"objectId":"x","objectType":"plan","plan_join":"plan"}`

func TestTombstonesExpireLikeGCDeletes(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1700000000, 0)}
	e := newPlansIndex(t, WithClock(clock.Now))
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/x?routing=x&version=5&version_type=external", extDoc)
	mustStatus(t, 200, e, "DELETE", "/plans-test/_doc/x?version=6&version_type=external", "")
	out := mustStatus(t, 409, e, "PUT", "/plans-test/_doc/x?routing=x&version=4&version_type=external", extDoc)
	if errType(out) != "version_conflict_engine_exception" {
		t.Fatalf("older write after delete: %v", out)
	}
	// The test index keeps tombstones for index.gc_deletes = 1d (dsltest.IndexBody, as
	// planstore's read model does), not Elasticsearch's default 60s; past that the delete
	// is forgotten.
	clock.advance(61 * time.Second)
	mustStatus(t, 409, e, "PUT", "/plans-test/_doc/x?routing=x&version=4&version_type=external", extDoc)
	clock.advance(24 * time.Hour)
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/x?routing=x&version=4&version_type=external", extDoc)
}

func TestTombstonesKeptForever(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1700000000, 0)}
	e := newPlansIndex(t, WithClock(clock.Now), WithTombstoneRetention(0))
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/x?routing=x&version=5&version_type=external", extDoc)
	mustStatus(t, 200, e, "DELETE", "/plans-test/_doc/x?version=6&version_type=external", "")
	clock.advance(24 * time.Hour)
	mustStatus(t, 409, e, "PUT", "/plans-test/_doc/x?routing=x&version=4&version_type=external", extDoc)
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/x?routing=x&version=7&version_type=external", extDoc)
}

func TestIndexGCDeletesSetting(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1700000000, 0)}
	e := New(WithClock(clock.Now))
	mustStatus(t, 200, e, "PUT", "/short", `{"settings":{"index":{"gc_deletes":"1s"}}}`)
	mustStatus(t, 201, e, "PUT", "/short/_doc/x?version=5&version_type=external", `{"a":1}`)
	mustStatus(t, 200, e, "DELETE", "/short/_doc/x?version=6&version_type=external", "")
	clock.advance(2 * time.Second)
	mustStatus(t, 201, e, "PUT", "/short/_doc/x?version=1&version_type=external", `{"a":1}`)
	out := mustStatus(t, 200, e, "GET", "/short/_settings", "")
	settings := out["short"].(map[string]any)["settings"].(map[string]any)["index"].(map[string]any)
	if settings["gc_deletes"] != "1s" {
		t.Fatalf("settings: %v", settings)
	}
}

func TestInternalVersionsContinueAfterDelete(t *testing.T) {
	e := newPlansIndex(t)
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/x?routing=x", extDoc)
	mustStatus(t, 200, e, "PUT", "/plans-test/_doc/x?routing=x", extDoc)
	out := mustStatus(t, 200, e, "DELETE", "/plans-test/_doc/x", "")
	if out["_version"].(interface{ String() string }).String() != "3" {
		t.Fatalf("delete version: %v", out)
	}
	out = mustStatus(t, 201, e, "PUT", "/plans-test/_doc/x?routing=x", extDoc)
	if out["_version"].(interface{ String() string }).String() != "4" || out["result"] != "created" {
		t.Fatalf("re-create: %v", out)
	}
}

func TestIfSeqNo(t *testing.T) {
	e := newPlansIndex(t)
	out := mustStatus(t, 201, e, "PUT", "/plans-test/_doc/x?routing=x", extDoc)
	seq := out["_seq_no"].(interface{ String() string }).String()
	mustStatus(t, 200, e, "PUT", "/plans-test/_doc/x?routing=x&if_seq_no="+seq+"&if_primary_term=1", extDoc)
	mustStatus(t, 409, e, "PUT", "/plans-test/_doc/x?routing=x&if_seq_no="+seq+"&if_primary_term=1", extDoc)
}

func TestConcurrentWritersAndSearchers(t *testing.T) {
	e := newPlansIndex(t)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				plan := "c" + string(rune('a'+w)) + time.Duration(i).String()
				rest(t, e, "PUT", "/plans-test/_doc/"+plan+"?routing="+plan, `{"objectId":"p","objectType":"plan","plan_join":"plan"}`)
				rest(t, e, "PUT", "/plans-test/_doc/"+plan+"-pcs?routing="+plan, `{"copay":3,"plan_join":{"name":"planCostShare","parent":"`+plan+`"}}`)
				if i%3 == 0 {
					rest(t, e, "DELETE", "/plans-test/_doc/"+plan, "")
				}
			}
		}(w)
	}
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				rest(t, e, "POST", "/plans-test/_search", `{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}},"sort":["objectId"]}`)
				rest(t, e, "POST", "/plans-test/_search", `{"query":{"has_parent":{"parent_type":"plan","query":{"match_all":{}}}}}`)
			}
		}()
	}
	wg.Wait()
	out := mustStatus(t, 200, e, "POST", "/plans-test/_count", `{"query":{"term":{"objectType":"plan"}}}`)
	if out["count"].(interface{ String() string }).String() != "532" {
		t.Fatalf("plans left: %v, want 4*(200-67)", out["count"])
	}
}
