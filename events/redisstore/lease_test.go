package redisstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/planstore/planstore/transport/testenv"
)

const testLeaseTTL = 600 * time.Millisecond

// TestLeaseHasOneHolderAndHandsOver: a second process waits while the first holds the
// lease, and takes it once the first lets go.
func TestLeaseHasOneHolderAndHandsOver(t *testing.T) {
	o := opener{url: sharedRedisURL(t)}
	first, second := o.open(t), o.open(t) // two processes on one Redis
	defer first.Close()
	defer second.Close()

	ctx1, release1 := context.WithCancel(context.Background())
	defer release1()
	lost1, err := first.Lease("relay", testLeaseTTL).Acquire(ctx1)
	if err != nil {
		t.Fatalf("first acquire: %v", err)
	}

	waiting, stopWaiting := context.WithTimeout(context.Background(), 3*testLeaseTTL)
	_, err = second.Lease("relay", testLeaseTTL).Acquire(waiting)
	stopWaiting()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second acquire while the first renews: %v, want to wait until its context ends", err)
	}

	acquired := make(chan error, 1)
	go func() {
		_, err := second.Lease("relay", testLeaseTTL).Acquire(context.Background())
		acquired <- err
	}()
	release1() // the first process shuts down: it releases the lease
	if err := <-lost1; !errors.Is(err, context.Canceled) {
		t.Fatalf("first lease ended with %v, want its context's end", err)
	}
	select {
	case err := <-acquired:
		if err != nil {
			t.Fatalf("second acquire after release: %v", err)
		}
	case <-time.After(30 * time.Second): // a guard against a hang, not a timing assertion
		t.Fatal("the second process never took over the released lease")
	}
}

// TestLeaseIsLostWhenAnotherProcessTakesIt: when the key holds another token (the
// holder stalled past its TTL and another process took over), the next renewal says so.
func TestLeaseIsLostWhenAnotherProcessTakesIt(t *testing.T) {
	s := opener{url: sharedRedisURL(t)}.open(t)
	defer s.Close()
	lease := s.Lease("relay", testLeaseTTL)
	lost, err := lease.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.rdb.Set(context.Background(), lease.key, "someone-else", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := <-lost; !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("lease ended with %v, want ErrLeaseLost", err)
	}
}

// TestLeaseIsLostWhenRedisIsGone: with Redis unreachable the holder cannot renew, so
// it gives the lease up (before the key could expire and another process take it).
func TestLeaseIsLostWhenRedisIsGone(t *testing.T) {
	url := testenv.StartRedisServer(t)
	s := opener{url: url}.open(t)
	defer s.Close()
	lost, err := s.Lease("relay", testLeaseTTL).Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_ = s.rdb.Shutdown(context.Background()).Err() // answered by closing the connection
	if err := <-lost; !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("lease ended with %v, want ErrLeaseLost", err)
	}
}
