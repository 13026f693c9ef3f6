package esengine

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// bulkItem is one parsed action of a _bulk body.
type bulkItem struct {
	action       string // index, create, delete, update
	index        string
	op           writeOp
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
func parseBulk(body []byte, defaultIndex string, q paramReader) ([]bulkItem, *esError) {
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
			var err *esError
			if action, pairs, err = parseActionSlow(line, lineNo); err != nil {
				return nil, err
			}
		}
		item.action = action
		item.index = defaultIndex
		item.op = writeOp{version: noVersion, create: item.action == "create"}
		if hasDefaultRouting {
			item.op.routing = interned.routing(defaultRouting)
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
				return nil, errIllegalArgument("The bulk request must be terminated by a newline [\\n]")
			}
			item.source = bytes.TrimSpace(lines[i])
		}
		if item.index == "" {
			problems = append(problems, "index is missing")
		}
		if item.op.id == "" && (item.action == "delete" || item.action == "update") {
			problems = append(problems, "id is missing")
		}
		if item.action != "update" {
			if verr := item.op.validate(item.action == "delete"); verr != nil {
				return nil, verr
			}
		}
		items = append(items, item)
	}
	if len(items) == 0 {
		problems = append(problems, "no requests added")
	}
	if len(problems) > 0 {
		return nil, errValidation(problems...)
	}
	return items, nil
}

// parseActionSlow decodes an action line with encoding/json, for the lines the fast
// lane does not take, and reports malformed ones as Elasticsearch does.
func parseActionSlow(line []byte, lineNo int) (string, []metaValue, *esError) {
	raw, err := decodeJSON(line)
	obj, isObj := raw.(map[string]any)
	if err != nil || !isObj {
		return "", nil, errIllegalArgument("Malformed action/metadata line [%d], expected START_OBJECT or END_OBJECT but found [%s]", lineNo, tokenKind(raw))
	}
	if len(obj) != 1 {
		return "", nil, errIllegalArgument("Malformed action/metadata line [%d], expected one action but found [%d]", lineNo, len(obj))
	}
	for action, m := range obj {
		if !bulkActions[action] {
			return "", nil, errIllegalArgument("Malformed action/metadata line [%d], expected one of [create, delete, index, update] but found [%s]", lineNo, action)
		}
		meta, isMap := m.(map[string]any)
		if !isMap {
			return "", nil, errIllegalArgument("Malformed action/metadata line [%d], expected a simple value for field [%s] but found [%s]", lineNo, action, tokenKind(m))
		}
		pairs := make([]metaValue, 0, len(meta))
		for _, k := range sortedKeys(meta) {
			text, isScalar := scalarText(meta[k])
			pairs = append(pairs, metaValue{key: k, raw: []byte(text), scalar: isScalar, kind: tokenKind(meta[k])})
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

func (item *bulkItem) applyMetadata(lineNo int, meta []metaValue, interned *bulkInterner) *esError {
	for _, mv := range meta {
		k := mv.key
		if !bulkMetadata[k] {
			return errIllegalArgument("Action/metadata line [%d] contains an unknown parameter [%s]", lineNo, k)
		}
		if !mv.scalar && k != "_source" && k != "dynamic_templates" {
			return errIllegalArgument("Malformed action/metadata line [%d], expected a simple value for field [%s] but found [%s]", lineNo, k, mv.kind)
		}
		var perr error
		switch k {
		case "_index":
			item.index = interned.indexName(mv.raw)
		case "_id":
			item.op.id = string(mv.raw)
		case "routing":
			item.op.routing = interned.routingBytes(mv.raw)
		case "version":
			item.op.version, perr = strconv.ParseInt(string(mv.raw), 10, 64)
		case "version_type":
			vt, err := parseVersionType(string(mv.raw))
			if err != nil {
				return err
			}
			item.op.versionType = vt
		case "if_seq_no":
			item.op.ifSeqNo, perr = strconv.ParseInt(string(mv.raw), 10, 64)
			item.op.hasIfSeqNo = true
		case "if_primary_term":
			item.op.ifPrimaryTerm, perr = strconv.ParseInt(string(mv.raw), 10, 64)
		case "require_alias":
			item.requireAlias = string(mv.raw) == "true"
		case "op_type":
			item.op.create = string(mv.raw) == "create"
		case "pipeline":
			if string(mv.raw) != "_none" {
				return errIllegalArgument("ingest pipelines are not supported by the embedded search engine (pipeline [%s])", mv.raw)
			}
		case "_type":
			if string(mv.raw) != "_doc" {
				return errIllegalArgument("Action/metadata line [%d] contains an unknown parameter [_type]", lineNo)
			}
		}
		if perr != nil {
			return errIllegalArgument("Malformed action/metadata line [%d], failed to parse [%s] with value [%s]", lineNo, k, mv.raw)
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
		return reply{}, errBodyRequired()
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
			body := orderedObject{{"_index", bulkIndexName(res, item)}, {"_id", item.op.id}, {"status", ierr.status}, {"error", ierr.bulkItemBody()}}
			var jerr error
			if buf, jerr = appendJSON(buf, orderedObject{{item.action, body}}); jerr != nil {
				return reply{}, jerr
			}
			continue
		}
		res.forced = forced
		buf = appendBulkItem(buf, item.action, res)
	}
	if cap(buf) <= maxPooledItemBuf {
		*itemsp = buf
	}
	return ok(bulkAnswer(time.Since(start).Milliseconds(), failed, buf)), nil
}

func bulkIndexName(res writeResult, item bulkItem) string {
	if res.index != nil {
		return res.index.name
	}
	return item.index
}

// runBulkItem executes one item; its error is reported in the item, never for the whole
// request.
func (e *Engine) runBulkItem(item bulkItem) (res writeResult, err *esError) {
	defer func() {
		if p := recover(); p != nil {
			err = newError(http.StatusInternalServerError, "exception", "%s", fmt.Sprint(p))
		}
	}()
	ix, ierr := e.resolveWriteIndex(item.index, item.requireAlias, item.action == "delete")
	if ierr != nil {
		return writeResult{}, ierr
	}
	switch item.action {
	case "delete":
		res, err = ix.deleteDoc(item.op)
	case "update":
		req, perr := parseUpdateBody(item.source)
		if perr != nil {
			return writeResult{index: ix}, perr
		}
		res, err = ix.updateDoc(item.op, req)
	default:
		if item.op.id == "" {
			item.op.id = newDocID()
			item.op.create = true
		}
		res, err = ix.indexDoc(item.op, item.source)
	}
	if err != nil {
		return writeResult{index: ix}, err
	}
	return res, nil
}
