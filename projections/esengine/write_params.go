package esengine

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// writeParams reads the query parameters shared by the document APIs.
func writeParams(id string, q paramReader) (index.WriteOp, *wire.EsError) {
	op := index.WriteOp{Id: id, Version: index.NoVersion}
	if r, ok := q.lookup("routing"); ok {
		op.Routing = &r
	}
	vt, err := index.ParseVersionType(q.get("version_type"))
	if err != nil {
		return op, err
	}
	op.VersionType = vt
	if v, ok := q.lookup("version"); ok {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return op, wire.ErrIllegalArgument("failed to parse [version] with value [%s]", v)
		}
		op.Version = n
	}
	if v, ok := q.lookup("if_seq_no"); ok {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return op, wire.ErrIllegalArgument("failed to parse [if_seq_no] with value [%s]", v)
		}
		op.IfSeqNo, op.HasIfSeqNo = n, true
	}
	if v, ok := q.lookup("if_primary_term"); ok {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return op, wire.ErrIllegalArgument("failed to parse [if_primary_term] with value [%s]", v)
		}
		op.IfPrimaryTerm = n
	}
	switch strings.ToLower(q.get("op_type")) {
	case "", "index":
	case "create":
		op.Create = true
	default:
		return op, wire.ErrIllegalArgument("opType must be 'create' or 'index', found: [%s]", q.get("op_type"))
	}
	return op, nil
}

// checkRefresh validates the refresh parameter. Writes are visible to searches at once,
// so every accepted value behaves like wait_for already satisfied.
func checkRefresh(q paramReader) (forced bool, err *wire.EsError) {
	v, ok := q.lookup("refresh")
	if !ok {
		return false, nil
	}
	switch v {
	case "", "true":
		return true, nil
	case "false", "wait_for":
		return false, nil
	}
	return false, wire.NewError(http.StatusBadRequest, "illegal_argument_exception", "Unknown value for refresh: [%s].", v)
}
