package index

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
)

// A stored source expands back to exactly the source given, and the offsets of its
// values move with the abbreviated keys.
func TestStoredSourceRoundTrips(t *testing.T) {
	k := newKeyDict()
	sources := []string{
		`{"objectId":"p1","plan_join":{"name":"plan","parent":"x"}}`,
		`{"a":"b:","c":["d","e"],"f":{"g":"\"h\":"},"\u0041":1}`,
		`{"":"","x\\":":"y"}`,
		`[]`,
		`"a":`,
		`{"k":"unterminated`,
	}
	for i := 0; i < 40; i++ {
		sources = append(sources, fmt.Sprintf(`{"key%d":%d,"objectId":"v%d"}`, i, i, i))
	}
	for _, src := range sources {
		stored, shifts, ok := compressSource(k, src, nil, nil)
		abbreviated := ok && len(shifts) > 0
		if !ok {
			stored = []byte(src)
		}
		if got := expandSource(k, string(stored), abbreviated); got != src {
			t.Fatalf("%s: expanded to %s", src, got)
		}
		if !sameSource(k, string(stored), abbreviated, []byte(src)) {
			t.Fatalf("%s: not the same as itself", src)
		}
		if sameSource(k, string(stored), abbreviated, []byte(src+" ")) || len(src) > 1 && sameSource(k, string(stored), abbreviated, []byte(src[:len(src)-1])) {
			t.Fatalf("%s: the same as another source", src)
		}
		for pos := range len(src) {
			if src[pos] != '"' || pos == 0 || src[pos-1] != ':' {
				continue // a value's opening quote: values stay verbatim
			}
			if at := shifted(shifts, pos); stored[at] != '"' {
				t.Fatalf("%s: value at %d moved to %d, which holds %q", src, pos, at, stored[at])
			}
		}
	}
	if k.n != maxKeyCodes {
		t.Fatalf("handed out %d codes, want all %d", k.n, maxKeyCodes)
	}
}

// Values survive their encoding: numbers of every kind, refs of every kind.
func TestStoredValuesRoundTrip(t *testing.T) {
	m := mapping.NewMapping()
	routing := "r1"
	src := `{"a":"id1","b":"r1","c":"inline"}`
	p := newDocParser(m, nil, "id1", &routing, src)
	defer p.release()
	in := func(v string) string { i := strings.Index(src, `"`+v+`"`) + 1; return src[i : i+len(v)] }
	p.term("a", in("id1")) // the id, found in the source
	p.term("b", in("r1"))  // the routing
	p.term("c", "decoded") // not in the source
	p.term("d", in("inline"))
	p.term("e", "")
	numbers := []float64{math.Copysign(0, -1), 1, -1, 1 << 53, -(1 << 53), 1<<53 + 2, 2.5, -1e300, math.SmallestNonzeroFloat64}
	for _, n := range numbers {
		p.number("n", n)
	}
	p.token("t", in("inline"))
	p.token("t", in("inline"))
	p.lengths = append(p.lengths, FieldLength{"t", 2})
	p.ignore("i")
	d := p.finish()
	if got, want := fmt.Sprint(d.Terms()), "[{_routing r1} {a id1} {b r1} {c decoded} {d inline} {e }]"; got != want {
		t.Fatalf("terms %s, want %s", got, want)
	}
	got := d.Numbers()
	for i, n := range numbers {
		if math.Float64bits(got[i].Value) != math.Float64bits(n) {
			t.Fatalf("number %d: %v, want %v", i, got[i].Value, n)
		}
	}
	if got, want := fmt.Sprint(d.Tokens(), d.Lengths(), d.Ignored()), "[{t inline 2}] [{t 2}] [i]"; got != want {
		t.Fatalf("tokens, lengths, ignored %s, want %s", got, want)
	}
	if d.Id != "id1" || (*Store)(nil).Source(d) != src {
		t.Fatalf("id %q, source %q", d.Id, (*Store)(nil).Source(d))
	}
}
