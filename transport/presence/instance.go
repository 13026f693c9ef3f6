package presence

import "time"

// Timing of the heartbeat. An instance is down once DownAfter passes without one: well
// within the 10 s the system view promises, yet five heartbeats of slack on a busy host.
const (
	HeartbeatInterval = time.Second
	DownAfter         = 5 * time.Second
	// ForgetAfter drops an instance that stayed silent this long (a scaled-down role,
	// a restart on another port), so the view does not grow forever.
	ForgetAfter = 15 * time.Minute
	// sampleEvery and keepSamples give each consumer a lag history of the last five
	// minutes, for the console's charts.
	sampleEvery = 5 * time.Second
	keepSamples = 60
)

// Status of an instance in the system view.
const (
	StatusUp      = "up"
	StatusDown    = "down"    // no heartbeat for DownAfter: killed, hung or cut off
	StatusStopped = "stopped" // shut down cleanly
)

// Instance is one running role process as it announced itself.
type Instance struct {
	ID        string     `json:"id"`
	Role      string     `json:"role"`
	Version   string     `json:"version"`
	Addr      string     `json:"addr"`
	Host      string     `json:"host"`
	PID       int        `json:"pid"`
	StartedAt time.Time  `json:"started_at"`
	LastSeen  time.Time  `json:"last_seen"`
	Stopped   bool       `json:"stopped,omitempty"`
	Consumers []Consumer `json:"consumers"`
	// Relay is "leading" or "standby" for an instance that runs a relay.
	Relay string `json:"relay,omitempty"`
	// OutboxBacklog is what the relay has not published yet (Redis relays).
	OutboxBacklog *int64 `json:"outbox_backlog,omitempty"`

	// Set by List, not announced.
	Status        string  `json:"status"`
	UptimeSeconds float64 `json:"uptime_seconds"`
}

// Consumer is one consumer an instance runs, or watches (a relay watches the queue
// depth of every consumer it feeds).
type Consumer struct {
	Name string `json:"name"`
	// Attached: this instance consumes from the queue now. False for a consumer it only
	// watches.
	Attached   bool   `json:"attached"`
	Error      string `json:"error,omitempty"`
	QueueDepth *int   `json:"queue_depth,omitempty"`
	// LagSeconds is how long the oldest event the consumer has not applied has waited
	// (0: it has them all); absent when this instance cannot measure it.
	LagSeconds *float64 `json:"lag_seconds,omitempty"`
	History    []Sample `json:"history,omitempty"`
}

// Sample is one point of a consumer's lag chart.
type Sample struct {
	At         time.Time `json:"at"`
	LagSeconds float64   `json:"lag_seconds"`
	QueueDepth int       `json:"queue_depth"`
}

// judge sets the fields List derives at read time.
func (i *Instance) judge(now time.Time) {
	switch {
	case i.Stopped:
		i.Status = StatusStopped
	case now.Sub(i.LastSeen) > DownAfter:
		i.Status = StatusDown
	default:
		i.Status = StatusUp
	}
	if i.Status == StatusUp {
		i.UptimeSeconds = now.Sub(i.StartedAt).Seconds()
	}
}
