// Package events defines the event envelope every change travels in (docs/contract.md 5),
// its codec with schema upcasting, and the types shared by every event store adapter.
package events

import (
	"encoding/json"
	"time"
)

// Type is the stable, wire-level name of an event. It never derives from Go type names,
// so renaming a struct cannot break consumers or the stored log.
type Type string

// The event types of the plan aggregate.
const (
	PlanCreated  Type = "plan.created"
	PlanReplaced Type = "plan.replaced"
	PlanPatched  Type = "plan.patched"
	PlanDeleted  Type = "plan.deleted"
)

// AggregateTypePlan is the only aggregate type so far.
const AggregateTypePlan = "plan"

// CurrentSchemaVersion is written into every new event; older versions are upcast on read.
const CurrentSchemaVersion = 1

// Envelope is one versioned, self-contained event: it carries the state before and after
// the change, so any consumer can replicate state from events alone.
type Envelope struct {
	ID            string    `json:"id"`
	Type          Type      `json:"type"`
	SchemaVersion int       `json:"schema_version"`
	AggregateType string    `json:"aggregate_type"`
	AggregateID   string    `json:"aggregate_id"`
	Version       int64     `json:"version"`
	OccurredAt    time.Time `json:"occurred_at"`
	Actor         string    `json:"actor"`
	CorrelationID string    `json:"correlation_id"`
	CausationID   string    `json:"causation_id,omitempty"`
	Data          Data      `json:"data"`
}

// Data is the payload: the aggregate's document before and after the change (JSON null
// when it did not exist), and for plan.patched the merge patch that was applied.
type Data struct {
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
	Patch  json.RawMessage `json:"patch,omitempty"`
}
