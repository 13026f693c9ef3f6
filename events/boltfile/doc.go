// Package boltfile opens the bbolt files planstore keeps in its data dir (the event
// store's events.db, the audit log's audit.db) only after making sure they are whole.
//
// bbolt trusts its file: a file truncated to half, or with random bytes in a page, makes
// it fault on memory past the end of the mapping (SIGBUS), fail an assertion, or panic
// in a goroutine of its own while it rebuilds the freelist, and each of those kills the
// process with a goroutine dump. A file truncated to 0 bytes is worse: bbolt takes it
// for a new file and starts an empty store, so every earlier plan is silently gone.
//
// Verify therefore checks a file before it is opened for writing:
//
//   - Lost data: a missing or empty file is a new store only when nothing in the data
//     dir says it held data before. The evidence is the data dir's record of the files
//     planstore created (RecordFile, the file planstore-files.json), and, for the event
//     store, another non-empty store file beside it (the audit log is written only
//     after events exist). A file that had data and is now empty is refused.
//   - Damage: the file is opened read-only in a goroutine that turns memory faults into
//     panics (debug.SetPanicOnFault) and recovers them; the file must be as long as its
//     own page count says; every bucket and key is walked, keys in order; then bbolt's
//     own consistency check (Tx.Check) runs. Any failure is a *DamagedError naming the
//     file and what to do, never a crash.
//   - A clean close (Close) records what identifies the file (size, modification and
//     change time, inode, bbolt's transaction id); the next Open skips the walk and
//     Tx.Check when all of it still matches (Options.TrustCleanClose), and runs the
//     cheap checks above regardless. Every commit raises the transaction id, so after a
//     crash the record no longer matches and the walk runs.
//
// What cannot be told apart: a data dir removed as a whole (its record with it) looks
// like a new one. Keep the data dir on a volume that is backed up, and point
// --data-dir at the same place every time.
package boltfile
