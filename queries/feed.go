package queries

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/feed"
	"github.com/planstore/planstore/tenancy"
)

// Feed limits: a page holds at most MaxFeedPage events, and one read looks at no more
// than feedScanFactor times the page's size of the log, so a rare filter still answers
// quickly (with a cursor that moved on).
const (
	MaxFeedPage     = 1000
	DefaultFeedPage = 100
	feedScanFactor  = 10
)

// FeedRequest is a read of the global event feed.
type FeedRequest struct {
	// After is a cursor the feed handed out ("" = from the first event).
	After string
	// Limit bounds the page (1..MaxFeedPage; 0 = DefaultFeedPage).
	Limit int
	// Types keeps only these event types (none = all).
	Types []events.Type
	// Plan keeps only this plan's events ("" = all).
	Plan string
}

// FeedPage is one page of the feed.
type FeedPage struct {
	Items []feed.Item
	// Next resumes after everything this read looked at.
	Next string
	// More: the log has more after Next, so a client should read on at once.
	More bool
}

// Feed answers reads of the global, ordered event feed: every event of every plan in
// commit order, with a stable cursor. Every read goes through here, so what confines a
// caller's reads (the caller's organisations, with tenancy) applies to the feed too.
type Feed struct {
	reader *feed.Reader
	watch  events.LogWatcher
	tail   *FeedTail // nil when the store cannot tell where its log ends
}

// NewFeed reads the store's global log; a store that can watch its log wakes live
// followers on commits, any other is polled.
func NewFeed(log events.GlobalLog) (*Feed, error) {
	if log == nil {
		return nil, errors.New("queries: nil global log")
	}
	f := &Feed{reader: feed.NewReader(log)}
	if w, ok := log.(events.LogWatcher); ok {
		f.watch = w
	}
	if _, ok := log.(events.LogTail); ok {
		f.tail, _ = NewFeedTail(log)
	}
	return f, nil
}

// Read returns one page of the feed.
func (q *Feed) Read(ctx context.Context, req FeedRequest) (FeedPage, error) {
	after, limit, err := q.check(req)
	if err != nil {
		return FeedPage{}, err
	}
	page, err := q.reader.Read(ctx, after, limit, limit*feedScanFactor, q.filter(ctx, req))
	if err != nil {
		return FeedPage{}, fmt.Errorf("read the event feed: %w", err)
	}
	return FeedPage{Items: page.Items, Next: page.Next.String(), More: page.More}, nil
}

// Follow calls each with every event after req.After, then with every new one as it is
// committed, until ctx ends or each fails. heartbeat (may be nil) is called whenever
// the follower has caught up, with the cursor reached, so a stream can keep its
// connection alive and say where it is.
func (q *Feed) Follow(ctx context.Context, req FeedRequest, each func(feed.Item) error, heartbeat func(cursor string) error) error {
	after, limit, err := q.check(req)
	if err != nil {
		return err
	}
	f := feed.Follower{Reader: q.reader, Watch: q.watch, Batch: limit}
	var idle func(feed.Cursor) error
	if heartbeat != nil {
		idle = func(c feed.Cursor) error { return heartbeat(c.String()) }
	}
	return f.Follow(ctx, after, q.filter(ctx, req), each, idle)
}

func (q *Feed) check(req FeedRequest) (feed.Cursor, int, error) {
	limit := req.Limit
	if limit == 0 {
		limit = DefaultFeedPage
	}
	if limit < 0 || limit > MaxFeedPage {
		return feed.Cursor{}, 0, &FeedRequestError{Param: "limit", Reason: fmt.Sprintf("must be 1 to %d", MaxFeedPage)}
	}
	for _, t := range req.Types {
		if !slices.Contains(feedTypes, t) {
			return feed.Cursor{}, 0, &FeedRequestError{Param: "type", Reason: fmt.Sprintf("%q is not an event type (%v)", t, feedTypes)}
		}
	}
	after, err := q.reader.Parse(req.After)
	if err != nil {
		return feed.Cursor{}, 0, &FeedRequestError{Param: "after", Reason: err.Error()}
	}
	return after, limit, nil
}

// filter keeps what the request asks for, of what the caller may see: only events of
// plans of the caller's organisations (tenancy.Access from the context; an operator
// sees all, a context without an access nothing). plan is the plan's objectId, or its
// qualified key as the events carry it.
func (q *Feed) filter(ctx context.Context, req FeedRequest) feed.Filter {
	access := tenancy.FromContext(ctx)
	return func(e events.Envelope) bool {
		if req.Plan != "" && e.AggregateID != req.Plan && tenancy.Bare(e.AggregateID) != req.Plan {
			return false
		}
		if len(req.Types) > 0 && !slices.Contains(req.Types, e.Type) {
			return false
		}
		return visible(access, e)
	}
}

// visible says whether access may see event e: its plan's _org is one of the caller's
// and the plan lives in that organisation's namespace (the default namespace holds
// pre-tenancy plans of every _org, which only an operator sees unless they are the
// default organisation's), as GET /v1/plans/{id} decides.
func visible(access tenancy.Access, e events.Envelope) bool {
	if access.All() {
		return true
	}
	org := orgOfHistory([]events.Envelope{e})
	return org != "" && access.Allows(org) && access.Key(org, tenancy.Bare(e.AggregateID)) == e.AggregateID
}

// FeedRequestError says a feed parameter is invalid (a 400).
type FeedRequestError struct {
	Param  string
	Reason string
}

func (e *FeedRequestError) Error() string {
	return fmt.Sprintf("feed parameter %s: %s", e.Param, e.Reason)
}

// feedTypes are the event types a feed can be filtered by.
var feedTypes = []events.Type{events.PlanCreated, events.PlanReplaced, events.PlanPatched, events.PlanDeleted}

// End is the cursor after the last event committed so far: where a follower that wants
// only new events starts. A store that can tell where each partition ends answers in one
// read per partition; any other is read through once.
func (q *Feed) End(ctx context.Context) (string, error) {
	if q.tail != nil {
		return q.tail.End(ctx)
	}
	cursor := feed.Start(q.reader.Partitions())
	skip := func(events.Envelope) bool { return false }
	for {
		page, err := q.reader.Read(ctx, cursor, MaxFeedPage, MaxFeedPage, skip)
		if err != nil {
			return "", fmt.Errorf("find the end of the event feed: %w", err)
		}
		cursor = page.Next
		if !page.More {
			return cursor.String(), nil
		}
	}
}
