package esengine

import (
	"net/http"
	"strconv"
	"strings"
)

// writeParams reads the query parameters shared by the document APIs.
func writeParams(id string, q paramReader) (writeOp, *esError) {
	op := writeOp{id: id, version: noVersion}
	if r, ok := q.lookup("routing"); ok {
		op.routing = &r
	}
	vt, err := parseVersionType(q.get("version_type"))
	if err != nil {
		return op, err
	}
	op.versionType = vt
	if v, ok := q.lookup("version"); ok {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return op, errIllegalArgument("failed to parse [version] with value [%s]", v)
		}
		op.version = n
	}
	if v, ok := q.lookup("if_seq_no"); ok {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return op, errIllegalArgument("failed to parse [if_seq_no] with value [%s]", v)
		}
		op.ifSeqNo, op.hasIfSeqNo = n, true
	}
	if v, ok := q.lookup("if_primary_term"); ok {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return op, errIllegalArgument("failed to parse [if_primary_term] with value [%s]", v)
		}
		op.ifPrimaryTerm = n
	}
	switch strings.ToLower(q.get("op_type")) {
	case "", "index":
	case "create":
		op.create = true
	default:
		return op, errIllegalArgument("opType must be 'create' or 'index', found: [%s]", q.get("op_type"))
	}
	return op, nil
}

// checkRefresh validates the refresh parameter. Writes are visible to searches at once,
// so every accepted value behaves like wait_for already satisfied.
func checkRefresh(q paramReader) (forced bool, err *esError) {
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
	return false, newError(http.StatusBadRequest, "illegal_argument_exception", "Unknown value for refresh: [%s].", v)
}
