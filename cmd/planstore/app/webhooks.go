package app

import (
	"cmp"
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/internal/commalist"
	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/transport/httpapi"
	"github.com/planstore/planstore/webhooks"
)

// webhookLeaseName elects the one deliverer of a deployment sharing a Redis store.
const webhookLeaseName = "webhooks"

// defaultWebhookTimeout is how long a subscriber has to answer.
const defaultWebhookTimeout = 10 * time.Second

func (c *Config) webhookDenyList() []string {
	switch strings.TrimSpace(c.WebhookDeny) {
	case "":
		return webhooks.DefaultDenied
	case "none":
		return nil
	}
	return commalist.Split(c.WebhookDeny)
}

// openWebhookStore keeps subscriptions where the event store lives: Redis, or a bbolt
// file beside the embedded store.
func (m *Main) openWebhookStore(ctx context.Context) (webhooks.Store, error) {
	return openStateStore[webhooks.Store](ctx, m, "webhook subscriptions", webhooks.BoltFileName,
		webhooks.NewRedisStore, webhooks.OpenBoltStore)
}

// startWebhooks routes the subscriptions API in API roles and runs the deliverer where
// the relay runs (serve, relay): on Redis, one deliverer per deployment at a time.
func (m *Main) startWebhooks(ctx context.Context, store eventStore, httpCfg *httpapi.Config) error {
	api := m.parts.commandAPI || m.parts.queryAPI
	if !api && !m.parts.relay {
		return nil
	}
	targets, err1 := webhooks.NewTargets(m.cfg.webhookDenyList())
	feed, err2 := queries.NewFeed(store)
	if err := cmp.Or(err1, err2); err != nil {
		return err
	}
	states, err := m.openWebhookStore(ctx)
	if err != nil {
		return err
	}
	if api {
		svc, err := webhooks.NewService(states, targets, feed)
		if err != nil {
			return err
		}
		httpCfg.Subscriptions = svc
	}
	if !m.parts.relay {
		return nil
	}
	metrics, err := webhooks.NewMetrics(m.registry)
	if err != nil {
		return err
	}
	timeout := defaults.Positive(m.cfg.WebhookTimeout, defaultWebhookTimeout)
	retry := webhooks.DefaultRetry
	if m.cfg.WebhookAttempts > 0 {
		retry.Attempts = m.cfg.WebhookAttempts
	}
	if m.cfg.WebhookBackoff > 0 {
		retry.Backoff = m.cfg.WebhookBackoff
	}
	d, err := webhooks.NewDeliverer(webhooks.DelivererConfig{
		Store: states, Feed: feed, Client: targets.Client(timeout), Retry: retry,
		Metrics: metrics, Logger: m.log,
	})
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.runDeliverer(runCtx, store, d)
	}()
	m.onClose("webhook deliverer", func(context.Context) error { cancel(); <-done; return nil })
	return nil
}

// runDeliverer runs d while this process holds the webhook lease (always, on the
// embedded store), taking the lease again after losing it.
func (m *Main) runDeliverer(ctx context.Context, store eventStore, d *webhooks.Deliverer) {
	rs, shared := store.(*redisstore.Store)
	for ctx.Err() == nil {
		runCtx, cancel := context.WithCancel(ctx)
		if shared {
			lost, err := rs.Lease(webhookLeaseName, m.cfg.RelayLeaseTTL).Acquire(ctx)
			if err != nil {
				cancel()
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
				continue
			}
			go func() {
				select {
				case err := <-lost:
					if err != nil && runCtx.Err() == nil {
						m.log.Warn("webhook deliverer lost its lease", slog.Any("error", err))
					}
				case <-runCtx.Done():
				}
				cancel()
			}()
		}
		if err := d.Run(runCtx); err != nil && ctx.Err() == nil {
			m.log.Warn("webhook deliverer stopped; restarting", slog.Any("error", err))
		}
		cancel()
	}
}
