package plan

import (
	"errors"
	"reflect"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

// TestCheckedDecidesAsThePlanDoes: a checked plan, decoded or built in Go, yields the
// change its plan yields, and the refusals (another objectId, an existing plan, no
// plan at all) are the same errors.
func TestCheckedDecidesAsThePlanDoes(t *testing.T) {
	decoded, err := DecodeChecked(exampleplan.JSON())
	if err != nil {
		t.Fatal(err)
	}
	built, err := Check(mustDecode(t, exampleplan.JSON()))
	if err != nil {
		t.Fatal(err)
	}
	want, err := New(exampleID).Create(mustDecode(t, exampleplan.JSON()))
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]Checked{"decoded": decoded, "built": built} {
		got, err := New(exampleID).CreateChecked(doc)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: CreateChecked = %+v, %v; Create = %+v", name, got, err, want)
		}
		if doc.ObjectID() != exampleID || doc.Org() != want.after.Org {
			t.Errorf("%s: reads %q, %q", name, doc.ObjectID(), doc.Org())
		}
	}

	_, viaPlan := New("other").Create(mustDecode(t, exampleplan.JSON()))
	_, viaChecked := New("other").CreateChecked(decoded)
	if viaPlan == nil || !reflect.DeepEqual(viaPlan, viaChecked) {
		t.Errorf("another objectId: Create %v, CreateChecked %v", viaPlan, viaChecked)
	}
	existing := New(exampleID)
	existing.Apply(want)
	if _, err := existing.CreateChecked(decoded); !errors.Is(err, ErrAlreadyExists) {
		t.Errorf("CreateChecked of an existing plan: %v", err)
	}
	if _, err := existing.Create(&Plan{}); !errors.Is(err, ErrAlreadyExists) {
		t.Errorf("Create of an invalid plan over an existing one: %v, want ErrAlreadyExists first", err)
	}
	if _, err := existing.ReplaceChecked(decoded); err != nil {
		t.Errorf("ReplaceChecked: %v", err)
	}
	var zero Checked
	if _, err := New(exampleID).CreateChecked(zero); !asValidation(err, new(*ValidationError)) {
		t.Errorf("CreateChecked of no plan: %v", err)
	}
	if zero.ObjectID() != "" || zero.Org() != "" {
		t.Error("the zero Checked reads as a plan")
	}
	if _, err := Check(&Plan{ObjectID: exampleID}); !asValidation(err, new(*ValidationError)) {
		t.Errorf("Check of an invalid plan: %v", err)
	}
}
