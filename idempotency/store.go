// Package idempotency keeps the first answer to a request sent with an Idempotency-Key
// header (IETF httpapi draft "The Idempotency-Key HTTP Header Field"), so that a retry
// with the same key and the same request gets that answer again instead of a second
// effect (a 409 for a create that had in fact succeeded, say).
package idempotency

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// TTL is how long a key is remembered after its first answer; a retry after that is a
// new request. In-progress records expire sooner (InProgressTTL), so a process that died
// mid-request does not block its key for a day.
const (
	TTL           = 24 * time.Hour
	InProgressTTL = time.Minute
)

// Errors of Begin.
var (
	// ErrInProgress: a request with the key is still being answered (409 in the draft).
	ErrInProgress = errors.New("a request with this Idempotency-Key is in progress")
	// ErrMismatch: the key was used for a different request (422 in the draft).
	ErrMismatch = errors.New("the Idempotency-Key was used for a different request")
)

// Response is a stored answer.
type Response struct {
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// Record is what a key holds: the request's fingerprint and, once answered, the answer.
type Record struct {
	Fingerprint string    `json:"fingerprint"`
	Response    *Response `json:"response,omitempty"`
}

// Store keeps keys where the event store lives, so every API process of a deployment
// sees them.
type Store interface {
	// Begin claims key for a request with fingerprint fp: nil when the key is new (it is
	// now in progress), the stored answer when the same request was answered,
	// ErrInProgress or ErrMismatch otherwise.
	Begin(ctx context.Context, key, fp string) (*Response, error)
	// Complete stores the answer for TTL.
	Complete(ctx context.Context, key, fp string, r Response) error
	// Abandon forgets an in-progress key (the request failed on the server's side, so a
	// retry must run again).
	Abandon(ctx context.Context, key string) error
}
