package esengine

import (
	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/projections/esengine/internal/index"
)

// WriteActions applies projection actions to the index or alias name exactly as a
// _bulk request of them would (what elastic.Writer sends: index or delete with the
// action's id, routing and version, version_type external, require_alias when asked),
// without encoding that request as NDJSON, parsing it back, and encoding and parsing
// the answer: the projector in the same process as the engine then pays for the writes
// alone. outcome is called once per action, in order, with the item's status and, for
// a refused item, the error type and reason _bulk would report.
//
// An action the HTTP path refuses before sending (no id, a version below 1, an index
// without a source, an unknown operation) is the caller's to check.
func (e *Engine) WriteActions(name string, requireAlias bool, actions []projections.Action, outcome func(i, status int, errType, reason string)) {
	e.writes.Add(1)
	var routing bulkInterner
	routing.index = name
	for i, a := range actions {
		item := bulkItem{
			action:       string(a.Op),
			index:        name,
			requireAlias: requireAlias,
			op:           index.WriteOp{Id: a.Doc.ID, Version: a.Version, VersionType: index.VersionExternal},
		}
		if a.Op == projections.OpIndex {
			item.source = a.Doc.Source
		}
		if a.Doc.Routing != "" {
			item.op.Routing = routing.routing(a.Doc.Routing)
		}
		if verr := item.op.Validate(a.Op == projections.OpDelete); verr != nil {
			outcome(i, verr.Status, verr.Typ, verr.Reason)
			continue
		}
		res, ierr := e.runBulkItem(item)
		if ierr != nil {
			outcome(i, ierr.Status, ierr.Typ, ierr.Reason)
			continue
		}
		outcome(i, res.Status, "", "")
	}
}
