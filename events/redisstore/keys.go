package redisstore

import (
	"fmt"

	"github.com/planstore/planstore/events"
)

// keys builds the store's key names. Every key starts with the prefix and then a hash
// tag {pNN} naming a partition, so Redis Cluster puts all keys of one partition in one
// slot and a script touching one partition runs there unchanged:
//
//	<prefix>{pNN}:plan:<id>:snap    hash   v (version), d ("1" deleted), doc (snapshot)
//	<prefix>{pNN}:plan:<id>:events  list   the aggregate's encoded events, in version order
//	<prefix>{pNN}:plan:<id>:oids    set    objectIds the aggregate's current state owns
//	<prefix>{pNN}:plan:<id>:txn     string token of its open ownership transaction (PX lease)
//	<prefix>{pNN}:oid:<objectId>    hash   ownership record of an objectId (ownership.go)
//	<prefix>{pNN}:log               stream the partition's global log, also the outbox
//	<prefix>{pNN}:fence             string a write that WAIT can confirm (replicas.go)
//	<prefix>lease:<name>            string token of the holder of a Lease (lease.go)
//	<prefix>applied:<consumer>      hash   partition → last log position a consumer applied (progress.go)
//
// An aggregate lives in partition PartitionOf(id), an ownership record in
// PartitionOf(objectId).
type keys struct {
	prefix     string
	partitions int
	tags       []string // tag(p), built once: every append names a dozen keys
}

func newKeys(prefix string, partitions int) keys {
	k := keys{prefix: prefix, partitions: partitions, tags: make([]string, partitions)}
	for p := range k.tags {
		k.tags[p] = fmt.Sprintf("%s{p%02d}:", prefix, p)
	}
	return k
}

func (k keys) tag(partition int) string { return k.tags[partition] }

func (k keys) partitionOf(id string) int { return events.PartitionOf(id, k.partitions) }

func (k keys) plan(aggregateID, what string) string {
	return k.tag(k.partitionOf(aggregateID)) + "plan:" + aggregateID + ":" + what
}

func (k keys) snapshot(aggregateID string) string { return k.plan(aggregateID, "snap") }
func (k keys) events(aggregateID string) string   { return k.plan(aggregateID, "events") }
func (k keys) owned(aggregateID string) string    { return k.plan(aggregateID, "oids") }
func (k keys) txn(aggregateID string) string      { return k.plan(aggregateID, "txn") }

func (k keys) owner(objectID string) string {
	return k.tag(k.partitionOf(objectID)) + "oid:" + objectID
}

func (k keys) log(partition int) string { return k.tag(partition) + "log" }

func (k keys) fence(partition int) string { return k.tag(partition) + "fence" }

// notifyChannel is the pub/sub channel every append publishes its partition on, so
// blocked outbox readers wake up (outbox.go).
func (k keys) notifyChannel() string { return k.prefix + "outbox-notify" }

// lease is the key of the lease named name: one key, no partition, so a lease script
// runs in that key's slot alone.
func (k keys) lease(name string) string { return k.prefix + "lease:" + name }

// applied is the hash of how far consumer has applied each partition of the log: one
// key, no partition, read and written whole.
func (k keys) applied(consumer string) string { return k.prefix + "applied:" + consumer }
