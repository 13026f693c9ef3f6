package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BoltFileName is the embedded subscription store, beside the embedded event store.
const BoltFileName = "webhooks.db"

var bucketSubscriptions = []byte("subscriptions")

// BoltStore keeps states in a bbolt file of the data dir: each update is one
// transaction, fsynced, so a kill -9 keeps every acknowledged change.
type BoltStore struct{ db *bolt.DB }

// OpenBoltStore opens (creating) dataDir's subscription store.
func OpenBoltStore(dataDir string) (*BoltStore, error) {
	db, err := bolt.Open(filepath.Join(dataDir, BoltFileName), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("webhooks: open %s: %w", BoltFileName, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketSubscriptions)
		return err
	}); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("webhooks: init %s: %w", BoltFileName, err)
	}
	return &BoltStore{db: db}, nil
}

// Close closes the file.
func (s *BoltStore) Close() error { return s.db.Close() }

func (s *BoltStore) Create(_ context.Context, st State) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubscriptions)
		if b.Get([]byte(st.Subscription.ID)) != nil {
			return fmt.Errorf("webhooks: subscription %s exists", st.Subscription.ID)
		}
		return putState(b, st)
	})
}

func (s *BoltStore) Update(_ context.Context, id string, fn func(*State) error) (State, error) {
	var out State
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubscriptions)
		st, err := getState(b, id)
		if err != nil {
			return err
		}
		if err := fn(&st); err != nil {
			return err
		}
		out = st
		return putState(b, st)
	})
	return out, err
}

func (s *BoltStore) Get(_ context.Context, id string) (State, error) {
	var out State
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		out, err = getState(tx.Bucket(bucketSubscriptions), id)
		return err
	})
	return out, err
}

func (s *BoltStore) List(context.Context) ([]State, error) {
	var out []State
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSubscriptions).ForEach(func(_, v []byte) error {
			var st State
			if err := json.Unmarshal(v, &st); err != nil {
				return err
			}
			out = append(out, st)
			return nil
		})
	})
	sortStates(out)
	return out, err
}

func (s *BoltStore) Delete(_ context.Context, id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubscriptions)
		if b.Get([]byte(id)) == nil {
			return fmt.Errorf("subscription %s: %w", id, ErrNotFound)
		}
		return b.Delete([]byte(id))
	})
}

func getState(b *bolt.Bucket, id string) (State, error) {
	raw := b.Get([]byte(id))
	if raw == nil {
		return State{}, fmt.Errorf("subscription %s: %w", id, ErrNotFound)
	}
	var st State
	if err := json.Unmarshal(raw, &st); err != nil {
		return State{}, fmt.Errorf("webhooks: subscription %s is damaged: %w", id, err)
	}
	return st, nil
}

func putState(b *bolt.Bucket, st State) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return b.Put([]byte(st.Subscription.ID), raw)
}

func sortStates(states []State) {
	slices.SortFunc(states, func(a, b State) int {
		if c := a.Subscription.CreatedAt.Compare(b.Subscription.CreatedAt); c != 0 {
			return c
		}
		return compareStrings(a.Subscription.ID, b.Subscription.ID)
	})
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
