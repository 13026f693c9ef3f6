// Package audit is the audit trail: a log of all event activity per plan, as the
// "logger queue" of the file-ingest system this project grew from kept it, and the log
// of operator requests. A plan's entries are its events, read from the event log
// (Log.ForHistory), so the trail is complete the moment a write is acknowledged; a Store
// keeps the operator log and what the retired audit consumer recorded.
package audit

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/planstore/planstore/events"
)

// Entry is one event in a plan's audit log.
type Entry struct {
	EventID       string      `json:"event_id"`
	Type          events.Type `json:"type"`
	Version       int64       `json:"version"`
	Actor         string      `json:"actor"`
	CorrelationID string      `json:"correlation_id"`
	OccurredAt    time.Time   `json:"occurred_at"`
	// ReceivedAt is when the event log received the event: the commit, i.e. OccurredAt.
	// For an event the retired audit consumer recorded, the time it first received it.
	ReceivedAt time.Time `json:"received_at"`
	// Detail says what an operator's request was (operator entries only).
	Detail string `json:"detail,omitempty"`
}

// entryOf is the audit entry of an event received at receivedAt.
func entryOf(e events.Envelope, receivedAt time.Time) Entry {
	return Entry{
		EventID:       e.ID,
		Type:          e.Type,
		Version:       e.Version,
		Actor:         e.Actor,
		CorrelationID: e.CorrelationID,
		OccurredAt:    e.OccurredAt,
		ReceivedAt:    receivedAt.UTC(),
	}
}

// collectEntries decodes each stored entry (key = event id, value = JSON) onto entries,
// for the bbolt walks of both file stores.
func collectEntries(entries *[]Entry) func(key, value []byte) error {
	return func(key, value []byte) error {
		var e Entry
		if err := json.Unmarshal(value, &e); err != nil {
			return fmt.Errorf("decode entry %s: %w", key, err)
		}
		*entries = append(*entries, e)
		return nil
	}
}

// sortByVersion orders a plan's entries by version; ties (which a store never produces
// for one plan) fall back to time and id, so the order is always the same.
func sortByVersion(entries []Entry) {
	slices.SortFunc(entries, func(a, b Entry) int {
		return cmp.Or(
			cmp.Compare(a.Version, b.Version),
			a.OccurredAt.Compare(b.OccurredAt),
			cmp.Compare(a.EventID, b.EventID),
		)
	})
}
