package esengine

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// esError is a failure answered the way Elasticsearch answers it: a type name taken from
// Elasticsearch's exception classes, a reason, an HTTP status and the extra metadata keys
// Elasticsearch adds (index, index_uuid, shard, resource.type...). Clients switch on the
// type name, so the names must be exactly Elasticsearch's.
type esError struct {
	status   int
	typ      string
	reason   string
	meta     []metaField // ordered, as Elasticsearch prints them
	causedBy *esError

	// searchPhase is set when the failure happened while executing a search on a shard;
	// Elasticsearch then reports search_phase_execution_exception with the shard failures.
	searchPhase *searchPhaseFailure

	// plain marks the few REST-layer errors Elasticsearch answers as {"error":"text"}.
	plain bool
}

type metaField struct {
	key, value string
}

type searchPhaseFailure struct {
	index string
	node  string
}

func (e *esError) Error() string {
	if e.causedBy != nil {
		return fmt.Sprintf("%s: %s: %v", e.typ, e.reason, e.causedBy)
	}
	return e.typ + ": " + e.reason
}

func newError(status int, typ, format string, args ...any) *esError {
	return &esError{status: status, typ: typ, reason: fmt.Sprintf(format, args...)}
}

func (e *esError) with(key, value string) *esError {
	e.meta = append(e.meta, metaField{key, value})
	return e
}

func (e *esError) because(cause *esError) *esError {
	e.causedBy = cause
	return e
}

// Constructors for the errors the engine raises in more than one place.

func errIllegalArgument(format string, args ...any) *esError {
	return newError(http.StatusBadRequest, "illegal_argument_exception", format, args...)
}

func errParsing(format string, args ...any) *esError {
	return newError(http.StatusBadRequest, "parsing_exception", format, args...)
}

func errXContentParse(format string, args ...any) *esError {
	return newError(http.StatusBadRequest, "x_content_parse_exception", format, args...)
}

func errValidation(problems ...string) *esError {
	reason := "Validation Failed: "
	for i, p := range problems {
		reason += fmt.Sprintf("%d: %s;", i+1, p)
	}
	return newError(http.StatusBadRequest, "action_request_validation_exception", "%s", reason)
}

func errIndexNotFound(name string) *esError {
	return indexNotFound(name, "index_or_alias")
}

// errIndexExpressionNotFound is the variant single-document operations report.
func errIndexExpressionNotFound(name string) *esError {
	return indexNotFound(name, "index_expression")
}

func indexNotFound(name, resourceType string) *esError {
	return newError(http.StatusNotFound, "index_not_found_exception", "no such index [%s]", name).
		with("resource.type", resourceType).with("resource.id", name).
		with("index_uuid", "_na_").with("index", name)
}

func errInvalidIndexName(name, why string) *esError {
	return newError(http.StatusBadRequest, "invalid_index_name_exception", "Invalid index name [%s], %s", name, why).
		with("index_uuid", "_na_").with("index", name)
}

// errMapperParsing is how Elasticsearch 7.17 reports a document it cannot index: a
// generic "failed to parse" whose cause says what was wrong.
func errMapperParsing(cause *esError) *esError {
	return newError(http.StatusBadRequest, "mapper_parsing_exception", "failed to parse").because(cause)
}

// errQueryShard is a query that parsed but cannot run against an index's mapping.
func errQueryShard(format string, args ...any) *esError {
	return newError(http.StatusBadRequest, "query_shard_exception", format, args...)
}

func errUnrecognizedParam(path, param string) *esError {
	return errIllegalArgument("request [%s] contains unrecognized parameter: [%s]", path, param)
}

func errBodyRequired() *esError {
	return newError(http.StatusBadRequest, "parse_exception", "request body is required")
}

func errNoHandler(path, method string) *esError {
	return &esError{status: http.StatusBadRequest, plain: true,
		reason: fmt.Sprintf("no handler found for uri [%s] and method [%s]", path, method)}
}

func errMethodNotAllowed(path, method string, allowed string) *esError {
	return &esError{status: http.StatusMethodNotAllowed, plain: true,
		reason: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [%s], allowed: [%s]", path, method, allowed)}
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

func (e *esError) rootCause() *esError {
	// Elasticsearch unwraps an x_content_parse_exception to its cause while that is
	// another one or one of its own exceptions (ElasticsearchException.guessRootCauses),
	// and stops at the first of its own.
	if e.typ == "x_content_parse_exception" {
		if c := e.causedBy; c != nil && !javaExceptions[c.typ] {
			return c.rootCause()
		}
		return e
	}
	root := e
	for c := e.causedBy; c != nil; c = c.causedBy {
		if c.typ == "x_content_parse_exception" {
			break
		}
		if !javaExceptions[c.typ] {
			root = c
		}
	}
	return root
}

// body renders the error object (the value of "error") with its causes.
func (e *esError) body(withCause bool) orderedObject {
	o := orderedObject{{"type", e.typ}, {"reason", e.reason}}
	for _, m := range e.meta {
		o = append(o, orderedField{m.key, m.value})
	}
	if withCause && e.causedBy != nil {
		o = append(o, orderedField{"caused_by", e.causedBy.body(true)})
	}
	return o
}

// MarshalJSON renders the full response body, {"error": {...}, "status": N}.
func (e *esError) MarshalJSON() ([]byte, error) {
	if e.plain {
		if e.status == http.StatusBadRequest {
			return json.Marshal(orderedObject{{"error", e.reason}})
		}
		return json.Marshal(orderedObject{{"error", e.reason}, {"status", e.status}})
	}
	if e.searchPhase != nil {
		return json.Marshal(orderedObject{{"error", e.searchPhaseBody()}, {"status", e.status}})
	}
	root := e.rootCause().body(false)
	o := orderedObject{{"root_cause", []orderedObject{root}}}
	o = append(o, e.body(true)...)
	return json.Marshal(orderedObject{{"error", o}, {"status", e.status}})
}

func (e *esError) searchPhaseBody() orderedObject {
	shardReason := e.body(true)
	o := orderedObject{
		{"root_cause", []orderedObject{e.rootCause().body(false)}},
		{"type", "search_phase_execution_exception"},
		{"reason", "all shards failed"},
		{"phase", "query"},
		{"grouped", true},
		{"failed_shards", []orderedObject{{
			{"shard", 0}, {"index", e.searchPhase.index}, {"node", e.searchPhase.node}, {"reason", shardReason},
		}}},
	}
	// Elasticsearch also repeats a failure that is not one of its own exceptions as the
	// cause of the whole search (it wraps it twice on the way up).
	if javaExceptions[e.typ] {
		inner := e.body(true)
		o = append(o, orderedField{"caused_by", append(e.body(false), orderedField{"caused_by", inner})})
	}
	return o
}

// bulkItemBody is how a failed item appears inside a _bulk response.
func (e *esError) bulkItemBody() orderedObject {
	return e.body(true)
}
