package elastic

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
)

// Retry policy of NewClient. A request goes to the next node in round-robin order; a
// node that fails to answer is set aside (go-elasticsearch resurrects it after a minute,
// doubling per failure) and the request is retried on another one. Five retries with the
// backoff below span about 2.5 s: enough for a replica to be promoted after a node is
// lost, short enough that a search caller is not left hanging.
const (
	clientMaxRetries   = 5
	clientBackoffFirst = 100 * time.Millisecond
	clientBackoffMax   = time.Second
	// clientDialTimeout bounds connecting to a node that is gone without a trace (a host
	// down, a dropped packet): the retry moves on to another node instead of waiting
	// for the caller's deadline. A killed process on a live host refuses at once anyway.
	clientDialTimeout = 5 * time.Second
)

// clientRetryStatuses are answers that say "this node cannot serve it now, another
// may": a proxy or node in trouble (502, 504), no master or no active shard copy (503),
// a full queue (429). Every request planstore sends is safe to repeat: bulk writes carry
// external versions, searches and alias changes are idempotent, index creation reports
// "exists", and the replay lock's create is checked against its own job id.
var clientRetryStatuses = []int{
	http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

// NewClient returns the client of a real Elasticsearch cluster for every role and the
// replay CLI: it knows every node given (the URLs are the cluster, as configured; node
// sniffing stays off because the addresses nodes publish are often not reachable from
// the client, e.g. container IPs behind a published port), spreads requests over them,
// and retries on another node on connection errors and on the statuses above. It does
// not retry a request whose caller gave up.
func NewClient(urls []string) (*elasticsearch.Client, error) {
	if len(urls) == 0 {
		return nil, errors.New("elastic: no Elasticsearch URL")
	}
	transport, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("elastic: http.DefaultTransport is not an *http.Transport")
	}
	transport = transport.Clone()
	transport.DialContext = (&net.Dialer{Timeout: clientDialTimeout, KeepAlive: 30 * time.Second}).DialContext
	// The projector runs two bulk requests at once and query-api many searches: keep
	// more than Go's default of two idle connections per node.
	transport.MaxIdleConnsPerHost = 32
	client, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses:     urls,
		Transport:     transport,
		MaxRetries:    clientMaxRetries,
		RetryOnStatus: clientRetryStatuses,
		RetryOnError:  retryOnError,
		RetryBackoff:  retryBackoff,
	})
	if err != nil {
		return nil, fmt.Errorf("elastic: client for %v: %w", urls, err)
	}
	return client, nil
}

// retryOnError retries every failure to get an answer (refused, reset, timed out)
// except the caller's own cancellation or deadline: repeating those only marks
// healthy nodes dead.
func retryOnError(req *http.Request, err error) bool {
	if req.Context().Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return true
}

// retryBackoff doubles from 100 ms up to 1 s, with jitter so that the projector and the
// query side do not retry in lockstep.
func retryBackoff(attempt int) time.Duration {
	d := clientBackoffFirst << min(attempt-1, 10)
	d = min(d, clientBackoffMax)
	return d/2 + rand.N(d/2+1)
}
