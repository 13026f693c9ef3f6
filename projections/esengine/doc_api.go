package esengine

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
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
	op.create = true
	return e.writeDoc(r, op)
}

// handleIndexAutoID indexes a document under a generated id, which is always a create.
func handleIndexAutoID(e *Engine, r *request) (reply, error) {
	op, err := writeParams(newDocID(), r.params)
	if err != nil {
		return reply{}, err
	}
	op.create = true
	return e.writeDoc(r, op)
}

// newDocID makes a 20-character URL-safe id like Elasticsearch's generated ones.
func newDocID() string {
	var b [15]byte
	if _, err := rand.Read(b[:]); err != nil {
		return randomID()[:20]
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (e *Engine) writeDoc(r *request, op writeOp) (reply, error) {
	return e.writeOne(r, false, func() *esError {
		if len(r.body) == 0 {
			return errBodyRequired()
		}
		return op.validate(false)
	}, func(ix *index) (writeResult, *esError) {
		return ix.indexDoc(op, r.body)
	})
}

func handleDeleteDoc(e *Engine, r *request) (reply, error) {
	op, err := writeParams(r.vars["id"], r.params)
	if err != nil {
		return reply{}, err
	}
	return e.writeOne(r, true, func() *esError {
		return op.validate(true)
	}, func(ix *index) (writeResult, *esError) {
		return ix.deleteDoc(op)
	})
}

func handleUpdateDoc(e *Engine, r *request) (reply, error) {
	op, err := writeParams(r.vars["id"], r.params)
	if err != nil {
		return reply{}, err
	}
	var req updateRequest
	return e.writeOne(r, false, func() (perr *esError) {
		req, perr = parseUpdateBody(r.body)
		return perr
	}, func(ix *index) (writeResult, *esError) {
		return ix.updateDoc(op, req)
	})
}

// writeOne runs a single-document write (index, create, delete, update) in the order
// Elasticsearch checks it: the refresh parameter, then the request itself (check), then
// the target index, which require_alias may restrict (deletes ignore it), and answers
// with write's result.
func (e *Engine) writeOne(r *request, isDelete bool, check func() *esError, write func(*index) (writeResult, *esError)) (reply, error) {
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
	res.forced = forced
	return reply{status: res.status, body: res.body()}, nil
}

// checkGetVersion applies the optional version check of a GET: a mismatch is a conflict.
func checkGetVersion(ix *index, d fetchedDoc, q paramReader) *esError {
	v, has := q.lookup("version")
	if !has || !d.found {
		return nil
	}
	want, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return errIllegalArgument("failed to parse [version] with value [%s]", v)
	}
	if want != d.version {
		return errVersionConflict(ix, d.id, "current version ["+strconv.FormatInt(d.version, 10)+"] is different than the one provided ["+v+"]")
	}
	return nil
}

func handleGetDoc(e *Engine, r *request) (reply, error) {
	ix, err := e.resolveReadIndex(r.vars["index"])
	if err != nil {
		if r.method == http.MethodHead {
			return reply{status: err.status}, nil
		}
		return reply{}, err
	}
	d := ix.fetch(r.vars["id"])
	if verr := checkGetVersion(ix, d, r.params); verr != nil {
		return reply{}, verr
	}
	if r.method == http.MethodHead {
		if d.found {
			return reply{status: http.StatusOK}, nil
		}
		return reply{status: http.StatusNotFound}, nil
	}
	if !d.found {
		return reply{status: http.StatusNotFound, body: orderedObject{{"_index", ix.name}, {"_id", d.id}, {"found", false}}}, nil
	}
	filter, ferr := sourceFilterFromParams(r.params)
	if ferr != nil {
		return reply{}, ferr
	}
	o := orderedObject{{"_index", ix.name}, {"_id", d.id}, {"_version", d.version}, {"_seq_no", d.seqNo}, {"_primary_term", primaryTerm}}
	if d.routing != nil {
		o = append(o, orderedField{"_routing", *d.routing})
	}
	o = append(o, orderedField{"found", true})
	if src, include := filter.apply(d.source); include {
		o = append(o, orderedField{"_source", src})
	}
	return ok(o), nil
}

func handleGetSource(e *Engine, r *request) (reply, error) {
	ix, err := e.resolveReadIndex(r.vars["index"])
	if err != nil {
		return reply{}, err
	}
	d := ix.fetch(r.vars["id"])
	if !d.found {
		if r.method == http.MethodHead {
			return reply{status: http.StatusNotFound}, nil
		}
		return reply{}, newError(http.StatusNotFound, "resource_not_found_exception", "Document not found [%s]/[%s]", ix.name, d.id)
	}
	if r.method == http.MethodHead {
		return reply{status: http.StatusOK}, nil
	}
	filter, ferr := sourceFilterFromParams(r.params)
	if ferr != nil {
		return reply{}, ferr
	}
	src, _ := filter.apply(d.source)
	if src == "" {
		src = "{}"
	}
	return ok(src), nil
}
