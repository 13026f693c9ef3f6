package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Aggregate is one plan's consistency boundary. Behaviour methods (Create, Replace,
// Patch, Delete) check the rules against the current state and return the Change they
// decide on without applying it; Apply is the only state transition. A command handler
// therefore decides, appends the change to the event store with the expected version
// Version(), and applies it only once the append succeeded.
//
// Replacing or patching with a document identical to the current one still yields a
// change and a new version: every accepted write is an event, which keeps ETags, the
// event log and the client's view simple and predictable.
//
// An Aggregate is not safe for concurrent use; load one per command.
type Aggregate struct {
	id      string
	version int64
	current *Plan  // nil unless the plan exists
	json    []byte // canonical JSON of current
	deleted bool   // the plan existed and its last change deleted it

	// fault is set when Apply was handed a change it cannot read. Every later decision
	// returns it: deciding on unknown state could overwrite data.
	fault error
}

// New returns the aggregate of a plan that has never been written: version 0.
func New(id string) *Aggregate {
	return &Aggregate{id: id}
}

// Rehydrate rebuilds an aggregate from a snapshot: its version, the canonical document
// (nil when deleted or never created) and whether the last change was a delete.
//
// The document is checked for shape (types, required and unknown fields) but not
// against the value rules: those apply to new writes, and tightening a rule later must
// not make already stored plans impossible to load, replace or delete.
func Rehydrate(id string, version int64, document []byte, deleted bool) (*Aggregate, error) {
	a := &Aggregate{id: id, version: version, deleted: deleted}
	hasDocument := !isAbsent(document)
	switch {
	case version < 0:
		return nil, a.corrupt(errors.New("negative version"))
	case version == 0 && (hasDocument || deleted):
		return nil, a.corrupt(errors.New("version 0 cannot have a document or be deleted"))
	case deleted && hasDocument:
		return nil, a.corrupt(errors.New("a deleted plan cannot have a document"))
	case version > 0 && !deleted && !hasDocument:
		return nil, a.corrupt(errors.New("the document is missing"))
	case !hasDocument:
		return a, nil
	}
	p, canonical, err := readStored(document)
	if err != nil {
		return nil, a.corrupt(err)
	}
	if p.ObjectID != id {
		return nil, a.corrupt(fmt.Errorf("the document's objectId is %q", p.ObjectID))
	}
	a.current, a.json = p, canonical
	return a, nil
}

// readStored decodes a document this package wrote (a snapshot or a change's After)
// and returns it with its canonical encoding.
func readStored(document []byte) (*Plan, []byte, error) {
	tree, err := parseStrict(document)
	if err != nil {
		return nil, nil, err
	}
	var ps problems
	p := decodeShape(tree, &ps)
	if err := ps.err(); err != nil {
		return nil, nil, err
	}
	canonical, err := p.MarshalJSON()
	if err != nil {
		return nil, nil, err
	}
	return p, canonical, nil
}

// corrupt wraps a fault in stored state. The cause is kept as text, not wrapped: it is
// often a *ValidationError, and a caller mapping errors.As(*ValidationError) to 400
// must not blame the client for the store's data.
func (a *Aggregate) corrupt(cause error) error {
	return fmt.Errorf("%w: plan %q at version %d: %v", ErrCorruptState, a.id, a.version, cause) //nolint:errorlint // see above: deliberately not wrapped
}

// ID is the plan's objectId.
func (a *Aggregate) ID() string { return a.id }

// Version is the number of changes applied so far: 0 for a plan never written. It is
// the expected version for the next append.
func (a *Aggregate) Version() int64 { return a.version }

// Exists reports whether the plan is live: created and not deleted since.
func (a *Aggregate) Exists() bool { return a.current != nil }

// Deleted reports whether the plan existed and its last change deleted it; a snapshot
// needs it to tell "deleted" from "never created" (both have no document).
func (a *Aggregate) Deleted() bool { return a.deleted }

// Document returns a copy of the current plan, nil when it does not exist.
func (a *Aggregate) Document() *Plan { return a.current.Clone() }

// DocumentJSON returns a copy of the current plan's canonical JSON, nil when it does
// not exist.
func (a *Aggregate) DocumentJSON() []byte { return bytes.Clone(a.json) }

// Create decides to create the plan. It is refused with ErrAlreadyExists while the plan
// exists, and allowed again after a delete: the version continues from there.
func (a *Aggregate) Create(doc *Plan) (Change, error) {
	return a.checkThen(a.mustBeNew, doc, a.CreateChecked)
}

// CreateChecked is Create for a plan whose rules were checked already.
func (a *Aggregate) CreateChecked(doc Checked) (Change, error) {
	return a.write(ChangeCreated, a.mustBeNew, doc)
}

// Replace decides to replace the whole plan with doc, whose objectId must be the
// plan's id.
func (a *Aggregate) Replace(doc *Plan) (Change, error) {
	return a.checkThen(a.mustExist, doc, a.ReplaceChecked)
}

// ReplaceChecked is Replace for a plan whose rules were checked already.
func (a *Aggregate) ReplaceChecked(doc Checked) (Change, error) {
	return a.write(ChangeReplaced, a.mustExist, doc)
}

// checkThen checks a plan built in Go and hands it to a Checked method, unless the
// aggregate's state refuses the write anyway: that refusal comes before any problem
// of the document.
func (a *Aggregate) checkThen(state func() error, doc *Plan, write func(Checked) (Change, error)) (Change, error) {
	if err := state(); err != nil {
		return Change{}, err
	}
	checked, err := a.check(doc)
	if err != nil {
		return Change{}, err
	}
	return write(checked)
}

// write decides a create or a replace with a checked document, if state allows it.
func (a *Aggregate) write(changeType string, state func() error, doc Checked) (Change, error) {
	if err := state(); err != nil {
		return Change{}, err
	}
	next, err := a.accept(doc)
	if err != nil {
		return Change{}, err
	}
	return a.decide(changeType, next, nil)
}

// Patch decides to apply a merge patch (see MergePatch) to the plan. The result must
// pass every rule a created plan passes, and may not change the plan's objectId.
// Problems in the patch itself have paths into the patch; problems of the result have
// paths into the result.
func (a *Aggregate) Patch(patch []byte) (Change, error) {
	if err := a.mustExist(); err != nil {
		return Change{}, err
	}
	p, err := parsePatch(patch)
	if err != nil {
		return Change{}, err
	}
	target, err := parseStrict(a.json)
	if err != nil {
		return Change{}, a.corrupt(err)
	}
	merged, err := mergeTrees(target, p)
	if err != nil {
		return Change{}, err
	}
	var ps problems
	next := decodeShape(merged, &ps)
	if err := validateValues(next, &ps); err != nil {
		return Change{}, err
	}
	requireID(next, a.id, "cannot be changed: it is the id of the plan", &ps)
	if err := ps.err(); err != nil {
		return Change{}, err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, patch); err != nil { // cannot fail: it parsed
		return Change{}, fmt.Errorf("plan %q: compact patch: %w", a.id, err)
	}
	return a.decide(ChangePatched, next, compact.Bytes())
}

// Delete decides to delete the plan.
func (a *Aggregate) Delete() (Change, error) {
	if err := a.mustExist(); err != nil {
		return Change{}, err
	}
	return a.decide(ChangeDeleted, nil, nil)
}

// Apply moves the aggregate to the state after c: version = c.Version, the plan =
// c.After (none when After is nil or null, which marks a delete). It is a pure
// transition and checks no rules; they were checked when c was decided.
//
// A change decided by this package carries its typed plan, so applying it costs no
// decoding (its After is trusted to be unmodified). A change rebuilt elsewhere, e.g.
// from a stored event, is read from After; if that fails the aggregate refuses every
// later decision with ErrCorruptState rather than decide on unknown state.
func (a *Aggregate) Apply(c Change) {
	a.version = c.Version
	if isAbsent(c.After) {
		a.current, a.json, a.deleted = nil, nil, true
		return
	}
	next, canonical := c.after, bytes.Clone(c.After)
	if next == nil {
		var err error
		if next, canonical, err = readStored(c.After); err != nil {
			a.current, a.json = nil, nil
			a.fault = a.corrupt(fmt.Errorf("apply %s: %w", c.Type, err))
			return
		}
	}
	a.current, a.json, a.deleted = next, canonical, false
}

func (a *Aggregate) mustBeNew() error {
	if a.fault != nil {
		return a.fault
	}
	if a.Exists() {
		return fmt.Errorf("plan %q: %w", a.id, ErrAlreadyExists)
	}
	return nil
}

func (a *Aggregate) mustExist() error {
	if a.fault != nil {
		return a.fault
	}
	if !a.Exists() {
		return fmt.Errorf("plan %q: %w", a.id, ErrNotFound)
	}
	return nil
}

// check validates a document handed in as a Go value. Its problems and those of its
// objectId (see accept) are reported together, as one error.
func (a *Aggregate) check(doc *Plan) (Checked, error) {
	if doc == nil {
		return Checked{}, invalid("", "a plan document is required")
	}
	var ps problems
	if err := validateValues(doc, &ps); err != nil {
		return Checked{}, err
	}
	requireID(doc, a.id, a.idMessage(), &ps)
	if err := ps.err(); err != nil {
		return Checked{}, err
	}
	return Checked{p: doc}, nil
}

// accept takes a private, normalized copy of a checked document whose objectId is the
// plan's id.
func (a *Aggregate) accept(doc Checked) (*Plan, error) {
	if doc.p == nil {
		return nil, invalid("", "a plan document is required")
	}
	if doc.p.ObjectID != a.id {
		return nil, invalid("objectId", a.idMessage())
	}
	next := doc.p.Clone()
	next.normalize()
	return next, nil
}

func (a *Aggregate) idMessage() string {
	return fmt.Sprintf("must be %q, the id of the plan being written", a.id)
}

// requireID reports a plan whose objectId is not id, unless objectId has a problem
// already.
func requireID(p *Plan, id, message string, ps *problems) {
	if p.ObjectID != id && !ps.covers("objectId") {
		ps.add("objectId", message)
	}
}

// decide builds the change from the current state to next (nil: deleted).
func (a *Aggregate) decide(changeType string, next *Plan, patch []byte) (Change, error) {
	after, err := canonicalJSON(next)
	if err != nil {
		return Change{}, fmt.Errorf("plan %q: %s: %w", a.id, changeType, err)
	}
	added, removed := diffObjectIDs(a.current, next)
	return Change{
		Type:             changeType,
		Version:          a.version + 1,
		Before:           bytes.Clone(a.json),
		After:            after,
		Patch:            patch,
		ObjectIDsAdded:   added,
		ObjectIDsRemoved: removed,
		after:            next,
	}, nil
}

// isAbsent reports whether a stored document means "no plan": empty or JSON null, as a
// RawMessage round-tripped through JSON may come back.
func isAbsent(document []byte) bool {
	d := bytes.TrimSpace(document)
	return len(d) == 0 || bytes.Equal(d, []byte("null"))
}
