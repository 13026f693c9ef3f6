package difftest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/tenancy"
)

// DefaultOrg is the organisation whose plans keep bare objectIds in the read model (the
// server's --default-org); every other organisation's documents have namespaced ids.
const DefaultOrg = "example.com"

// Op is one write of a plan as a client sends it to the command API.
type Op struct {
	Kind string          `json:"op"` // create, replace, patch, delete
	Plan string          `json:"plan"`
	Body json.RawMessage `json:"body,omitempty"`
}

// World is the write history both engines are given.
type World struct {
	Ops []Op `json:"ops"`
}

// genWorld writes plans plans, then rounds of random patches, replaces, deletes and
// re-creates.
func (g *gen) genWorld(plans, changes int) World {
	var w World
	live := map[string]Obj{}
	var ids []string
	for i := 0; i < plans; i++ {
		id := g.newID()
		p := g.plan(id)
		g.seenPlans = append(g.seenPlans, id)
		g.seenIDs = append(g.seenIDs, id)
		ids = append(ids, id)
		live[id] = p
		w.Ops = append(w.Ops, Op{"create", id, mustJSON(p)})
	}
	for i := 0; i < changes && len(ids) > 0; i++ {
		id := ids[g.r.IntN(len(ids))]
		cur, exists := live[id]
		switch k := g.r.IntN(10); {
		case !exists:
			p := g.plan(id)
			live[id] = p
			w.Ops = append(w.Ops, Op{"create", id, mustJSON(p)})
		case k < 6:
			p := g.patch(cur)
			w.Ops = append(w.Ops, Op{"patch", id, mustJSON(p)})
			if next, err := mergedState(cur, p); err == nil {
				live[id] = next
			}
		case k < 8:
			p := g.plan(id)
			live[id] = p
			w.Ops = append(w.Ops, Op{"replace", id, mustJSON(p)})
		default:
			delete(live, id)
			w.Ops = append(w.Ops, Op{"delete", id, nil})
		}
	}
	return w
}

// mergedState applies a patch the way the aggregate does, to know the plan's services.
func mergedState(cur, patch Obj) (Obj, error) {
	a, err := plan.Rehydrate(idOf(cur), 1, mustJSON(cur), false)
	if err != nil {
		return nil, err
	}
	c, err := a.Patch(mustJSON(patch))
	if err != nil {
		return nil, err
	}
	v, err := parseOrdered(c.After)
	if err != nil {
		return nil, err
	}
	return v.(Obj), nil
}

func idOf(o Obj) string {
	v, _ := o.Get("objectId")
	s, _ := v.(string)
	return s
}

// Events replays the ops through plan aggregates, as the command API would, and
// returns the events they commit. An op the aggregate refuses (a patch of a plan that
// a shrunk history no longer creates, say) is left out, as the API would refuse it.
func (w World) Events() ([]events.Envelope, error) {
	aggs := map[string]*plan.Aggregate{}
	planOrgs := map[string]string{} // a plan's organisation, fixed by its first write
	var out []events.Envelope
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, op := range w.Ops {
		a := aggs[op.Plan]
		if a == nil {
			a = plan.New(op.Plan)
			aggs[op.Plan] = a
		}
		var c plan.Change
		var err error
		switch op.Kind {
		case "create", "replace":
			var doc *plan.Plan
			doc, err = plan.Decode(op.Body)
			if err != nil {
				return nil, fmt.Errorf("difftest: op %d: %w", i, err)
			}
			if op.Kind == "create" {
				c, err = a.Create(doc)
			} else {
				c, err = a.Replace(doc)
			}
		case "patch":
			c, err = a.Patch(op.Body)
		case "delete":
			c, err = a.Delete()
		default:
			return nil, fmt.Errorf("difftest: op %d: unknown kind %q", i, op.Kind)
		}
		if err != nil {
			continue
		}
		// The command API refuses a plan that moves to another organisation or whose
		// objects carry another organisation than the plan's (tenancy.CheckPlan).
		org := planOrgs[op.Plan]
		if c.After != nil {
			if err := tenancy.CheckPlan(tenancy.Operator(DefaultOrg), org, c.After); err != nil {
				continue
			}
			if org == "" {
				org, _ = tenancy.OrgOf(c.After)
				planOrgs[op.Plan] = org
			}
		}
		a.Apply(c)
		out = append(out, events.Envelope{
			ID: fmt.Sprintf("difftest-%d", i), Type: events.Type(c.Type), SchemaVersion: events.CurrentSchemaVersion,
			AggregateType: events.AggregateTypePlan, AggregateID: tenancy.Key(DefaultOrg, org, op.Plan), Version: c.Version,
			OccurredAt: at.Add(time.Duration(i) * time.Second), Actor: "difftest",
			Data: events.Data{Before: c.Before, After: c.After, Patch: c.Patch},
		})
	}
	return out, nil
}

// Rewrites reports whether the history changes or deletes a document once written,
// which leaves deleted documents in Elasticsearch's segments until a merge.
func (w World) Rewrites() bool {
	for _, op := range w.Ops {
		if op.Kind != "create" {
			return true
		}
	}
	return false
}
