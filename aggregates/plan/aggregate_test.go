package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

const exampleID = "12xvxc345ssdsds-508"

var exampleIDs = []string{
	"12xvxc345ssdsds-508", "1234vxc2324sdf-501",
	"27283xvx9asdff-504", "1234520xvc30asdf-502", "1234512xvc1314asdfs-503",
	"27283xvx9sdf-507", "1234520xvc30sfs-505", "1234512xvc1314sdfsd-506",
}

// decideApply runs one decision and applies it, as a command handler would after a
// successful append.
func decideApply(tb testing.TB, a *Aggregate, decide func() (Change, error)) Change {
	tb.Helper()
	c, err := decide()
	if err != nil {
		tb.Fatalf("decide: %v", err)
	}
	a.Apply(c)
	return c
}

func checkChange(tb testing.TB, c Change, typ string, version int64, before, after *Plan, added, removed []string) {
	tb.Helper()
	if c.Type != typ || c.Version != version {
		tb.Fatalf("change %s v%d, want %s v%d", c.Type, c.Version, typ, version)
	}
	for _, side := range []struct {
		name string
		raw  json.RawMessage
		want *Plan
	}{{"Before", c.Before, before}, {"After", c.After, after}} {
		if side.want == nil {
			if side.raw != nil {
				tb.Fatalf("%s = %s, want nil", side.name, side.raw)
			}
			continue
		}
		want, err := json.Marshal(side.want)
		if err != nil {
			tb.Fatal(err)
		}
		if !bytes.Equal(side.raw, want) {
			tb.Fatalf("%s =\n%s\nwant\n%s", side.name, side.raw, want)
		}
	}
	if !reflect.DeepEqual(c.ObjectIDsAdded, added) || !reflect.DeepEqual(c.ObjectIDsRemoved, removed) {
		tb.Fatalf("added %v removed %v, want added %v removed %v", c.ObjectIDsAdded, c.ObjectIDsRemoved, added, removed)
	}
}

func TestAggregateLifecycle(t *testing.T) {
	a := New(exampleID)
	if a.ID() != exampleID || a.Version() != 0 || a.Exists() || a.Deleted() || a.Document() != nil || a.DocumentJSON() != nil {
		t.Fatalf("new aggregate not empty: %+v", a)
	}

	// 1: create.
	v1 := mustDecode(t, exampleplan.JSON())
	c := decideApply(t, a, func() (Change, error) { return a.Create(v1) })
	checkChange(t, c, ChangeCreated, 1, nil, v1, exampleIDs, nil)
	if !a.Exists() || a.Version() != 1 || !reflect.DeepEqual(a.Document(), v1) {
		t.Fatalf("after create: version %d exists %v", a.Version(), a.Exists())
	}
	if _, err := a.Create(v1); !errors.Is(err, ErrAlreadyExists) {
		t.Fatalf("second create: %v, want ErrAlreadyExists", err)
	}

	// 2: replace: drop the second service, add another.
	v2 := v1.Clone()
	v2.PlanType = "outOfNetwork"
	v2.LinkedPlanServices = []PlanService{v1.LinkedPlanServices[0], {
		ObjectID: "ps-9", ObjectType: TypePlanService, Org: "example.com",
		LinkedService:         Service{ObjectID: "s-9", ObjectType: TypeService, Org: "example.com", Name: "dental"},
		PlanserviceCostShares: MemberCostShare{ObjectID: "cs-9", ObjectType: TypeMemberCostShare, Org: "example.com", Deductible: 1, Copay: 2},
	}}
	c = decideApply(t, a, func() (Change, error) { return a.Replace(v2) })
	checkChange(t, c, ChangeReplaced, 2, v1, v2,
		[]string{"ps-9", "s-9", "cs-9"},
		[]string{"27283xvx9sdf-507", "1234520xvc30sfs-505", "1234512xvc1314sdfsd-506"})

	// 3: patch: change a copay by objectId, append a service.
	patch := []byte(`{"linkedPlanServices": [
		{"objectId": "ps-9", "planserviceCostShares": {"objectId": "cs-9", "copay": 50}},
		{"objectId": "ps-10", "objectType": "planservice", "_org": "example.com",
		 "linkedService": {"objectId": "s-10", "objectType": "service", "_org": "example.com", "name": "vision"},
		 "planserviceCostShares": {"objectId": "cs-10", "objectType": "membercostshare", "_org": "example.com", "deductible": 0, "copay": 0}}
	]}`)
	v3 := v2.Clone()
	v3.LinkedPlanServices = append(v3.LinkedPlanServices[:2:2], PlanService{
		ObjectID: "ps-10", ObjectType: TypePlanService, Org: "example.com",
		LinkedService:         Service{ObjectID: "s-10", ObjectType: TypeService, Org: "example.com", Name: "vision"},
		PlanserviceCostShares: MemberCostShare{ObjectID: "cs-10", ObjectType: TypeMemberCostShare, Org: "example.com"},
	})
	v3.LinkedPlanServices[1].PlanserviceCostShares.Copay = 50
	c = decideApply(t, a, func() (Change, error) { return a.Patch(patch) })
	checkChange(t, c, ChangePatched, 3, v2, v3, []string{"ps-10", "s-10", "cs-10"}, nil)
	var compact bytes.Buffer
	_ = json.Compact(&compact, patch)
	if !bytes.Equal(c.Patch, compact.Bytes()) {
		t.Fatalf("Patch = %s", c.Patch)
	}

	// 4: delete.
	c = decideApply(t, a, a.Delete)
	checkChange(t, c, ChangeDeleted, 4, v3, nil, nil, v3.ObjectIDs())
	if a.Exists() || !a.Deleted() || a.Version() != 4 || a.Document() != nil || a.DocumentJSON() != nil {
		t.Fatalf("after delete: exists %v deleted %v version %d", a.Exists(), a.Deleted(), a.Version())
	}
	checkAllNotFound(t, a, v1, "after delete")

	// 5: create again; the version continues.
	c = decideApply(t, a, func() (Change, error) { return a.Create(v1) })
	checkChange(t, c, ChangeCreated, 5, nil, v1, exampleIDs, nil)
	if a.Version() != 5 || !a.Exists() || a.Deleted() {
		t.Fatalf("after recreate: version %d", a.Version())
	}
}

func TestAggregateNotFoundWhenNew(t *testing.T) {
	checkAllNotFound(t, New(exampleID), mustDecode(t, exampleplan.JSON()), "on a new plan")
}

// checkAllNotFound checks that replace, patch and delete all refuse with ErrNotFound.
func checkAllNotFound(t *testing.T, a *Aggregate, p *Plan, when string) {
	t.Helper()
	for name, decide := range map[string]func() (Change, error){
		"replace": func() (Change, error) { return a.Replace(p) },
		"patch":   func() (Change, error) { return a.Patch([]byte(`{}`)) },
		"delete":  a.Delete,
	} {
		if _, err := decide(); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s %s: %v, want ErrNotFound", name, when, err)
		}
	}
}

func TestDecideDoesNotChangeState(t *testing.T) {
	a := New(exampleID)
	p := mustDecode(t, exampleplan.JSON())
	if _, err := a.Create(p); err != nil {
		t.Fatal(err)
	}
	if a.Exists() || a.Version() != 0 {
		t.Fatal("Create changed the state before Apply")
	}
}

func TestIdenticalWritesStillChange(t *testing.T) {
	a := New(exampleID)
	p := mustDecode(t, exampleplan.JSON())
	decideApply(t, a, func() (Change, error) { return a.Create(p) })
	c := decideApply(t, a, func() (Change, error) { return a.Replace(p) })
	checkChange(t, c, ChangeReplaced, 2, p, p, nil, nil)
	c = decideApply(t, a, func() (Change, error) { return a.Patch([]byte(`{}`)) })
	checkChange(t, c, ChangePatched, 3, p, p, nil, nil)
}

func TestAggregateRejectsInvalidWrites(t *testing.T) {
	newExisting := func(t *testing.T) *Aggregate {
		a := New(exampleID)
		decideApply(t, a, func() (Change, error) { return a.Create(mustDecode(t, exampleplan.JSON())) })
		return a
	}
	other := mustDecode(t, exampleWith(t, edit{"objectId", "another-plan"}))

	t.Run("create nil", func(t *testing.T) {
		_, err := New(exampleID).Create(nil)
		wantProblems(t, err, []Problem{{"", "required"}})
	})
	t.Run("create under another id", func(t *testing.T) {
		_, err := New(exampleID).Create(other)
		wantProblems(t, err, []Problem{{"objectId", `must be "12xvxc345ssdsds-508"`}})
	})
	t.Run("create invalid Go value", func(t *testing.T) {
		p := mustDecode(t, exampleplan.JSON())
		p.PlanCostShares.ObjectType = "plan"
		p.LinkedPlanServices[0].PlanserviceCostShares.Copay = -1
		_, err := New(exampleID).Create(p)
		wantProblems(t, err, []Problem{
			{"planCostShares.objectType", `must be "membercostshare"`},
			{"linkedPlanServices[0].planserviceCostShares.copay", "must not be negative"},
		})
	})
	t.Run("replace with another id", func(t *testing.T) {
		_, err := newExisting(t).Replace(other)
		wantProblems(t, err, []Problem{{"objectId", "must be"}})
	})

	patches := []struct {
		name  string
		patch string
		want  []Problem
	}{
		{"not an object", `[]`, []Problem{{"", "must be a JSON object"}}},
		{"malformed", `{"a":}`, []Problem{{"a", "malformed JSON"}}},
		{"objectId changed", `{"objectId": "new-id"}`, []Problem{{"objectId", "cannot be changed"}}},
		{"objectId removed", `{"objectId": null}`, []Problem{{"objectId", "is required"}}},
		{"required removed", `{"planType": null, "planCostShares": {"copay": null}}`,
			[]Problem{{"planType", "is required"}, {"planCostShares.copay", "is required"}}},
		{"unknown field added", `{"linkedPlanServices": [{"objectId": "27283xvx9sdf-507", "color": "red"}]}`,
			[]Problem{{"linkedPlanServices[1].color", `unknown field "color"`}}},
		{"negative copay by objectId", `{"linkedPlanServices": [{"objectId": "27283xvx9sdf-507", "planserviceCostShares": {"copay": -1}}]}`,
			[]Problem{{"linkedPlanServices[1].planserviceCostShares.copay", "must not be negative"}}},
		{"element without objectId", `{"linkedPlanServices": [{"objectId": "27283xvx9asdff-504"}, {"objectId": "27283xvx9sdf-507"}, {"_org": "x"}]}`,
			[]Problem{{"linkedPlanServices[2].objectId", "is required"}}},
		{"incomplete appended service", `{"linkedPlanServices": [{"objectId": "new-ps", "objectType": "planservice", "_org": "example.com"}]}`,
			[]Problem{
				{"linkedPlanServices[2].linkedService", "is required"},
				{"linkedPlanServices[2].planserviceCostShares", "is required"},
			}},
		{"appended service reuses an objectId", `{"linkedPlanServices": [{"objectId": "new-ps", "objectType": "planservice", "_org": "example.com",
			"linkedService": {"objectId": "1234520xvc30sfs-505", "objectType": "service", "_org": "example.com", "name": "x"},
			"planserviceCostShares": {"objectId": "cs-new", "objectType": "membercostshare", "_org": "example.com", "deductible": 1, "copay": 1}}]}`,
			[]Problem{{"linkedPlanServices[2].linkedService.objectId", "is already used at linkedPlanServices[1].linkedService.objectId"}}},
	}
	for _, tt := range patches {
		t.Run("patch "+tt.name, func(t *testing.T) {
			a := newExisting(t)
			_, err := a.Patch([]byte(tt.patch))
			wantProblems(t, err, tt.want)
			if a.Version() != 1 {
				t.Fatal("a refused patch changed the version")
			}
		})
	}
}

func TestAggregateStateIsPrivate(t *testing.T) {
	a := New(exampleID)
	p := mustDecode(t, exampleplan.JSON())
	c := decideApply(t, a, func() (Change, error) { return a.Create(p) })
	want := a.DocumentJSON()

	p.PlanType = "changed by the caller"
	p.LinkedPlanServices[0].LinkedService.Name = "changed by the caller"
	a.Document().LinkedPlanServices[0].ObjectID = "changed through Document"
	a.DocumentJSON()[0] = 'X'
	c.After[0] = 'X'

	if got := a.DocumentJSON(); !bytes.Equal(got, want) {
		t.Fatalf("state changed from outside:\n%s\nwant\n%s", got, want)
	}
	if got, _ := json.Marshal(a.Document()); !bytes.Equal(got, want) {
		t.Fatalf("document changed from outside: %s", got)
	}
}

func TestNegativeZeroNormalised(t *testing.T) {
	p := mustDecode(t, exampleplan.JSON())
	negZero := 0.0
	negZero = -negZero
	p.PlanCostShares.Copay = negZero
	a := New(exampleID)
	c, err := a.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(c.After, []byte(`"deductible":2000,"copay":0}`)) {
		t.Fatalf("-0 not written as 0: %s", c.After)
	}
	if math.Signbit(c.after.PlanCostShares.Copay) || !math.Signbit(p.PlanCostShares.Copay) {
		t.Fatal("the aggregate's copy keeps -0, or the caller's value was changed")
	}
}

func TestRehydrate(t *testing.T) {
	example := exampleplan.JSON()
	a, err := Rehydrate(exampleID, 7, example, false)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(mustDecode(t, example))
	if a.Version() != 7 || !a.Exists() || !bytes.Equal(a.DocumentJSON(), want) {
		t.Fatalf("rehydrated: version %d exists %v json %s", a.Version(), a.Exists(), a.DocumentJSON())
	}
	c, err := a.Delete()
	if err != nil || c.Version != 8 {
		t.Fatalf("delete after rehydrate: %v v%d", err, c.Version)
	}

	// A deleted plan may be created again.
	d, err := Rehydrate(exampleID, 8, nil, true)
	if err != nil || d.Exists() || !d.Deleted() {
		t.Fatalf("deleted snapshot: %v", err)
	}
	if c, err := d.Create(mustDecode(t, example)); err != nil || c.Version != 9 {
		t.Fatalf("create after deleted snapshot: %v v%d", err, c.Version)
	}

	// A stored plan that breaks a value rule added later still loads (shape only).
	old := exampleWith(t, edit{"planCostShares.copay", -3})
	if _, err := Rehydrate(exampleID, 2, old, false); err != nil {
		t.Fatalf("old plan refused: %v", err)
	}

	bad := []struct {
		name     string
		version  int64
		document []byte
		deleted  bool
	}{
		{"negative version", -1, nil, false},
		{"version 0 with document", 0, example, false},
		{"version 0 deleted", 0, nil, true},
		{"deleted with document", 3, example, true},
		{"missing document", 3, nil, false},
		{"null document", 3, []byte("null"), false},
		{"malformed document", 3, []byte(`{"objectId":`), false},
		{"wrong shape", 3, exampleWith(t, edit{"planCostShares", 1}), false},
		{"another plan", 3, exampleWith(t, edit{"objectId", "other"}), false},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Rehydrate(exampleID, tt.version, tt.document, tt.deleted)
			var ve *ValidationError
			if !errors.Is(err, ErrCorruptState) || errors.As(err, &ve) {
				t.Fatalf("error = %v, want ErrCorruptState and no ValidationError", err)
			}
		})
	}
	if a, err := Rehydrate(exampleID, 0, nil, false); err != nil || a.Exists() || a.Version() != 0 {
		t.Fatalf("empty snapshot: %v", err)
	}
}

func TestApplyExternalChange(t *testing.T) {
	// A change rebuilt from a stored event carries only JSON.
	a := New(exampleID)
	a.Apply(Change{Type: ChangeCreated, Version: 1, After: exampleplan.JSON()})
	if !a.Exists() || a.Version() != 1 || a.Document().PlanCostShares.Deductible != 2000 {
		t.Fatalf("external create not applied: %+v", a)
	}
	a.Apply(Change{Type: ChangeDeleted, Version: 2, Before: exampleplan.JSON(), After: json.RawMessage("null")})
	if a.Exists() || !a.Deleted() || a.Version() != 2 {
		t.Fatal("external delete not applied")
	}

	// An unreadable After makes every later decision fail rather than guess.
	b := New(exampleID)
	b.Apply(Change{Type: ChangeCreated, Version: 1, After: json.RawMessage(`{"objectId": 1}`)})
	if _, err := b.Create(mustDecode(t, exampleplan.JSON())); !errors.Is(err, ErrCorruptState) {
		t.Fatalf("create after a corrupt apply: %v", err)
	}
	if _, err := b.Delete(); !errors.Is(err, ErrCorruptState) {
		t.Fatalf("delete after a corrupt apply: %v", err)
	}
}
