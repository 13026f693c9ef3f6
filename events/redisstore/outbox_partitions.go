package redisstore

import "time"

// fullScanEvery bounds how long a partition whose notification was lost (the
// subscription reconnecting, a failover) can go unread: readNew then looks at every
// partition anyway. Between full scans it looks only where something changed.
const fullScanEvery = time.Second

// partitionWatch is what one outbox consumer knows about which partitions may hold
// entries it has not read: the notification counts it has seen, the partitions that
// filled their share of the last read (more may be waiting), and when it last looked
// at all of them. The zero value looks at every partition.
//
// Reading only notified partitions is safe because a commit's PUBLISH runs in the same
// script as its XADD: once a notification is counted, its entry is in the stream, and a
// commit whose notification arrives after the counts were taken raises its partition's
// count above what done records, so the next pass reads it.
type partitionWatch struct {
	seen     []uint64
	more     []bool
	nextFull time.Time
	fullPass bool // the pass under way reads every partition
}

// toRead returns which partitions to read, given the notification counts now.
func (w *partitionWatch) toRead(counts []uint64, now time.Time) []bool {
	read := make([]bool, len(counts))
	w.fullPass = len(w.seen) != len(counts) || !now.Before(w.nextFull)
	if w.fullPass {
		for p := range read {
			read[p] = true
		}
		return read
	}
	for p := range read {
		read[p] = counts[p] != w.seen[p] || w.more[p]
	}
	return read
}

// done records a pass that read what toRead(counts, ...) asked for without an error;
// more says which partitions may still hold entries.
func (w *partitionWatch) done(counts []uint64, more []bool, now time.Time) {
	if w.fullPass {
		w.nextFull = now.Add(fullScanEvery)
	}
	w.seen, w.more = counts, more
}

// forget makes the next pass read every partition: after an error it is unsure what
// the last one read.
func (w *partitionWatch) forget() {
	w.seen, w.more, w.nextFull = nil, nil, time.Time{}
}
