package esengine

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// versionType is Elasticsearch's version_type: who owns the version numbers.
type versionType int

const (
	versionInternal    versionType = iota // the engine counts versions itself
	versionExternal                       // the caller's version must be greater than the stored one
	versionExternalGTE                    // ... greater than or equal
)

func (v versionType) String() string {
	switch v {
	case versionExternal:
		return "EXTERNAL"
	case versionExternalGTE:
		return "EXTERNAL_GTE"
	}
	return "INTERNAL"
}

func parseVersionType(s string) (versionType, *esError) {
	switch s {
	case "", "internal":
		return versionInternal, nil
	case "external":
		return versionExternal, nil
	case "external_gte":
		return versionExternalGTE, nil
	}
	return 0, errIllegalArgument("No version type match [%s]", s)
}

// noVersion is the value Elasticsearch uses for "no version given" (Versions.MATCH_ANY);
// it shows up in its validation messages.
const noVersion = -3

// writeOp is one index, create, update or delete request on a document.
type writeOp struct {
	id            string
	routing       *string
	create        bool
	versionType   versionType
	version       int64
	ifSeqNo       int64
	ifPrimaryTerm int64
	hasIfSeqNo    bool
}

// validate applies the request checks Elasticsearch makes before touching the index.
func (op writeOp) validate(isDelete bool) *esError {
	var problems []string
	if op.versionType == versionInternal && op.version != noVersion {
		problems = append(problems, "internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead")
	}
	if op.versionType != versionInternal && op.version < 0 {
		problems = append(problems, fmt.Sprintf("illegal version value [%d] for version type [%s]", op.version, op.versionType))
	}
	if op.create && op.versionType != versionInternal {
		problems = append(problems, "create operations only support internal versioning. use index instead")
	}
	if op.hasIfSeqNo && op.versionType != versionInternal {
		problems = append(problems, "compare and write operations can not use versioning")
	}
	if op.hasIfSeqNo && op.ifPrimaryTerm <= 0 {
		problems = append(problems, "ifSeqNo is set, but primary term is [0]")
	}
	if len(op.id) > 512 {
		problems = append(problems, fmt.Sprintf("id [%s] is too long, must be no longer than 512 bytes but was: %d", op.id, len(op.id)))
	}
	if len(problems) > 0 {
		return errValidation(problems...)
	}
	return nil
}

// current is what the index knows about an id before a write: a live document, a
// recently deleted one (tombstone), or nothing.
type current struct {
	exists  bool // a live document
	known   bool // live or tombstoned: its version still counts
	version int64
	seqNo   int64
}

// checkConflict decides whether op may proceed given cur, with Elasticsearch's messages.
func (op writeOp) checkConflict(ix *index, cur current) *esError {
	if op.hasIfSeqNo {
		if !cur.exists {
			return errVersionConflict(ix, op.id, fmt.Sprintf("required seqNo [%d], primary term [%d]. but no document was found", op.ifSeqNo, op.ifPrimaryTerm))
		}
		if cur.seqNo != op.ifSeqNo || op.ifPrimaryTerm != primaryTerm {
			return errVersionConflict(ix, op.id, fmt.Sprintf("required seqNo [%d], primary term [%d]. current document has seqNo [%d] and primary term [%d]",
				op.ifSeqNo, op.ifPrimaryTerm, cur.seqNo, primaryTerm))
		}
	}
	if op.create && cur.exists {
		return errVersionConflict(ix, op.id, fmt.Sprintf("document already exists (current version [%d])", cur.version))
	}
	if !cur.known {
		return nil
	}
	switch op.versionType {
	case versionExternal:
		if op.version <= cur.version {
			return errVersionConflict(ix, op.id, fmt.Sprintf("current version [%d] is higher or equal to the one provided [%d]", cur.version, op.version))
		}
	case versionExternalGTE:
		if op.version < cur.version {
			return errVersionConflict(ix, op.id, fmt.Sprintf("current version [%d] is higher than the one provided [%d]", cur.version, op.version))
		}
	}
	return nil
}

// nextVersion is the version the document gets when op succeeds.
func (op writeOp) nextVersion(cur current) int64 {
	if op.versionType != versionInternal {
		return op.version
	}
	if cur.known {
		return cur.version + 1
	}
	return 1
}

// primaryTerm never changes: there is a single, never-failing primary.
const primaryTerm = 1

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

func errVersionConflict(ix *index, id, detail string) *esError {
	return newError(http.StatusConflict, "version_conflict_engine_exception", "[%s]: version conflict, %s", id, detail).
		with("index_uuid", ix.uuid).with("shard", "0").with("index", ix.name)
}
