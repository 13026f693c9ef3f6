package replay

import "errors"

// ErrReplayRunning is wrapped by Start and Run when a replay is already running, in
// this process or (through the lock in Elasticsearch) in another one. The HTTP layer
// maps it to 409 Conflict.
var ErrReplayRunning = errors.New("replay: a replay is already running")

// ErrLockLost is wrapped by the error of a replay that found, while renewing its lock,
// that another process had taken the lock over (it considered the lock stale). The
// replay stops before moving the alias, so the other replay's result stands.
var ErrLockLost = errors.New("replay: lock lost to another replay")
