package stats

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func sampleRecorders() (*Recorder, *Recorder) {
	a, b := NewRecorder(), NewRecorder()
	for i := range 100 {
		a.Record("create", Outcome{Kind: OK, Latency: time.Duration(i+1) * time.Millisecond})
	}
	a.Record("create", Outcome{Kind: HTTPError, Status: 500, Latency: time.Millisecond, Detail: "boom"})
	b.Record("read", Outcome{Kind: OK, Latency: time.Millisecond})
	b.Record("read", Outcome{Kind: NotModified, Latency: time.Millisecond})
	b.Record("patch", Outcome{Kind: PreconditionFailed, Latency: time.Millisecond})
	b.Record("patch", Outcome{Kind: TransportError, Cause: "timeout", Detail: "deadline"})
	b.Record("search:has_child", Outcome{Kind: OK, Latency: 2 * time.Millisecond})
	b.Record("search:has_parent", Outcome{Kind: OK, Latency: 4 * time.Millisecond})
	return a, b
}

func TestSummaryCountsRatesAndGroups(t *testing.T) {
	a, b := sampleRecorders()
	a.Merge(b)
	rows := a.Summarize(2 * time.Second)
	var names []string
	for _, r := range rows {
		names = append(names, r.Op)
	}
	want := "create read patch search search:has_child search:has_parent"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("rows %q, want %q", got, want)
	}
	rep := Report{Ops: rows}
	rep.Finish()

	create, _ := rep.Op("create")
	if create.OK != 100 || create.Errors != 1 || create.Requests != 101 || create.OKPerSecond != 50 {
		t.Errorf("create row %+v", create)
	}
	if create.ErrorsByStatus["500"] != 1 || create.ErrorExamples["status 500"] != "boom" {
		t.Errorf("create errors %+v %+v", create.ErrorsByStatus, create.ErrorExamples)
	}
	if p := create.Latency.P50; p < 49.9 || p > 51.1 {
		t.Errorf("create p50 %v ms", p)
	}
	read, _ := rep.Op("read")
	if read.OK != 1 || read.NotModified != 1 || read.OKPerSecond != 1 {
		t.Errorf("read row %+v: a 304 is a success, counted apart", read)
	}
	patch, _ := rep.Op("patch")
	if patch.PreconditionFailed != 1 || patch.Errors != 1 || patch.ErrorsByTransport["timeout"] != 1 {
		t.Errorf("patch row %+v: 412 is not an error, a timeout is", patch)
	}
	search, _ := rep.Op("search")
	if search.OK != 2 || search.Latency.Max != 4 {
		t.Errorf("search group row %+v", search)
	}
	// Totals count each request once: the group row repeats its variants.
	if rep.Totals.OK != 100+1+2 || rep.Totals.NotModified != 1 || rep.Totals.PreconditionFailed != 1 ||
		rep.Totals.Errors != 2 || rep.Totals.Requests != 101+2+2+2 || rep.Totals.OKPerSecond != 52 {
		t.Errorf("totals %+v", rep.Totals)
	}
}

func TestSummarizingTwiceDoesNotDoubleCount(t *testing.T) {
	a, b := sampleRecorders()
	a.Merge(b)
	first := a.Summarize(time.Second)
	second := a.Summarize(time.Second)
	if len(first) != len(second) || first[3].OK != second[3].OK {
		t.Fatalf("summaries differ: %+v vs %+v", first[3], second[3])
	}
}

func TestJSONReportShape(t *testing.T) {
	a, _ := sampleRecorders()
	rep := Report{Target: "http://x", Scenario: "mixed", Ops: a.Summarize(time.Second),
		Lag: &LagReport{Sampled: 3, Seen: 3, Drain: &Drain{Created: 3, Searchable: 3, WithinMs: 12}}}
	rep.Finish()
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var decoded map[string]any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	ops := decoded["ops"].([]any)
	first := ops[0].(map[string]any)
	for _, key := range []string{"op", "ok_per_sec", "latency", "errors_by_status"} {
		if _, ok := first[key]; !ok {
			t.Errorf("op row lacks %q: %v", key, first)
		}
	}
	if lat := first["latency"].(map[string]any); lat["p99_ms"] == nil {
		t.Errorf("latency lacks p99_ms: %v", lat)
	}
	drain := decoded["projection_lag"].(map[string]any)["drain"].(map[string]any)
	if drain["all_searchable_within_ms"] != 12.0 {
		t.Errorf("drain %v", drain)
	}
}

func TestTableShowsEveryOperationAndError(t *testing.T) {
	a, b := sampleRecorders()
	a.Merge(b)
	rep := Report{Target: "http://x", Scenario: "mixed", Clients: 4, ElapsedSeconds: 2, Ops: a.Summarize(2 * time.Second),
		Generator: Process{GOMAXPROCS: 2, NumCPU: 2, CPUCores: 0.5}}
	rep.Finish()
	var buf bytes.Buffer
	if err := rep.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"create", "  :has_child", "HTTP 500 x1", `e.g. "boom"`, "timeout x1", "GOMAXPROCS=2", "total"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestFormatMs(t *testing.T) {
	for ms, want := range map[float64]string{0: "-", 0.456: "0.46ms", 12.34: "12.3ms", 123.4: "123ms", 1234: "1.23s"} {
		if got := formatMs(ms); got != want {
			t.Errorf("formatMs(%v) = %q, want %q", ms, got, want)
		}
	}
}
