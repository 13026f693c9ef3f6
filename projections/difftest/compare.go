package difftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
)

// Mismatch kinds, from the coarsest: the first one found names a case's divergence.
const (
	KindStatus    = "status"
	KindErrorType = "error-type"
	KindTimedOut  = "timed-out"
	KindTotal     = "total"
	KindCount     = "hit-count"
	KindIDs       = "ids"
	KindOrder     = "order"
	KindScore     = "score"
	KindMaxScore  = "max-score"
	KindSort      = "sort-values"
	KindSource    = "source"
	KindRouting   = "routing"
	KindIndex     = "index"
	KindFields    = "hit-fields"
	KindBody      = "body"
)

// ScoreTolerance is how far apart two scores may be: Elasticsearch computes them in
// 32-bit floats, the engine in 64-bit ones.
const ScoreTolerance = 1e-5

// Diff is the first difference between two answers.
type Diff struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// compareOptions say what a comparison leaves out.
type compareOptions struct {
	known  Known
	scores bool // compare scores (off when Elasticsearch may hold deleted documents)
	// docSorts are the positions of _doc among the sort keys: its sort value is the
	// document's number inside its Lucene segment (or the engine's store), which says
	// nothing a client can use and differs with segment layout, so only the order it
	// gives is compared.
	docSorts map[int]bool
}

// docSortPositions finds the _doc keys of a search's sort.
func docSortPositions(search Obj) map[int]bool {
	v, ok := search.Get("sort")
	if !ok {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	out := map[int]bool{}
	for i, k := range list {
		name, _ := k.(string)
		if o, ok := k.(Obj); ok && len(o) == 1 {
			name = o[0].Key
		}
		if name == "_doc" {
			out[i] = true
		}
	}
	return out
}

// compare returns the first difference between the embedded engine's answer and
// Elasticsearch's, nil when they agree.
func compare(engine, es answer, opt compareOptions) *Diff {
	e, errE := decode(engine.Body)
	r, errR := decode(es.Body)
	if engine.Status != es.Status {
		if opt.known.Has(KnownRewriteToNone) && engine.Status == 400 && es.Status == 200 && slices.Contains(errorTypes(e), "query_shard_exception") {
			return nil
		}
		return &Diff{KindStatus, fmt.Sprintf("engine %d, elasticsearch %d", engine.Status, es.Status)}
	}
	if errE != nil || errR != nil {
		if !bytes.Equal(engine.Body, es.Body) {
			return &Diff{KindBody, "an answer is not a JSON object"}
		}
		return nil
	}
	if engine.Status != 200 {
		te, tr := errorTypes(e), errorTypes(r)
		if opt.known.Has(KnownNestedParseError) && tr[0] == "x_content_parse_exception" {
			return nil
		}
		if opt.known.Has(KnownRewriteToNone) && len(te) > 1 && len(tr) > 1 && te[1] == "query_shard_exception" && tr[1] != te[1] {
			// The query Elasticsearch rewrote to match_none was never built, so the
			// error it reports is the sort's (or another part's).
			return nil
		}
		if !slices.Equal(te, tr) {
			return &Diff{KindErrorType, fmt.Sprintf("engine %v, elasticsearch %v", te, tr)}
		}
		return nil
	}
	if !reflect.DeepEqual(e["timed_out"], r["timed_out"]) {
		return &Diff{KindTimedOut, fmt.Sprintf("engine %v, elasticsearch %v", e["timed_out"], r["timed_out"])}
	}
	he, _ := e["hits"].(map[string]any)
	hr, _ := r["hits"].(map[string]any)
	tolerated := opt.known.Has(KnownRewriteToNone) && noneGTE(he["total"], hr["total"])
	if !tolerated && !reflect.DeepEqual(he["total"], hr["total"]) {
		return &Diff{KindTotal, fmt.Sprintf("engine %v, elasticsearch %v", show(he["total"]), show(hr["total"]))}
	}
	le, _ := he["hits"].([]any)
	lr, _ := hr["hits"].([]any)
	ide, idr := hitIDs(le), hitIDs(lr)
	if len(ide) != len(idr) {
		return &Diff{KindCount, fmt.Sprintf("engine %d hits %v, elasticsearch %d hits %v", len(ide), ide, len(idr), idr)}
	}
	if !sameSet(ide, idr) {
		return &Diff{KindIDs, fmt.Sprintf("engine %v, elasticsearch %v", ide, idr)}
	}
	if !slices.Equal(ide, idr) {
		return &Diff{KindOrder, fmt.Sprintf("engine %v, elasticsearch %v", ide, idr)}
	}
	if opt.scores {
		if !sameScore(he["max_score"], hr["max_score"]) {
			return &Diff{KindMaxScore, fmt.Sprintf("engine %v, elasticsearch %v", show(he["max_score"]), show(hr["max_score"]))}
		}
	}
	for i := range le {
		if d := compareHit(le[i].(map[string]any), lr[i].(map[string]any), opt); d != nil {
			d.Detail = fmt.Sprintf("hit %d (%s): %s", i, ide[i], d.Detail)
			return d
		}
	}
	return nil
}

// ignoredHitKeys are hit keys a tolerated class explains.
func ignoredHitKeys(k Known) map[string]bool {
	if k.Has(KnownHitFields) {
		return map[string]bool{"_type": true, "_ignored": true, "matched_queries": true}
	}
	return nil
}

func compareHit(e, r map[string]any, opt compareOptions) *Diff {
	ignored := ignoredHitKeys(opt.known)
	if !reflect.DeepEqual(e["_index"], r["_index"]) {
		return &Diff{KindIndex, fmt.Sprintf("engine %v, elasticsearch %v", e["_index"], r["_index"])}
	}
	if !reflect.DeepEqual(e["_routing"], r["_routing"]) {
		return &Diff{KindRouting, fmt.Sprintf("engine %v, elasticsearch %v", e["_routing"], r["_routing"])}
	}
	if !reflect.DeepEqual(e["_source"], r["_source"]) {
		return &Diff{KindSource, fmt.Sprintf("engine %s, elasticsearch %s", show(e["_source"]), show(r["_source"]))}
	}
	if !sameValues(e["sort"], r["sort"], opt.docSorts) {
		return &Diff{KindSort, fmt.Sprintf("engine %s, elasticsearch %s", show(e["sort"]), show(r["sort"]))}
	}
	if opt.scores && !sameScore(e["_score"], r["_score"]) {
		return &Diff{KindScore, fmt.Sprintf("engine %v, elasticsearch %v", show(e["_score"]), show(r["_score"]))}
	}
	if (e["_score"] == nil) != (r["_score"] == nil) {
		return &Diff{KindScore, fmt.Sprintf("engine %v, elasticsearch %v", show(e["_score"]), show(r["_score"]))}
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			if !ignored[k] {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	if ke, kr := keys(e), keys(r); !slices.Equal(ke, kr) {
		return &Diff{KindFields, fmt.Sprintf("engine %v, elasticsearch %v", ke, kr)}
	}
	for k, v := range e {
		switch k {
		case "_index", "_routing", "_source", "sort", "_score", "_id":
			continue
		}
		if !ignored[k] && !reflect.DeepEqual(v, r[k]) {
			return &Diff{KindFields, fmt.Sprintf("%s: engine %s, elasticsearch %s", k, show(v), show(r[k]))}
		}
	}
	return nil
}

func decode(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// errorTypes is an error's type and its first root cause's type; reasons differ in
// wording and are not compared.
func errorTypes(m map[string]any) []string {
	e, _ := m["error"].(map[string]any)
	out := []string{fmt.Sprint(e["type"])}
	if roots, _ := e["root_cause"].([]any); len(roots) > 0 {
		root, _ := roots[0].(map[string]any)
		out = append(out, fmt.Sprint(root["type"]))
	}
	return out
}

func hitIDs(hits []any) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		m, _ := h.(map[string]any)
		ids[i] = fmt.Sprint(m["_id"])
	}
	return ids
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func sameScore(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	fa, okA := asFloat(a)
	fb, okB := asFloat(b)
	if !okA || !okB {
		return reflect.DeepEqual(a, b)
	}
	return math.Abs(fa-fb) <= ScoreTolerance*math.Max(1, math.Abs(fb))
}

// sameValues compares sort values: numbers by value (Elasticsearch writes 5.0 where
// the engine may write 5), the rest exactly.
func sameValues(a, b any, skip map[int]bool) bool {
	la, okA := a.([]any)
	lb, okB := b.([]any)
	if !okA || !okB {
		return reflect.DeepEqual(a, b)
	}
	if len(la) != len(lb) {
		return false
	}
	for i := range la {
		if skip[i] {
			continue
		}
		fa, numA := asFloat(la[i])
		fb, numB := asFloat(lb[i])
		if numA && numB {
			if fa != fb && !(math.IsNaN(fa) && math.IsNaN(fb)) && !sameScore(la[i], lb[i]) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(la[i], lb[i]) {
			return false
		}
	}
	return true
}

func asFloat(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func show(v any) string {
	b, err := marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// noneGTE: a query Elasticsearch rewrites to match_none, under track_total_hits: 0,
// answers a total of 0 "gte" where the engine, which counted, answers 0 "eq"
// (KnownRewriteToNone).
func noneGTE(engine, es any) bool {
	e, _ := engine.(map[string]any)
	r, _ := es.(map[string]any)
	return fmt.Sprint(e["value"]) == "0" && fmt.Sprint(r["value"]) == "0" && e["relation"] == "eq" && r["relation"] == "gte"
}
