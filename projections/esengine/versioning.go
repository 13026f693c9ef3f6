package esengine

import (
	"fmt"
	"net/http"
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

func errVersionConflict(ix *index, id, detail string) *esError {
	return newError(http.StatusConflict, "version_conflict_engine_exception", "[%s]: version conflict, %s", id, detail).
		with("index_uuid", ix.uuid).with("shard", "0").with("index", ix.name)
}
