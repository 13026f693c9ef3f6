package redisstore

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/planstore/planstore/events"
)

// maxIDLen bounds aggregate ids and objectIds, so keys stay short.
const maxIDLen = 1024

// validateCommit rejects commits no correct caller produces; the same rules hold in
// boltstore, and the shared acceptance suite keeps the two in step.
func validateCommit(c events.Commit) error {
	if err := validateID("aggregate id", c.AggregateID); err != nil {
		return invalid(c, err)
	}
	if c.ExpectedVersion < 0 {
		return invalid(c, fmt.Errorf("expected version %d is negative", c.ExpectedVersion))
	}
	if len(c.Events) == 0 {
		return invalid(c, fmt.Errorf("no events"))
	}
	for i, e := range c.Events {
		if err := validateEvent(c, i, e); err != nil {
			return invalid(c, err)
		}
	}
	if !isDeletion(c) && !json.Valid(c.Snapshot) {
		return invalid(c, fmt.Errorf("snapshot is not valid JSON"))
	}
	claimed, err := idSet("claimed", c.ClaimObjectIDs)
	if err != nil {
		return invalid(c, err)
	}
	if _, err := idSet("released", c.ReleaseObjectIDs); err != nil {
		return invalid(c, err)
	}
	for _, id := range c.ReleaseObjectIDs {
		if claimed[id] {
			return invalid(c, fmt.Errorf("objectId %q is both claimed and released", id))
		}
	}
	return nil
}

func validateEvent(c events.Commit, i int, e events.Envelope) error {
	want := c.ExpectedVersion + int64(i) + 1
	switch {
	case e.AggregateID != c.AggregateID:
		return fmt.Errorf("event %d belongs to aggregate %q", i, e.AggregateID)
	case e.Version != want:
		return fmt.Errorf("event %d has version %d, want %d", i, e.Version, want)
	case e.Type == "":
		return fmt.Errorf("event %d has no type", i)
	case e.SchemaVersion < 0 || e.SchemaVersion > events.CurrentSchemaVersion:
		return fmt.Errorf("event %d has schema version %d, this build writes up to %d", i, e.SchemaVersion, events.CurrentSchemaVersion)
	}
	return nil
}

func idSet(what string, ids []string) (map[string]bool, error) {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		if err := validateID(what+" objectId", id); err != nil {
			return nil, err
		}
		if set[id] {
			return nil, fmt.Errorf("%s objectId %q is listed twice", what, id)
		}
		set[id] = true
	}
	return set, nil
}

func validateID(what, id string) error {
	if id == "" {
		return fmt.Errorf("%s is empty", what)
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("%s is longer than %d bytes", what, maxIDLen)
	}
	return nil
}

// isDeletion: a commit without a snapshot (or with JSON null) leaves the aggregate deleted.
func isDeletion(c events.Commit) bool {
	trimmed := bytes.TrimSpace(c.Snapshot)
	return len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null"))
}

func invalid(c events.Commit, err error) error {
	return fmt.Errorf("redisstore: invalid commit for %q: %w", c.AggregateID, err)
}
