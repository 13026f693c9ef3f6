package outbox_test

import (
	"context"
	"strings"
	"testing"

	"github.com/planstore/planstore/transport/messaging/outbox"
	"github.com/planstore/planstore/transport/testenv"
)

// TestSubscriberStreams: each of the subscriber's streams takes one subscription, and
// a topic that is not one of them is refused by name.
func TestSubscriberStreams(t *testing.T) {
	sub, err := outbox.NewSubscriber(outbox.SubscriberConfig{Outbox: newMemOutbox(), Logger: testenv.Logger(t, 0), Streams: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	ctx := context.Background()
	for k := range 3 {
		if _, err := sub.Subscribe(ctx, outbox.StreamTopic(k)); err != nil {
			t.Fatalf("subscribe to stream %d: %v", k, err)
		}
	}
	if outbox.StreamTopic(0) != outbox.Topic {
		t.Fatalf("stream 0 is %q, want the plain %q", outbox.StreamTopic(0), outbox.Topic)
	}
	for topic, want := range map[string]string{
		outbox.StreamTopic(1): "already subscribed",
		outbox.StreamTopic(3): "unknown topic",
		"planstore.events":    "unknown topic",
	} {
		if _, err := sub.Subscribe(ctx, topic); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("subscribe to %q: %v, want an error saying %q", topic, err, want)
		}
	}
}
