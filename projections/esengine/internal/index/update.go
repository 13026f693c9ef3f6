package index

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// UpdateRequest is the body of an update: a partial document merged into the stored one,
// optionally creating it.
type UpdateRequest struct {
	doc         map[string]any
	upsert      map[string]any
	docAsUpsert bool
	detectNoop  bool
}

func ParseUpdateBody(body []byte) (UpdateRequest, *wire.EsError) {
	req := UpdateRequest{detectNoop: true}
	raw, err := wire.DecodeJSON(body)
	if err != nil {
		return req, wire.ErrXContentParse("[update] failed to parse: %v", err)
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return req, wire.ErrXContentParse("[update] expected an object")
	}
	for _, k := range mapping.SortedKeys(obj) {
		v := obj[k]
		var bad *wire.EsError
		switch k {
		case "doc":
			req.doc, bad = updateField[map[string]any](k, v)
		case "upsert":
			req.upsert, bad = updateField[map[string]any](k, v)
		case "doc_as_upsert":
			req.docAsUpsert, bad = updateField[bool](k, v)
		case "detect_noop":
			req.detectNoop, bad = updateField[bool](k, v)
		case "script", "scripted_upsert":
			return req, wire.ErrIllegalArgument("scripted updates are not supported by the embedded search engine")
		case "_source":
		default:
			return req, wire.ErrXContentParse("[UpdateRequest] unknown field [%s]", k)
		}
		if bad != nil {
			return req, bad
		}
	}
	if req.doc == nil && req.upsert == nil {
		return req, wire.ErrValidation("script or doc is missing")
	}
	return req, nil
}

// updateField reads field k of an update body as a T; any other JSON type is refused
// as Elasticsearch's UpdateRequest parser refuses it.
func updateField[T any](k string, v any) (T, *wire.EsError) {
	t, ok := v.(T)
	if !ok {
		return t, wire.ErrXContentParse("[UpdateRequest] failed to parse field [%s]", k)
	}
	return t, nil
}

// UpdateDoc merges a partial document into the stored one (or upserts it).
func (ix *Index) UpdateDoc(op WriteOp, req UpdateRequest) (WriteResult, *wire.EsError) {
	if op.VersionType != versionInternal || op.Version != NoVersion {
		return WriteResult{}, wire.ErrValidation("can't provide version in update request.")
	}
	ix.Mu.Lock()
	defer ix.Mu.Unlock()
	ix.beforeWrite()
	_, existing, ok := ix.Store.Get(op.Id)
	if !ok {
		upsert := req.upsert
		if req.docAsUpsert {
			upsert = req.doc
		}
		if upsert == nil {
			return WriteResult{}, wire.NewError(http.StatusNotFound, "document_missing_exception", "[_doc][%s]: document missing", op.Id).
				With("index_uuid", ix.Uuid).With("shard", "0").With("index", ix.Name)
		}
		src, err := json.Marshal(upsert)
		if err != nil {
			return WriteResult{}, wire.ErrIllegalArgument("cannot encode the upsert document: %v", err)
		}
		return ix.indexLocked(op, src)
	}
	existingSource := ix.Store.Source(existing)
	raw, err := wire.DecodeJSON([]byte(existingSource))
	if err != nil {
		return WriteResult{}, wire.ErrIllegalArgument("stored source of [%s] is not JSON: %v", op.Id, err)
	}
	merged := mergeObjects(raw.(map[string]any), req.doc)
	src, jerr := json.Marshal(merged)
	if jerr != nil {
		return WriteResult{}, wire.ErrIllegalArgument("cannot encode the updated document: %v", jerr)
	}
	if req.detectNoop && sameJSON(src, []byte(existingSource)) {
		return WriteResult{Index: ix, Id: op.Id, Version: existing.Version, SeqNo: existing.SeqNo, Result: "noop", Status: http.StatusOK}, nil
	}
	if op.Routing == nil {
		op.Routing = existing.Routing
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
	va, err1 := wire.DecodeJSON(a)
	vb, err2 := wire.DecodeJSON(b)
	if err1 != nil || err2 != nil {
		return false
	}
	ca, _ := json.Marshal(va)
	cb, _ := json.Marshal(vb)
	return bytes.Equal(ca, cb)
}
