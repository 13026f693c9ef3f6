package idempotency_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/planstore/planstore/idempotency"
	"github.com/planstore/planstore/transport/testenv"
)

// redisTestDB is this package's database on the test Redis.
const redisTestDB = 7

type store interface {
	Begin(ctx context.Context, key, fp string) (*idempotency.Response, error)
	Complete(ctx context.Context, key, fp string, r idempotency.Response) error
	Abandon(ctx context.Context, key string) error
}

func TestStores(t *testing.T) {
	stores := map[string]func(t *testing.T) store{
		"bolt": func(t *testing.T) store {
			s, err := idempotency.OpenBoltStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"redis": func(t *testing.T) store { return idempotency.NewRedisStore(testenv.Redis(t, redisTestDB), "") },
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s, ctx := open(t), context.Background()
			if r, err := s.Begin(ctx, "k", "fp1"); r != nil || err != nil {
				t.Fatalf("a new key: %v %v", r, err)
			}
			if _, err := s.Begin(ctx, "k", "fp1"); !errors.Is(err, idempotency.ErrInProgress) {
				t.Fatalf("in progress: %v", err)
			}
			if _, err := s.Begin(ctx, "k", "fp2"); !errors.Is(err, idempotency.ErrMismatch) {
				t.Fatalf("another request: %v", err)
			}
			answer := idempotency.Response{Status: 201, Header: http.Header{"Etag": {`"1"`}}, Body: []byte(`{}`)}
			if err := s.Complete(ctx, "k", "fp1", answer); err != nil {
				t.Fatal(err)
			}
			r, err := s.Begin(ctx, "k", "fp1")
			if err != nil || r == nil || r.Status != 201 || r.Header.Get("ETag") != `"1"` || string(r.Body) != `{}` {
				t.Fatalf("replay: %+v %v", r, err)
			}
			if _, err := s.Begin(ctx, "k2", "fp"); err != nil {
				t.Fatal(err)
			}
			if err := s.Abandon(ctx, "k2"); err != nil {
				t.Fatal(err)
			}
			if r, err := s.Begin(ctx, "k2", "fp"); r != nil || err != nil {
				t.Fatalf("an abandoned key is new again: %v %v", r, err)
			}
		})
	}
}
