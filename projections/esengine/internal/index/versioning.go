package index

import (
	"fmt"
	"net/http"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// versionType is Elasticsearch's version_type: who owns the version numbers.
type versionType int

const (
	versionInternal    versionType = iota // the engine counts versions itself
	versionExternal                       // the caller's version must be greater than the stored one
	versionExternalGTE                    // ... greater than or equal
)

// VersionExternal is version_type=external for a caller that writes without a request
// to parse (the engine's direct writes for a projector in the same process).
const VersionExternal = versionExternal

func (v versionType) String() string {
	switch v {
	case versionExternal:
		return "EXTERNAL"
	case versionExternalGTE:
		return "EXTERNAL_GTE"
	}
	return "INTERNAL"
}

func ParseVersionType(s string) (versionType, *wire.EsError) {
	switch s {
	case "", "internal":
		return versionInternal, nil
	case "external":
		return versionExternal, nil
	case "external_gte":
		return versionExternalGTE, nil
	}
	return 0, wire.ErrIllegalArgument("No version type match [%s]", s)
}

// NoVersion is the value Elasticsearch uses for "no version given" (Versions.MATCH_ANY);
// it shows up in its validation messages.
const NoVersion = -3

// WriteOp is one index, create, update or delete request on a document.
type WriteOp struct {
	Id            string
	Routing       *string
	Create        bool
	VersionType   versionType
	Version       int64
	IfSeqNo       int64
	IfPrimaryTerm int64
	HasIfSeqNo    bool
}

// Validate applies the request checks Elasticsearch makes before touching the index.
func (op WriteOp) Validate(isDelete bool) *wire.EsError {
	var problems []string
	if op.VersionType == versionInternal && op.Version != NoVersion {
		problems = append(problems, "internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead")
	}
	if op.VersionType != versionInternal && op.Version < 0 {
		problems = append(problems, fmt.Sprintf("illegal version value [%d] for version type [%s]", op.Version, op.VersionType))
	}
	if op.Create && op.VersionType != versionInternal {
		problems = append(problems, "create operations only support internal versioning. use index instead")
	}
	if op.HasIfSeqNo && op.VersionType != versionInternal {
		problems = append(problems, "compare and write operations can not use versioning")
	}
	if op.HasIfSeqNo && op.IfPrimaryTerm <= 0 {
		problems = append(problems, "ifSeqNo is set, but primary term is [0]")
	}
	if len(op.Id) > 512 {
		problems = append(problems, fmt.Sprintf("id [%s] is too long, must be no longer than 512 bytes but was: %d", op.Id, len(op.Id)))
	}
	if len(problems) > 0 {
		return wire.ErrValidation(problems...)
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
func (op WriteOp) checkConflict(ix *Index, cur current) *wire.EsError {
	if op.HasIfSeqNo {
		if !cur.exists {
			return ErrVersionConflict(ix, op.Id, fmt.Sprintf("required seqNo [%d], primary term [%d]. but no document was found", op.IfSeqNo, op.IfPrimaryTerm))
		}
		if cur.seqNo != op.IfSeqNo || op.IfPrimaryTerm != PrimaryTerm {
			return ErrVersionConflict(ix, op.Id, fmt.Sprintf("required seqNo [%d], primary term [%d]. current document has seqNo [%d] and primary term [%d]",
				op.IfSeqNo, op.IfPrimaryTerm, cur.seqNo, PrimaryTerm))
		}
	}
	if op.Create && cur.exists {
		return ErrVersionConflict(ix, op.Id, fmt.Sprintf("document already exists (current version [%d])", cur.version))
	}
	if !cur.known {
		return nil
	}
	switch op.VersionType {
	case versionExternal:
		if op.Version <= cur.version {
			return ErrVersionConflict(ix, op.Id, fmt.Sprintf("current version [%d] is higher or equal to the one provided [%d]", cur.version, op.Version))
		}
	case versionExternalGTE:
		if op.Version < cur.version {
			return ErrVersionConflict(ix, op.Id, fmt.Sprintf("current version [%d] is higher than the one provided [%d]", cur.version, op.Version))
		}
	}
	return nil
}

// nextVersion is the version the document gets when op succeeds.
func (op WriteOp) nextVersion(cur current) int64 {
	if op.VersionType != versionInternal {
		return op.Version
	}
	if cur.known {
		return cur.version + 1
	}
	return 1
}

// PrimaryTerm never changes: there is a single, never-failing primary.
const PrimaryTerm = 1

func ErrVersionConflict(ix *Index, id, detail string) *wire.EsError {
	return wire.NewError(http.StatusConflict, "version_conflict_engine_exception", "[%s]: version conflict, %s", id, detail).
		With("index_uuid", ix.Uuid).With("shard", "0").With("index", ix.Name)
}
