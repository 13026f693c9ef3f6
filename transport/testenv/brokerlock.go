package testenv

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
)

// BrokerLockFile coordinates the test processes that share the RabbitMQ broker (go test
// runs packages in parallel): every test using the broker holds a shared flock on it,
// and a test that stops the broker holds it exclusively, so it never pulls the broker
// from under another package's test. Any helper that hands out vhosts should take the
// shared lock on the same file.
var BrokerLockFile = filepath.Join(os.TempDir(), "planstore-test-rabbitmq.lock")

// exclusive is set while this process holds the broker exclusively; its own tests then
// need no shared lock (flock would make them wait for themselves).
var exclusive atomic.Bool

// shareBroker holds the broker lock shared until the test ends.
func shareBroker(tb testing.TB) {
	tb.Helper()
	if exclusive.Load() {
		return
	}
	lockBroker(tb, syscall.LOCK_SH)
}

// ExclusiveBroker waits until no other test uses the broker and keeps it to this test,
// which may then stop it (RestartBroker). Call it before Vhost.
func ExclusiveBroker(tb testing.TB) {
	tb.Helper()
	lockBroker(tb, syscall.LOCK_EX)
	exclusive.Store(true)
	tb.Cleanup(func() { exclusive.Store(false) })
}

func lockBroker(tb testing.TB, how int) {
	tb.Helper()
	f, err := os.OpenFile(BrokerLockFile, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		tb.Fatalf("broker lock: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		tb.Fatalf("broker lock: %v", err)
	}
	tb.Cleanup(func() { f.Close() }) // closing releases the lock
}
