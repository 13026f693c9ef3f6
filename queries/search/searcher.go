package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/tenancy"
)

// Searcher runs validated searches against the read model, at most a few at a time
// (see slots), each with a timeout.
type Searcher struct {
	client         *elasticsearch.Client
	defaultTimeout time.Duration
	slots          *slots
}

// SearcherOption configures a Searcher.
type SearcherOption func(*searcherConfig)

type searcherConfig struct {
	defaultTimeout time.Duration
	slots, queue   int
}

// WithDefaultTimeout sets the timeout of searches that name none (DefaultSearchTimeout
// otherwise). It is capped at MaxSearchTimeout; zero or less keeps the default.
func WithDefaultTimeout(d time.Duration) SearcherOption {
	return func(c *searcherConfig) {
		if d > 0 {
			c.defaultTimeout = min(d, MaxSearchTimeout)
		}
	}
}

// WithSearchSlots sets how many searches run at once and how many more may wait for a
// slot before searches are refused with ErrBusy. The defaults are GOMAXPROCS and
// DefaultSearchQueue: a waiting search costs a goroutine and its request, and waits at
// most until its client gives up, so the queue can be deep.
func WithSearchSlots(running, queued int) SearcherOption {
	return func(c *searcherConfig) { c.slots, c.queue = running, queued }
}

// DefaultSearchQueue is how many searches may wait for a slot by default: enough for
// hundreds of concurrent clients, which a queue of a few slots' worth refused with 503.
const DefaultSearchQueue = 1024

// RemoteSearchSlots is how many searches a query API sends a real Elasticsearch at once:
// the cluster, not this process, does the work, queues it in its search thread pool
// and answers 429 (then 503 here) past that, so a slot per core here would only cap a
// cluster's throughput at this machine's core count.
const RemoteSearchSlots = 256

// NewSearcher refuses a nil client.
func NewSearcher(client *elasticsearch.Client, opts ...SearcherOption) (*Searcher, error) {
	if client == nil {
		return nil, errors.New("search: nil client")
	}
	cfg := searcherConfig{defaultTimeout: DefaultSearchTimeout, slots: runtime.GOMAXPROCS(0)}
	cfg.queue = DefaultSearchQueue
	for _, opt := range opts {
		opt(&cfg)
	}
	return &Searcher{client: client, defaultTimeout: cfg.defaultTimeout, slots: newSlots(cfg.slots, cfg.queue)}, nil
}

// Search runs the request against the alias `plans`, the only index the query side
// reads, and returns Elasticsearch's answer untouched: {took, timed_out, _shards,
// hits: {total: {value, relation}, max_score, hits: [{_index, _id, _score, _routing,
// _source}]}}. A search past its timeout answers what it found with timed_out: true.
// A request Elasticsearch refuses (400) is an *InvalidQueryError with its reason; a
// search that finds every slot and the queue taken is ErrBusy; a cluster that cannot
// answer now (no node reachable, or every node answered 429/5xx after the client's
// retries on other nodes) is an error matching ErrUnavailable; any other failure is a
// wrapped error not meant for clients. ctx going away (the client left) stops the search.
//
// Partial results are refused (allow_partial_search_results=false): when a shard copy
// fails mid-search (its node was just lost), Elasticsearch retries the other copies of
// that shard, and if none answers it fails the search instead of silently returning
// fewer hits, so a caller never mistakes a node loss for missing plans.
func (s *Searcher) Search(ctx context.Context, req Request) (json.RawMessage, error) {
	// Confined in the engine, not after the fact, so totals count the caller's plans.
	access := tenancy.FromContext(ctx)
	req, err := req.Confined(access)
	if err != nil {
		return nil, err
	}
	answer, err := s.search(ctx, req)
	if err != nil || access.All() {
		return answer, err
	}
	return bareIDs(answer)
}

func (s *Searcher) search(ctx context.Context, req Request) (json.RawMessage, error) {
	if err := s.slots.acquire(ctx); err != nil {
		if errors.Is(err, ErrBusy) {
			return nil, err
		}
		return nil, fmt.Errorf("search: waiting for a search slot: %w", err)
	}
	defer s.slots.release()
	timeout := req.Timeout()
	if timeout == 0 {
		timeout = s.defaultTimeout
	}
	api := s.client.Search
	res, err := api(
		api.WithContext(ctx),
		api.WithIndex(projections.Alias),
		api.WithBody(bytes.NewReader(req.Body())),
		api.WithAllowPartialSearchResults(false),
		api.WithTimeout(timeout),
	)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("search: run on %s: %w", projections.Alias, err)
		}
		return nil, fmt.Errorf("%w: search on %s: %w", ErrUnavailable, projections.Alias, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("search: read answer: %w", err)
	}
	switch {
	case res.StatusCode == http.StatusBadRequest:
		return nil, &InvalidQueryError{Reason: rejectionReason(body), Kind: ErrRejected}
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= http.StatusInternalServerError:
		return nil, fmt.Errorf("%w: %s answered %d: %s", ErrUnavailable, projections.Alias, res.StatusCode, truncate(body, 512))
	case res.IsError():
		return nil, fmt.Errorf("search: %s answered %d: %s", projections.Alias, res.StatusCode, truncate(body, 512))
	}
	return body, nil
}

// esError is the part of Elasticsearch's error body that says why. The top-level
// reason of a search error is often just "all shards failed"; the root cause and the
// first shard failure's caused_by say what was wrong with the query.
type esError struct {
	Error struct {
		Type      string     `json:"type"`
		Reason    string     `json:"reason"`
		RootCause []esReason `json:"root_cause"`
		CausedBy  *esReason  `json:"caused_by"`
		Failed    []struct {
			Reason esReason `json:"reason"`
		} `json:"failed_shards"`
	} `json:"error"`
}

type esReason struct {
	Type     string    `json:"type"`
	Reason   string    `json:"reason"`
	CausedBy *esReason `json:"caused_by"`
}

// rejectionReason condenses a 400 answer into one line a client can act on, e.g.
// "query_shard_exception: failed to create query: For input string: \"abc\"".
func rejectionReason(body []byte) string {
	var e esError
	if err := json.Unmarshal(body, &e); err != nil || (e.Error.Type == "" && e.Error.Reason == "" && len(e.Error.RootCause) == 0) {
		return "the search engine refused the request"
	}
	top := esReason{Type: e.Error.Type, Reason: e.Error.Reason, CausedBy: e.Error.CausedBy}
	if len(e.Error.RootCause) > 0 {
		top = e.Error.RootCause[0]
		if len(e.Error.Failed) > 0 && top.CausedBy == nil {
			top.CausedBy = e.Error.Failed[0].Reason.CausedBy
		}
	}
	parts := []string{top.Type + ": " + top.Reason}
	for c, n := top.CausedBy, 0; c != nil && n < 3; c, n = c.CausedBy, n+1 {
		if c.Reason != "" && !strings.Contains(parts[len(parts)-1], c.Reason) {
			parts = append(parts, c.Reason)
		}
	}
	return strings.Join(parts, ": ")
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "..."
}
