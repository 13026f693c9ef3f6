package app

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
)

// readinessTimeout bounds each backend check of /readyz.
const readinessTimeout = 2 * time.Second

// healthChecker answers /readyz: every configured backend answers and every consumer
// of this role is attached. Absent parts are simply not checked.
type healthChecker struct {
	store  eventStore
	search *elasticsearch.Client
	bus    messaging.Bus
	router *messaging.Router
	// consumerChecks are checks of a consumer beyond being attached, by its name in
	// Router.Readiness.
	consumerChecks map[string]func(context.Context) error
	// relay is whether this process's relay leads or waits on standby (both are ready).
	relay *relayState
	// pipeline judges the read model's freshness (query API on Redis).
	pipeline         *pipelineView
	maxProjectionLag time.Duration
	// writes: the role appends to the event store, so /readyz asks whether a commit
	// would be acknowledged now, not only whether the store answers.
	writes bool
}

// relayState is whether this process's relay reads the outbox now.
type relayState struct{ leading atomic.Bool }

func (r *relayState) set(leading bool) { r.leading.Store(leading) }

func (r *relayState) String() string {
	if r.leading.Load() {
		return "leading"
	}
	return "standby"
}

// readiness is the /readyz body: "ok" or what is wrong, per backend and consumer.
type readiness struct {
	Status    string            `json:"status"`
	Backends  map[string]string `json:"backends"`
	Consumers map[string]string `json:"consumers,omitempty"`
	// Relay is "leading" or "standby" in a process that runs a relay.
	Relay string `json:"relay,omitempty"`
	// ReadModel is "ok" or why searches miss committed events (query API on Redis),
	// with the measures behind the verdict.
	ReadModel *readModelReport `json:"read_model,omitempty"`
}

type readModelReport struct {
	Status        string `json:"status"`
	ProjectionLag string `json:"projection_lag"`
	OutboxBacklog int64  `json:"outbox_backlog"`
	MaxLag        string `json:"max_projection_lag"`
}

func (h *healthChecker) Ready(ctx context.Context) (bool, any) {
	r := readiness{Status: "ready", Backends: map[string]string{}}
	set := func(m map[string]string, name string, err error) {
		if err != nil {
			m[name] = "down: " + err.Error()
			r.Status = "not ready"
			return
		}
		m[name] = "ok"
	}
	// The checks that wait on a backend run at once, each under its own deadline: one
	// slow backend (a Redis failing over) must neither delay the answer past a probe's
	// timeout nor make the others look down because it used up a shared deadline.
	var (
		wg                  sync.WaitGroup
		storeErr, searchErr error
		state               pipelineState
	)
	within := func(check func(context.Context)) {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, readinessTimeout)
			defer cancel()
			check(ctx)
		})
	}
	within(func(ctx context.Context) { storeErr = pingStore(ctx, h.store, h.writes) })
	if h.search != nil {
		within(func(ctx context.Context) { searchErr = pingSearch(ctx, h.search, readinessTimeout) })
	}
	if h.pipeline != nil {
		within(func(ctx context.Context) { state = h.pipeline.measure(ctx) })
	}
	wg.Wait()

	set(r.Backends, "event_store", storeErr)
	if h.search != nil {
		set(r.Backends, "search", searchErr)
	}
	if h.bus != nil {
		set(r.Backends, "bus", h.bus.Ready())
	}
	if h.router != nil {
		r.Consumers = map[string]string{}
		for name, err := range h.router.Readiness() {
			if check := h.consumerChecks[name]; err == nil && check != nil {
				cctx, cancel := context.WithTimeout(ctx, readinessTimeout)
				err = check(cctx)
				cancel()
			}
			set(r.Consumers, name, err)
		}
	}
	if h.relay != nil {
		r.Relay = h.relay.String()
	}
	if h.pipeline != nil {
		err := state.freshness(h.maxProjectionLag)
		rm := &readModelReport{Status: "ok", ProjectionLag: state.projectionLag().Round(time.Millisecond).String(),
			OutboxBacklog: state.backlog.Events, MaxLag: h.maxProjectionLag.String()}
		if err != nil {
			rm.Status = err.Error()
			r.Status = "not ready"
		}
		r.ReadModel = rm
	}
	return r.Status == "ready", r
}

// healthReporter is a store that knows more about its health than a read shows: the
// embedded store reports a full disk that refuses writes (events.ErrStorageFull); the
// Redis store, whether every master could acknowledge a commit now.
type healthReporter interface {
	Healthy(ctx context.Context) error
}

// reachabilityReporter is a store spread over several servers that can say whether all
// of them answer, which one read (reaching one server) cannot.
type reachabilityReporter interface {
	Reachable(ctx context.Context) error
}

// pingStore asks the store the question that matters for the role. A role that writes
// asks a store that can tell whether a commit would be acknowledged now; the others (they
// read, and a promoted master without a replica serves reads fine) whether every server
// answers. Those questions already talk to every server, so a probe read on top would
// only add a round trip; a store that answers neither is asked for a plan that cannot
// exist instead.
func pingStore(ctx context.Context, store eventStore, writes bool) error {
	if h, ok := store.(healthReporter); ok && writes {
		return h.Healthy(ctx)
	}
	if r, ok := store.(reachabilityReporter); ok {
		return r.Reachable(ctx)
	}
	// A store that reports nothing itself is asked for a plan that does not exist: any
	// answer but a failure means it serves reads.
	if _, err := store.Load(ctx, "readyz-probe"); err != nil && !errors.Is(err, events.ErrNotFound) {
		return err
	}
	return nil
}
