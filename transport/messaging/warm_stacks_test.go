package messaging

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
)

func TestWarmStacksReturnTheHandlersResultAndKeepTheWorker(t *testing.T) {
	var pool warmStacks
	failure := errors.New("not handled")
	h := onPool(&pool, func(msg *message.Message) error {
		if msg.UUID == "bad" {
			return failure
		}
		return nil
	})
	if err := h(message.NewMessage("good", nil)); err != nil {
		t.Fatalf("good message: %v", err)
	}
	if len(pool.idle) != 1 {
		t.Fatalf("%d idle workers after one message, want 1", len(pool.idle))
	}
	kept := pool.idle[0]
	if err := h(message.NewMessage("bad", nil)); !errors.Is(err, failure) {
		t.Fatalf("bad message: %v, want the handler's error", err)
	}
	if len(pool.idle) != 1 || pool.idle[0] != kept {
		t.Error("the second message did not reuse the idle worker")
	}
}

func TestWarmStacksRaiseAPanicWhereTheMessageWasHandedOver(t *testing.T) {
	var pool warmStacks
	h := onPool(&pool, func(*message.Message) error { panicInHandler(); return nil })
	var raised any
	func() {
		defer func() { raised = recover() }()
		_ = h(message.NewMessage("m", nil))
	}()
	p, ok := raised.(*panicOnWarmStack)
	if !ok {
		t.Fatalf("recovered %#v, want *panicOnWarmStack", raised)
	}
	if p.Value != "handler bug" || !strings.Contains(p.Error(), "handler bug") {
		t.Errorf("panic value %v, error %q", p.Value, p.Error())
	}
	if !strings.Contains(string(p.Stack), "panicInHandler") {
		t.Errorf("the stack does not show where the handler panicked:\n%s", p.Stack)
	}
	if len(pool.idle) != 1 {
		t.Errorf("%d idle workers after the panic, want the recovered one back", len(pool.idle))
	}
}

func panicInHandler() { panic("handler bug") }

// onPool is h behind the pool's middleware.
func onPool(pool *warmStacks, h func(*message.Message) error) func(*message.Message) error {
	wrapped := pool.middleware(func(msg *message.Message) ([]*message.Message, error) { return nil, h(msg) })
	return func(msg *message.Message) error {
		_, err := wrapped(msg)
		return err
	}
}

func TestWarmStacksKeepAtMostTheirBoundIdleAndNoneOnceClosed(t *testing.T) {
	var pool warmStacks
	release := make(chan struct{})
	var started, done sync.WaitGroup
	h := onPool(&pool, func(*message.Message) error { started.Done(); <-release; return nil })
	busy := maxIdleWarmWorkers + 8
	started.Add(busy)
	for range busy {
		done.Go(func() { _ = h(message.NewMessage("m", nil)) })
	}
	started.Wait() // every message holds a worker of its own
	close(release)
	done.Wait()
	if len(pool.idle) != maxIdleWarmWorkers {
		t.Errorf("%d idle workers after %d at once, want %d", len(pool.idle), busy, maxIdleWarmWorkers)
	}

	pool.close()
	if len(pool.idle) != 0 {
		t.Errorf("%d idle workers after close", len(pool.idle))
	}
	late := onPool(&pool, func(*message.Message) error { return nil })
	if err := late(message.NewMessage("late", nil)); err != nil { // still served, by a worker that then exits
		t.Errorf("message after close: %v", err)
	}
	if len(pool.idle) != 0 {
		t.Errorf("a closed pool kept %d workers", len(pool.idle))
	}
}
