package index

import (
	"fmt"
	"syscall"
	"testing"
	"time"

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

// benchDocs renders n groups of 8 documents: a root, two children with a child each
// and a second child of theirs, and one more child of the root.
func benchDocs(n int) []benchDoc {
	var out []benchDoc
	add := func(id, routing, source string) { out = append(out, benchDoc{id, routing, []byte(source)}) }
	for i := range n {
		p := fmt.Sprintf("plan-%d", i)
		org := fmt.Sprintf("org-%d.example", i%50)
		add(p, p, fmt.Sprintf(`{"objectId":%q,"objectType":"plan","_org":%q,"planType":"inNetwork","creationDate":"12-12-2017","plan_join":"plan"}`, p, org))
		add(p+"-pcs", p, fmt.Sprintf(`{"objectId":"%s-pcs","objectType":"membercostshare","_org":%q,"copay":%d,"deductible":%d,"plan_join":{"name":"planCostShare","parent":%q}}`, p, org, i%40, (i%20)*100, p))
		for s := 1; s <= 2; s++ {
			ps := fmt.Sprintf("%s-ps%d", p, s)
			add(ps, p, fmt.Sprintf(`{"objectId":%q,"objectType":"planservice","_org":%q,"plan_join":{"name":"linkedPlanService","parent":%q}}`, ps, org, p))
			add(ps+"-svc", p, fmt.Sprintf(`{"objectId":"%s-svc","objectType":"service","_org":%q,"name":"Service number %d","plan_join":{"name":"linkedService","parent":%q}}`, ps, org, i%300, ps))
			add(ps+"-cs", p, fmt.Sprintf(`{"objectId":"%s-cs","objectType":"membercostshare","_org":%q,"copay":%d,"deductible":10,"plan_join":{"name":"planserviceCostShare","parent":%q}}`, ps, org, (i*s)%250, ps))
		}
	}
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
	b.ReportAllocs()
	b.ResetTimer()
	cpuStart := cpuTime()
	for i := 0; i < b.N; i++ {
		if i > 0 && i%len(docs) == 0 {
			b.StopTimer()
			ix = newBenchIndex(b)
			b.StartTimer()
		}
		d := docs[i%len(docs)]
		if _, err := ix.IndexDoc(WriteOp{Id: d.id, Routing: &d.routing, Version: NoVersion}, d.source); err != nil {
			b.Fatal(err)
		}
	}
	// On a shared machine the wall clock swings with the load; CPU per document is the
	// stable figure (it includes the garbage collector's share).
	b.ReportMetric(float64(cpuTime()-cpuStart)/float64(b.N), "cpu-ns/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
