package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrInvalidCommit: a commit no correct caller produces (a bug, not a client error).
var ErrInvalidCommit = errors.New("events: invalid commit")

// MaxIDBytes bounds aggregate ids and objectIds in the stores, so keys stay short.
const MaxIDBytes = 1024

// Validate rejects commits no correct caller produces. Every store adapter checks it
// before writing, so the rules are the same whatever the backend.
func (c Commit) Validate() error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("%w for %q: %w", ErrInvalidCommit, c.AggregateID, err)
	}
	return nil
}

// Deletes reports whether the commit leaves the aggregate deleted: no snapshot, or JSON null.
func (c Commit) Deletes() bool {
	trimmed := bytes.TrimSpace(c.Snapshot)
	return len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null"))
}

// ValidateAggregateID checks an aggregate id as the stores key it.
func ValidateAggregateID(id string) error { return validateID("aggregate id", id) }

func (c Commit) validate() error {
	if err := ValidateAggregateID(c.AggregateID); err != nil {
		return err
	}
	if c.ExpectedVersion < 0 {
		return fmt.Errorf("expected version %d is negative", c.ExpectedVersion)
	}
	if len(c.Events) == 0 {
		return errors.New("no events")
	}
	for i, e := range c.Events {
		if err := c.validateEvent(i, e); err != nil {
			return err
		}
	}
	if !c.Deletes() && !json.Valid(c.Snapshot) {
		return errors.New("snapshot is not valid JSON")
	}
	claimed, err := idSet("claimed", c.ClaimObjectIDs)
	if err != nil {
		return err
	}
	if _, err := idSet("released", c.ReleaseObjectIDs); err != nil {
		return err
	}
	for _, id := range c.ReleaseObjectIDs {
		if claimed[id] {
			return fmt.Errorf("objectId %q is both claimed and released", id)
		}
	}
	return nil
}

func (c Commit) validateEvent(i int, e Envelope) error {
	want := c.ExpectedVersion + int64(i) + 1
	switch {
	case e.AggregateID != c.AggregateID:
		return fmt.Errorf("event %d belongs to aggregate %q", i, e.AggregateID)
	case e.Version != want:
		return fmt.Errorf("event %d has version %d, want %d", i, e.Version, want)
	case e.Type == "":
		return fmt.Errorf("event %d has no type", i)
	case e.SchemaVersion < 0 || e.SchemaVersion > CurrentSchemaVersion:
		return fmt.Errorf("event %d has schema version %d, this build writes up to %d", i, e.SchemaVersion, CurrentSchemaVersion)
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
	if len(id) > MaxIDBytes {
		return fmt.Errorf("%s is longer than %d bytes", what, MaxIDBytes)
	}
	return nil
}
