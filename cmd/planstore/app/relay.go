package app

import (
	"context"
	"fmt"

	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/transport/messaging/outbox"
)

// relayReader is the outbox reader name of every relay on a shared Redis outbox. One
// name for all: the relay that takes the lead first re-reads what its predecessor was
// handed and never acked, in order, before anything newer (redisstore's ReadOutbox).
const relayReader = "relay"

// relayStreams: the relay's lanes reach the bus through this many Watermill handlers,
// so that a create burst on the same CPU does not starve the relay (see
// outbox.SubscriberConfig.Streams and docs/performance.md).
const relayStreams = 8

// relayLeaseName names the lease that elects the relay reading a shared outbox.
const relayLeaseName = "relay"

// relayLeader is an outbox.Leader on a Redis lease. Losing the lead fails the role: the
// process exits and its supervisor restarts it, as a standby.
type relayLeader struct {
	lease  *redisstore.Lease
	onLost func(error)
}

func (l relayLeader) Lead(ctx context.Context) (<-chan error, error) {
	lost, err := l.lease.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan error, 1)
	go func() {
		err := <-lost
		if ctx.Err() == nil {
			l.onLost(fmt.Errorf("relay: %w", err))
		}
		out <- err
	}()
	return out, nil
}

// relaySubscriberConfig reads the outbox of store: on Redis, shared by every relay of the
// deployment, one relay at a time.
func (m *Main) relaySubscriberConfig(store eventStore) outbox.SubscriberConfig {
	cfg := outbox.SubscriberConfig{Outbox: store, Codec: m.codec, Logger: m.log, Streams: relayStreams}
	if rs, ok := store.(*redisstore.Store); ok {
		cfg.Reader = relayReader
		cfg.Leader = relayLeader{lease: rs.Lease(relayLeaseName, m.cfg.RelayLeaseTTL), onLost: m.fail}
	}
	return cfg
}
