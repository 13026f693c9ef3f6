package elastic

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/planstore/planstore/projections"
)

// ItemError is one bulk action Elasticsearch refused for a reason other than a stale
// version, e.g. a mapping error or a full write queue (status 429).
type ItemError struct {
	Op     projections.Op
	ID     string
	Status int
	Type   string
	Reason string
}

// Retryable tells a transient refusal (a full queue, an unavailable shard) from one
// that will fail again the same way (a document the mapping refuses).
func (e *ItemError) Retryable() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

func (e *ItemError) Error() string {
	return fmt.Sprintf("elastic: %s %s: status %d: %s: %s", e.Op, e.ID, e.Status, e.Type, e.Reason)
}

// bulkAnswer is the part of a _bulk answer the writer reads. Items come in request order.
type bulkAnswer struct {
	Errors bool                  `json:"errors"`
	Items  []map[string]bulkItem `json:"items"`
}

type bulkItem struct {
	ID     string         `json:"_id"`
	Status int            `json:"status"`
	Error  *bulkItemError `json:"error"`
}

type bulkItemError struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

// outcomes returns one entry per action sent, nil for success. The answer must list
// exactly as many items as were sent, or nothing can be matched back to its caller.
func outcomes(body []byte, sent int) ([]error, error) {
	if allSucceeded(body, sent) {
		return make([]error, sent), nil
	}
	return decodeOutcomes(body, sent)
}

// decodeOutcomes is outcomes for any answer, decoded with encoding/json.
func decodeOutcomes(body []byte, sent int) ([]error, error) {
	var answer bulkAnswer
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, fmt.Errorf("elastic: decode bulk answer: %w", err)
	}
	if len(answer.Items) != sent {
		return nil, fmt.Errorf("elastic: bulk answer has %d items for %d actions", len(answer.Items), sent)
	}
	out := make([]error, sent)
	if !answer.Errors {
		return out, nil
	}
	for i, entry := range answer.Items {
		for op, item := range entry {
			out[i] = itemOutcome(projections.Op(op), item)
		}
	}
	return out, nil
}

// itemOutcome decides whether one item succeeded, as far as the read model is
// concerned. Two refusals are successes:
//   - a version conflict under external versioning: the stored document is already at
//     this event's version or a newer one, so the event is a redelivery or arrived late,
//     and skipping it is exactly what keeps the read model from regressing;
//   - a delete of a document that is not there: the goal state is already reached
//     (Elasticsearch still records the delete's version, so an older index of that
//     document stays refused).
func itemOutcome(op projections.Op, item bulkItem) error {
	switch {
	case item.Status >= 200 && item.Status < 300:
		return nil
	case item.Status == http.StatusConflict && item.Error != nil && item.Error.Type == "version_conflict_engine_exception":
		return nil
	case op == projections.OpDelete && item.Status == http.StatusNotFound && item.Error == nil:
		// "result": "not_found"; a 404 with an error is a missing index or alias.
		return nil
	}
	e := &ItemError{Op: op, ID: item.ID, Status: item.Status}
	if item.Error != nil {
		e.Type, e.Reason = item.Error.Type, item.Error.Reason
	}
	return e
}
