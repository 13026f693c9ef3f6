package wire

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// EsError is a failure answered the way Elasticsearch answers it: a type name taken from
// Elasticsearch's exception classes, a reason, an HTTP status and the extra metadata keys
// Elasticsearch adds (index, index_uuid, shard, resource.type...). Clients switch on the
// type name, so the names must be exactly Elasticsearch's.
type EsError struct {
	Status   int
	Typ      string
	Reason   string
	Meta     []MetaField // ordered, as Elasticsearch prints them
	CausedBy *EsError

	// searchPhase is set when the failure happened while executing a search on a shard;
	// Elasticsearch then reports search_phase_execution_exception with the shard failures.
	SearchPhase *SearchPhaseFailure

	// plain marks the few REST-layer errors Elasticsearch answers as {"error":"text"}.
	Plain bool
}

type MetaField struct {
	Key, Value string
}

type SearchPhaseFailure struct {
	Index string
	Node  string
}

func (e *EsError) Error() string {
	if e.CausedBy != nil {
		return fmt.Sprintf("%s: %s: %v", e.Typ, e.Reason, e.CausedBy)
	}
	return e.Typ + ": " + e.Reason
}

func NewError(status int, typ, format string, args ...any) *EsError {
	return &EsError{Status: status, Typ: typ, Reason: fmt.Sprintf(format, args...)}
}

func (e *EsError) With(key, value string) *EsError {
	e.Meta = append(e.Meta, MetaField{key, value})
	return e
}

func (e *EsError) Because(cause *EsError) *EsError {
	e.CausedBy = cause
	return e
}

// Constructors for the errors the engine raises in more than one place.

func ErrIllegalArgument(format string, args ...any) *EsError {
	return NewError(http.StatusBadRequest, "illegal_argument_exception", format, args...)
}

func ErrParsing(format string, args ...any) *EsError {
	return NewError(http.StatusBadRequest, "parsing_exception", format, args...)
}

func ErrXContentParse(format string, args ...any) *EsError {
	return NewError(http.StatusBadRequest, "x_content_parse_exception", format, args...)
}

func ErrValidation(problems ...string) *EsError {
	reason := "Validation Failed: "
	for i, p := range problems {
		reason += fmt.Sprintf("%d: %s;", i+1, p)
	}
	return NewError(http.StatusBadRequest, "action_request_validation_exception", "%s", reason)
}

func ErrIndexNotFound(name string) *EsError {
	return indexNotFound(name, "index_or_alias")
}

// ErrIndexExpressionNotFound is the variant single-document operations report.
func ErrIndexExpressionNotFound(name string) *EsError {
	return indexNotFound(name, "index_expression")
}

func indexNotFound(name, resourceType string) *EsError {
	return NewError(http.StatusNotFound, "index_not_found_exception", "no such index [%s]", name).
		With("resource.type", resourceType).With("resource.id", name).
		With("index_uuid", "_na_").With("index", name)
}

func ErrInvalidIndexName(name, why string) *EsError {
	return NewError(http.StatusBadRequest, "invalid_index_name_exception", "Invalid index name [%s], %s", name, why).
		With("index_uuid", "_na_").With("index", name)
}

// ErrMapperParsing is how Elasticsearch 7.17 reports a document it cannot index: a
// generic "failed to parse" whose cause says what was wrong.
func ErrMapperParsing(cause *EsError) *EsError {
	return NewError(http.StatusBadRequest, "mapper_parsing_exception", "failed to parse").Because(cause)
}

// ErrQueryShard is a query that parsed but cannot run against an index's mapping.
func ErrQueryShard(format string, args ...any) *EsError {
	return NewError(http.StatusBadRequest, "query_shard_exception", format, args...)
}

func ErrUnrecognizedParam(path, param string) *EsError {
	return ErrIllegalArgument("request [%s] contains unrecognized parameter: [%s]", path, param)
}

func ErrBodyRequired() *EsError {
	return NewError(http.StatusBadRequest, "parse_exception", "request body is required")
}

func ErrNoHandler(path, method string) *EsError {
	return &EsError{Status: http.StatusBadRequest, Plain: true,
		Reason: fmt.Sprintf("no handler found for uri [%s] and method [%s]", path, method)}
}

func ErrMethodNotAllowed(path, method string, allowed string) *EsError {
	return &EsError{Status: http.StatusMethodNotAllowed, Plain: true,
		Reason: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [%s], allowed: [%s]", path, method, allowed)}
}

// javaExceptions are the cause types that are not Elasticsearch exceptions; Elasticsearch
// never reports them as a root cause but the Elasticsearch exception that wraps them.
var javaExceptions = map[string]bool{
	"illegal_argument_exception":       true,
	"illegal_state_exception":          true,
	"number_format_exception":          true,
	"json_parse_exception":             true,
	"json_e_o_f_exception":             true,
	"not_x_content_exception":          true,
	"named_object_not_found_exception": true,
	"null_pointer_exception":           true,
}

func (e *EsError) rootCause() *EsError {
	// Elasticsearch unwraps an x_content_parse_exception to its cause while that is
	// another one or one of its own exceptions (ElasticsearchException.guessRootCauses),
	// and stops at the first of its own.
	if e.Typ == "x_content_parse_exception" {
		if c := e.CausedBy; c != nil && !javaExceptions[c.Typ] {
			return c.rootCause()
		}
		return e
	}
	root := e
	for c := e.CausedBy; c != nil; c = c.CausedBy {
		if c.Typ == "x_content_parse_exception" {
			break
		}
		if !javaExceptions[c.Typ] {
			root = c
		}
	}
	return root
}

// body renders the error object (the value of "error") with its causes.
func (e *EsError) body(withCause bool) OrderedObject {
	o := OrderedObject{{"type", e.Typ}, {"reason", e.Reason}}
	for _, m := range e.Meta {
		o = append(o, OrderedField{m.Key, m.Value})
	}
	if withCause && e.CausedBy != nil {
		o = append(o, OrderedField{"caused_by", e.CausedBy.body(true)})
	}
	return o
}

// MarshalJSON renders the full response body, {"error": {...}, "status": N}.
func (e *EsError) MarshalJSON() ([]byte, error) {
	if e.Plain {
		if e.Status == http.StatusBadRequest {
			return json.Marshal(OrderedObject{{"error", e.Reason}})
		}
		return json.Marshal(OrderedObject{{"error", e.Reason}, {"status", e.Status}})
	}
	if e.SearchPhase != nil {
		return json.Marshal(OrderedObject{{"error", e.searchPhaseBody()}, {"status", e.Status}})
	}
	root := e.rootCause().body(false)
	o := OrderedObject{{"root_cause", []OrderedObject{root}}}
	o = append(o, e.body(true)...)
	return json.Marshal(OrderedObject{{"error", o}, {"status", e.Status}})
}

func (e *EsError) searchPhaseBody() OrderedObject {
	shardReason := e.body(true)
	o := OrderedObject{
		{"root_cause", []OrderedObject{e.rootCause().body(false)}},
		{"type", "search_phase_execution_exception"},
		{"reason", "all shards failed"},
		{"phase", "query"},
		{"grouped", true},
		{"failed_shards", []OrderedObject{{
			{"shard", 0}, {"index", e.SearchPhase.Index}, {"node", e.SearchPhase.Node}, {"reason", shardReason},
		}}},
	}
	// Elasticsearch also repeats a failure that is not one of its own exceptions as the
	// cause of the whole search (it wraps it twice on the way up).
	if javaExceptions[e.Typ] {
		inner := e.body(true)
		o = append(o, OrderedField{"caused_by", append(e.body(false), OrderedField{"caused_by", inner})})
	}
	return o
}

// BulkItemBody is how a failed item appears inside a _bulk response.
func (e *EsError) BulkItemBody() OrderedObject {
	return e.body(true)
}
