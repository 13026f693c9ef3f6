package messaging_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/bustest"
	"github.com/planstore/planstore/transport/testenv"
)

func TestEventMessageCarriesTheEnvelopeAndItsMetadata(t *testing.T) {
	codec := testenv.PlanCodec(t)
	e := bustest.PlanEvent("plan-1", 3, events.PlanPatched)
	e.CausationID = "cause-1"
	msg, err := messaging.NewEventMessage(codec, e)
	if err != nil {
		t.Fatal(err)
	}
	if msg.UUID != e.ID {
		t.Errorf("message UUID %q, want the event id %q", msg.UUID, e.ID)
	}
	want := map[string]string{
		messaging.MetadataEventType:     "plan.patched",
		messaging.MetadataAggregateType: "plan",
		messaging.MetadataAggregateID:   "plan-1",
		messaging.MetadataVersion:       "3",
		messaging.MetadataSchemaVersion: "1",
		messaging.MetadataCorrelationID: "corr-plan-1",
		messaging.MetadataCausationID:   "cause-1",
	}
	for k, v := range want {
		if got := msg.Metadata.Get(k); got != v {
			t.Errorf("metadata %s = %q, want %q", k, got, v)
		}
	}
	back, err := messaging.DecodeEventMessage(codec, msg)
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != e.ID || back.Version != 3 || back.Type != events.PlanPatched || !back.OccurredAt.Equal(e.OccurredAt) {
		t.Errorf("decoded %+v, want %+v", back, e)
	}

	msg.UUID = "someone-else"
	if _, err := messaging.DecodeEventMessage(codec, msg); !errors.Is(err, messaging.ErrMalformedMessage) {
		t.Errorf("id mismatch: got %v, want ErrMalformedMessage", err)
	}
}

func TestNames(t *testing.T) {
	if got := messaging.QueueName("audit"); got != "planstore.audit" {
		t.Errorf("QueueName = %q", got)
	}
	if got := messaging.DeadLetterQueueName("audit"); got != "planstore.audit.dlq" {
		t.Errorf("DeadLetterQueueName = %q", got)
	}
	if got := messaging.RoutingKey(events.PlanCreated); got != "plan.created" {
		t.Errorf("RoutingKey = %q", got)
	}
	for _, bad := range []string{"", "a.b", "Audit", "a b", "-x"} {
		if messaging.ValidateConsumerName(bad) == nil {
			t.Errorf("consumer name %q accepted", bad)
		}
	}
}

func TestMemoryDedupForgetsTheOldestBeyondItsSize(t *testing.T) {
	ctx := context.Background()
	d := messaging.NewMemoryDedup(3)
	for i := range 4 {
		if err := d.Mark(ctx, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range []bool{false, true, true, true} {
		if seen, _ := d.Seen(ctx, fmt.Sprint(i)); seen != want {
			t.Errorf("Seen(%d) = %v, want %v", i, seen, want)
		}
	}
}

func TestPermanentErrorsAreStillTheirCause(t *testing.T) {
	cause := errors.New("boom")
	err := messaging.Permanent(cause)
	if !errors.Is(err, cause) || !errors.Is(err, messaging.ErrPermanent) {
		t.Errorf("Permanent(%v) = %v; want both the cause and ErrPermanent", cause, err)
	}
	if messaging.Permanent(nil) != nil {
		t.Error("Permanent(nil) != nil")
	}
}

// TestAnEventWithoutAnIDMakesNoMessage: the message id is the event id, so neither
// constructor makes a message of an event without one.
func TestAnEventWithoutAnIDMakesNoMessage(t *testing.T) {
	e := bustest.PlanEvent("p1", 1, events.PlanCreated)
	e.ID = ""
	if _, err := messaging.NewEventMessage(testenv.PlanCodec(t), e); err == nil || !strings.Contains(err.Error(), "has no id") {
		t.Errorf("NewEventMessage: %v, want the event has no id", err)
	}
	if _, err := messaging.NewEncodedEventMessage(e, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "has no id") {
		t.Errorf("NewEncodedEventMessage: %v, want the event has no id", err)
	}
}
