package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging/outbox"
	"github.com/planstore/planstore/transport/testenv"
)

// handLeader is an outbox.Leader the test hands the lead to, and takes it from.
type handLeader struct {
	lead chan struct{}
	lost chan error
}

func (l *handLeader) Lead(ctx context.Context) (<-chan error, error) {
	select {
	case <-l.lead:
		return l.lost, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestSubscriberReadsTheOutboxOnlyWhileItLeads: a standby relay is ready but hands out
// nothing; once it leads it relays everything; when it loses the lead it stops, so the
// next leader is the only one reading.
func TestSubscriberReadsTheOutboxOnlyWhileItLeads(t *testing.T) {
	box := newMemOutbox()
	var want []string
	for i := range 4 {
		e := events.Envelope{
			ID: fmt.Sprintf("lead-event-%d", i), Type: events.PlanCreated, SchemaVersion: events.CurrentSchemaVersion,
			AggregateType: events.AggregateTypePlan, AggregateID: fmt.Sprintf("lead-plan-%d", i), Version: 1,
			OccurredAt: time.Now().UTC(), Data: events.Data{Before: []byte("null"), After: []byte(`{}`)},
		}
		box.Append(e)
		want = append(want, e.ID)
	}
	leader := &handLeader{lead: make(chan struct{}), lost: make(chan error, 1)}
	var leading atomic.Bool
	sub, err := outbox.NewSubscriber(outbox.SubscriberConfig{
		Outbox: box, Leader: leader, Logger: testenv.Logger(t, 0), ReadWait: 50 * time.Millisecond,
		OnLeading: leading.Store,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	msgs, err := sub.Subscribe(context.Background(), outbox.Topic)
	if err != nil {
		t.Fatal(err)
	}

	testenv.WaitFor(t, 10*time.Second, "the subscriber to wait on standby", sub.Standby)
	if err := sub.Ready(); err != nil {
		t.Fatalf("a standby relay is healthy, Ready says %v", err)
	}
	select {
	case msg := <-msgs:
		t.Fatalf("a standby relay handed out event %s", msg.UUID)
	case <-time.After(200 * time.Millisecond):
	}

	if leading.Load() {
		t.Fatal("a standby relay reports that it leads")
	}
	close(leader.lead)
	got := map[string]bool{}
	for len(got) < len(want) {
		msg := <-msgs
		got[msg.UUID] = true
		msg.Ack()
	}
	if !leading.Load() { // it said so before reading the outbox
		t.Error("a leading relay does not report that it leads")
	}
	for _, id := range want {
		if !got[id] {
			t.Fatalf("event %s was not relayed once the relay led; got %v", id, got)
		}
	}

	leader.lost <- errors.New("another relay holds the lease")
	for msg := range msgs { // the subscription ends
		t.Errorf("relayed event %s after losing the lead", msg.UUID)
	}
	if err := sub.Ready(); err == nil || !strings.Contains(err.Error(), "lost the lead") {
		t.Fatalf("Ready after losing the lead: %v", err)
	}
	testenv.WaitFor(t, 10*time.Second, "the relay to report it no longer leads", func() bool { return !leading.Load() })
}
