package tenancy

import (
	"encoding/json"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

// orgByEncodingJSON is what OrgOf must always agree with.
func orgByEncodingJSON(doc []byte) (string, error) {
	var p struct {
		Org string `json:"_org"`
	}
	err := json.Unmarshal(doc, &p)
	return p.Org, err
}

var orgScanCases = []string{
	`{"objectId":"p","objectType":"plan","_org":"example.com","planType":"x"}`,
	`{"_org":"a.org"}`,
	` { "_org" : "a.org" , "n" : [1, {"_org":"nested"}, "]}\"" ] } `,
	`{"planCostShares":{"_org":"inner"},"linkedPlanServices":[{"_org":"x"}],"_org":"outer"}`,
	`{"_org":"first","_org":"last"}`,
	`{"_org":"a","_ORG":"b"}`,
	`{"_ORG":"b"}`,
	`{"_org":"caf\u00e9"}`,
	`{"_o\u0072g":"escaped key"}`,
	`{"_org":null}`,
	`{"_org":12}`,
	`{"_org":true,"x":1}`,
	`{}`,
	`{"a":1}`,
	`{"a":-1.5e3,"b":false,"c":null,"_org":"z"}`,
	`[]`,
	`"_org"`,
	`{"_org":"a",}`,
	`{"_org":"a"`,
	`{"_org":"a"} x`,
	`{"_org" "a"}`,
	`{"a":{"b":[1,2]},"_org":"ok"}`,
	`{"_org":"\xff"}`,
	"{\"_org\":\"tab\there\"}",
	``,
}

func TestOrgOfAgreesWithEncodingJSON(t *testing.T) {
	cases := append([]string(nil), orgScanCases...)
	cases = append(cases, string(exampleplan.JSON()))
	for _, doc := range cases {
		got, gotErr := OrgOf([]byte(doc))
		want, wantErr := orgByEncodingJSON([]byte(doc))
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("OrgOf(%q) = %q, %v; encoding/json: %q, %v", doc, got, gotErr, want, wantErr)
		}
	}
}

func FuzzOrgOfAgreesOnValidJSON(f *testing.F) {
	for _, doc := range orgScanCases {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if !json.Valid(doc) {
			return // the scanner may answer for some malformed documents (see scanOrg)
		}
		got, gotErr := OrgOf(doc)
		want, wantErr := orgByEncodingJSON(doc)
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("OrgOf(%q) = %q, %v; encoding/json: %q, %v", doc, got, gotErr, want, wantErr)
		}
	})
}

var canonicalPlan = []byte(`{"objectId":"12xvxc345ssdsds-508","objectType":"plan","_org":"example.com","planType":"inNetwork","creationDate":"12-12-2017","planCostShares":{"objectId":"1234vxc2324sdf-501","objectType":"membercostshare","_org":"example.com","deductible":2000,"copay":23},"linkedPlanServices":[{"objectId":"27283xvx9asdff-504","objectType":"planservice","_org":"example.com","linkedService":{"objectId":"1234520xvc30asdf-502","objectType":"service","_org":"example.com","name":"Yearly physical"},"planserviceCostShares":{"objectId":"1234512xvc1314asdfs-503","objectType":"membercostshare","_org":"example.com","deductible":10,"copay":0}},{"objectId":"27283xvx9sdf-507","objectType":"planservice","_org":"example.com","linkedService":{"objectId":"1234520xvc30sfs-505","objectType":"service","_org":"example.com","name":"well baby"},"planserviceCostShares":{"objectId":"1234512xvc1314sdfsd-506","objectType":"membercostshare","_org":"example.com","deductible":10,"copay":175}}]}`)

func BenchmarkOrgOf(b *testing.B) {
	b.Run("scan", func(b *testing.B) {
		for b.Loop() {
			if _, err := OrgOf(canonicalPlan); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := orgByEncodingJSON(canonicalPlan); err != nil {
				b.Fatal(err)
			}
		}
	})
}
