package projections

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/planstore/planstore/internal/jsonscan"
)

// documentsFast is Documents for the plans the write side produces: it walks the plan's
// JSON once (validating it as strictly as encoding/json), keeps every value as a slice
// of the input instead of decoding the plan into maps at every level, and writes all the
// sources into one buffer. It returns ok=false for whatever it does not handle (escaped
// or duplicate keys, objectIds that need decoding, any error), and Documents then takes
// the encoding/json path, which is the one that words the errors. The output of both
// paths is identical (documents_fast_test.go checks it on arbitrary input).
func documentsFast(plan []byte) ([]Doc, bool) {
	w := planWalker{sc: jsonscan.New(plan)}
	var rootBuf [16]member
	root, ok := object(&w.sc, rootBuf[:0])
	if !ok || !w.sc.AtEnd() {
		return nil, false
	}
	w.buf = make([]byte, 0, len(plan)+len(plan)/2)
	w.docs = make([]Doc, 0, 8)
	w.bounds = make([]int, 0, 8)
	w.ids = make([]string, 0, 8)
	w.service, w.childObj, w.keys = make(members, 0, 16), make(members, 0, 16), make(members, 0, 16)
	planID, ok := w.add(root, RelationPlan, "")
	if !ok {
		return nil, false
	}
	if v, present := root.get(plan, "planCostShares"); present && !w.child(v, RelationPlanCostShare, planID) {
		return nil, false
	}
	services, present := root.get(plan, "linkedPlanServices")
	if !present {
		return w.finish(), true
	}
	sc := jsonscan.At(plan, services.start)
	if !sc.Eat('[') {
		return nil, false
	}
	if sc.Eat(']') {
		return w.finish(), true
	}
	for {
		start := sc.Pos()
		if !sc.Skip(maxScanDepth) || !w.planService(member{start: start, end: sc.Pos()}, planID) {
			return nil, false
		}
		if sc.Eat(']') {
			return w.finish(), true
		}
		if !sc.Eat(',') {
			return nil, false
		}
	}
}

type planWalker struct {
	sc     jsonscan.Scanner[[]byte]
	buf    []byte // every source, back to back
	docs   []Doc
	bounds []int // end of each document's source in buf
	ids    []string
	// Scratch reused from object to object: the members of the current plan service
	// and of its current child, and the keys of the source being written.
	service, childObj, keys members
}

func (w *planWalker) planService(v member, planID string) bool {
	obj, ok := w.objectAt(v, w.service[:0])
	if !ok {
		return false
	}
	w.service = obj
	serviceID, ok := w.add(obj, RelationLinkedPlanService, planID)
	if !ok {
		return false
	}
	if c, present := obj.get(w.sc.Src(), "linkedService"); present && !w.child(c, RelationLinkedService, serviceID) {
		return false
	}
	if c, present := obj.get(w.sc.Src(), "planserviceCostShares"); present && !w.child(c, RelationPlanserviceCostShare, serviceID) {
		return false
	}
	return true
}

func (w *planWalker) child(v member, relation, parentID string) bool {
	obj, ok := w.objectAt(v, w.childObj[:0])
	if !ok {
		return false
	}
	w.childObj = obj
	_, ok = w.add(obj, relation, parentID)
	return ok
}

// objectAt reads the members of the object value v into dst; false for anything but
// an object.
func (w *planWalker) objectAt(v member, dst members) (members, bool) {
	sc := jsonscan.At(w.sc.Src(), v.start)
	return object(&sc, dst)
}

// add writes the document of one object, as docBuilder.add and source do.
func (w *planWalker) add(obj members, relation, parentID string) (string, bool) {
	b := w.sc.Src()
	raw, ok := obj.get(b, "objectId")
	if !ok || b[raw.start] != '"' || !raw.plain || raw.end-raw.start <= 2 || raw.end-raw.start-2 > MaxIDBytes {
		return "", false
	}
	id := string(b[raw.start+1 : raw.end-1])
	if slices.Contains(w.ids, id) {
		return "", false
	}
	w.ids = append(w.ids, id)
	routing := id
	if parentID != "" {
		routing = w.docs[0].Routing
	}
	keys := obj.scalarsSorted(b, w.keys[:0])
	w.keys = keys
	w.buf = append(w.buf, '{')
	for _, m := range keys {
		w.buf = jsonscan.AppendString(w.buf, b[m.keyStart:m.keyEnd])
		w.buf = append(w.buf, ':')
		w.buf = append(w.buf, b[m.start:m.end]...)
		w.buf = append(w.buf, ',')
	}
	w.buf = jsonscan.AppendString(w.buf, JoinField)
	w.buf = append(w.buf, ':')
	if parentID == "" {
		w.buf = jsonscan.AppendString(w.buf, relation)
	} else {
		w.buf = append(w.buf, `{"name":`...)
		w.buf = jsonscan.AppendString(w.buf, relation)
		w.buf = append(w.buf, `,"parent":`...)
		w.buf = jsonscan.AppendString(w.buf, parentID)
		w.buf = append(w.buf, '}')
	}
	w.buf = append(w.buf, '}')
	w.bounds = append(w.bounds, len(w.buf))
	w.docs = append(w.docs, Doc{ID: id, Routing: routing})
	return id, true
}

// finish points every document at its part of the shared buffer, which is only
// complete (never to move again) once the last source is written. Each part's capacity
// ends where it does, so appending to one Source cannot overwrite the next.
func (w *planWalker) finish() []Doc {
	start := 0
	for i, end := range w.bounds {
		w.docs[i].Source = json.RawMessage(w.buf[start:end:end])
		start = end
	}
	return w.docs
}

// maxScanDepth and maxMembers bound what the fast path follows; larger plans take the
// encoding/json path.
const (
	maxScanDepth = 64
	maxMembers   = 256
)

// object reads an object's members, appended to dst. Escaped and duplicate keys are
// refused: encoding/json decodes the first and keeps the last of the second, and the
// fast path does neither.
func object(sc *jsonscan.Scanner[[]byte], dst members) (members, bool) {
	if !sc.Eat('{') {
		return nil, false
	}
	if sc.Eat('}') {
		return dst, true
	}
	b := sc.Src()
	for {
		k, ok := sc.Str()
		if !ok || !k.Plain || len(dst) == maxMembers || !sc.Eat(':') {
			return nil, false
		}
		for _, m := range dst {
			if string(b[m.keyStart:m.keyEnd]) == string(b[k.Start:k.End]) {
				return nil, false
			}
		}
		m := member{keyStart: k.Start, keyEnd: k.End}
		if sc.Peek() == '"' {
			m.start = sc.Pos()
			v, ok := sc.Str()
			if !ok {
				return nil, false
			}
			m.plain = v.Plain
		} else {
			m.start = sc.Pos()
			if !sc.Skip(maxScanDepth - 1) {
				return nil, false
			}
		}
		m.end = sc.Pos()
		dst = append(dst, m)
		if sc.Eat('}') {
			return dst, true
		}
		if !sc.Eat(',') {
			return nil, false
		}
	}
}

// member is one key and value of an object, as bounds in the input.
type member struct {
	keyStart, keyEnd int // the key's contents, quotes excluded
	start, end       int // the value, as written
	plain            bool
}

type members []member

// get returns the member named key unless it is absent or null, which the read model
// treats alike.
func (ms members) get(b []byte, key string) (member, bool) {
	for _, m := range ms {
		if string(b[m.keyStart:m.keyEnd]) == key {
			return m, string(b[m.start:m.end]) != "null"
		}
	}
	return member{}, false
}

// scalarsSorted returns the members a source keeps, in key order: scalars but the
// join field.
func (ms members) scalarsSorted(b []byte, out members) members {
	for _, m := range ms {
		if c := b[m.start]; c != '{' && c != '[' && string(b[m.keyStart:m.keyEnd]) != JoinField {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(x, y member) int { return bytes.Compare(b[x.keyStart:x.keyEnd], b[y.keyStart:y.keyEnd]) })
	return out
}
