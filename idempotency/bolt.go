package idempotency

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events/boltfile"
)

// BoltFileName is the keys' file in the data dir of the embedded mode.
const BoltFileName = "idempotency.db"

var bucketKeys = []byte("keys") // key → expiry (8 bytes, unix nanos BE) + record (JSON)

// BoltStore keeps keys in a bbolt file; expired keys are dropped when they are next
// used and at open.
type BoltStore struct {
	db  *bolt.DB
	now func() time.Time
}

// OpenBoltStore opens (creating if needed) dataDir/idempotency.db.
func OpenBoltStore(dataDir string) (*BoltStore, error) {
	db, err := boltfile.OpenStore(dataDir, BoltFileName, bucketKeys)
	if err != nil {
		return nil, fmt.Errorf("idempotency: %w", err)
	}
	s := &BoltStore{db: db, now: time.Now}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKeys)
		var expired [][]byte
		_ = b.ForEach(func(k, v []byte) error {
			if s.expired(v) {
				expired = append(expired, k)
			}
			return nil
		})
		for _, k := range expired {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return s, nil
}

// Close closes the file cleanly (boltfile.Close: the next open need not walk it).
func (s *BoltStore) Close() error { return boltfile.Close(s.db) }

func (s *BoltStore) expired(v []byte) bool {
	return len(v) < 8 || s.now().UnixNano() > int64(binary.BigEndian.Uint64(v))
}

func (s *BoltStore) put(b *bolt.Bucket, key string, rec Record, ttl time.Duration) error {
	v := binary.BigEndian.AppendUint64(nil, uint64(s.now().Add(ttl).UnixNano()))
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), append(v, raw...))
}

// Begin claims the key, or reads what it holds.
func (s *BoltStore) Begin(_ context.Context, key, fp string) (*Response, error) {
	var (
		resp    *Response
		refusal error // not the transaction's error: a refusal must not roll back a batch
	)
	err := s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKeys)
		v := b.Get([]byte(key))
		if v == nil || s.expired(v) {
			resp, refusal = nil, nil
			return s.put(b, key, Record{Fingerprint: fp}, InProgressTTL)
		}
		resp, refusal = decide(v[8:], fp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return resp, refusal
}

// Complete stores the answer.
func (s *BoltStore) Complete(_ context.Context, key, fp string, r Response) error {
	return s.db.Batch(func(tx *bolt.Tx) error {
		return s.put(tx.Bucket(bucketKeys), key, Record{Fingerprint: fp, Response: &r}, TTL)
	})
}

// Abandon deletes the key.
func (s *BoltStore) Abandon(_ context.Context, key string) error {
	return s.db.Batch(func(tx *bolt.Tx) error { return tx.Bucket(bucketKeys).Delete([]byte(key)) })
}
