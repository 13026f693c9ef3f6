package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

// remove, passed as the value of an edit, deletes the member instead of setting it.
type removeMarker struct{}

var remove = removeMarker{}

// edit is one change to a document at a path written in problem-path syntax.
type edit struct {
	path  string
	value any // remove deletes; json.RawMessage is inserted verbatim
}

// exampleWith returns the example document with edits applied, as JSON.
func exampleWith(tb testing.TB, edits ...edit) []byte {
	tb.Helper()
	return withEdits(tb, exampleplan.JSON(), edits...)
}

func withEdits(tb testing.TB, doc []byte, edits ...edit) []byte {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		tb.Fatalf("decode document for editing: %v", err)
	}
	for _, e := range edits {
		root = applyEdit(tb, root, segments(e.path), e)
	}
	out, err := json.Marshal(root)
	if err != nil {
		tb.Fatalf("encode edited document: %v", err)
	}
	return out
}

func applyEdit(tb testing.TB, node any, segs []segment, e edit) any {
	tb.Helper()
	if len(segs) == 0 {
		return e.value
	}
	s := segs[0]
	if s.isIndex {
		arr, ok := node.([]any)
		if !ok || s.index > len(arr) {
			tb.Fatalf("edit %q: no array element %d", e.path, s.index)
		}
		if s.index == len(arr) {
			arr = append(arr, nil)
		}
		arr[s.index] = applyEdit(tb, arr[s.index], segs[1:], e)
		return arr
	}
	obj, ok := node.(map[string]any)
	if !ok {
		tb.Fatalf("edit %q: %q is not in an object", e.path, s.name)
	}
	if len(segs) == 1 && e.value == remove {
		delete(obj, s.name)
		return obj
	}
	obj[s.name] = applyEdit(tb, obj[s.name], segs[1:], e)
	return obj
}

// wantProblems checks that err is a *ValidationError with exactly these problems, in
// this order: paths must match exactly, messages must contain the given text.
func wantProblems(tb testing.TB, err error, want []Problem) {
	tb.Helper()
	if len(want) == 0 {
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		tb.Fatalf("error = %v (%T), want *ValidationError", err, err)
	}
	if len(ve.Problems) != len(want) {
		tb.Fatalf("got %d problems, want %d:\n%s", len(ve.Problems), len(want), listProblems(ve.Problems))
	}
	for i, w := range want {
		got := ve.Problems[i]
		if got.Path != w.Path || !strings.Contains(got.Message, w.Message) {
			tb.Fatalf("problem %d = {%q, %q}, want {%q, containing %q}; all:\n%s",
				i, got.Path, got.Message, w.Path, w.Message, listProblems(ve.Problems))
		}
	}
}

func listProblems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + p.Path + ": " + p.Message + "\n")
	}
	return b.String()
}

func mustDecode(tb testing.TB, body []byte) *Plan {
	tb.Helper()
	p, err := Decode(body)
	if err != nil {
		tb.Fatalf("Decode: %v", err)
	}
	return p
}

func asValidation(err error, target **ValidationError) bool { return errors.As(err, target) }
