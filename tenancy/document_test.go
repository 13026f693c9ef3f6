package tenancy

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

// readOrgsCases are plan-shaped documents where decoders could disagree: letter case
// and duplicates of member names, nulls, wrong types, escapes and broken JSON.
var readOrgsCases = []string{
	`{"_org":"a","planCostShares":{"_org":"a"},"linkedPlanServices":[{"_org":"a","linkedService":{"_org":"b"},"planserviceCostShares":{"_org":"a"}}]}`,
	`{"_org":"a","LinkedPlanServices":[{"_ORG":"b","LINKEDSERVICE":{"_Org":"c"}}]}`,
	`{"_org":"a","linkedPlanServices":[{"_org":"x"}],"linkedPlanServices":[{"_org":"y"},{}]}`,
	`{"_org":"a","planCostShares":null,"linkedPlanServices":null}`,
	`{"_org":"a","linkedPlanServices":[null,{"linkedService":null}]}`,
	`{"_org":"a","linkedPlanServices":{}}`,
	`{"_org":"a","planCostShares":[]}`,
	`{"_org":"a","linkedPlanServices":[{"_org":7}]}`,
	`{"_org":"\ud800","planCostShares":{"_org":"\u00e9\n"}}`,
	"{\"_org\":\"\xff\xfe\",\"planCostShares\":{\"_org\":\"a\"}}",
	`{"_org":"a","linkedPlanServices":[{"_org":"a"}]`,
	`{"_org":"a"}}`,
	`{"_org":"a","x":[1,2,{"_org":"b"}],"y":1e400}`,
	`{"_org":"a","y":-0.0e-5}`,
	`null`,
	`[]`,
	``,
}

func orgsByEncodingJSON(doc []byte) (orgsOfPlan, error) {
	var p orgsOfPlan
	err := json.Unmarshal(doc, &p)
	return p, err
}

func TestReadOrgsMatchesEncodingJSON(t *testing.T) {
	for _, doc := range append(readOrgsCases, orgScanCases...) {
		checkReadOrgs(t, []byte(doc))
	}
	checkReadOrgs(t, exampleplan.JSON())
}

// FuzzReadOrgsMatchesEncodingJSON holds readOrgs's fast decoder to encoding/json: the
// same organisations whenever encoding/json reads the document, an error whenever it
// refuses it.
func FuzzReadOrgsMatchesEncodingJSON(f *testing.F) {
	for _, doc := range append(readOrgsCases, orgScanCases...) {
		f.Add([]byte(doc))
	}
	f.Add(exampleplan.JSON())
	f.Fuzz(checkReadOrgs)
}

func checkReadOrgs(t *testing.T, doc []byte) {
	got, err := readOrgs(doc)
	want, wantErr := orgsByEncodingJSON(doc)
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("%q: readOrgs error %v, encoding/json error %v", doc, err, wantErr)
	case err == nil && !reflect.DeepEqual(got, want):
		t.Fatalf("%q: readOrgs %+v, encoding/json %+v", doc, got, want)
	}
}

// BenchmarkCheckPlan checks the example plan, as every create and replace does.
func BenchmarkCheckPlan(b *testing.B) {
	doc := exampleplan.JSON()
	org, err := OrgOf(doc)
	if err != nil {
		b.Fatal(err)
	}
	a := ForOrgs(org, org)
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckPlan(a, "", doc); err != nil {
			b.Fatal(err)
		}
	}
}
