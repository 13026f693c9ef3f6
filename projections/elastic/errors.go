package elastic

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// Sentinels a *ResponseError matches with errors.Is, so callers test outcomes without
// knowing Elasticsearch's exception names.
var (
	ErrIndexExists   = errors.New("elastic: index already exists")
	ErrIndexNotFound = errors.New("elastic: index not found")
	ErrAliasNotFound = errors.New("elastic: alias not found")
	// errAliasNameTaken: an alias cannot be made because an index has its name.
	errAliasNameTaken = errors.New("elastic: an index has the alias's name")
)

// ResponseError is a request Elasticsearch answered with an error status.
type ResponseError struct {
	Op     string // what we asked for, e.g. "create index plans-000001"
	Status int
	Type   string // Elasticsearch's error type, e.g. "resource_already_exists_exception"
	Reason string
}

func (e *ResponseError) Error() string {
	if e.Type == "" {
		return fmt.Sprintf("elastic: %s: status %d: %s", e.Op, e.Status, e.Reason)
	}
	return fmt.Sprintf("elastic: %s: status %d: %s: %s", e.Op, e.Status, e.Type, e.Reason)
}

// Is maps Elasticsearch's exception types onto this package's sentinels.
func (e *ResponseError) Is(target error) bool {
	switch target {
	case ErrIndexExists:
		return e.Type == "resource_already_exists_exception"
	case ErrIndexNotFound:
		return e.Type == "index_not_found_exception"
	case ErrAliasNotFound:
		return e.Type == "aliases_not_found_exception" || (e.Status == http.StatusNotFound && e.Type == "")
	case errAliasNameTaken:
		return e.Type == "invalid_alias_name_exception"
	}
	return false
}

// maxErrorBody bounds how much of an error answer is read: the reason is near the top
// and an error body is never worth buffering whole.
const maxErrorBody = 64 << 10

// Do runs one esapi request made outside this package (replay's lock and settings
// calls), with the same answer handling and error types as the calls made here.
func Do(op string, res *esapi.Response, err error) ([]byte, error) { return do(op, res, err) }

// do runs one request, closes the answer and returns its body when the status is 2xx,
// or a *ResponseError (or the transport's error) otherwise.
func do(op string, res *esapi.Response, err error) ([]byte, error) {
	if err != nil {
		return nil, fmt.Errorf("elastic: %s: %w", op, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return nil, responseError(op, res)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("elastic: %s: read answer: %w", op, err)
	}
	return body, nil
}

// responseError reads Elasticsearch's error body, which is either
// {"error": {"type", "reason"}, "status"} or, for some 404s, {"error": "text"}.
func responseError(op string, res *esapi.Response) error {
	e := &ResponseError{Op: op, Status: res.StatusCode}
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
