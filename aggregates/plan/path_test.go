package plan

import (
	"reflect"
	"slices"
	"testing"
)

func TestPaths(t *testing.T) {
	tests := []struct {
		build, want string
	}{
		{fieldPath("", "planType"), "planType"},
		{fieldPath(indexPath("linkedPlanServices", 1), "copay"), "linkedPlanServices[1].copay"},
		{fieldPath("", "a.b"), `["a.b"]`},
		{fieldPath("planCostShares", ""), `planCostShares[""]`},
		{fieldPath("x", `q"]`), `x["q\"]"]`},
		{fieldPath("x", "9lives"), `x["9lives"]`},
		{fieldPath("x", "_org"), "x._org"},
	}
	for _, tt := range tests {
		if tt.build != tt.want {
			t.Errorf("built %q, want %q", tt.build, tt.want)
		}
	}
}

func TestParentPath(t *testing.T) {
	tests := map[string]string{
		"":                                 "",
		"planType":                         "",
		"linkedPlanServices[1]":            "linkedPlanServices",
		"linkedPlanServices[1].copay":      "linkedPlanServices[1]",
		`x["q\"]"].y`:                      `x["q\"]"]`,
		`["a.b"]`:                          "",
		"linkedPlanServices[1].x.objectId": "linkedPlanServices[1].x",
	}
	for path, want := range tests {
		if got := parentPath(path); got != want {
			t.Errorf("parentPath(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestSegmentsRoundTrip(t *testing.T) {
	path := fieldPath(indexPath(fieldPath(fieldPath("", "a"), `we"ird.]`), 12), "b")
	want := []segment{{name: "a"}, {name: `we"ird.]`}, {index: 12, isIndex: true}, {name: "b"}}
	if got := segments(path); !reflect.DeepEqual(got, want) {
		t.Fatalf("segments(%q) = %+v", path, got)
	}
}

func TestProblemOrder(t *testing.T) {
	paths := []string{
		"zz", `["a.b"]`, "linkedPlanServices[10].objectId", "linkedPlanServices[2].objectId",
		"linkedPlanServices[2]", "planCostShares.copay", "planCostShares.deductible",
		"creationDate", "objectId", "", "linkedPlanServices",
	}
	want := []string{
		"", "objectId", "creationDate", "planCostShares.deductible", "planCostShares.copay",
		"linkedPlanServices", "linkedPlanServices[2]", "linkedPlanServices[2].objectId",
		"linkedPlanServices[10].objectId", `["a.b"]`, "zz",
	}
	slices.SortFunc(paths, comparePaths)
	if !slices.Equal(paths, want) {
		t.Fatalf("order %q\nwant  %q", paths, want)
	}
}
