package messaging_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/bustest"
	"github.com/planstore/planstore/transport/testenv"
)

func TestConsumerLogsEachEventWithItsCorrelationIDAndEachFailureOnce(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	bus := newAMQPBus(t, url, "audit")
	var logs testenv.LogBuffer
	cfg := bustest.RouterConfig(t, prometheus.NewRegistry())
	cfg.Logger = logs.Logger()
	r := bustest.NewRouterFrom(t, cfg)

	good := bustest.PlanEvent("p1", 1, events.PlanCreated)
	poison := bustest.PlanEvent("p2", 1, events.PlanCreated)
	handlerSaw := make(chan string, 1)
	var got bustest.Received
	err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
		if e.ID == poison.ID {
			return errors.New("this event always fails")
		}
		handlerSaw <- messaging.CorrelationIDFrom(ctx)
		return got.Handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	bustest.Publish(t, bus, codec, poison, good)
	testenv.WaitFor(t, 30*time.Second, "the good event", func() bool { return got.Distinct() == 1 })
	testenv.WaitFor(t, 30*time.Second, "the dead letter", func() bool {
		n, _ := testenv.Queue(t, url, "planstore.audit.dlq")
		return n == 1
	})
	if id := <-handlerSaw; id != good.CorrelationID {
		t.Errorf("handler context carries correlation id %q, want %q", id, good.CorrelationID)
	}

	records := logs.Records(t)
	handled := testenv.Matching(records, map[string]string{"msg": "event handled", "level": "DEBUG", "consumer": "audit",
		"correlation_id": good.CorrelationID, "event_id": good.ID, "event_type": "plan.created", "aggregate_id": "p1", "version": "1"})
	if len(handled) != 1 {
		t.Errorf("%d debug lines of the handled event with all its fields, want 1; log:\n%s", len(handled), dump(records))
	}
	// The poison event: tried 3 times (2 retries), dead-lettered once.
	failures := slices.DeleteFunc(testenv.Matching(records, map[string]string{"event_id": poison.ID}), func(rec map[string]any) bool {
		return rec["level"] == "DEBUG" || rec["level"] == "INFO"
	})
	var summary []string
	for _, rec := range failures {
		if rec["correlation_id"] != poison.CorrelationID || rec["consumer"] != "audit" || rec["aggregate_id"] != "p2" {
			t.Errorf("failure line lacks the event's fields: %v", rec)
		}
		summary = append(summary, rec["level"].(string)+" "+rec["msg"].(string))
	}
	want := []string{"WARN event handling failed; retrying", "WARN event handling failed; retrying", "ERROR event dead-lettered"}
	if !slices.Equal(summary, want) {
		t.Errorf("failure lines of the poison event: %q, want %q; log:\n%s", summary, want, dump(records))
	}
	// Nothing else (Watermill's router, its Retry) reported the failure again.
	for _, rec := range records {
		if (rec["level"] == "WARN" || rec["level"] == "ERROR") && rec["event_id"] == nil {
			t.Errorf("failure logged without the event's fields: %v", rec)
		}
	}
}

func dump(records []map[string]any) string {
	var b strings.Builder
	for _, rec := range records {
		fmt.Fprintf(&b, "%v %q consumer=%v event_id=%v correlation_id=%v error=%v\n",
			rec["level"], rec["msg"], rec["consumer"], rec["event_id"], rec["correlation_id"], rec["error"])
	}
	return b.String()
}
