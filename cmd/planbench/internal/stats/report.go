package stats

// Report is everything one planbench run measured. It is printed as a table or, with
// --json, encoded as is; field names are part of planbench's output contract.
type Report struct {
	Target   string `json:"target"`
	Scenario string `json:"scenario"`
	Mix      string `json:"mix,omitempty"`
	Clients  int    `json:"clients"`
	Seed     uint64 `json:"seed"`
	RunID    string `json:"run_id"`

	WarmupSeconds  float64 `json:"warmup_seconds"`
	ElapsedSeconds float64 `json:"elapsed_seconds"` // the measured window

	Ops    []OpReport `json:"ops"`
	Totals Counts     `json:"totals"`

	Preload   *Preload   `json:"preload,omitempty"`
	Lag       *LagReport `json:"projection_lag,omitempty"`
	Generator Process    `json:"generator"`
	Server    *Server    `json:"server,omitempty"`
	Backends  []Server   `json:"backends,omitempty"`
	Host      *Host      `json:"host,omitempty"` // OtherCores includes the server without --server-pid
	Notes     []string   `json:"notes,omitempty"`
}

// Counts are the outcomes of an operation row; a report's Totals sum them over the
// rows (group rows excluded, they repeat their variants).
type Counts struct {
	Requests           int64   `json:"requests"`
	OK                 int64   `json:"ok"`
	NotModified        int64   `json:"not_modified"`
	PreconditionFailed int64   `json:"precondition_failed"`
	Errors             int64   `json:"errors"`
	OKPerSecond        float64 `json:"ok_per_sec"` // ok + not_modified
}

func (c *Counts) add(o Counts) {
	c.Requests += o.Requests
	c.OK += o.OK
	c.NotModified += o.NotModified
	c.PreconditionFailed += o.PreconditionFailed
	c.Errors += o.Errors
	c.OKPerSecond += o.OKPerSecond
}

// Preload describes the plans created before the measured window.
type Preload struct {
	Plans            int64   `json:"plans"`
	Errors           int64   `json:"errors"`
	Seconds          float64 `json:"seconds"`
	PerSecond        float64 `json:"per_sec"`
	SearchableWithin float64 `json:"searchable_within_ms,omitempty"` // after the last create
}

// LagReport is the projection lag: from a create's 201 to the plan being searchable.
type LagReport struct {
	PollIntervalMs float64 `json:"poll_interval_ms"`
	Sampled        int64   `json:"sampled"`
	Seen           int64   `json:"seen"`
	NotSeen        int64   `json:"not_seen"` // still unsearchable when the probe gave up
	Latency        Latency `json:"latency"`
	Drain          *Drain  `json:"drain,omitempty"`
}

// Drain is the wait, after the last create of the run, until every plan the run created
// was searchable.
type Drain struct {
	Created    int64   `json:"created"`
	Searchable int64   `json:"searchable"`
	WithinMs   float64 `json:"all_searchable_within_ms"`
	TimedOut   bool    `json:"timed_out"`
}

// Process is the load generator's own cost, so a reader can tell whether the generator
// rather than the server was the bottleneck.
type Process struct {
	GOMAXPROCS int     `json:"gomaxprocs"`
	NumCPU     int     `json:"num_cpu"`
	CPUSeconds float64 `json:"cpu_seconds"`
	CPUCores   float64 `json:"cpu_cores"` // average cores busy during the measured window
	// CPUPerRequest is CPU microseconds per request sent: what the generator costs.
	CPUPerRequest float64 `json:"cpu_us_per_request"`
}

// Server is the server process, or a backend process, when its pid was given.
type Server struct {
	PID       int     `json:"pid"`
	RSSKB     int64   `json:"rss_kb"`
	PeakRSSKB int64   `json:"peak_rss_kb"`
	CPUCores  float64 `json:"cpu_cores"`
	// CPUPerRequest is server CPU microseconds per request answered. Unlike a rate, it
	// hardly depends on what else the machine runs, so it compares servers fairly on a
	// shared machine.
	CPUPerRequest float64 `json:"cpu_us_per_request"`
}

// Host is the whole machine during the measured window. On a shared machine,
// OtherCores is the CPU other processes took from the generator and the server.
type Host struct {
	Load1      float64 `json:"load1"`
	BusyCores  float64 `json:"busy_cores"`
	OtherCores float64 `json:"other_cores"` // busy minus generator minus server (when known)
}

// Finish fills Totals from Ops.
func (r *Report) Finish() {
	r.Totals = Counts{}
	for _, op := range r.Ops {
		if !r.isGroupRow(op.Op) {
			r.Totals.add(op.Counts)
		}
	}
	r.Totals.OKPerSecond = round1(r.Totals.OKPerSecond)
	if n := float64(r.Totals.Requests); n > 0 {
		r.Generator.CPUPerRequest = round1(r.Generator.CPUSeconds * 1e6 / n)
		if r.Server != nil {
			r.Server.CPUPerRequest = round1(r.Server.CPUCores * r.ElapsedSeconds * 1e6 / n)
		}
	}
}

// isGroupRow reports whether op is a combined row of variants present in r.Ops.
func (r *Report) isGroupRow(op string) bool {
	for _, other := range r.Ops {
		if len(other.Op) > len(op) && other.Op[:len(op)+1] == op+GroupSeparator {
			return true
		}
	}
	return false
}

// Op returns the row of one operation, if any.
func (r *Report) Op(name string) (OpReport, bool) {
	for _, op := range r.Ops {
		if op.Op == name {
			return op, true
		}
	}
	return OpReport{}, false
}
