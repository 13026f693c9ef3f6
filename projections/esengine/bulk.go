package esengine

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// bulkItem is one parsed action of a _bulk body.
type bulkItem struct {
	action       string // index, create, delete, update
	index        string
	op           index.WriteOp
	requireAlias bool
	source       []byte
}

var bulkActions = map[string]bool{"index": true, "create": true, "delete": true, "update": true}

// bulkMetadataKeys are the keys an action line may carry.
var bulkMetadataKeys = [...]string{
	"_index", "_id", "routing", "version", "version_type", "if_seq_no", "if_primary_term", "require_alias",
	"op_type", "retry_on_conflict", "_source", "dynamic_templates", "pipeline", "_type",
}

// bulkMetadata is bulkMetadataKeys as a set; the fast lane scans the array instead, to
// turn the bytes of a key into the constant string without allocating.
var bulkMetadata = func() map[string]bool {
	m := make(map[string]bool, len(bulkMetadataKeys))
	for _, k := range bulkMetadataKeys {
		m[k] = true
	}
	return m
}()

// parseBulk reads the NDJSON body: an action line, then a source line for everything
// but delete. Malformed lines fail the whole request, like Elasticsearch; item problems
// found later are reported per item.
func parseBulk(body []byte, defaultIndex string, q paramReader) ([]bulkItem, *wire.EsError) {
	lines := bytes.Split(body, []byte("\n"))
	items := make([]bulkItem, 0, len(lines)/2)
	var problems []string
	var interned bulkInterner
	interned.index = defaultIndex
	defaultRouting, hasDefaultRouting := q.lookup("routing")
	var pairsBuf [len(bulkMetadataKeys)]metaValue
	for i := 0; i < len(lines); i++ {
		line := bytes.TrimSpace(lines[i])
		if len(line) == 0 {
			continue
		}
		lineNo := i + 1
		var item bulkItem
		action, pairs, ok := parseActionFast(line, pairsBuf[:0])
		if !ok {
			var err *wire.EsError
			if action, pairs, err = parseActionSlow(line, lineNo); err != nil {
				return nil, err
			}
		}
		item.action = action
		item.index = defaultIndex
		item.op = index.WriteOp{Version: index.NoVersion, Create: item.action == "create"}
		if hasDefaultRouting {
			item.op.Routing = interned.routing(defaultRouting)
		}
		if err := item.applyMetadata(lineNo, pairs, &interned); err != nil {
			return nil, err
		}
		if item.action != "delete" {
			i++
			for i < len(lines) && len(bytes.TrimSpace(lines[i])) == 0 && i < len(lines)-1 {
				i++
			}
			if i >= len(lines) || len(bytes.TrimSpace(lines[i])) == 0 {
				return nil, wire.ErrIllegalArgument("The bulk request must be terminated by a newline [\\n]")
			}
			item.source = bytes.TrimSpace(lines[i])
		}
		if item.index == "" {
			problems = append(problems, "index is missing")
		}
		if item.op.Id == "" && (item.action == "delete" || item.action == "update") {
			problems = append(problems, "id is missing")
		}
		if item.action != "update" {
			if verr := item.op.Validate(item.action == "delete"); verr != nil {
				return nil, verr
			}
		}
		items = append(items, item)
	}
	if len(items) == 0 {
		problems = append(problems, "no requests added")
	}
	if len(problems) > 0 {
		return nil, wire.ErrValidation(problems...)
	}
	return items, nil
}

// parseActionSlow decodes an action line with encoding/json, for the lines the fast
// lane does not take, and reports malformed ones as Elasticsearch does.
func parseActionSlow(line []byte, lineNo int) (string, []metaValue, *wire.EsError) {
	raw, err := wire.DecodeJSON(line)
	obj, isObj := raw.(map[string]any)
	if err != nil || !isObj {
		return "", nil, wire.ErrIllegalArgument("Malformed action/metadata line [%d], expected START_OBJECT or END_OBJECT but found [%s]", lineNo, wire.TokenKind(raw))
	}
	if len(obj) != 1 {
		return "", nil, wire.ErrIllegalArgument("Malformed action/metadata line [%d], expected one action but found [%d]", lineNo, len(obj))
	}
	for action, m := range obj {
		if !bulkActions[action] {
			return "", nil, wire.ErrIllegalArgument("Malformed action/metadata line [%d], expected one of [create, delete, index, update] but found [%s]", lineNo, action)
		}
		meta, isMap := m.(map[string]any)
		if !isMap {
			return "", nil, wire.ErrIllegalArgument("Malformed action/metadata line [%d], expected a simple value for field [%s] but found [%s]", lineNo, action, wire.TokenKind(m))
		}
		pairs := make([]metaValue, 0, len(meta))
		for _, k := range mapping.SortedKeys(meta) {
			text, isScalar := wire.ScalarText(meta[k])
			pairs = append(pairs, metaValue{key: k, raw: []byte(text), scalar: isScalar, kind: wire.TokenKind(meta[k])})
		}
		return action, pairs, nil
	}
	return "", nil, nil // unreachable: obj has exactly one key
}

// metaValue is one key of an action line's metadata, in key order: the text of a
// scalar (a string's value, a number as written, true/false), or the kind of anything
// else for the error.
type metaValue struct {
	key    string
	raw    []byte
	scalar bool
	kind   string
}

// bulkInterner shares the strings many items of one request repeat (the documents of a
// plan all carry the plan's routing), so each stored document does not hold a copy.
type bulkInterner struct {
	index string
	last  *string
}

func (in *bulkInterner) routing(text string) *string {
	if in.last == nil || *in.last != text {
		in.last = &text
	}
	return in.last
}

func (in *bulkInterner) routingBytes(raw []byte) *string {
	if in.last != nil && *in.last == string(raw) {
		return in.last
	}
	return in.routing(string(raw))
}

func (in *bulkInterner) indexName(raw []byte) string {
	if in.index == string(raw) {
		return in.index
	}
	return string(raw)
}

func (item *bulkItem) applyMetadata(lineNo int, meta []metaValue, interned *bulkInterner) *wire.EsError {
	for _, mv := range meta {
		k := mv.key
		if !bulkMetadata[k] {
			return wire.ErrIllegalArgument("Action/metadata line [%d] contains an unknown parameter [%s]", lineNo, k)
		}
		if !mv.scalar && k != "_source" && k != "dynamic_templates" {
			return wire.ErrIllegalArgument("Malformed action/metadata line [%d], expected a simple value for field [%s] but found [%s]", lineNo, k, mv.kind)
		}
		var perr error
		switch k {
		case "_index":
			item.index = interned.indexName(mv.raw)
		case "_id":
			item.op.Id = string(mv.raw)
		case "routing":
			item.op.Routing = interned.routingBytes(mv.raw)
		case "version":
			item.op.Version, perr = strconv.ParseInt(string(mv.raw), 10, 64)
		case "version_type":
			vt, err := index.ParseVersionType(string(mv.raw))
			if err != nil {
				return err
			}
			item.op.VersionType = vt
		case "if_seq_no":
			item.op.IfSeqNo, perr = strconv.ParseInt(string(mv.raw), 10, 64)
			item.op.HasIfSeqNo = true
		case "if_primary_term":
			item.op.IfPrimaryTerm, perr = strconv.ParseInt(string(mv.raw), 10, 64)
		case "require_alias":
			item.requireAlias = string(mv.raw) == "true"
		case "op_type":
			item.op.Create = string(mv.raw) == "create"
		case "pipeline":
			if string(mv.raw) != "_none" {
				return wire.ErrIllegalArgument("ingest pipelines are not supported by the embedded search engine (pipeline [%s])", mv.raw)
			}
		case "_type":
			if string(mv.raw) != "_doc" {
				return wire.ErrIllegalArgument("Action/metadata line [%d] contains an unknown parameter [_type]", lineNo)
			}
		}
		if perr != nil {
			return wire.ErrIllegalArgument("Malformed action/metadata line [%d], failed to parse [%s] with value [%s]", lineNo, k, mv.raw)
		}
	}
	return nil
}

func handleBulk(e *Engine, r *request) (reply, error) {
	start := time.Now()
	forced, rerr := checkRefresh(r.params)
	if rerr != nil {
		return reply{}, rerr
	}
	if len(bytes.TrimSpace(r.body)) == 0 {
		return reply{}, wire.ErrBodyRequired()
	}
	items, err := parseBulk(r.body, r.vars["index"], r.params)
	if err != nil {
		return reply{}, err
	}
	itemsp := itemBufPool.Get().(*[]byte)
	defer itemBufPool.Put(itemsp)
	buf := (*itemsp)[:0]
	failed := false
	for i, item := range items {
		if i > 0 {
			buf = append(buf, ',')
		}
		res, ierr := e.runBulkItem(item)
		if ierr != nil {
			failed = true
			body := wire.OrderedObject{{Key: "_index", Value: bulkIndexName(res, item)}, {Key: "_id", Value: item.op.Id}, {Key: "status", Value: ierr.Status}, {Key: "error", Value: ierr.BulkItemBody()}}
			var jerr error
			if buf, jerr = wire.AppendJSON(buf, wire.OrderedObject{{Key: item.action, Value: body}}); jerr != nil {
				return reply{}, jerr
			}
			continue
		}
		res.Forced = forced
		buf = appendBulkItem(buf, item.action, res)
	}
	if cap(buf) <= maxPooledItemBuf {
		*itemsp = buf
	}
	return ok(bulkAnswer(time.Since(start).Milliseconds(), failed, buf)), nil
}

func bulkIndexName(res index.WriteResult, item bulkItem) string {
	if res.Index != nil {
		return res.Index.Name
	}
	return item.index
}

// runBulkItem executes one item; its error is reported in the item, never for the whole
// request.
func (e *Engine) runBulkItem(item bulkItem) (res index.WriteResult, err *wire.EsError) {
	defer func() {
		if p := recover(); p != nil {
			err = wire.NewError(http.StatusInternalServerError, "exception", "%s", fmt.Sprint(p))
		}
	}()
	ix, ierr := e.resolveWriteIndex(item.index, item.requireAlias, item.action == "delete")
	if ierr != nil {
		return index.WriteResult{}, ierr
	}
	switch item.action {
	case "delete":
		res, err = ix.DeleteDoc(item.op)
	case "update":
		req, perr := index.ParseUpdateBody(item.source)
		if perr != nil {
			return index.WriteResult{Index: ix}, perr
		}
		res, err = ix.UpdateDoc(item.op, req)
	default:
		if item.op.Id == "" {
			item.op.Id = newDocID()
			item.op.Create = true
		}
		res, err = ix.IndexDoc(item.op, item.source)
	}
	if err != nil {
		return index.WriteResult{Index: ix}, err
	}
	return res, nil
}
