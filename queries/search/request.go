// Package search is the core of the query API: it validates a search body against the
// allow-list of docs/contract.md 3 and runs it against the alias `plans`, returning
// Elasticsearch's own answer. The HTTP layer maps its errors: *InvalidQueryError is a
// 400 whose message is safe to show; anything else is a server error whose details stay
// in the logs.
package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Request is a validated search. Its fields are private so that no request reaches
// Elasticsearch without going through ParseRequest; the zero Request is the default
// search (match_all, first DefaultSize hits).
type Request struct {
	body       []byte
	from, size int
	timeout    time.Duration // 0: the searcher's default
}

// Timeout is the timeout the request asked for, 0 when it named none. It is not part of
// Body: the searcher passes it (or its default) as the timeout parameter.
func (r Request) Timeout() time.Duration { return r.timeout }

// From is the offset of the first hit.
func (r Request) From() int { return r.from }

// Size is the number of hits asked for.
func (r Request) Size() int {
	if r.body == nil {
		return DefaultSize
	}
	return r.size
}

// Body is the request Elasticsearch will run, re-encoded from what was validated.
func (r Request) Body() []byte {
	if r.body == nil {
		return []byte(`{"from":0,"size":` + strconv.Itoa(DefaultSize) + `}`)
	}
	return bytes.Clone(r.body)
}

// topLevel lists the keys of the search body in the order Body writes them.
var topLevel = []string{"query", "from", "size", "sort", "_source", "track_total_hits"}

// allowedKeys are the top-level keys a body may hold: those Body writes, and timeout,
// which travels as a parameter.
var allowedKeys = append(append([]string(nil), topLevel...), "timeout")

// ParseRequest validates a search body: {"query", "from", "size", "sort", "_source",
// "track_total_hits", "timeout"}, each optional. An empty body is the default search. Any other
// key, any query, parameter or sort outside the allow-list, any script and any request
// beyond the limits in limits.go or the cost budget in budget.go is an *InvalidQueryError naming the offending part.
func ParseRequest(body []byte) (Request, error) {
	req := Request{size: DefaultSize}
	if len(bytes.TrimSpace(body)) == 0 {
		req.body = req.encode(nil)
		return req, nil
	}
	tree, err := decodeTree(body)
	if err != nil {
		return Request{}, err
	}
	root, ok := tree.(object)
	if !ok {
		return Request{}, malformed("", "the search body must be a JSON object")
	}
	if err := refuseScripts(root, ""); err != nil {
		return Request{}, err
	}
	for i := range root {
		if err := req.read(&root[i]); err != nil {
			return Request{}, err
		}
	}
	if req.from+req.size > MaxResultWindow {
		return Request{}, limit("size", fmt.Sprintf("from + size must not exceed %d, got %d", MaxResultWindow, req.from+req.size))
	}
	req.body = req.encode(root)
	return req, nil
}

// read validates one top-level member, writing an integral track_total_hits such as
// 100.0 as 100 so that every engine reads it as the integer it is.
func (r *Request) read(m *member) error {
	var err error
	switch m.key {
	case "query":
		if err = validateQuery(m.value, "query", 1); err == nil {
			err = checkBudget(m.value, "query")
		}
	case "timeout":
		r.timeout, err = parseTimeout(m.value, "timeout")
	case "from":
		r.from, err = nonNegativeInt(m.value, "from")
	case "size":
		r.size, err = nonNegativeInt(m.value, "size")
	case "sort":
		err = validateSort(m.value, "sort")
	case "_source":
		err = validateSource(m.value, "_source")
	case "track_total_hits":
		err = validateTrackTotalHits(m.value, "track_total_hits")
		if n, ok := m.value.(json.Number); ok && err == nil {
			i, _ := integral(n)
			m.value = numberOf(int(i))
		}
	default:
		err = unsupported(m.key, fmt.Sprintf("unsupported top-level key %q; allowed: %s", m.key, strings.Join(allowedKeys, ", ")))
	}
	return err
}

// encode writes the validated body in a fixed key order, with from and size always
// explicit so that what runs never depends on the engine's defaults.
func (r *Request) encode(root object) []byte {
	out := make(object, 0, len(topLevel))
	for _, key := range topLevel {
		switch key {
		case "from":
			out = append(out, member{key: key, value: numberOf(r.from)})
		case "size":
			out = append(out, member{key: key, value: numberOf(r.size)})
		default:
			if v, ok := root.get(key); ok {
				out = append(out, member{key: key, value: v})
			}
		}
	}
	return appendTree(nil, out)
}

// refuseScripts walks the whole body: a script is refused wherever it hides (a query,
// a sort, script_fields, runtime_mappings), with one clear reason.
func refuseScripts(v any, path string) error {
	switch v := v.(type) {
	case object:
		for _, m := range v {
			p := joinPath(path, m.key)
			if isScriptKey(m.key) {
				return &InvalidQueryError{Path: p, Reason: "scripts are not allowed", Kind: ErrScript}
			}
			if err := refuseScripts(m.value, p); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range v {
			if err := refuseScripts(e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func isScriptKey(key string) bool {
	k := strings.TrimPrefix(key, "_")
	return k == "script" || strings.HasPrefix(k, "script_") || k == "scripted_metric"
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
