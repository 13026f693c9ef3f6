package plan

import "encoding/json"

// Change types. They are the stable event type names of docs/contract.md 5 and equal
// events.PlanCreated and friends; they are spelled out here so the domain does not
// depend on the envelope package.
const (
	ChangeCreated  = "plan.created"
	ChangeReplaced = "plan.replaced"
	ChangePatched  = "plan.patched"
	ChangeDeleted  = "plan.deleted"
)

// Change is what a behaviour method decided: one new version of the plan, self-contained
// (before and after state) so it can become an event that any consumer can replicate
// state from. It is only a decision; nothing changes until Apply.
type Change struct {
	Type    string
	Version int64 // the aggregate version after this change: 1, 2, 3, ...

	// Before and After are the canonical JSON of the plan (see Plan.MarshalJSON), nil
	// when there is none: no Before on create, no After on delete.
	Before json.RawMessage
	After  json.RawMessage

	// Patch is the merge patch as received (compacted), only for plan.patched.
	Patch json.RawMessage

	// ObjectIDsAdded are the objectIds of After that Before lacks, ObjectIDsRemoved
	// those of Before that After lacks, each in document order: what the read model and
	// the objectId ownership index must add and drop.
	ObjectIDsAdded   []string
	ObjectIDsRemoved []string

	// after is the typed After, kept so that Apply need not decode what the behaviour
	// method has just encoded. Changes built elsewhere leave it nil.
	after *Plan
}

// AfterPlan is the typed After when a behaviour method of this package decided the
// change, else nil (a change built elsewhere, or a delete). It is the aggregate's own
// value: read it, never change it.
func (c Change) AfterPlan() *Plan { return c.after }

// diffObjectIDs returns the objectIds only in after and those only in before.
func diffObjectIDs(before, after *Plan) (added, removed []string) {
	beforeIDs, afterIDs := before.ObjectIDs(), after.ObjectIDs()
	return missingFrom(afterIDs, beforeIDs), missingFrom(beforeIDs, afterIDs)
}

// missingFrom returns the ids of from that are not in other, keeping from's order.
func missingFrom(from, other []string) []string {
	in := make(map[string]bool, len(other))
	for _, id := range other {
		in[id] = true
	}
	var out []string
	for _, id := range from {
		if !in[id] {
			out = append(out, id)
		}
	}
	return out
}
