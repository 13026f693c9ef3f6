package difftest

import (
	"testing"
)

func TestSmallerHoistsAndDrops(t *testing.T) {
	search := O("query", O("bool", O("must", []any{O("term", O("a", "x")), O("match_all", Obj{})}, "boost", num(2))), "size", num(3))
	var got []string
	for _, s := range smaller(search) {
		got = append(got, string(mustJSON(s)))
	}
	want := map[string]bool{
		`{"query":{"term":{"a":"x"}},"size":3}`: false, // hoisted
		`{"query":{"match_all":{}},"size":3}`:   false, // hoisted
		`{"size":3}`:                            false, // query dropped
		`{"query":{"bool":{"must":[{"match_all":{}}],"boost":2}},"size":3}`:           false, // clause dropped
		`{"query":{"bool":{"must":[{"term":{"a":"x"}},{"match_all":{}}]}},"size":3}`:  false, // boost dropped
		`{"query":{"bool":{"must":[{"term":{"a":"x"}},{"match_all":{}}],"boost":2}}}`: false, // size dropped
	}
	for _, g := range got {
		if _, ok := want[g]; ok {
			want[g] = true
		}
	}
	for w, seen := range want {
		if !seen {
			t.Errorf("missing reduction %s in %q", w, got)
		}
	}
	if string(mustJSON(search)) != `{"query":{"bool":{"must":[{"term":{"a":"x"}},{"match_all":{}}],"boost":2}},"size":3}` {
		t.Errorf("smaller changed its input: %s", mustJSON(search))
	}
}

func TestGeneratorIsSeeded(t *testing.T) {
	gen := func() string {
		g := newGen(7, KnownOf())
		w := g.genWorld(5, 5)
		q := g.queryGen("i", "i-alias")
		return string(mustJSON(w)) + string(mustJSON(q.search()))
	}
	if a, b := gen(), gen(); a != b {
		t.Fatalf("one seed, two worlds:\n%s\n%s", a, b)
	}
}

func TestGeneratedWorldsAreValid(t *testing.T) {
	for seed := uint64(0); seed < 20; seed++ {
		g := newGen(seed, KnownOf())
		w := g.genWorld(10, 20)
		evs, err := w.Events()
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(evs) != len(w.Ops) {
			t.Errorf("seed %d: %d of %d writes refused by the aggregate", seed, len(w.Ops)-len(evs), len(w.Ops))
		}
	}
}

func TestParseKnown(t *testing.T) {
	k, err := ParseKnown("-" + string(KnownRewriteToNone))
	if err != nil || k.Has(KnownRewriteToNone) || k.Has(KnownTokenization) {
		t.Fatalf("-%s: %v %v", KnownRewriteToNone, k, err)
	}
	if k, err := ParseKnown("tokenization,bm25"); err != nil || !k.Has(KnownTokenization) || !k.Has(KnownBM25) {
		t.Fatalf("tokenization,bm25: %v %v", k, err)
	}
	if k, err := ParseKnown("none"); err != nil || len(k) != 0 {
		t.Fatalf("none: %v %v", k, err)
	}
	if _, err := ParseKnown("nonsense"); err == nil {
		t.Fatal("an unknown class was accepted")
	}
}
