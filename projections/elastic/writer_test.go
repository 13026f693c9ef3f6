package elastic

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/transport/testenv"
)

func indexAction(id string, version int64) projections.Action {
	return projections.Action{
		Op:      projections.OpIndex,
		Doc:     projections.Doc{ID: id, Routing: "p", Source: []byte(fmt.Sprintf(`{"objectId":%q}`, id))},
		Version: version,
	}
}

// indexActions are n index actions (version 1) of the documents named by format with
// their index 0..n-1.
func indexActions(n int, format string) []projections.Action {
	actions := make([]projections.Action, n)
	for i := range actions {
		actions[i] = indexAction(fmt.Sprintf(format, i), 1)
	}
	return actions
}

func deleteAction(id string, version int64) projections.Action {
	return projections.Action{Op: projections.OpDelete, Doc: projections.Doc{ID: id, Routing: "p"}, Version: version}
}

func newTestWriter(t *testing.T, es *fakeES, cfg WriterConfig) *Writer {
	t.Helper()
	w, err := NewWriter(es.client(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func TestWriterBatchesConcurrentCallers(t *testing.T) {
	es := newFakeES()
	es.gate = make(chan struct{})
	w := newTestWriter(t, es, WriterConfig{MaxInFlight: 1})
	const callers, each = 40, 5
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for c := range callers {
		wg.Go(func() {
			errs <- w.Write(context.Background(), indexActions(each, fmt.Sprintf("c%d-%%d", c))...)
		})
	}
	// Let the bulks through one by one; while one is held, the others pile up.
	go func() {
		for range callers {
			select {
			case es.gate <- struct{}{}:
			case <-time.After(2 * time.Second):
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	live, sizes, _ := es.snapshot()
	if len(live) != callers*each {
		t.Fatalf("%d documents, want %d", len(live), callers*each)
	}
	if len(sizes) >= callers {
		t.Fatalf("%d bulk requests for %d callers: no batching (sizes %v)", len(sizes), callers, sizes)
	}
	if s := w.Stats(); s.Actions != callers*each || s.Failed != 0 || s.Bulks != int64(len(sizes)) {
		t.Fatalf("stats %+v", s)
	}
}

// A write larger than a bulk may be is split, by action count and by bytes.
func TestWriterSplitsLargeWrites(t *testing.T) {
	line, err := bulkLines(indexAction("d00", 1), true)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		cfg     WriterConfig
		actions []projections.Action
		want    string // the bulk sizes, smallest first
	}{
		"by actions": {WriterConfig{MaxActions: 100}, indexActions(250, "d%d"), "[50 100 100]"},
		"by bytes":   {WriterConfig{MaxBytes: 2 * len(line)}, indexActions(5, "d%02d"), "[1 2 2]"},
	} {
		t.Run(name, func(t *testing.T) {
			es := newFakeES()
			w := newTestWriter(t, es, tc.cfg)
			if err := w.Write(context.Background(), tc.actions...); err != nil {
				t.Fatal(err)
			}
			// Bulks in flight at once may answer in any order.
			_, sizes, _ := es.snapshot()
			sort.Ints(sizes)
			if fmt.Sprint(sizes) != tc.want {
				t.Fatalf("bulk sizes %v, want %s", sizes, tc.want)
			}
		})
	}
}

func TestWriterTreatsStaleVersionsAsSuccess(t *testing.T) {
	es := newFakeES()
	w := newTestWriter(t, es, WriterConfig{})
	ctx := context.Background()
	if err := w.Write(ctx, indexAction("a", 2)); err != nil {
		t.Fatal(err)
	}
	// A redelivery, an older event, and a delete of what is not there: all no-ops.
	if err := w.Write(ctx, indexAction("a", 2), indexAction("a", 1), deleteAction("never", 3)); err != nil {
		t.Fatalf("stale writes failed: %v", err)
	}
	if err := w.Write(ctx, deleteAction("a", 1)); err != nil {
		t.Fatalf("stale delete failed: %v", err)
	}
	if live, _, _ := es.snapshot(); live["a"] == nil {
		t.Fatal("an older delete removed a newer document")
	}
}

func TestWriterReportsItemErrors(t *testing.T) {
	es := newFakeES()
	es.fail = func(id string) (int, string) {
		if id == "bad" {
			return 400, "strict_dynamic_mapping_exception"
		}
		return 0, ""
	}
	w := newTestWriter(t, es, WriterConfig{})
	err := w.Write(context.Background(), indexAction("good", 1), indexAction("bad", 1))
	var item *ItemError
	if !errors.As(err, &item) {
		t.Fatalf("got %v, want an *ItemError", err)
	}
	if item.ID != "bad" || item.Status != 400 || item.Type != "strict_dynamic_mapping_exception" || item.Op != projections.OpIndex {
		t.Fatalf("got %+v", item)
	}
	if live, _, _ := es.snapshot(); live["good"] == nil {
		t.Fatal("the good action of the batch was lost")
	}
}

func TestWriterIsolatesCallersInOneBatch(t *testing.T) {
	es := newFakeES()
	es.gate = make(chan struct{})
	es.fail = func(id string) (int, string) {
		if id == "bad" {
			return 429, "es_rejected_execution_exception"
		}
		return 0, ""
	}
	w := newTestWriter(t, es, WriterConfig{MaxInFlight: 1})
	ctx := context.Background()
	first := make(chan error, 1)
	go func() { first <- w.Write(ctx, indexAction("first", 1)) }()
	testenv.WaitFor(t, time.Minute, "the first bulk held at the gate", func() bool { return len(w.slots) == 1 })
	good, bad := make(chan error, 1), make(chan error, 1)
	go func() { good <- w.Write(ctx, indexAction("good", 1)) }()
	go func() { bad <- w.Write(ctx, indexAction("bad", 1)) }()
	time.Sleep(20 * time.Millisecond) // let both join the second batch
	es.gate <- struct{}{}
	es.gate <- struct{}{}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-good; err != nil {
		t.Fatalf("a caller got a neighbour's error: %v", err)
	}
	if err := <-bad; err == nil {
		t.Fatal("the failing caller got no error")
	}
	if _, sizes, _ := es.snapshot(); fmt.Sprint(sizes) != "[1 2]" {
		t.Fatalf("bulk sizes %v, want [1 2]", sizes)
	}
}

func TestWriterReportsFailedRequests(t *testing.T) {
	es := newFakeES()
	es.status = 400
	w := newTestWriter(t, es, WriterConfig{})
	err := w.Write(context.Background(), indexAction("a", 1))
	var re *ResponseError
	if !errors.As(err, &re) || re.Status != 400 || re.Type != "fake_failure" {
		t.Fatalf("got %v, want a *ResponseError", err)
	}
	if s := w.Stats(); s.Failed != 1 {
		t.Fatalf("stats %+v", s)
	}
}

func TestWriterTargetsIndexWithRefresh(t *testing.T) {
	es := newFakeES()
	w := newTestWriter(t, es, WriterConfig{Index: "plans-2", Refresh: RefreshWaitFor})
	if err := w.Write(context.Background(), indexAction("a", 1)); err != nil {
		t.Fatal(err)
	}
	_, _, bulks := es.snapshot()
	if got := bulks[0].URL.Path; got != "/plans-2/_bulk" {
		t.Errorf("path %s", got)
	}
	if got := bulks[0].URL.Query().Get("refresh"); got != "wait_for" {
		t.Errorf("refresh %q", got)
	}
	if w.cfg.RequireAlias {
		t.Errorf("require_alias on a concrete index")
	}
}

func TestWriterDefaultsToAliasWithoutRefresh(t *testing.T) {
	es := newFakeES()
	w := newTestWriter(t, es, WriterConfig{FlushInterval: 2 * time.Millisecond})
	if err := w.Write(context.Background(), indexAction("a", 1)); err != nil {
		t.Fatal(err)
	}
	_, _, bulks := es.snapshot()
	if got := bulks[0].URL.Path; got != "/plans/_bulk" {
		t.Errorf("path %s", got)
	}
	if bulks[0].URL.Query().Has("refresh") {
		t.Errorf("refresh set: %s", bulks[0].URL.RawQuery)
	}
	if !w.cfg.RequireAlias {
		t.Errorf("writes to the alias do not require it: a missing alias would auto-create an index")
	}
}

func TestWriterHonoursCallerContext(t *testing.T) {
	es := newFakeES()
	es.gate = make(chan struct{}) // never opened: the bulk hangs
	w, err := NewWriter(es.client(t), WriterConfig{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := w.Write(ctx, indexAction("a", 1)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the caller's deadline", err)
	}
	_ = w.Close()
}

func TestWriterCloseFlushesAndRefusesLaterWrites(t *testing.T) {
	es := newFakeES()
	w, err := NewWriter(es.client(t), WriterConfig{FlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() { result <- w.Write(context.Background(), indexAction("a", 1)) }()
	time.Sleep(20 * time.Millisecond) // the write sits in a batch lingering for an hour
	if n := es.count(); n != 0 {
		t.Fatalf("%d bulks sent before the flush interval", n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-result; err != nil {
		t.Fatalf("accepted write lost on close: %v", err)
	}
	if err := w.Write(context.Background(), indexAction("b", 1)); !errors.Is(err, ErrWriterClosed) {
		t.Fatalf("got %v, want ErrWriterClosed", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestWriterRefusesBadActionsAndConfig(t *testing.T) {
	es := newFakeES()
	w := newTestWriter(t, es, WriterConfig{})
	bad := []projections.Action{
		{Op: projections.OpIndex, Doc: projections.Doc{ID: "a"}, Version: 1},
		{Op: projections.OpIndex, Doc: projections.Doc{ID: "a", Source: []byte("{")}, Version: 1},
		{Op: "update", Doc: projections.Doc{ID: "a"}, Version: 1},
		{Op: projections.OpDelete, Doc: projections.Doc{ID: "a"}},
		{Op: projections.OpDelete, Version: 1},
	}
	for _, a := range bad {
		if err := w.Write(context.Background(), a); err == nil {
			t.Errorf("accepted %+v", a)
		}
	}
	if _, err := NewWriter(nil, WriterConfig{}); err == nil {
		t.Error("accepted a nil client")
	}
	if _, err := NewWriter(es.client(t), WriterConfig{Refresh: "sometimes"}); err == nil {
		t.Error("accepted an unknown refresh policy")
	}
	if _, err := NewWriter(es.client(t), WriterConfig{Index: "plans-*"}); err == nil {
		t.Error("accepted an index pattern")
	}
}

func TestBulkLinesKeepSourceOnOneLine(t *testing.T) {
	a := indexAction("a", 7)
	a.Doc.Source = []byte("{\n  \"objectId\": \"a\"\n}")
	line, err := bulkLines(a, false)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"index":{"_id":"a","routing":"p","version":7,"version_type":"external"}}` + "\n" + `{"objectId":"a"}` + "\n"
	if string(line) != want {
		t.Fatalf("got %q\nwant %q", line, want)
	}
}

func (f *fakeES) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.bulks)
}
