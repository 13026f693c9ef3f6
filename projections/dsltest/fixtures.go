package dsltest

import (
	"encoding/json"
	"fmt"
)

// The fixtures are a handful of plan-like families of documents for IndexBody: a plan, its
// planCostShare (a membercostshare) and linked plan services, each with a service and a
// planserviceCostShare. Copays, deductibles, names and organisations vary so that every
// case has a non-trivial answer. Ids are readable (p1, p1-pcs, p1-ps2-cs...) so an
// expected id list reads as a description of the data.

type serviceFixture struct {
	name       string
	copay      float64
	deductible float64
}

type planFixture struct {
	id         string
	org        string
	planType   string
	copay      float64 // of the planCostShare
	deductible float64
	services   []serviceFixture
}

var plans = []planFixture{
	{id: "p1", org: "example.com", planType: "inNetwork", copay: 23, deductible: 2000, services: []serviceFixture{
		{name: "Yearly physical", copay: 0, deductible: 10},
		{name: "well baby", copay: 175, deductible: 10},
	}},
	{id: "p2", org: "example.com", planType: "outNetwork", copay: 0, deductible: 500, services: []serviceFixture{
		{name: "Dental cleaning", copay: 50, deductible: 0},
		{name: "Eye exam", copay: 20, deductible: 5},
	}},
	{id: "p3", org: "acme.org", planType: "inNetwork", copay: 5, deductible: 1000, services: []serviceFixture{
		{name: "Physical therapy", copay: 120, deductible: 100},
		{name: "Yearly checkup", copay: 0, deductible: 0},
	}},
	{id: "p4", org: "acme.org", planType: "outNetwork", copay: 0, deductible: 0, services: []serviceFixture{
		{name: "Well woman visit", copay: 10, deductible: 10},
	}},
	{id: "p5", org: "other.net", planType: "inNetwork", copay: 1, deductible: 250},
}

// fixtureDoc is one document to index, routed by its plan's id as the read model does.
type fixtureDoc struct {
	id      string
	routing string
	source  map[string]any
}

func join(relation, parent string) map[string]any {
	return map[string]any{"name": relation, "parent": parent}
}

// fixtureDocs flattens the plans into join-field documents.
func fixtureDocs() []fixtureDoc {
	var docs []fixtureDoc
	for _, p := range plans {
		docs = append(docs, fixtureDoc{id: p.id, routing: p.id, source: map[string]any{
			"objectId": p.id, "objectType": "plan", "_org": p.org, "planType": p.planType,
			"creationDate": "12-12-2017", joinField: relationPlan,
		}})
		docs = append(docs, fixtureDoc{id: p.id + "-pcs", routing: p.id, source: map[string]any{
			"objectId": p.id + "-pcs", "objectType": "membercostshare", "_org": p.org,
			"copay": p.copay, "deductible": p.deductible,
			joinField: join(relationPlanCostShare, p.id),
		}})
		for i, s := range p.services {
			ps := fmt.Sprintf("%s-ps%d", p.id, i+1)
			docs = append(docs,
				fixtureDoc{id: ps, routing: p.id, source: map[string]any{
					"objectId": ps, "objectType": "planservice", "_org": p.org,
					joinField: join(relationLinkedPlanService, p.id),
				}},
				fixtureDoc{id: ps + "-svc", routing: p.id, source: map[string]any{
					"objectId": ps + "-svc", "objectType": "service", "_org": p.org, "name": s.name,
					joinField: join(relationLinkedService, ps),
				}},
				fixtureDoc{id: ps + "-cs", routing: p.id, source: map[string]any{
					"objectId": ps + "-cs", "objectType": "membercostshare", "_org": p.org,
					"copay": s.copay, "deductible": s.deductible,
					joinField: join(relationPlanserviceCostShare, ps),
				}},
			)
		}
	}
	return docs
}

// bulkBody renders docs as a _bulk NDJSON body.
func bulkBody(docs []fixtureDoc) ([]byte, error) {
	var out []byte
	for _, d := range docs {
		action, err := json.Marshal(map[string]any{"index": map[string]any{"_id": d.id, "routing": d.routing}})
		if err != nil {
			return nil, fmt.Errorf("encoding bulk action for %s: %w", d.id, err)
		}
		source, err := json.Marshal(d.source)
		if err != nil {
			return nil, fmt.Errorf("encoding source of %s: %w", d.id, err)
		}
		out = append(append(append(append(out, action...), '\n'), source...), '\n')
	}
	return out, nil
}
