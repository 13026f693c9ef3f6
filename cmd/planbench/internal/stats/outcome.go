package stats

import "time"

// Kind classifies the outcome of one request.
type Kind int

const (
	// OK is the expected success: 201 for a create, 200 for the others.
	OK Kind = iota
	// NotModified is a 304 answering If-None-Match: a success, counted apart.
	NotModified
	// PreconditionFailed is a 412 answering If-Match: another writer won the race.
	// It is the optimistic concurrency working, so it is counted apart, not as an error.
	PreconditionFailed
	// HTTPError is any other status.
	HTTPError
	// TransportError is a request that got no HTTP answer (refused, reset, timeout).
	TransportError
)

// Outcome is what one request produced.
type Outcome struct {
	Kind    Kind
	Latency time.Duration // not recorded for transport errors: there was no answer
	Status  int           // for HTTPError
	Cause   string        // for TransportError: a short category such as "timeout"
	Detail  string        // for errors: an example message kept in the report
}

// Succeeded reports whether the outcome counts towards an operation's throughput.
func (o Outcome) Succeeded() bool { return o.Kind == OK || o.Kind == NotModified }

// IsError reports whether the outcome counts as an error.
func (o Outcome) IsError() bool { return o.Kind == HTTPError || o.Kind == TransportError }
