package events

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Errors every event store adapter reports, so callers can map them with errors.Is/As
// whatever the backend.
var (
	// ErrVersionConflict: the aggregate's version is no longer the one the caller decided on.
	ErrVersionConflict = errors.New("events: version conflict")
	// ErrNotFound: the aggregate has never had an event.
	ErrNotFound = errors.New("events: aggregate not found")
	// ErrStorageFull: the store has no room for the write (a full disk); nothing of the
	// commit was stored, and the same write can succeed once space is freed.
	ErrStorageFull = errors.New("events: storage full")
	// ErrUnavailable: the store cannot answer right now (a failover under way, say) and
	// may later; a write that failed with it was not acknowledged, but may have been
	// applied: read before writing again.
	ErrUnavailable = errors.New("events: event store unavailable")
)

// ObjectIDTakenError says an objectId the commit claims belongs to another aggregate.
type ObjectIDTakenError struct {
	ObjectID string
	Owner    string
}

func (e *ObjectIDTakenError) Error() string {
	return fmt.Sprintf("events: objectId %q belongs to plan %q", e.ObjectID, e.Owner)
}

// Snapshot is the current state of one aggregate: what GET serves. The event log stays
// the truth; a snapshot can always be rebuilt from it.
type Snapshot struct {
	AggregateID string
	Version     int64           // version of the last event; 0 never happens for a found aggregate
	Deleted     bool            // the last event deleted it; Document is nil then
	Document    json.RawMessage // the aggregate's current document
}

// Commit is one atomic write: it succeeds only while the aggregate is still at
// ExpectedVersion (0 = no event yet), and then appends Events (versions
// ExpectedVersion+1...), stores the new snapshot (Snapshot nil = deleted), claims the
// objectIds the new state owns and releases those it no longer owns, and makes the
// events visible to the outbox and to the global log — all or nothing.
type Commit struct {
	AggregateID      string
	ExpectedVersion  int64
	Events           []Envelope
	Snapshot         json.RawMessage
	ClaimObjectIDs   []string
	ReleaseObjectIDs []string
}

// LogEntry is one event as read from the global log or the outbox. Position is opaque
// and store specific (a Redis stream id, a sequence number); entries of one partition
// come in commit order, and all events of one aggregate live in one partition.
type LogEntry struct {
	Partition int
	Position  string
	Event     Envelope
	// Encoded is Event's encoding at the current schema as the store holds it, when it
	// holds it so (Codec.DecodeStored); nil otherwise.
	Encoded []byte
}

// DefaultPartitions is how many partitions the global log is split into.
const DefaultPartitions = 16

// PartitionOf maps an aggregate to its partition with FNV-1a, stable across releases
// because it decides where existing data lives.
func PartitionOf(aggregateID string, partitions int) int {
	const offset, prime = 2166136261, 16777619
	h := uint32(offset)
	for i := 0; i < len(aggregateID); i++ {
		h ^= uint32(aggregateID[i])
		h *= prime
	}
	return int(h % uint32(partitions))
}
