package difftest

import (
	"context"
	"fmt"
)

// maxQueryTrials bounds the searches one shrink of a query may send.
const maxQueryTrials = 400

// queryTypes name the clauses the shrinker may hoist: a clause may be replaced by a
// clause nested in it.
var queryTypes = map[string]bool{
	"match_all": true, "match": true, "term": true, "terms": true, "ids": true, "range": true,
	"exists": true, "bool": true, "has_child": true, "has_parent": true, "parent_id": true,
}

// shrink makes a divergent case smaller while the same kind of divergence persists:
// first the search (on the world as it is), then the world (fewer plans, then fewer
// writes; each trial builds both indices again, up to cfg.ShrinkTrials), then the
// search once more.
func (e *Engines) shrink(ctx context.Context, ws *worldState, world World, c Case, cfg Config) (Case, error) {
	kind := c.Diff.Kind
	best, err := shrinkQuery(ctx, ws, c, kind)
	if err != nil {
		return c, err
	}
	query := mustParse(best.Query)
	trials := 0
	try := func(candidate World) (Case, bool, error) {
		trials++
		name := fmt.Sprintf("%s-%d-%d-s%d", e.Prefix, c.Seed, c.World, trials)
		small, err := e.build(ctx, name, candidate, cfg)
		if err != nil {
			return Case{}, false, err
		}
		defer small.close(ctx)
		got, refused, err := small.run(ctx, query, c.Orgs)
		if err != nil || refused || got.Diff == nil || got.Diff.Kind != kind {
			return Case{}, false, err
		}
		return got, true, nil
	}
	// Whole plans first (all the writes of one plan), then single writes; in chunks
	// that halve, so a large world loses most of its plans in a few trials.
	for _, byPlan := range []bool{true, false} {
		base, units := world, unitsOf(world, byPlan)
		var removed []string
		for chunk := max(len(units)/2, 1); chunk >= 1 && trials < cfg.ShrinkTrials; chunk /= 2 {
			for i := 0; i < len(units) && trials < cfg.ShrinkTrials; {
				chunkUnits := units[i:min(i+chunk, len(units))]
				candidate := withoutUnits(base, append(append([]string{}, removed...), chunkUnits...))
				got, ok, err := try(candidate)
				if err != nil {
					return best, err
				}
				if !ok {
					i += chunk
					continue
				}
				world, best = candidate, got
				removed = append(removed, chunkUnits...)
				units = append(units[:i:i], units[min(i+chunk, len(units)):]...)
			}
		}
	}
	best.Ops = world.Ops
	if trials > 0 {
		// The query may shrink further on the smaller world.
		final, err := e.build(ctx, fmt.Sprintf("%s-%d-%d-final", e.Prefix, c.Seed, c.World), world, cfg)
		if err != nil {
			return best, err
		}
		defer final.close(ctx)
		if got, refused, err := final.run(ctx, query, c.Orgs); err == nil && !refused && got.Diff != nil && got.Diff.Kind == kind {
			best = got
			if smaller, err := shrinkQuery(ctx, final, best, kind); err == nil {
				best = smaller
			}
		}
	}
	best.Seed, best.World, best.Index, best.Ops = c.Seed, c.World, c.Index, world.Ops
	return best, nil
}

// unitsOf lists what the world shrink removes: plan ids, or op positions.
func unitsOf(w World, byPlan bool) []string {
	var units []string
	seen := map[string]bool{}
	for i, op := range w.Ops {
		u := fmt.Sprint(i)
		if byPlan {
			u = "plan:" + op.Plan
		}
		if !seen[u] {
			seen[u] = true
			units = append(units, u)
		}
	}
	return units
}

// withoutUnits removes the ops of the given units, as unitsOf named them in w.
func withoutUnits(w World, units []string) World {
	drop := map[string]bool{}
	for _, u := range units {
		drop[u] = true
	}
	var out World
	for i, op := range w.Ops {
		if drop["plan:"+op.Plan] || drop[fmt.Sprint(i)] {
			continue
		}
		out.Ops = append(out.Ops, op)
	}
	return out
}

// shrinkQuery removes members, array elements and nesting from the search while the
// divergence persists.
func shrinkQuery(ctx context.Context, ws *worldState, c Case, kind string) (Case, error) {
	best := c
	current := mustParse(c.Query)
	for trials := 0; trials < maxQueryTrials; {
		improved := false
		for _, candidate := range smaller(current) {
			trials++
			got, refused, err := ws.run(ctx, candidate, c.Orgs)
			if err != nil {
				return best, err
			}
			if refused || got.Diff == nil || got.Diff.Kind != kind {
				if trials >= maxQueryTrials {
					break
				}
				continue
			}
			current, best, improved = candidate, got, true
			break
		}
		if !improved {
			break
		}
	}
	return best, nil
}

func mustParse(raw []byte) Obj {
	v, err := parseOrdered(raw)
	if err != nil {
		panic(fmt.Sprintf("difftest: re-reading a search the tester wrote: %v", err))
	}
	return v.(Obj)
}

// smaller lists the one-step reductions of a tree, the biggest first: hoisting a
// nested clause over its parent, then dropping a member or an array element.
func smaller(root Obj) []Obj {
	var hoists, drops []Obj
	var walk func(v any, replace func(any) Obj)
	walk = func(v any, replace func(any) Obj) {
		switch x := v.(type) {
		case Obj:
			if len(x) == 1 && queryTypes[x[0].Key] {
				for _, inner := range nestedClauses(x[0].Value) {
					hoists = append(hoists, replace(inner))
				}
			}
			for i := range x {
				drops = append(drops, replace(append(append(Obj{}, x[:i]...), x[i+1:]...)))
				i := i
				walk(x[i].Value, func(nv any) Obj {
					y := append(Obj{}, x...)
					y[i] = Member{y[i].Key, nv}
					return replace(y)
				})
			}
		case []any:
			for i := range x {
				drops = append(drops, replace(append(append([]any{}, x[:i]...), x[i+1:]...)))
				i := i
				walk(x[i], func(nv any) Obj {
					y := append([]any{}, x...)
					y[i] = nv
					return replace(y)
				})
			}
		}
	}
	walk(root, func(v any) Obj {
		o, _ := clone(v).(Obj)
		return o
	})
	return append(hoists, drops...)
}

// nestedClauses are the clauses directly inside a clause's body: a bool's clauses, a
// join's query.
func nestedClauses(body any) []any {
	o, ok := body.(Obj)
	if !ok {
		return nil
	}
	var out []any
	for _, m := range o {
		switch v := m.Value.(type) {
		case Obj:
			if len(v) == 1 && queryTypes[v[0].Key] {
				out = append(out, v)
			}
		case []any:
			for _, e := range v {
				if q, ok := e.(Obj); ok && len(q) == 1 && queryTypes[q[0].Key] {
					out = append(out, q)
				}
			}
		}
	}
	return out
}
