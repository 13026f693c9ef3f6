package webhooks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/planstore/planstore/transport/testenv"
)

// redisDBWebhooks is this package's own Redis database (transport/testenv/databases.go).
const redisDBWebhooks = 1

func TestBoltStore(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenBoltStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, s)
	_ = s.Close()
	// Durable: a reopened file has what was written.
	again, err := OpenBoltStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if states, _ := again.List(context.Background()); len(states) != 1 || states[0].Cursor != "c-40" {
		t.Fatalf("after reopen: %+v", states)
	}
}

func TestRedisStore(t *testing.T) {
	testStore(t, NewRedisStore(testenv.Redis(t, redisDBWebhooks), "test:webhooks:"))
}

// testStore: create, concurrent updates (none lost), list, delete, not-found errors.
func testStore(t *testing.T, s Store) {
	ctx := context.Background()
	now := time.Now().UTC()
	for i, id := range []string{"sub_a", "sub_b"} {
		st := State{Subscription: Subscription{ID: id, URL: "https://example.com", CreatedAt: now.Add(time.Duration(i) * time.Second)}}
		if err := s.Create(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Create(ctx, State{Subscription: Subscription{ID: "sub_a"}}); err == nil {
		t.Fatal("a second create of sub_a succeeded")
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Update(ctx, "sub_a", func(st *State) error {
				st.Delivered++
				st.Cursor = fmt.Sprintf("c-%d", st.Delivered)
				return nil
			}); err != nil {
				t.Errorf("update %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	st, err := s.Get(ctx, "sub_a")
	if err != nil || st.Delivered != 40 || st.Cursor != "c-40" {
		t.Fatalf("after 40 concurrent updates: %+v, %v", st, err)
	}
	states, err := s.List(ctx)
	if err != nil || len(states) != 2 || states[0].Subscription.ID != "sub_a" {
		t.Fatalf("list: %+v, %v", states, err)
	}
	if err := s.Delete(ctx, "sub_b"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "sub_b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := s.Get(ctx, "sub_b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get deleted: %v", err)
	}
	if _, err := s.Update(ctx, "sub_b", func(*State) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update deleted: %v", err)
	}
}
