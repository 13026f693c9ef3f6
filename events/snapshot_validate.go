package events

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Validate rejects a snapshot no correct caller puts (a snapshot rebuild computes it
// from the log). Every store adapter checks it before writing, so the rules are the same
// whatever the backend.
func (s Snapshot) Validate() error {
	if err := ValidateAggregateID(s.AggregateID); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	trimmed := bytes.TrimSpace(s.Document)
	hasDoc := len(trimmed) > 0 && !bytes.Equal(trimmed, []byte("null"))
	switch {
	case s.Version < 1:
		return fmt.Errorf("snapshot of %q: version %d is not positive", s.AggregateID, s.Version)
	case s.Deleted && hasDoc:
		return fmt.Errorf("snapshot of %q: a deleted aggregate has no document", s.AggregateID)
	case !s.Deleted && (!hasDoc || !json.Valid(s.Document)):
		return fmt.Errorf("snapshot of %q: the document is missing or not valid JSON", s.AggregateID)
	}
	return nil
}
