package projections

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

const examplePlanID = "12xvxc345ssdsds-508"

func TestDocumentsOfExamplePlan(t *testing.T) {
	docs, err := Documents(exampleplan.JSON())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id, join string
	}{
		{"12xvxc345ssdsds-508", `"plan"`},
		{"1234vxc2324sdf-501", `{"name":"planCostShare","parent":"12xvxc345ssdsds-508"}`},
		{"27283xvx9asdff-504", `{"name":"linkedPlanService","parent":"12xvxc345ssdsds-508"}`},
		{"1234520xvc30asdf-502", `{"name":"linkedService","parent":"27283xvx9asdff-504"}`},
		{"1234512xvc1314asdfs-503", `{"name":"planserviceCostShare","parent":"27283xvx9asdff-504"}`},
		{"27283xvx9sdf-507", `{"name":"linkedPlanService","parent":"12xvxc345ssdsds-508"}`},
		{"1234520xvc30sfs-505", `{"name":"linkedService","parent":"27283xvx9sdf-507"}`},
		{"1234512xvc1314sdfsd-506", `{"name":"planserviceCostShare","parent":"27283xvx9sdf-507"}`},
	}
	if len(docs) != len(want) {
		t.Fatalf("got %d docs, want %d", len(docs), len(want))
	}
	for i, w := range want {
		d := docs[i]
		if d.ID != w.id || d.Routing != examplePlanID {
			t.Errorf("doc %d: id %q routing %q, want %q %q", i, d.ID, d.Routing, w.id, examplePlanID)
		}
		var src map[string]json.RawMessage
		if err := json.Unmarshal(d.Source, &src); err != nil {
			t.Fatalf("doc %d: source is not JSON: %v\n%s", i, err, d.Source)
		}
		if got := string(src[JoinField]); got != w.join {
			t.Errorf("doc %d: join %s, want %s", i, got, w.join)
		}
		for k, v := range src {
			if v[0] == '{' && k != JoinField || v[0] == '[' {
				t.Errorf("doc %d: nested value %q kept in source", i, k)
			}
		}
	}
}

func TestDocumentsSourceKeepsOwnScalarsOnly(t *testing.T) {
	docs, err := Documents(exampleplan.JSON())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"_org":"example.com","creationDate":"12-12-2017","objectId":"12xvxc345ssdsds-508","objectType":"plan","planType":"inNetwork","plan_join":"plan"}`
	if string(docs[0].Source) != want {
		t.Errorf("plan source\n got %s\nwant %s", docs[0].Source, want)
	}
	want = `{"_org":"example.com","copay":23,"deductible":2000,"objectId":"1234vxc2324sdf-501","objectType":"membercostshare","plan_join":{"name":"planCostShare","parent":"12xvxc345ssdsds-508"}}`
	if string(docs[1].Source) != want {
		t.Errorf("cost share source\n got %s\nwant %s", docs[1].Source, want)
	}
}

func TestDocumentsIsDeterministic(t *testing.T) {
	a, err := Documents(exampleplan.JSON())
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		b, err := Documents(exampleplan.JSON())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatal("two runs over the same plan differ")
		}
	}
}

func TestDocumentsOptionalParts(t *testing.T) {
	docs, err := Documents([]byte(`{"objectId":"p","planCostShares":null,"linkedPlanServices":[{"objectId":"s"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[1].ID != "s" || docs[1].Routing != "p" {
		t.Fatalf("got %+v", docs)
	}
}

func TestDocumentsOverridesForeignJoinField(t *testing.T) {
	docs, err := Documents([]byte(`{"objectId":"p","plan_join":"linkedService"}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"objectId":"p","plan_join":"plan"}`; string(docs[0].Source) != want {
		t.Fatalf("got %s, want %s", docs[0].Source, want)
	}
}

func TestDocumentsRefusesMalformedPlans(t *testing.T) {
	long := strings.Repeat("x", MaxIDBytes+1)
	cases := map[string]struct{ plan, path string }{
		"not json":           {`{`, "plan"},
		"null":               {`null`, "plan"},
		"array":              {`[]`, "plan"},
		"no objectId":        {`{"objectType":"plan"}`, "objectId"},
		"numeric objectId":   {`{"objectId":7}`, "objectId"},
		"empty objectId":     {`{"objectId":""}`, "objectId"},
		"too long objectId":  {`{"objectId":"` + long + `"}`, "objectId"},
		"cost share array":   {`{"objectId":"p","planCostShares":[]}`, "planCostShares"},
		"services object":    {`{"objectId":"p","linkedPlanServices":{}}`, "linkedPlanServices"},
		"service without id": {`{"objectId":"p","linkedPlanServices":[{"objectId":"s"},{}]}`, "linkedPlanServices[1].objectId"},
		"nested without id": {`{"objectId":"p","linkedPlanServices":[{"objectId":"s","linkedService":{"name":"x"}}]}`,
			"linkedPlanServices[0].linkedService.objectId"},
		"duplicate id": {`{"objectId":"p","linkedPlanServices":[{"objectId":"s","planserviceCostShares":{"objectId":"p"}}]}`,
			"linkedPlanServices[0].planserviceCostShares.objectId"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Documents([]byte(c.plan))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.path+":") {
				t.Errorf("error %q does not name %q", err, c.path)
			}
		})
	}
}

func FuzzDocuments(f *testing.F) {
	f.Add(exampleplan.JSON())
	f.Add([]byte(`{"objectId":"p","linkedPlanServices":[null,{"objectId":"s"}]}`))
	f.Add([]byte(`{"objectId":"p","planCostShares":{"objectId":"c","copay":1e400}}`))
	f.Fuzz(func(t *testing.T, plan []byte) {
		docs, err := Documents(plan)
		if err != nil {
			return
		}
		for _, d := range docs {
			if !json.Valid(d.Source) {
				t.Fatalf("invalid source %s", d.Source)
			}
			if d.Routing != docs[0].ID {
				t.Fatalf("routing %q, want %q", d.Routing, docs[0].ID)
			}
		}
	})
}
