package stats

import "strconv"

// Recorder accumulates outcomes per operation name. It is not safe for concurrent use:
// give each worker its own and Merge them afterwards.
type Recorder struct {
	ops map[string]*opStats
}

type opStats struct {
	latency            *Histogram
	ok                 int64
	notModified        int64
	preconditionFailed int64
	byStatus           map[string]int64
	byTransport        map[string]int64
	examples           map[string]string // error key -> first message seen
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{ops: map[string]*opStats{}} }

func (r *Recorder) op(name string) *opStats {
	s, ok := r.ops[name]
	if !ok {
		s = newOpStats()
		r.ops[name] = s
	}
	return s
}

func newOpStats() *opStats {
	return &opStats{
		latency: NewHistogram(), byStatus: map[string]int64{},
		byTransport: map[string]int64{}, examples: map[string]string{},
	}
}

// Record adds one outcome of operation op.
func (r *Recorder) Record(op string, o Outcome) {
	s := r.op(op)
	if o.Kind != TransportError {
		s.latency.Record(o.Latency)
	}
	switch o.Kind {
	case OK:
		s.ok++
	case NotModified:
		s.notModified++
	case PreconditionFailed:
		s.preconditionFailed++
	case HTTPError:
		key := strconv.Itoa(o.Status)
		s.byStatus[key]++
		s.keepExample("status "+key, o.Detail)
	case TransportError:
		s.byTransport[o.Cause]++
		s.keepExample(o.Cause, o.Detail)
	}
}

func (s *opStats) keepExample(key, detail string) {
	if _, ok := s.examples[key]; !ok && detail != "" {
		s.examples[key] = detail
	}
}

// Merge adds everything other recorded to r.
func (r *Recorder) Merge(other *Recorder) {
	for name, o := range other.ops {
		r.op(name).add(o)
	}
}

// add adds everything o counted to s.
func (s *opStats) add(o *opStats) {
	s.latency.Merge(o.latency)
	s.ok += o.ok
	s.notModified += o.notModified
	s.preconditionFailed += o.preconditionFailed
	addCounts(s.byStatus, o.byStatus)
	addCounts(s.byTransport, o.byTransport)
	for k, v := range o.examples {
		s.keepExample(k, v)
	}
}

func addCounts(dst, src map[string]int64) {
	for k, v := range src {
		dst[k] += v
	}
}
