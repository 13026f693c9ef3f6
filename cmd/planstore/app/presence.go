package app

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/transport/adminlog"
	"github.com/planstore/planstore/transport/httpapi"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/amqp"
	"github.com/planstore/planstore/transport/messaging/inproc"
	"github.com/planstore/planstore/transport/presence"
)

// pipelineParts are what this role runs of the pipeline, for its heartbeat: set by
// startRouter, nil where the role has no router.
type pipelineParts struct {
	bus       messaging.Bus
	router    *messaging.Router
	relay     *relayState
	consumers []string // the consumers this role runs
	watched   []string // the consumers whose queues it watches (a relay: all)
}

// openPresence chooses where heartbeats go (Redis, else this process) and, on the API
// roles, serves the system view, the dead letters and their audit trail.
func (m *Main) openPresence(ctx context.Context, cfg *httpapi.Config) error {
	if m.cfg.RedisURL != "" {
		client, err := m.redisClient(ctx)
		if err != nil {
			return err
		}
		m.presence = presence.NewRedisStore(client)
		cfg.AdminActions = adminlog.NewRedis(client)
	} else {
		m.presence = presence.NewMemoryStore()
		cfg.AdminActions = &adminlog.Memory{}
	}
	if err := presence.RegisterMetrics(m.registry, m.presence); err != nil {
		return err
	}
	if !m.verifiesTokens() {
		cfg.AdminActions = nil
		return nil
	}
	cfg.System = systemView{m.presence}
	return m.openDeadLetters(cfg)
}

// openDeadLetters serves the dead letters where the roles that can reach them are: on
// RabbitMQ any role given --amqp-url (query-api, serve), embedded only in serve, whose
// bus holds them.
func (m *Main) openDeadLetters(cfg *httpapi.Config) error {
	switch {
	case m.cfg.AMQPURL != "":
		dl, err := amqp.NewDeadLetters(m.cfg.AMQPURL, "planstore-"+string(m.role)+" dead letters")
		if err != nil {
			return err
		}
		m.onClose("dead-letter connection", func(context.Context) error { return dl.Close() })
		cfg.DeadLetters, cfg.Consumers = dl, allConsumers
	case m.pipeline != nil:
		if eb, ok := m.pipeline.bus.(*inproc.Bus); ok {
			cfg.DeadLetters, cfg.Consumers = eb.DeadLetters(), allConsumers
		}
	}
	return nil
}

type systemView struct{ store presence.Store }

func (v systemView) Instances(ctx context.Context) ([]presence.Instance, error) {
	return presence.List(ctx, v.store, time.Now())
}

// startHeartbeat announces this instance once it serves, until it closes.
func (m *Main) startHeartbeat(ctx context.Context, started time.Time) {
	host, _ := os.Hostname()
	_, port, _ := net.SplitHostPort(m.Addr())
	self := presence.Instance{
		ID:   fmt.Sprintf("%s@%s:%s", m.role, host, port),
		Role: string(m.role), Version: Version(), Addr: m.Addr(), Host: host, PID: os.Getpid(),
		StartedAt: started.UTC(),
	}
	a := presence.NewAnnouncer(m.presence, self, m.probe, m.log)
	a.Start(ctx)
	m.onClose("heartbeat", a.Stop)
}

// probeTimeout bounds one measure of the consumers, within a heartbeat.
const probeTimeout = 700 * time.Millisecond

// probe measures this role's consumers for its heartbeat.
func (m *Main) probe(ctx context.Context) presence.Report {
	p := m.pipeline
	if p == nil {
		return presence.Report{}
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var r presence.Report
	readiness := p.router.Readiness()
	rs, onRedis := m.store.(*redisstore.Store)
	seen := map[string]bool{}
	add := func(name string, attached bool) {
		if seen[name] {
			return
		}
		seen[name] = true
		c := presence.Consumer{Name: name, Attached: attached}
		if attached {
			if err := readiness[messaging.ConsumerCheckName(name)]; err != nil {
				c.Attached, c.Error = false, err.Error()
			}
		}
		if n, err := p.bus.QueueDepth(ctx, name); err == nil {
			c.QueueDepth = &n
		}
		if name == consumerProjector && onRedis {
			if t, err := rs.Unapplied(ctx, name); err == nil {
				lag := 0.0
				if !t.IsZero() {
					lag = max(time.Since(t).Seconds(), 0)
				}
				c.LagSeconds = &lag
			}
		}
		r.Consumers = append(r.Consumers, c)
	}
	for _, c := range p.consumers {
		add(c, true)
	}
	for _, c := range p.watched {
		add(c, false)
	}
	if p.relay != nil {
		r.Relay = p.relay.String()
		if onRedis {
			if b, err := rs.OutboxBacklog(ctx); err == nil {
				r.OutboxBacklog = &b.Events
			}
		}
	}
	return r
}
