package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/feed"
	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/internal/periodic"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/tenancy"
)

// follower is the feed's reader (queries.Feed): live for delivery, by page to find a
// dead letter's event again.
type follower interface {
	Follow(ctx context.Context, req queries.FeedRequest, each func(feed.Item) error, heartbeat func(cursor string) error) error
	Read(ctx context.Context, req queries.FeedRequest) (queries.FeedPage, error)
}

// Retry is the delivery retry policy: attempt n waits Backoff * 2^(n-1), at most
// MaxBackoff, of which a random half (jitter, so failed subscribers are not hit in
// lockstep) before the next; after Attempts attempts the event is dead-lettered.
type Retry struct {
	Attempts   int
	Backoff    time.Duration
	MaxBackoff time.Duration
}

// DefaultRetry spans about 10 minutes: 1 s, 2 s, 4 s ... capped at 5 min, 8 attempts.
var DefaultRetry = Retry{Attempts: 8, Backoff: time.Second, MaxBackoff: 5 * time.Minute}

func (r Retry) wait(attempt int) time.Duration {
	d := r.Backoff << (attempt - 1)
	if d <= 0 || d > r.MaxBackoff {
		d = r.MaxBackoff
	}
	return d/2 + rand.N(d/2+1) //nolint:gosec // jitter, not a secret
}

// DelivererConfig wires a Deliverer.
type DelivererConfig struct {
	Store   Store
	Feed    follower
	Client  *http.Client
	Retry   Retry
	Metrics *Metrics
	Logger  *slog.Logger
	// Rescan is how often the subscriptions are looked at for changes. Default 1s.
	Rescan time.Duration
}

// Deliverer runs one worker per active subscription, each following the feed from the
// subscription's stored cursor. One Deliverer may run per deployment at a time (the
// app elects it with a lease on Redis): two would each deliver every event.
type Deliverer struct {
	cfg DelivererConfig
}

// NewDeliverer checks cfg.
func NewDeliverer(cfg DelivererConfig) (*Deliverer, error) {
	if cfg.Store == nil || cfg.Feed == nil || cfg.Client == nil || cfg.Metrics == nil || cfg.Logger == nil {
		return nil, errors.New("webhooks: deliverer needs store, feed, client, metrics and logger")
	}
	if cfg.Retry.Attempts <= 0 {
		cfg.Retry = DefaultRetry
	}
	cfg.Rescan = defaults.Positive(cfg.Rescan, time.Second)
	return &Deliverer{cfg: cfg}, nil
}

type running struct {
	generation int64
	cancel     context.CancelFunc
	done       chan struct{}
}

// Run delivers until ctx ends.
func (d *Deliverer) Run(ctx context.Context) error {
	workers := map[string]*running{}
	defer func() {
		for _, w := range workers {
			w.cancel()
			<-w.done
		}
	}()
	rescan := func() {
		states, err := d.cfg.Store.List(ctx)
		if err != nil {
			d.cfg.Logger.Warn("webhooks: list subscriptions", slog.Any("error", err))
			return
		}
		d.reconcile(ctx, workers, states)
	}
	rescan()
	periodic.Every(ctx, d.cfg.Rescan, rescan)
	return ctx.Err()
}

// reconcile starts a worker for each active subscription without one, restarts those
// whose settings changed (or whose worker stopped on an error), stops the others.
func (d *Deliverer) reconcile(ctx context.Context, workers map[string]*running, states []State) {
	want := map[string]State{}
	for _, st := range states {
		d.cfg.Metrics.deadLetters.WithLabelValues(st.Subscription.ID).Set(float64(len(st.DeadLetters)))
		if !st.Subscription.Paused {
			want[st.Subscription.ID] = st
		}
	}
	for id, w := range workers {
		st, ok := want[id]
		stopped := isClosed(w.done)
		if ok && st.Generation == w.generation && !stopped {
			continue
		}
		w.cancel()
		<-w.done
		delete(workers, id)
	}
	for id, st := range want {
		if _, ok := workers[id]; ok {
			continue
		}
		wctx, cancel := context.WithCancel(ctx)
		w := &running{generation: st.Generation, cancel: cancel, done: make(chan struct{})}
		workers[id] = w
		go func() {
			defer close(w.done)
			if err := d.work(wctx, id); err != nil && wctx.Err() == nil {
				d.cfg.Logger.Warn("webhooks: delivery stopped; retrying", slog.String("subscription", id), slog.Any("error", err))
			}
		}()
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// work delivers one subscription: first its dead letters when redelivery was asked
// for, then the feed from its cursor. It reads the feed with the access of the
// subscription's creator, so the query layer confines it to their organisations.
func (d *Deliverer) work(ctx context.Context, id string) error {
	st, err := d.cfg.Store.Get(ctx, id)
	if err != nil {
		return err
	}
	ctx = tenancy.WithAccess(ctx, st.Subscription.access())
	if st.Redeliver {
		if st, err = d.redeliver(ctx, st); err != nil {
			return err
		}
	}
	sub := st.Subscription
	req := queries.FeedRequest{After: st.Cursor, Types: sub.Types, Plan: sub.Plan}
	return d.cfg.Feed.Follow(ctx, req, func(it feed.Item) error {
		if len(st.DeadLetters) >= MaxDeadLetters {
			<-ctx.Done() // full: wait for an operator (their change restarts this worker)
			return ctx.Err()
		}
		next, err := d.handle(ctx, st, it)
		if err != nil {
			return err
		}
		st = next
		return nil
	}, func(cursor string) error {
		if cursor == st.Cursor {
			return nil
		}
		next, err := d.cfg.Store.Update(ctx, id, func(s *State) error { s.Cursor = cursor; return nil })
		if err != nil {
			return err
		}
		st = next
		return nil
	})
}

// handle delivers one event (or parks it behind its plan's dead letter) and moves the
// stored cursor past it, in one update with any dead letter it became.
func (d *Deliverer) handle(ctx context.Context, st State, it feed.Item) (State, error) {
	e := it.Event
	var letter *DeadLetter
	if st.parked(e.AggregateID) {
		letter = newLetter(e, st.Cursor, 0, "waits behind an earlier dead letter of this plan")
		d.count(st, "dead_lettered")
	} else if attempts, err := d.deliverRetrying(ctx, st.Subscription, e); err != nil {
		if ctx.Err() != nil {
			return st, ctx.Err() // stopped, not failed: the event is delivered next time
		}
		letter = newLetter(e, st.Cursor, attempts, err.Error())
		d.count(st, "dead_lettered")
	}
	return d.cfg.Store.Update(ctx, st.Subscription.ID, func(s *State) error {
		s.Cursor = it.Cursor.String()
		if letter != nil {
			s.DeadLetters = append(s.DeadLetters, *letter)
		} else {
			s.Delivered++
		}
		return nil
	})
}

func newLetter(e events.Envelope, after string, attempts int, reason string) *DeadLetter {
	return &DeadLetter{EventID: e.ID, Plan: e.AggregateID, Version: e.Version, Type: e.Type, After: after,
		Attempts: attempts, LastError: reason, FailedAt: time.Now().UTC()}
}

// redeliver delivers the dead letters again, in order; a plan whose letter fails again
// keeps it and its later ones.
func (d *Deliverer) redeliver(ctx context.Context, st State) (State, error) {
	failed := map[string]bool{}
	for _, letter := range st.DeadLetters {
		if failed[letter.Plan] {
			continue
		}
		e, err := d.findEvent(ctx, letter)
		if err != nil {
			return st, err
		}
		attempts, derr := d.deliverRetrying(ctx, st.Subscription, e)
		if derr != nil && ctx.Err() != nil {
			return st, ctx.Err()
		}
		next, err := d.cfg.Store.Update(ctx, st.Subscription.ID, func(s *State) error {
			for i := range s.DeadLetters {
				if s.DeadLetters[i].EventID != letter.EventID {
					continue
				}
				if derr == nil {
					s.DeadLetters = append(s.DeadLetters[:i], s.DeadLetters[i+1:]...)
					s.Delivered++
				} else {
					s.DeadLetters[i].Attempts += attempts
					s.DeadLetters[i].LastError = derr.Error()
					s.DeadLetters[i].FailedAt = time.Now().UTC()
				}
				return nil
			}
			return nil
		})
		if err != nil {
			return st, err
		}
		st = next
		if derr != nil {
			failed[letter.Plan] = true
		} else {
			d.count(st, "redelivered")
		}
	}
	return d.cfg.Store.Update(ctx, st.Subscription.ID, func(s *State) error { s.Redeliver = false; return nil })
}

// findEvent reads a dead letter's event again through the feed: the first event of
// its plan and type after the position the subscription stood at before it.
func (d *Deliverer) findEvent(ctx context.Context, letter DeadLetter) (events.Envelope, error) {
	req := queries.FeedRequest{After: letter.After, Limit: queries.MaxFeedPage, Plan: letter.Plan, Types: []events.Type{letter.Type}}
	for {
		page, err := d.cfg.Feed.Read(ctx, req)
		if err != nil {
			return events.Envelope{}, fmt.Errorf("webhooks: dead letter %s: %w", letter.EventID, err)
		}
		for _, it := range page.Items {
			if it.Event.ID == letter.EventID {
				return it.Event, nil
			}
		}
		if !page.More || len(page.Items) > 0 {
			return events.Envelope{}, fmt.Errorf("webhooks: dead letter %s: event not in the feed after %q", letter.EventID, letter.After)
		}
		req.After = page.Next
	}
}

// deliverRetrying tries the retry policy's attempts; it returns how many it made.
func (d *Deliverer) deliverRetrying(ctx context.Context, sub Subscription, e events.Envelope) (int, error) {
	var err error
	for attempt := 1; attempt <= d.cfg.Retry.Attempts; attempt++ {
		if err = d.deliver(ctx, sub, e); err == nil {
			d.count(State{Subscription: sub}, "delivered")
			return attempt, nil
		}
		d.count(State{Subscription: sub}, "failed")
		if attempt == d.cfg.Retry.Attempts {
			break
		}
		timer := time.NewTimer(d.cfg.Retry.wait(attempt))
		select {
		case <-ctx.Done():
			timer.Stop()
			return attempt, ctx.Err()
		case <-timer.C:
		}
	}
	return d.cfg.Retry.Attempts, err
}

// deliver POSTs the event, signed; any 2xx is success.
func (d *Deliverer) deliver(ctx context.Context, sub Subscription, e events.Envelope) error {
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "planstore-webhooks")
	if err := setSignedHeaders(req.Header, sub.Secret, e.ID, time.Now(), body); err != nil {
		return err
	}
	start := time.Now()
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		d.cfg.Metrics.latency.WithLabelValues("error").Observe(time.Since(start).Seconds())
		return fmt.Errorf("post: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		d.cfg.Metrics.latency.WithLabelValues("error").Observe(time.Since(start).Seconds())
		return fmt.Errorf("subscriber answered %d", resp.StatusCode)
	}
	d.cfg.Metrics.latency.WithLabelValues("ok").Observe(time.Since(start).Seconds())
	return nil
}

func (d *Deliverer) count(st State, outcome string) {
	d.cfg.Metrics.attempts.WithLabelValues(st.Subscription.ID, outcome).Inc()
}
