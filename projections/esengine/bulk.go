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

// bulkMetadata are the keys an action line may carry.
var bulkMetadata = map[string]bool{
	"_index": true, "_id": true, "routing": true, "version": true, "version_type": true, "if_seq_no": true,
	"if_primary_term": true, "require_alias": true, "op_type": true, "retry_on_conflict": true,
	"_source": true, "dynamic_templates": true, "pipeline": true, "_type": true,
}

// parseBulk reads the NDJSON body: an action line, then a source line for everything
// but delete. Malformed lines fail the whole request, like Elasticsearch; item problems
// found later are reported per item.
func parseBulk(body []byte, defaultIndex string, q paramReader) ([]bulkItem, *esError) {
	lines := bytes.Split(body, []byte("\n"))
	var items []bulkItem
	var problems []string
	defaultRouting, hasDefaultRouting := q.lookup("routing")
	for i := 0; i < len(lines); i++ {
		line := bytes.TrimSpace(lines[i])
		if len(line) == 0 {
			continue
		}
		lineNo := i + 1
		raw, err := decodeJSON(line)
		obj, isObj := raw.(map[string]any)
		if err != nil || !isObj {
			return nil, errIllegalArgument("Malformed action/metadata line [%d], expected START_OBJECT or END_OBJECT but found [%s]", lineNo, tokenKind(raw))
		}
		if len(obj) != 1 {
			return nil, errIllegalArgument("Malformed action/metadata line [%d], expected one action but found [%d]", lineNo, len(obj))
		}
		var item bulkItem
		var meta map[string]any
		for action, m := range obj {
			if !bulkActions[action] {
				return nil, errIllegalArgument("Malformed action/metadata line [%d], expected one of [create, delete, index, update] but found [%s]", lineNo, action)
			}
			mm, isMap := m.(map[string]any)
			if !isMap {
				return nil, errIllegalArgument("Malformed action/metadata line [%d], expected a simple value for field [%s] but found [%s]", lineNo, action, tokenKind(m))
			}
			item.action, meta = action, mm
		}
		item.index = defaultIndex
		item.op = writeOp{version: noVersion, create: item.action == "create"}
		if hasDefaultRouting {
			r := defaultRouting
			item.op.routing = &r
		}
		if err := item.applyMetadata(lineNo, meta); err != nil {
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

func (item *bulkItem) applyMetadata(lineNo int, meta map[string]any) *esError {
	for _, k := range sortedKeys(meta) {
		v := meta[k]
		if !bulkMetadata[k] {
			return errIllegalArgument("Action/metadata line [%d] contains an unknown parameter [%s]", lineNo, k)
		}
		text, isScalar := scalarText(v)
		if !isScalar && k != "_source" && k != "dynamic_templates" {
			return errIllegalArgument("Malformed action/metadata line [%d], expected a simple value for field [%s] but found [%s]", lineNo, k, tokenKind(v))
		}
		var perr error
		switch k {
		case "_index":
			item.index = text
		case "_id":
			item.op.id = text
		case "routing":
			r := text
			item.op.routing = &r
		case "version":
			item.op.version, perr = strconv.ParseInt(text, 10, 64)
		case "version_type":
			vt, err := parseVersionType(text)
			if err != nil {
				return err
			}
			item.op.versionType = vt
		case "if_seq_no":
			item.op.ifSeqNo, perr = strconv.ParseInt(text, 10, 64)
			item.op.hasIfSeqNo = true
		case "if_primary_term":
			item.op.ifPrimaryTerm, perr = strconv.ParseInt(text, 10, 64)
		case "require_alias":
			item.requireAlias = text == "true"
		case "op_type":
			item.op.create = text == "create"
		case "pipeline":
			if text != "_none" {
				return errIllegalArgument("ingest pipelines are not supported by the embedded search engine (pipeline [%s])", text)
			}
		case "_type":
			if text != "_doc" {
				return errIllegalArgument("Action/metadata line [%d] contains an unknown parameter [_type]", lineNo)
			}
		}
		if perr != nil {
			return errIllegalArgument("Malformed action/metadata line [%d], failed to parse [%s] with value [%s]", lineNo, k, text)
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
	out := make([]orderedObject, len(items))
	failed := false
	for i, item := range items {
		res, ierr := e.runBulkItem(item)
		var body orderedObject
		if ierr != nil {
			failed = true
			body = orderedObject{{"_index", bulkIndexName(res, item)}, {"_id", item.op.id}, {"status", ierr.status}, {"error", ierr.bulkItemBody()}}
		} else {
			res.forced = forced
			body = append(res.body(), orderedField{"status", res.status})
		}
		out[i] = orderedObject{{item.action, body}}
	}
	return ok(orderedObject{{"took", time.Since(start).Milliseconds()}, {"errors", failed}, {"items", out}}), nil
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
