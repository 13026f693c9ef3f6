package search

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/transport/testenv"
)

// gate holds every request until released, and says when one has arrived.
type gate struct {
	arrived chan struct{}
	release chan struct{}
}

func (g *gate) RoundTrip(req *http.Request) (*http.Response, error) {
	g.arrived <- struct{}{}
	<-g.release
	h := http.Header{"Content-Type": {"application/json"}, "X-Elastic-Product": {"Elasticsearch"}}
	return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(`{"timed_out":false}`))}, nil
}

func TestSearchSlotsQueueThenRefuse(t *testing.T) {
	g := &gate{arrived: make(chan struct{}, 4), release: make(chan struct{})}
	s := newTestSearcher(t, g, WithSearchSlots(1, 1))
	results := make(chan error, 2)
	search := func() {
		_, err := s.Search(asOperator(), Request{})
		results <- err
	}
	go search()
	<-g.arrived // the first holds the only slot
	go search() // the second queues
	testenv.WaitFor(t, time.Minute, "the second search queued", func() bool { return s.slots.waiting.Load() == 1 })
	_, err := s.Search(asOperator(), Request{})
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("third search: got %v, want ErrBusy", err)
	}
	close(g.release)
	for range 2 {
		if err := <-results; err != nil {
			t.Fatal(err)
		}
	}
}

func TestQueuedSearchGivesUpWithItsClient(t *testing.T) {
	g := &gate{arrived: make(chan struct{}, 4), release: make(chan struct{})}
	s := newTestSearcher(t, g, WithSearchSlots(1, 4))
	go func() { _, _ = s.Search(asOperator(), Request{}) }()
	<-g.arrived
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Search(ctx, Request{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	close(g.release)
}

func TestTimeoutTravelsAsTheParameter(t *testing.T) {
	rt := &canned{status: 200, body: `{}`}
	s := newTestSearcher(t, rt, WithDefaultTimeout(1500*time.Millisecond))
	if _, err := s.Search(asOperator(), Request{}); err != nil {
		t.Fatal(err)
	}
	if got := rt.got.URL.Query().Get("timeout"); got != "1500ms" {
		t.Errorf("default timeout sent as %q", got)
	}
	req, err := ParseRequest([]byte(`{"timeout":"250ms"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Search(asOperator(), req); err != nil {
		t.Fatal(err)
	}
	if got := rt.got.URL.Query().Get("timeout"); got != "250ms" {
		t.Errorf("asked timeout sent as %q", got)
	}
}
