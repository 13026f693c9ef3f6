package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

// sameJSON compares two documents by value, ignoring member order and formatting.
func sameJSON(tb testing.TB, got []byte, want string) bool {
	tb.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		tb.Fatalf("result is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		tb.Fatalf("bad expectation %s: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

func TestMergePatch(t *testing.T) {
	tests := []struct {
		name           string
		target, patch  string
		want           string    // the result, when the patch applies
		wantProblems   []Problem // else the problems, with paths into the patch
		wantTargetFail bool
	}{
		// RFC 7396, Appendix A, in order. The four whose patch is not an object are
		// refused: no plan can be an array, a string or null.
		{name: "A1 replace member", target: `{"a":"b"}`, patch: `{"a":"c"}`, want: `{"a":"c"}`},
		{name: "A2 add member", target: `{"a":"b"}`, patch: `{"b":"c"}`, want: `{"a":"b","b":"c"}`},
		{name: "A3 remove member", target: `{"a":"b"}`, patch: `{"a":null}`, want: `{}`},
		{name: "A4 remove one of two", target: `{"a":"b","b":"c"}`, patch: `{"a":null}`, want: `{"b":"c"}`},
		{name: "A5 array by scalar", target: `{"a":["b"]}`, patch: `{"a":"c"}`, want: `{"a":"c"}`},
		{name: "A6 scalar by array", target: `{"a":"c"}`, patch: `{"a":["b"]}`, want: `{"a":["b"]}`},
		{name: "A7 nested merge", target: `{"a":{"b":"c"}}`, patch: `{"a":{"b":"d","c":null}}`, want: `{"a":{"b":"d"}}`},
		{name: "A8 array replaced", target: `{"a":[{"b":"c"}]}`, patch: `{"a":[1]}`, want: `{"a":[1]}`},
		{name: "A9 array patch refused", target: `["a","b"]`, patch: `["c","d"]`, wantProblems: []Problem{{"", "must be a JSON object, not an array"}}},
		{name: "A10 array patch refused", target: `{"a":"b"}`, patch: `["c"]`, wantProblems: []Problem{{"", "must be a JSON object, not an array"}}},
		{name: "A11 null patch refused", target: `{"a":"foo"}`, patch: `null`, wantProblems: []Problem{{"", "must be a JSON object, not null"}}},
		{name: "A12 string patch refused", target: `{"a":"foo"}`, patch: `"bar"`, wantProblems: []Problem{{"", "must be a JSON object, not a string"}}},
		{name: "A13 null in target kept", target: `{"e":null}`, patch: `{"a":1}`, want: `{"e":null,"a":1}`},
		{name: "A14 non-object target", target: `[1,2]`, patch: `{"a":"b","c":null}`, want: `{"a":"b"}`},
		{name: "A15 nulls dropped in new objects", target: `{}`, patch: `{"a":{"bb":{"ccc":null}}}`, want: `{"a":{"bb":{}}}`},

		// The objectId extension.
		{
			name:   "merge into the element with that objectId",
			target: `{"l":[{"objectId":"a","x":1,"y":2},{"objectId":"b","x":1}]}`,
			patch:  `{"l":[{"objectId":"b","x":5,"z":{"k":null}}]}`,
			want:   `{"l":[{"objectId":"a","x":1,"y":2},{"objectId":"b","x":5,"z":{}}]}`,
		},
		{
			name:   "null removes a member of an element",
			target: `{"l":[{"objectId":"a","x":1,"y":2}]}`,
			patch:  `{"l":[{"objectId":"a","y":null}]}`,
			want:   `{"l":[{"objectId":"a","x":1}]}`,
		},
		{
			name:   "new objectId appended, its nulls dropped, order kept",
			target: `{"l":[{"objectId":"a","x":1},{"objectId":"b","x":2}]}`,
			patch:  `{"l":[{"objectId":"c","x":3,"n":null},{"objectId":"a","x":9}]}`,
			want:   `{"l":[{"objectId":"a","x":9},{"objectId":"b","x":2},{"objectId":"c","x":3}]}`,
		},
		{
			name:   "appended to an empty array",
			target: `{"l":[]}`,
			patch:  `{"l":[{"objectId":"a","n":null}]}`,
			want:   `{"l":[{"objectId":"a"}]}`,
		},
		{
			name:   "one objectId twice in the patch merges twice",
			target: `{"l":[]}`,
			patch:  `{"l":[{"objectId":"a","x":1},{"objectId":"a","y":2}]}`,
			want:   `{"l":[{"objectId":"a","x":1,"y":2}]}`,
		},
		{
			name:   "nested objectId arrays merge recursively",
			target: `{"l":[{"objectId":"a","m":[{"objectId":"m1","v":1}]}]}`,
			patch:  `{"l":[{"objectId":"a","m":[{"objectId":"m2","v":2},{"objectId":"m1","v":3}]}]}`,
			want:   `{"l":[{"objectId":"a","m":[{"objectId":"m1","v":3},{"objectId":"m2","v":2}]}]}`,
		},
		{
			name:   "array without objectIds in the patch replaces",
			target: `{"l":[{"objectId":"a"}]}`,
			patch:  `{"l":[{"x":1}]}`,
			want:   `{"l":[{"x":1}]}`,
		},
		{
			name:   "empty array in the patch empties",
			target: `{"l":[{"objectId":"a"}]}`,
			patch:  `{"l":[]}`,
			want:   `{"l":[]}`,
		},
		{
			name:   "target elements without objectId: replaced",
			target: `{"l":[{"objectId":"a"},{"x":1}]}`,
			patch:  `{"l":[{"objectId":"b"}]}`,
			want:   `{"l":[{"objectId":"b"}]}`,
		},
		{
			name:         "element without objectId among ones with",
			target:       `{"l":[{"objectId":"a"}]}`,
			patch:        `{"l":[{"objectId":"a","x":1},{"objectId":"b"},{"x":2},{"objectId":null}]}`,
			wantProblems: []Problem{{"l[2].objectId", "is required"}, {"l[3].objectId", "is required"}},
		},
		{
			name:         "non-object and non-string objectId elements",
			target:       `{"l":[{"objectId":"a"}]}`,
			patch:        `{"l":[{"objectId":"a"},7,{"objectId":5}]}`,
			wantProblems: []Problem{{"l[1]", "must be an object with an objectId"}, {"l[2].objectId", "must be a string, not a number"}},
		},

		// Malformed input.
		{name: "patch not JSON", target: `{}`, patch: `{"a":`, wantProblems: []Problem{{"a", "ends unexpectedly"}}},
		{name: "patch duplicate key", target: `{}`, patch: `{"a":1,"a":null}`, wantProblems: []Problem{{"a", "duplicate key"}}},
		{name: "patch empty", target: `{}`, patch: ``, wantProblems: []Problem{{"", "empty"}}},
		{name: "target not JSON", target: `{"a"`, patch: `{}`, wantTargetFail: true},
		{name: "numbers pass through untouched", target: `{"n":1.50}`, patch: `{"m":2e3}`, want: `{"n":1.50,"m":2000}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MergePatch([]byte(tt.target), []byte(tt.patch))
			switch {
			case tt.wantTargetFail:
				var ve *ValidationError
				if err == nil || errors.As(err, &ve) || !strings.Contains(err.Error(), "target") {
					t.Fatalf("error = %v, want a target error that is not a ValidationError", err)
				}
			case tt.wantProblems != nil:
				wantProblems(t, err, tt.wantProblems)
			default:
				if err != nil {
					t.Fatalf("MergePatch: %v", err)
				}
				if !sameJSON(t, got, tt.want) {
					t.Fatalf("result %s, want %s", got, tt.want)
				}
			}
		})
	}
}

func TestMergePatchKeepsNumberText(t *testing.T) {
	// MergePatch is generic JSON: it does not canonicalise numbers it passes through
	// (that is the typed decode's job).
	got, err := MergePatch([]byte(`{"n":1.50}`), []byte(`{"m":2e3}`))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(got, []byte(`"n":1.50`)) || !bytes.Contains(got, []byte(`"m":2e3`)) {
		t.Fatalf("numbers rewritten: %s", got)
	}
}

func TestMergePatchOnExample(t *testing.T) {
	patch := `{
	  "planType": "outOfNetwork",
	  "planCostShares": {"copay": 30},
	  "linkedPlanServices": [
	    {"objectId": "27283xvx9sdf-507", "planserviceCostShares": {"objectId": "1234512xvc1314sdfsd-506", "copay": 200}},
	    {"objectId": "ps-3", "objectType": "planservice", "_org": "example.com",
	     "linkedService": {"objectId": "s-3", "objectType": "service", "_org": "example.com", "name": "dental"},
	     "planserviceCostShares": {"objectId": "cs-3", "objectType": "membercostshare", "_org": "example.com", "deductible": 5, "copay": 1}}
	  ]
	}`
	out, err := MergePatch(exampleplan.JSON(), []byte(patch))
	if err != nil {
		t.Fatal(err)
	}
	p := mustDecode(t, out)
	if p.PlanType != "outOfNetwork" || p.PlanCostShares.Copay != 30 || p.PlanCostShares.Deductible != 2000 {
		t.Fatalf("top-level merge wrong: %+v", p)
	}
	if len(p.LinkedPlanServices) != 3 {
		t.Fatalf("want 3 services, got %d", len(p.LinkedPlanServices))
	}
	second := p.LinkedPlanServices[1]
	if second.ObjectID != "27283xvx9sdf-507" || second.PlanserviceCostShares.Copay != 200 ||
		second.PlanserviceCostShares.Deductible != 10 || second.LinkedService.Name != "well baby" {
		t.Fatalf("service merged wrong: %+v", second)
	}
	if p.LinkedPlanServices[0].ObjectID != "27283xvx9asdff-504" || p.LinkedPlanServices[2].ObjectID != "ps-3" {
		t.Fatalf("order wrong: %v", p.ObjectIDs())
	}
}
