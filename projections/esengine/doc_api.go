package esengine

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

func handleIndexDoc(e *Engine, r *request) (reply, error) {
	op, err := writeParams(r.vars["id"], r.params)
	if err != nil {
		return reply{}, err
	}
	return e.writeDoc(r, op)
}

func handleCreateDoc(e *Engine, r *request) (reply, error) {
	op, err := writeParams(r.vars["id"], r.params)
	if err != nil {
		return reply{}, err
	}
	op.Create = true
	return e.writeDoc(r, op)
}

// handleIndexAutoID indexes a document under a generated id, which is always a create.
func handleIndexAutoID(e *Engine, r *request) (reply, error) {
	op, err := writeParams(newDocID(), r.params)
	if err != nil {
		return reply{}, err
	}
	op.Create = true
	return e.writeDoc(r, op)
}

// newDocID makes a 20-character URL-safe id like Elasticsearch's generated ones.
func newDocID() string {
	var b [15]byte
	if _, err := rand.Read(b[:]); err != nil {
		return index.RandomID()[:20]
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (e *Engine) writeDoc(r *request, op index.WriteOp) (reply, error) {
	return e.writeOne(r, false, func() *wire.EsError {
		if len(r.body) == 0 {
			return wire.ErrBodyRequired()
		}
		return op.Validate(false)
	}, func(ix *index.Index) (index.WriteResult, *wire.EsError) {
		return ix.IndexDoc(op, r.body)
	})
}

func handleDeleteDoc(e *Engine, r *request) (reply, error) {
	op, err := writeParams(r.vars["id"], r.params)
	if err != nil {
		return reply{}, err
	}
	return e.writeOne(r, true, func() *wire.EsError {
		return op.Validate(true)
	}, func(ix *index.Index) (index.WriteResult, *wire.EsError) {
		return ix.DeleteDoc(op)
	})
}

func handleUpdateDoc(e *Engine, r *request) (reply, error) {
	op, err := writeParams(r.vars["id"], r.params)
	if err != nil {
		return reply{}, err
	}
	var req index.UpdateRequest
	return e.writeOne(r, false, func() (perr *wire.EsError) {
		req, perr = index.ParseUpdateBody(r.body)
		return perr
	}, func(ix *index.Index) (index.WriteResult, *wire.EsError) {
		return ix.UpdateDoc(op, req)
	})
}

// writeOne runs a single-document write (index, create, delete, update) in the order
// Elasticsearch checks it: the refresh parameter, then the request itself (check), then
// the target index, which require_alias may restrict (deletes ignore it), and answers
// with write's result.
func (e *Engine) writeOne(r *request, isDelete bool, check func() *wire.EsError, write func(*index.Index) (index.WriteResult, *wire.EsError)) (reply, error) {
	forced, err := checkRefresh(r.params)
	if err == nil {
		err = check()
	}
	if err != nil {
		return reply{}, err
	}
	requireAlias := !isDelete && r.params.get("require_alias") == "true"
	ix, err := e.resolveWriteIndex(r.vars["index"], requireAlias, isDelete)
	if err != nil {
		return reply{}, err
	}
	res, err := write(ix)
	if err != nil {
		return reply{}, err
	}
	res.Forced = forced
	return reply{status: res.Status, body: res.Body()}, nil
}

// checkGetVersion applies the optional version check of a GET: a mismatch is a conflict.
func checkGetVersion(ix *index.Index, d index.FetchedDoc, q paramReader) *wire.EsError {
	v, has := q.lookup("version")
	if !has || !d.Found {
		return nil
	}
	want, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return wire.ErrIllegalArgument("failed to parse [version] with value [%s]", v)
	}
	if want != d.Version {
		return index.ErrVersionConflict(ix, d.Id, "current version ["+strconv.FormatInt(d.Version, 10)+"] is different than the one provided ["+v+"]")
	}
	return nil
}

func handleGetDoc(e *Engine, r *request) (reply, error) {
	ix, err := e.resolveReadIndex(r.vars["index"])
	if err != nil {
		if r.method == http.MethodHead {
			return reply{status: err.Status}, nil
		}
		return reply{}, err
	}
	d := ix.Fetch(r.vars["id"])
	if verr := checkGetVersion(ix, d, r.params); verr != nil {
		return reply{}, verr
	}
	if r.method == http.MethodHead {
		if d.Found {
			return reply{status: http.StatusOK}, nil
		}
		return reply{status: http.StatusNotFound}, nil
	}
	if !d.Found {
		return reply{status: http.StatusNotFound, body: wire.OrderedObject{{Key: "_index", Value: ix.Name}, {Key: "_id", Value: d.Id}, {Key: "found", Value: false}}}, nil
	}
	filter, ferr := sourceFilterFromParams(r.params)
	if ferr != nil {
		return reply{}, ferr
	}
	o := wire.OrderedObject{{Key: "_index", Value: ix.Name}, {Key: "_id", Value: d.Id}, {Key: "_version", Value: d.Version}, {Key: "_seq_no", Value: d.SeqNo}, {Key: "_primary_term", Value: index.PrimaryTerm}}
	if d.Routing != nil {
		o = append(o, wire.OrderedField{Key: "_routing", Value: *d.Routing})
	}
	o = append(o, wire.OrderedField{Key: "found", Value: true})
	if src, include := filter.apply(d.Source); include {
		o = append(o, wire.OrderedField{Key: "_source", Value: src})
	}
	return ok(o), nil
}

func handleGetSource(e *Engine, r *request) (reply, error) {
	ix, err := e.resolveReadIndex(r.vars["index"])
	if err != nil {
		return reply{}, err
	}
	d := ix.Fetch(r.vars["id"])
	if !d.Found {
		if r.method == http.MethodHead {
			return reply{status: http.StatusNotFound}, nil
		}
		return reply{}, wire.NewError(http.StatusNotFound, "resource_not_found_exception", "Document not found [%s]/[%s]", ix.Name, d.Id)
	}
	if r.method == http.MethodHead {
		return reply{status: http.StatusOK}, nil
	}
	filter, ferr := sourceFilterFromParams(r.params)
	if ferr != nil {
		return reply{}, ferr
	}
	src, _ := filter.apply(d.Source)
	if src == "" {
		src = "{}"
	}
	return ok(src), nil
}
