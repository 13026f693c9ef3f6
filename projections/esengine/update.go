package esengine

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// updateRequest is the body of an update: a partial document merged into the stored one,
// optionally creating it.
type updateRequest struct {
	doc         map[string]any
	upsert      map[string]any
	docAsUpsert bool
	detectNoop  bool
}

func parseUpdateBody(body []byte) (updateRequest, *esError) {
	req := updateRequest{detectNoop: true}
	raw, err := decodeJSON(body)
	if err != nil {
		return req, errXContentParse("[update] failed to parse: %v", err)
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return req, errXContentParse("[update] expected an object")
	}
	for _, k := range sortedKeys(obj) {
		v := obj[k]
		switch k {
		case "doc", "upsert":
			m, ok := v.(map[string]any)
			if !ok {
				return req, errXContentParse("[UpdateRequest] failed to parse field [%s]", k)
			}
			if k == "doc" {
				req.doc = m
			} else {
				req.upsert = m
			}
		case "doc_as_upsert", "detect_noop":
			b, ok := v.(bool)
			if !ok {
				return req, errXContentParse("[UpdateRequest] failed to parse field [%s]", k)
			}
			if k == "doc_as_upsert" {
				req.docAsUpsert = b
			} else {
				req.detectNoop = b
			}
		case "script", "scripted_upsert":
			return req, errIllegalArgument("scripted updates are not supported by the embedded search engine")
		case "_source":
		default:
			return req, errXContentParse("[UpdateRequest] unknown field [%s]", k)
		}
	}
	if req.doc == nil && req.upsert == nil {
		return req, errValidation("script or doc is missing")
	}
	return req, nil
}

// updateDoc merges a partial document into the stored one (or upserts it).
func (ix *index) updateDoc(op writeOp, req updateRequest) (writeResult, *esError) {
	if op.versionType != versionInternal || op.version != noVersion {
		return writeResult{}, errValidation("can't provide version in update request.")
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.beforeWrite()
	_, existing, ok := ix.store.get(op.id)
	if !ok {
		upsert := req.upsert
		if req.docAsUpsert {
			upsert = req.doc
		}
		if upsert == nil {
			return writeResult{}, newError(http.StatusNotFound, "document_missing_exception", "[_doc][%s]: document missing", op.id).
				with("index_uuid", ix.uuid).with("shard", "0").with("index", ix.name)
		}
		src, err := json.Marshal(upsert)
		if err != nil {
			return writeResult{}, errIllegalArgument("cannot encode the upsert document: %v", err)
		}
		return ix.indexLocked(op, src)
	}
	raw, err := decodeJSON([]byte(existing.source))
	if err != nil {
		return writeResult{}, errIllegalArgument("stored source of [%s] is not JSON: %v", op.id, err)
	}
	merged := mergeObjects(raw.(map[string]any), req.doc)
	src, jerr := json.Marshal(merged)
	if jerr != nil {
		return writeResult{}, errIllegalArgument("cannot encode the updated document: %v", jerr)
	}
	if req.detectNoop && sameJSON(src, []byte(existing.source)) {
		return writeResult{index: ix, id: op.id, version: existing.version, seqNo: existing.seqNo, result: "noop", status: http.StatusOK}, nil
	}
	if op.routing == nil {
		op.routing = existing.routing
	}
	return ix.indexLocked(op, src)
}

// mergeObjects applies a partial document: objects merge recursively, anything else
// replaces.
func mergeObjects(into, patch map[string]any) map[string]any {
	for k, v := range patch {
		if pm, ok := v.(map[string]any); ok {
			if im, ok := into[k].(map[string]any); ok {
				into[k] = mergeObjects(im, pm)
				continue
			}
		}
		into[k] = v
	}
	return into
}

func sameJSON(a, b []byte) bool {
	va, err1 := decodeJSON(a)
	vb, err2 := decodeJSON(b)
	if err1 != nil || err2 != nil {
		return false
	}
	ca, _ := json.Marshal(va)
	cb, _ := json.Marshal(vb)
	return bytes.Equal(ca, cb)
}
