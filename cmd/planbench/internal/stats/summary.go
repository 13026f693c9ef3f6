package stats

import (
	"slices"
	"strings"
	"time"
)

// OpReport is the summary of one operation over the measured window.
type OpReport struct {
	Op string `json:"op"`
	Counts
	RequestsPerSecond float64           `json:"requests_per_sec"`
	Latency           Latency           `json:"latency"`
	ErrorsByStatus    map[string]int64  `json:"errors_by_status,omitempty"`
	ErrorsByTransport map[string]int64  `json:"errors_by_transport,omitempty"`
	ErrorExamples     map[string]string `json:"error_examples,omitempty"`
}

// GroupSeparator splits an operation name into group and variant ("search:has_child").
// Variants of a group get a combined row named after the group.
const GroupSeparator = ":"

// opOrder lists the operations in the order a reader expects; others follow by name.
var opOrder = []string{"create", "read", "patch", "refresh", "search"}

// Summarize turns the recorded outcomes into one row per operation, plus one combined
// row per group of variants, with rates over elapsed.
func (r *Recorder) Summarize(elapsed time.Duration) []OpReport {
	groups := map[string]*opStats{}
	members := map[string]int{}
	for name, s := range r.ops {
		g, _, ok := strings.Cut(name, GroupSeparator)
		if !ok {
			continue
		}
		members[g]++
		if groups[g] == nil {
			groups[g] = newOpStats()
		}
		groups[g].add(s)
	}
	var rows []OpReport
	for name, s := range r.ops {
		rows = append(rows, s.report(name, elapsed))
	}
	for g, s := range groups {
		if _, taken := r.ops[g]; !taken && members[g] > 1 {
			rows = append(rows, s.report(g, elapsed))
		}
	}
	slices.SortFunc(rows, func(a, b OpReport) int { return compareOps(a.Op, b.Op) })
	return rows
}

// compareOps orders by group (known groups first), the group row before its variants.
func compareOps(a, b string) int {
	ga, va, _ := strings.Cut(a, GroupSeparator)
	gb, vb, _ := strings.Cut(b, GroupSeparator)
	if ga != gb {
		ia, ib := rank(ga), rank(gb)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(ga, gb)
	}
	return strings.Compare(va, vb)
}

func rank(group string) int {
	if i := slices.Index(opOrder, group); i >= 0 {
		return i
	}
	return len(opOrder)
}

func (s *opStats) report(name string, elapsed time.Duration) OpReport {
	errs := sum(s.byStatus) + sum(s.byTransport)
	ok := s.ok + s.notModified
	requests := ok + s.preconditionFailed + errs
	row := OpReport{
		Op:      name,
		Counts:  Counts{Requests: requests, OK: s.ok, NotModified: s.notModified, PreconditionFailed: s.preconditionFailed, Errors: errs},
		Latency: s.latency.Summary(),
	}
	if secs := elapsed.Seconds(); secs > 0 {
		row.OKPerSecond = round1(float64(ok) / secs)
		row.RequestsPerSecond = round1(float64(requests) / secs)
	}
	if len(s.byStatus) > 0 {
		row.ErrorsByStatus = s.byStatus
	}
	if len(s.byTransport) > 0 {
		row.ErrorsByTransport = s.byTransport
	}
	if len(s.examples) > 0 {
		row.ErrorExamples = s.examples
	}
	return row
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }
