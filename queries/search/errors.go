package search

import "errors"

// ErrUnavailable: the search engine could not answer now (no node reachable, or the
// cluster answered 429/5xx, e.g. while a lost node's shards are being promoted). The
// HTTP layer maps it to 503 with Retry-After: the request itself was fine.
var ErrUnavailable = errors.New("search engine unavailable")

// InvalidQueryError is a search request that cannot run: refused by this package's
// allow-list or limits, or by Elasticsearch itself (a 400). Path and Reason are safe to
// show to the client; the HTTP layer maps this one type to 400.
type InvalidQueryError struct {
	// Path locates the offending part, e.g. "query.bool.must[1].wildcard"; empty when
	// Elasticsearch refused the request and did not say where.
	Path   string
	Reason string
	// Kind is one of the Err* sentinels below, for errors.Is and metrics.
	Kind error
}

func (e *InvalidQueryError) Error() string {
	if e.Path == "" {
		return e.Reason
	}
	return e.Path + ": " + e.Reason
}

// Unwrap exposes the kind, so errors.Is(err, search.ErrUnsupported) works.
func (e *InvalidQueryError) Unwrap() error { return e.Kind }

// Kinds of InvalidQueryError.
var (
	// ErrMalformed: not JSON, or not the shape the query needs.
	ErrMalformed = errors.New("malformed search request")
	// ErrUnsupported: a query type, parameter or top-level key outside the allow-list.
	ErrUnsupported = errors.New("unsupported search feature")
	// ErrScript: a script anywhere in the request; never allowed.
	ErrScript = errors.New("scripts are not allowed")
	// ErrLimit: beyond one of the documented limits.
	ErrLimit = errors.New("search limit exceeded")
	// ErrRejected: Elasticsearch refused the request (it answered 400).
	ErrRejected = errors.New("search rejected by the search engine")
)

func malformed(path, reason string) error {
	return &InvalidQueryError{Path: path, Reason: reason, Kind: ErrMalformed}
}

func unsupported(path, reason string) error {
	return &InvalidQueryError{Path: path, Reason: reason, Kind: ErrUnsupported}
}

func limit(path, reason string) error {
	return &InvalidQueryError{Path: path, Reason: reason, Kind: ErrLimit}
}
