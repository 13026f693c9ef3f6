package messaging

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// channels is an inner subscriber whose every subscription is a channel the test owns.
type channels struct {
	mu   sync.Mutex
	subs []chan *message.Message
}

func (c *channels) Subscribe(context.Context, string) (<-chan *message.Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan *message.Message)
	c.subs = append(c.subs, ch)
	return ch, nil
}

func (c *channels) Close() error { return nil }

func TestConsumerIsAttachedOnlyWhileAllItsSubscriptionsAre(t *testing.T) {
	inner := &channels{}
	s := &TrackedSubscriber{Consumer: "c", Inner: inner, InnerTopics: []string{"q", "q", "q"}, DrainTimeout: time.Second, InFlight: NewInFlight()}
	if s.Attached() {
		t.Fatal("attached before subscribing")
	}
	out, err := s.Subscribe(t.Context(), "q")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Attachment(); err != nil {
		t.Fatalf("all 3 subscriptions live: %v", err)
	}
	close(inner.subs[1]) // one subscription ends: the consumer lost a third of its capacity
	waitUntil(t, func() bool { return !s.Attached() })
	if err := s.Attachment(); err == nil || err.Error() != "2 of 3 subscriptions live" {
		t.Errorf("attachment: %v, want 2 of 3 subscriptions live", err)
	}
	close(inner.subs[0])
	close(inner.subs[2])
	for range out {
	}
	if err := s.Attachment(); err == nil || err.Error() != "not subscribed to its queue" {
		t.Errorf("attachment after every subscription ended: %v", err)
	}
}

// contexts is an inner subscriber that keeps the context of each subscription.
type contexts struct {
	channels
	ctxs []context.Context
}

func (c *contexts) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	c.mu.Lock()
	c.ctxs = append(c.ctxs, ctx)
	c.mu.Unlock()
	return c.channels.Subscribe(ctx, topic)
}

// TestInnerSubscriptionsOutliveTheRoutersCancellationUntilWhatIsInHandIsSettled: the
// router cancels its context as it starts closing, while a handler still runs; the inner
// subscription must hold on to its message until the handler settles it.
func TestInnerSubscriptionsOutliveTheRoutersCancellationUntilWhatIsInHandIsSettled(t *testing.T) {
	inner := &contexts{}
	s := &TrackedSubscriber{Consumer: "c", Inner: inner, DrainTimeout: time.Minute, InFlight: NewInFlight()}
	routerCtx, stopRouter := context.WithCancel(t.Context())
	out, err := s.Subscribe(routerCtx, "q")
	if err != nil {
		t.Fatal(err)
	}
	original := message.NewMessage("e1", nil)
	go func() { inner.subs[0] <- original }()
	handed := <-out

	stopRouter()
	time.Sleep(50 * time.Millisecond) // long enough for a wrong cancellation to happen
	if err := inner.ctxs[0].Err(); err != nil {
		t.Fatalf("the inner subscription ended with its message in hand: %v", err)
	}
	handed.Ack()
	<-original.Acked()
	waitUntil(t, func() bool { return inner.ctxs[0].Err() != nil })
}

func TestClaimsLetOneCopyOfAnEventThroughAtATime(t *testing.T) {
	c := newClaims()
	release, err := c.acquire(t.Context(), "e@1")
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.acquire(t.Context(), "e@2")
	if err != nil {
		t.Fatal(err)
	}
	other()

	second := make(chan func(), 1)
	go func() {
		r, err := c.acquire(context.Background(), "e@1")
		if err != nil {
			t.Error(err)
		}
		second <- r
	}()
	select {
	case <-second:
		t.Fatal("the second copy got the claim while the first held it")
	default:
	}
	release()
	(<-second)()

	ctx, cancel := context.WithCancel(t.Context())
	hold, _ := c.acquire(t.Context(), "e@1")
	defer hold()
	cancel()
	if _, err := c.acquire(ctx, "e@1"); err == nil {
		t.Error("acquire of a held claim returned without error after its context ended")
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // a hang guard
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
