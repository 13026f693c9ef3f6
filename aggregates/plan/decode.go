package plan

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Decode strictly decodes and validates a plan document (a POST or PUT body, or the
// result of a merge patch). Bad input yields a *ValidationError listing every problem
// with its path; the returned plan is then nil.
func Decode(body []byte) (*Plan, error) {
	tree, err := parseStrict(body)
	if err != nil {
		return nil, err
	}
	return decodeTree(tree)
}

// decodeTree turns a parsed document into a validated Plan: first the shape (types,
// presence, unknown fields), then the value rules on the typed plan, skipping values
// whose shape was already wrong so each mistake is reported once.
func decodeTree(tree any) (*Plan, error) {
	var ps problems
	p := decodeShape(tree, &ps)
	if err := validateValues(p, &ps); err != nil {
		return nil, err
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// decodeShape maps the tree onto a Plan, reporting missing or null required members,
// members of the wrong JSON type and unknown members. It always returns a Plan (zero
// where the input was wrong) so the value rules can still run on the rest.
func decodeShape(tree any, ps *problems) *Plan {
	root, ok := tree.(map[string]any)
	if !ok {
		ps.add("", fmt.Sprintf("the document must be a JSON object, not %s", describe(tree)))
		return &Plan{}
	}
	r := objectReader{path: "", obj: root, ps: ps, fields: planFields}
	p := &Plan{PlanType: r.str("planType"), CreationDate: r.str("creationDate")}
	p.ObjectID, p.ObjectType, p.Org = r.identity()
	if obj, path, ok := r.object("planCostShares"); ok {
		p.PlanCostShares = decodeCostShare(obj, path, ps)
	}
	p.LinkedPlanServices = []PlanService{}
	if arr, path, ok := r.array("linkedPlanServices"); ok {
		// Decode at most one element past the limit: the limit is reported once by the
		// value rules, and a huge array cannot cost a huge decode.
		n := min(len(arr), MaxLinkedPlanServices+1)
		p.LinkedPlanServices = make([]PlanService, n)
		for i := range n {
			el := indexPath(path, i)
			obj, isObject := arr[i].(map[string]any)
			if !isObject {
				ps.add(el, "must be an object, not "+describe(arr[i]))
				continue
			}
			p.LinkedPlanServices[i] = decodePlanService(obj, el, ps)
		}
	}
	r.rejectUnknown()
	return p
}

func decodeCostShare(obj map[string]any, path string, ps *problems) MemberCostShare {
	r := objectReader{path: path, obj: obj, ps: ps, fields: costShareFields}
	m := MemberCostShare{Deductible: r.number("deductible"), Copay: r.number("copay")}
	m.ObjectID, m.ObjectType, m.Org = r.identity()
	r.rejectUnknown()
	return m
}

func decodePlanService(obj map[string]any, path string, ps *problems) PlanService {
	r := objectReader{path: path, obj: obj, ps: ps, fields: planServiceFields}
	var s PlanService
	s.ObjectID, s.ObjectType, s.Org = r.identity()
	if o, p, ok := r.object("linkedService"); ok {
		s.LinkedService = decodeService(o, p, ps)
	}
	if o, p, ok := r.object("planserviceCostShares"); ok {
		s.PlanserviceCostShares = decodeCostShare(o, p, ps)
	}
	r.rejectUnknown()
	return s
}

func decodeService(obj map[string]any, path string, ps *problems) Service {
	r := objectReader{path: path, obj: obj, ps: ps, fields: serviceFields}
	s := Service{Name: r.str("name")}
	s.ObjectID, s.ObjectType, s.Org = r.identity()
	r.rejectUnknown()
	return s
}

// objectReader reads the members of one JSON object. Paths are only built when a
// problem or a nested object needs one: valid documents are the common case.
type objectReader struct {
	path   string
	obj    map[string]any
	ps     *problems
	fields []string // the members this object may have
	seen   int      // how many members were read and present
}

// at is the path of a member.
func (r *objectReader) at(name string) string { return fieldPath(r.path, name) }

// member returns a required, non-null member, or reports why it cannot.
func (r *objectReader) member(name string) (any, bool) {
	v, present := r.obj[name]
	switch {
	case !present:
		r.ps.add(r.at(name), "is required")
		return nil, false
	case v == nil:
		r.seen++
		r.ps.add(r.at(name), "is required and must not be null")
		return nil, false
	}
	r.seen++
	return v, true
}

func (r *objectReader) str(name string) string {
	v, ok := r.member(name)
	if !ok {
		return ""
	}
	s, isString := v.(string)
	if !isString {
		r.ps.add(r.at(name), "must be a string, not "+describe(v))
	}
	return s
}

// identity reads the members every object of a plan carries.
func (r *objectReader) identity() (objectID, objectType, org string) {
	return r.str("objectId"), r.str("objectType"), r.str("_org")
}

// number reads a JSON number as float64. A literal too large for float64 (1e999) is
// reported here rather than silently becoming infinity; -0 becomes 0 so that the
// canonical encoding never carries a sign on zero.
func (r *objectReader) number(name string) float64 {
	v, ok := r.member(name)
	if !ok {
		return 0
	}
	n, isNumber := v.(json.Number)
	if !isNumber {
		r.ps.add(r.at(name), "must be a number, not "+describe(v))
		return 0
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		r.ps.add(r.at(name), "must be a finite number no larger than "+formatLimit(MaxMoney))
		return 0
	}
	if f == 0 {
		return 0
	}
	return f
}

// object returns a required object member and its path, the base of its own members.
func (r *objectReader) object(name string) (map[string]any, string, bool) {
	v, ok := r.member(name)
	if !ok {
		return nil, "", false
	}
	obj, isObject := v.(map[string]any)
	if !isObject {
		r.ps.add(r.at(name), "must be an object, not "+describe(v))
		return nil, "", false
	}
	return obj, r.at(name), true
}

// array returns a required array member and its path.
func (r *objectReader) array(name string) ([]any, string, bool) {
	v, ok := r.member(name)
	if !ok {
		return nil, "", false
	}
	arr, isArray := v.([]any)
	if !isArray {
		r.ps.add(r.at(name), "must be an array, not "+describe(v))
		return nil, "", false
	}
	return arr, r.at(name), true
}

// rejectUnknown reports every member that is not part of the schema, by name.
func (r *objectReader) rejectUnknown() {
	if len(r.obj) == r.seen {
		return // nothing unknown: the common case costs no search
	}
	for name := range r.obj {
		if !slices.Contains(r.fields, name) {
			r.ps.add(fieldPath(r.path, name), fmt.Sprintf("unknown field %q", name))
		}
	}
}

// formatLimit writes a limit without an exponent, as people write money.
func formatLimit(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
