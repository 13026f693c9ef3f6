package jsonscan

import (
	"bytes"
	"encoding/json"
	"testing"
)

// maxLevels is the bound the tests skip values with; encoding/json's own is far deeper.
const maxLevels = 64

// valid reports whether s is one JSON value and nothing else, as json.Valid does.
func valid[T ~string | ~[]byte](s T) bool {
	sc := New(s)
	return sc.Skip(maxLevels) && sc.AtEnd()
}

func TestScanner(t *testing.T) {
	sc := New(` {"a\n" : "x\u00e9y", "é":"` + "\xff" + `", "n": -1.5e+3 , "t":true,"z":null}`)
	if !sc.Eat('{') {
		t.Fatal("no {")
	}
	k, ok := sc.Str()
	if !ok || k.Plain || sc.Text(k) != `a\n` || !sc.Eat(':') {
		t.Fatalf("key %+v %v", k, ok)
	}
	if v, ok := sc.Str(); !ok || v.Plain || sc.Text(v) != `x\u00e9y` || !sc.Eat(',') {
		t.Fatalf("value %+v %v", v, ok)
	}
	if k, ok := sc.Str(); !ok || !k.Plain || sc.Text(k) != "é" || !sc.Eat(':') {
		t.Fatalf("key %+v %v", k, ok)
	}
	if v, ok := sc.Str(); !ok || v.Plain || !sc.Eat(',') {
		t.Fatalf("invalid UTF-8 %+v %v", v, ok)
	}
	if _, ok := sc.Str(); !ok || !sc.Eat(':') {
		t.Fatal("n")
	}
	if start, end, ok := sc.Number(); !ok || sc.Src()[start:end] != "-1.5e+3" || !sc.Eat(',') {
		t.Fatalf("number %d %d %v", start, end, ok)
	}
	if _, ok := sc.Str(); !ok || !sc.Eat(':') || sc.Peek() != 't' {
		t.Fatal("t")
	}
	start := sc.Pos()
	if !sc.Literal("true") || sc.Src()[start:sc.Pos()] != "true" || !sc.Eat(',') {
		t.Fatal("true")
	}
	if _, ok := sc.Str(); !ok || !sc.Eat(':') || !sc.Skip(0) || !sc.Eat('}') || !sc.AtEnd() || !sc.Spaced() {
		t.Fatal("end")
	}
	if compact := New([]byte(`{"a":[1,{}]}`)); !compact.Skip(2) || !compact.AtEnd() || compact.Spaced() {
		t.Fatal("compact")
	}

	for _, c := range []struct {
		in     string
		levels int
		ok     bool
	}{
		{`1`, 0, true}, {`[]`, 0, true}, {`{}`, 0, true}, {`[1]`, 0, false}, {`[1]`, 1, true},
		{`[[]]`, 1, true}, {`[[1]]`, 1, false}, {`{"a":{"b":[]}}`, 2, true}, {`{"a":{"b":[0]}}`, 2, false},
		{`1`, -1, false}, {`01`, 9, true}, {`-`, 9, false}, {`1.`, 9, false}, {`1e`, 9, false},
		{`"\u12g4"`, 9, false}, {`"\x"`, 9, false}, {"\"\t\"", 9, false}, {`"abc`, 9, false},
		{`tru`, 9, false}, {`nul`, 9, false}, {`{"a" 1}`, 9, false}, {`{"a":1,}`, 9, false},
		{`[1,]`, 9, false}, {`{1:2}`, 9, false}, {``, 9, false},
	} {
		sc := New(c.in)
		if ok := sc.Skip(c.levels); ok != c.ok {
			t.Errorf("Skip(%d) of %q = %v, want %v", c.levels, c.in, ok, c.ok)
		}
	}
}

// maxFuzzLen bounds the inputs FuzzScannerValid checks: every shape the scanner
// handles fits, and minimizing a long input that found new coverage (one removed byte
// at a time, each a run) would stall the fuzzer for up to a minute.
const maxFuzzLen = 512

// FuzzScannerValid checks that the scanner accepts exactly what encoding/json does,
// short of its depth bound, and that Skip stops right after the value.
func FuzzScannerValid(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[true,false,null],"c":{"d":"e\u00e9\n"}}`, ` [ -0.5e-3 , 1E+2 , "x" ] `, "\"\xff\xfe\"",
		`{"a":1}{`, `01`, `[1,]`, `"\ud800"`, `123`, `{"a":[[[[[[[[]]]]]]]]}`, "\"a\x01\"", `tru`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzLen {
			return
		}
		want := json.Valid(data)
		if got := valid(data); got != want && (got || depth(data) <= maxLevels) {
			t.Fatalf("valid %q: got %v, json.Valid %v", data, got, want)
		}
		if got := valid(string(data)); got != valid(data) {
			t.Fatalf("string and []byte scanners disagree on %q", data)
		}
		// Wherever Skip stops, what it passed over is one valid value, and when that
		// value is followed by a delimiter Skip stops right before it.
		sc := New(data)
		if sc.Skip(maxLevels) && !json.Valid(data[:sc.Pos()]) {
			t.Fatalf("Skip passed over %q, not a JSON value", data[:sc.Pos()])
		}
		if want && depth(data) <= maxLevels {
			tail := append(bytes.Clone(data), ',')
			sc := New(tail)
			if !sc.Skip(maxLevels) || sc.Pos() != len(bytes.TrimRight(data, " \t\r\n")) || !sc.Eat(',') || !sc.AtEnd() {
				t.Fatalf("Skip of %q stopped at %d", tail, sc.Pos())
			}
		}
	})
}

// depth is how deep the values of a valid text nest, the top one at depth 0: what
// Skip's levels must cover.
func depth(data []byte) int {
	open, most := 0, 0
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return most
		}
		switch tok {
		case json.Delim('}'), json.Delim(']'):
			open--
			continue
		}
		most = max(most, open)
		if tok == json.Delim('{') || tok == json.Delim('[') {
			open++
		}
	}
}

// TestFault checks what a failed read says went wrong, which the plan decoder turns
// into its problems.
func TestFault(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Fault
	}{
		{`"abc`, Fault{FaultEnd, 4}}, {`"a\`, Fault{FaultEnd, 3}}, {`"\u00`, Fault{FaultEnd, 5}},
		{"\"a\tb\"", Fault{FaultControl, 2}}, {`"a\qb"`, Fault{FaultEscape, 2}}, {`"\u0g00"`, Fault{FaultEscape, 1}},
		{`-x`, Fault{FaultDigit, 1}}, {`1.e`, Fault{FaultFraction, 2}}, {`1e+`, Fault{FaultExponent, 3}},
	} {
		sc := New(c.in)
		if sc.Skip(0) {
			t.Errorf("%q accepted", c.in)
		} else if got := sc.Fault(); got != c.want {
			t.Errorf("%q: fault %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestSkipTrusted(t *testing.T) {
	for _, c := range []struct {
		text string
		ok   bool
		rest string
	}{
		{`"a\"b" ,`, true, ` ,`},
		{`"a\\" ,`, true, ` ,`},
		{`{"k":["]}",{"x":1}],"e":"\\"} ,`, true, ` ,`},
		{`-1.5e3}`, true, `}`},
		{`true,`, true, `,`},
		{`{"k":[1,2}`, false, ``},
		{`"open`, false, ``},
		{``, false, ``},
		{`,`, false, `,`},
	} {
		sc := New(c.text)
		ok := sc.SkipTrusted()
		if ok != c.ok || (ok && c.text[sc.Pos():] != c.rest) {
			t.Errorf("SkipTrusted(%q) = %v, rest %q; want %v, rest %q", c.text, ok, c.text[min(sc.Pos(), len(c.text)):], c.ok, c.rest)
		}
	}
}
