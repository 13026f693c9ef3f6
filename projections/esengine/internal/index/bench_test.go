package index

import (
	"testing"
	"time"

	"github.com/planstore/planstore/projections/esengine/internal/benchplans"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// benchMapping is a join index shaped like the read model's (the engine knows nothing
// of plans: this is only a realistic mix of keywords, numbers, text and a join).
const benchMapping = `{"dynamic":"strict","properties":{
	"objectId":{"type":"keyword"},"objectType":{"type":"keyword"},"_org":{"type":"keyword"},
	"planType":{"type":"keyword"},"creationDate":{"type":"keyword"},
	"copay":{"type":"double"},"deductible":{"type":"double"},
	"name":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}},
	"plan_join":{"type":"join","relations":{"plan":["planCostShare","linkedPlanService"],"linkedPlanService":["linkedService","planserviceCostShare"]}}}}`

type benchDoc struct {
	id, routing string
	source      []byte
}

// benchDocs renders the documents of n plans (benchplans.Each).
func benchDocs(n int) []benchDoc {
	var out []benchDoc
	benchplans.Each(0, n, func(id, routing, source string) {
		out = append(out, benchDoc{id, routing, []byte(source)})
	})
	return out
}

func newBenchIndex(tb testing.TB) *Index {
	raw, err := wire.DecodeJSON([]byte(benchMapping))
	if err != nil {
		tb.Fatal(err)
	}
	m, merr := mapping.ParseMappings(map[string]any{"mappings": raw})
	if merr != nil {
		m, merr = mapping.ParseMappings(raw)
	}
	if merr != nil {
		tb.Fatal(merr)
	}
	return NewIndex("bench", DefaultSettings(time.Hour), m, time.Now)
}

// BenchmarkIndexDoc measures indexing one document into an index, without the REST
// and bulk layers around it; an index holds 10,000 groups (80,000 documents) at most.
func BenchmarkIndexDoc(b *testing.B) {
	docs := benchDocs(10000)
	ix := newBenchIndex(b)
	cpu := benchplans.Run(b, len(docs), func() { ix = newBenchIndex(b) }, func(i int) {
		d := docs[i]
		if _, err := ix.IndexDoc(WriteOp{Id: d.id, Routing: &d.routing, Version: NoVersion}, d.source); err != nil {
			b.Fatal(err)
		}
	})
	// On a shared machine the wall clock swings with the load; CPU per document is the
	// stable figure (it includes the garbage collector's share).
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
}
