package audit

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/planstore/planstore/events/boltstore"
)

// SideBucket is the side bucket of the embedded event store's file that keeps the audit
// log: a group per plan, key = event id, value = the entry as JSON.
const SideBucket = "audit"

// SideFile is the embedded event store's file (boltstore.Store), which keeps records of
// other parts of the server in side buckets committed with its own writes.
type SideFile interface {
	AddSide(ctx context.Context, bucket string, records ...boltstore.SideRecord) error
	SideGroup(bucket string, group []byte, fn func(key, value []byte) error) error
}

// SideStore keeps the audit log in the embedded event store's file. Each Add is durable
// when it returns, in the group commit of the events appended meanwhile: a file of the
// log's own (BoltStore) paid two fdatasyncs per commit of its own, as many as the event
// log under load.
type SideStore struct {
	file SideFile
}

// NewSideStore keeps the audit log in file.
func NewSideStore(file SideFile) *SideStore { return &SideStore{file: file} }

// Add implements Store.
func (s *SideStore) Add(ctx context.Context, planID string, e Entry) error {
	value, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode entry %s: %w", e.EventID, err)
	}
	rec := boltstore.SideRecord{Group: []byte(planID), Key: []byte(e.EventID), Value: value}
	if err := s.file.AddSide(ctx, SideBucket, rec); err != nil {
		return fmt.Errorf("add %s to %s: %w", e.EventID, planID, err)
	}
	return nil
}

// Entries implements Store.
func (s *SideStore) Entries(_ context.Context, planID string) ([]Entry, error) {
	var entries []Entry
	err := s.file.SideGroup(SideBucket, []byte(planID), collectEntries(&entries))
	if err != nil {
		return nil, fmt.Errorf("entries of %s: %w", planID, err)
	}
	return entries, nil
}
