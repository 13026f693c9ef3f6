package boltstore

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// Buckets of the store file. The event log is the truth; snapshots and owners are
// derived from it but written in the same transaction, so they never disagree.
var (
	bucketSnapshots = []byte("snapshots") // aggregate id -> snapshot record
	bucketEvents    = []byte("events")    // aggregate id, 0x00, version (8 bytes BE) -> log sequence
	bucketOwners    = []byte("owners")    // objectId -> owning aggregate id
	bucketLog       = []byte("log")       // sequence (8 bytes BE) -> encoded event, in commit order
	bucketOutbox    = []byte("outbox")    // sequence of a log entry not yet relayed -> empty
	allBuckets      = [][]byte{bucketSnapshots, bucketEvents, bucketOwners, bucketLog, bucketOutbox}
)

// appendOnlyFill is how full a page of a bucket written only at its end (keys in
// sequence) is before it splits: bbolt's most.
const appendOnlyFill = 1.0

// The global log has a single sequence: one writer appends it, so partitioning it would
// only add work. Partitions() is 1 and every entry is in partition 0.
const partitions = 1

// eventKey sorts an aggregate's events by version under a common prefix.
func eventKey(aggregateID string, version int64) []byte {
	k := make([]byte, 0, len(aggregateID)+9)
	k = append(k, aggregateID...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, uint64(version))
}

func eventPrefix(aggregateID string) []byte {
	return append([]byte(aggregateID), 0)
}

// isEventOf: the prefix alone would also match an id that merely starts with
// aggregateID and a NUL byte; the fixed key length rules that out.
func isEventOf(key, prefix []byte) bool {
	return len(key) == len(prefix)+8 && string(key[:len(prefix)]) == string(prefix)
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func seqOf(key []byte) uint64 { return binary.BigEndian.Uint64(key) }

// Positions are the log sequence in decimal: opaque to callers, readable in logs.
func position(seq uint64) string { return strconv.FormatUint(seq, 10) }

func parsePosition(pos string) (uint64, error) {
	seq, err := strconv.ParseUint(pos, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("boltstore: position %q is not one of this store's: %w", pos, err)
	}
	return seq, nil
}

// snapshotFormat versions the snapshot record, so its layout can change later.
const snapshotFormat = 1

// encodeSnapshot lays out format (1 byte), version (8 bytes BE), deleted (1 byte), document.
func encodeSnapshot(version int64, deleted bool, doc []byte) []byte {
	b := make([]byte, 0, 10+len(doc))
	b = append(b, snapshotFormat)
	b = binary.BigEndian.AppendUint64(b, uint64(version))
	if deleted {
		return append(b, 1)
	}
	b = append(b, 0)
	return append(b, doc...)
}

type snapshotRecord struct {
	version int64
	deleted bool
	doc     []byte // aliases bbolt memory: copy before the transaction ends
}

func decodeSnapshot(b []byte) (snapshotRecord, error) {
	if len(b) < 10 || b[0] != snapshotFormat {
		return snapshotRecord{}, fmt.Errorf("boltstore: snapshot record of unknown format")
	}
	return snapshotRecord{
		version: int64(binary.BigEndian.Uint64(b[1:9])),
		deleted: b[9] == 1,
		doc:     b[10:],
	}, nil
}
