package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/projections/elastic"
	"github.com/planstore/planstore/projections/replay"
	"github.com/planstore/planstore/queries/search"
	"github.com/planstore/planstore/transport/httpapi"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/amqp"
	"github.com/planstore/planstore/transport/messaging/audit"
	"github.com/planstore/planstore/transport/messaging/inproc"
	"github.com/planstore/planstore/transport/messaging/outbox"
)

// Consumer names: each has its own durable queue and dead-letter queue.
const consumerProjector = "projector"

// queueDepthInterval: planstore_consumer_queue_depth is at most this old.
const queueDepthInterval = time.Second

// projectorConcurrency is how many events one projector process holds and handles at
// once on RabbitMQ; the bus's prefetch is the same. What is in hand fills the bulk
// requests (two at a time), and a handler returns only once its bulk is written, so the
// projection can go no faster than this many events per bulk round trip. With
// Elasticsearch on the machine's two cores beside the rest, 256 left every plan
// searchable 0.5-0.7 s after a 5 s burst where 64 left 3-4 s (docs/performance.md);
// with the embedded engine it made no difference. A process that dies hands this many
// back to the queue, all idempotent writes.
const projectorConcurrency = 256

// allConsumers are the consumers of a deployment. The relay declares their queues at
// start, so events wait in a queue until its consumer first attaches; the embedded bus
// refuses events until all of them are attached. They run wherever the projector runs.
// The audit trail needs no consumer: it is read from the event log.
var allConsumers = []string{consumerProjector}

// retiredConsumers had queues in earlier versions; the bus deletes them once unused, as
// nothing fills their place and the exchange would otherwise keep copying every event
// into them.
var retiredConsumers = []string{audit.RetiredConsumerName}

// startPipeline starts the event pipeline parts of the role: read model, search, bus,
// relay and projector, in the order that loses nothing: the read model exists before
// the projector consumes, and the embedded engine is rebuilt before new events arrive.
func (m *Main) startPipeline(ctx context.Context, store eventStore, httpCfg *httpapi.Config) error {
	health := &healthChecker{store: store, writes: m.parts.commandAPI}
	httpCfg.Health = health
	if err := m.watchPipeline(store, health); err != nil {
		return err
	}

	if m.parts.queryAPI || m.parts.commandAPI {
		auditLog, err := m.openAuditLog(ctx, store)
		if err != nil {
			return err
		}
		httpCfg.Audit = auditLog
	}

	var projector *elastic.Projector
	if m.parts.projector || m.parts.queryAPI {
		client, err := m.openSearch(ctx)
		if err != nil {
			return err
		}
		health.search = client
		if err := ensureReadModel(ctx, client); err != nil {
			return err
		}
		// The replay admin routes live where searches are answered: the query API.
		var replayer *replay.Replayer
		if m.parts.queryAPI {
			if replayer, err = m.newReplayer(client, store); err != nil {
				return err
			}
			httpCfg.Replay = replayer
			if !m.embeddedSearch() {
				if err := m.registerReplayLockGauge(client); err != nil {
					return err
				}
			}
			var searchOpts []search.SearcherOption
			if !m.embeddedSearch() {
				searchOpts = append(searchOpts, search.WithSearchSlots(search.RemoteSearchSlots, search.DefaultSearchQueue))
			}
			if httpCfg.Search, err = search.NewSearcher(client, searchOpts...); err != nil {
				return err
			}
		}
		if m.parts.projector {
			writer, err := elastic.NewWriter(client, elastic.WriterConfig{Direct: m.directEngine()})
			if err != nil {
				return err
			}
			m.onClose("projection writer", func(context.Context) error { return writer.Close() })
			if projector, err = elastic.NewProjector(writer); err != nil {
				return err
			}
			if m.embeddedSearch() && replayer != nil && !m.engineCurrent {
				if err := m.rebuildEmbeddedEngine(ctx, replayer); err != nil {
					return err
				}
				m.engineCurrent = true
			}
		}
	}
	if !m.parts.relay && !m.parts.projector {
		return nil
	}
	return m.startRouter(ctx, store, projector, health)
}

// startRouter runs the relay and the consumers of this role on one Watermill router.
func (m *Main) startRouter(ctx context.Context, store eventStore, projector *elastic.Projector, health *healthChecker) error {
	bus, err := m.openBus()
	if err != nil {
		return err
	}
	m.onClose("bus", func(context.Context) error { return bus.Close() })
	health.bus = bus
	if counter, ok := bus.(queueConsumerCounter); ok && m.parts.projector && m.embeddedSearch() {
		health.consumerChecks = map[string]func(context.Context) error{
			messaging.ConsumerCheckName(consumerProjector): soleEmbeddedProjector(counter),
		}
	}

	router, err := messaging.NewRouter(messaging.RouterConfig{
		Logger: m.log, Codec: m.codec, Registry: m.registry, CloseTimeout: m.cfg.ShutdownGrace,
		QueueDepthInterval: queueDepthInterval,
	})
	if err != nil {
		return err
	}
	health.router = router
	m.pipeline = &pipelineParts{bus: bus, router: router}
	if m.parts.relay {
		relayState := &relayState{}
		health.relay = relayState
		m.pipeline.relay, m.pipeline.watched = relayState, allConsumers
		sub := m.relaySubscriberConfig(store)
		sub.OnLeading = func(leading bool) {
			router.Metrics().RelayLeading(leading)
			relayState.set(leading)
		}
		err := outbox.AddRelay(router, outbox.RelayConfig{SubscriberConfig: sub, Bus: bus})
		if err != nil {
			return err
		}
		// The relay feeds every consumer's queue: its process reports what waits there,
		// also while a consumer is down and reports nothing itself.
		for _, c := range allConsumers {
			router.WatchQueueDepth(bus, c)
		}
	}
	if m.parts.projector {
		handle := projector.Handle
		if rs, ok := store.(*redisstore.Store); ok {
			tracker := newAppliedTracker(consumerProjector, rs, m.log)
			stop, err := tracker.start(ctx)
			if err != nil {
				return fmt.Errorf("projector progress: %w", err)
			}
			// Registered before the router: closed after it, so the last positions land.
			m.onClose("projector progress", func(context.Context) error { stop(); return nil })
			handle = tracker.wrap(handle)
		}
		// The projector is order-safe (external versioning by aggregate version), so it
		// may take events concurrently; concurrency is what lets the bulk writer batch.
		err := router.AddConsumer(bus, messaging.Consumer{
			Name: consumerProjector, Handle: handle, Concurrency: projectorConcurrency,
		})
		if err != nil {
			return err
		}
		m.pipeline.consumers = allConsumers
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- router.Run(runCtx) }()
	select {
	case <-router.Running():
	case err := <-done:
		stop()
		return fmt.Errorf("messaging router: %w", err)
	}
	m.onClose("messaging router", func(context.Context) error {
		err := router.Close()
		stop()
		return errors.Join(err, <-done)
	})
	return nil
}

// openBus returns RabbitMQ when --amqp-url is set, else the in-process bus.
func (m *Main) openBus() (messaging.Bus, error) {
	if m.cfg.AMQPURL == "" {
		var expected []string
		if m.parts.projector {
			expected = allConsumers
		}
		return inproc.New(inproc.Config{Logger: m.log, Consumers: expected})
	}
	bus, err := amqp.New(amqp.Config{
		URL: m.cfg.AMQPURL, QueueType: amqp.QueueType(m.cfg.AMQPQueueType),
		Logger: m.log, Consumers: allConsumers, Retired: retiredConsumers, ConnectionName: "planstore-" + string(m.role),
		Prefetch: projectorConcurrency,
	})
	if err != nil {
		return nil, fmt.Errorf("rabbitmq at %s: %w", redactURLList(m.cfg.AMQPURL), err)
	}
	return bus, nil
}

// watchPipeline exports, on Redis, what waits between a commit and the read model: the
// relay reports its outbox backlog, the query API that and its read model's lag, which
// /readyz also judges against --max-projection-lag.
func (m *Main) watchPipeline(store eventStore, health *healthChecker) error {
	rs, ok := store.(*redisstore.Store)
	if !ok || (!m.parts.queryAPI && !m.parts.relay) {
		return nil
	}
	view := &pipelineView{store: rs, projection: m.parts.queryAPI}
	if err := view.register(m.registry); err != nil {
		return err
	}
	if m.parts.queryAPI {
		health.pipeline = view
		health.maxProjectionLag = m.cfg.MaxProjectionLag
	}
	return nil
}
