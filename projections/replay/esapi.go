package replay

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/planstore/planstore/projections/elastic"
)

// maxErrorBody bounds how much of an error answer is read; the reason is near the top.
const maxErrorBody = 64 << 10

// do runs one request this package makes itself (the lock, settings) and returns the
// body of a 2xx answer, or an *elastic.ResponseError, so callers test outcomes with the
// same sentinels as the elastic package's own calls.
func do(op string, res *esapi.Response, err error) ([]byte, error) {
	if err != nil {
		return nil, fmt.Errorf("replay: %s: %w", op, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return nil, responseError(op, res)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("replay: %s: read answer: %w", op, err)
	}
	return body, nil
}

func responseError(op string, res *esapi.Response) error {
	e := &elastic.ResponseError{Op: op, Status: res.StatusCode}
	body, err := io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
	if err != nil {
		e.Reason = "unreadable error body: " + err.Error()
		return e
	}
	var wire struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &wire) != nil || len(wire.Error) == 0 {
		e.Reason = string(body)
		return e
	}
	var structured struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	}
	if json.Unmarshal(wire.Error, &structured) == nil {
		e.Type, e.Reason = structured.Type, structured.Reason
		return e
	}
	_ = json.Unmarshal(wire.Error, &e.Reason)
	return e
}

// hasStatus reports whether err is Elasticsearch answering with status.
func hasStatus(err error, status int) bool {
	var re *elastic.ResponseError
	return errors.As(err, &re) && re.Status == status
}

func isConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

func isNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }
