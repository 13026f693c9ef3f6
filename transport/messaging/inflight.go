package messaging

import (
	"sync"
	"time"
)

// inFlight counts messages handed out and not yet acknowledged, and lets Close wait for
// them. Unlike sync.WaitGroup it allows new messages while someone waits.
type inFlight struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed while n == 0
}

func NewInFlight() *inFlight {
	z := make(chan struct{})
	close(z)
	return &inFlight{zero: z}
}

func (f *inFlight) add() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 {
		f.zero = make(chan struct{})
	}
	f.n++
}

func (f *inFlight) done() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.n == 0 {
		close(f.zero)
	}
}

// wait returns true when nothing is in flight, false when timeout passed first.
func (f *inFlight) wait(timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		f.mu.Lock()
		zero, n := f.zero, f.n
		f.mu.Unlock()
		if n == 0 {
			return true
		}
		select {
		case <-zero:
		case <-timer.C:
			return false
		}
	}
}
