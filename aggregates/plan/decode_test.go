package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

func TestDecodeExample(t *testing.T) {
	p := mustDecode(t, exampleplan.JSON())
	want := &Plan{
		ObjectID: "12xvxc345ssdsds-508", ObjectType: "plan", Org: "example.com",
		PlanType: "inNetwork", CreationDate: "12-12-2017",
		PlanCostShares: MemberCostShare{
			ObjectID: "1234vxc2324sdf-501", ObjectType: "membercostshare", Org: "example.com",
			Deductible: 2000, Copay: 23,
		},
		LinkedPlanServices: []PlanService{
			{
				ObjectID: "27283xvx9asdff-504", ObjectType: "planservice", Org: "example.com",
				LinkedService: Service{ObjectID: "1234520xvc30asdf-502", ObjectType: "service", Org: "example.com", Name: "Yearly physical"},
				PlanserviceCostShares: MemberCostShare{
					ObjectID: "1234512xvc1314asdfs-503", ObjectType: "membercostshare", Org: "example.com",
					Deductible: 10, Copay: 0,
				},
			},
			{
				ObjectID: "27283xvx9sdf-507", ObjectType: "planservice", Org: "example.com",
				LinkedService: Service{ObjectID: "1234520xvc30sfs-505", ObjectType: "service", Org: "example.com", Name: "well baby"},
				PlanserviceCostShares: MemberCostShare{
					ObjectID: "1234512xvc1314sdfsd-506", ObjectType: "membercostshare", Org: "example.com",
					Deductible: 10, Copay: 175,
				},
			},
		},
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", p, want)
	}
	wantIDs := []string{
		"12xvxc345ssdsds-508", "1234vxc2324sdf-501",
		"27283xvx9asdff-504", "1234520xvc30asdf-502", "1234512xvc1314asdfs-503",
		"27283xvx9sdf-507", "1234520xvc30sfs-505", "1234512xvc1314sdfsd-506",
	}
	if got := p.ObjectIDs(); !reflect.DeepEqual(got, wantIDs) {
		t.Fatalf("ObjectIDs = %v, want %v", got, wantIDs)
	}
}

func TestCanonicalEncoding(t *testing.T) {
	p := mustDecode(t, exampleplan.JSON())
	got, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"objectId":"12xvxc345ssdsds-508","objectType":"plan","_org":"example.com","planType":"inNetwork","creationDate":"12-12-2017",` +
		`"planCostShares":{"objectId":"1234vxc2324sdf-501","objectType":"membercostshare","_org":"example.com","deductible":2000,"copay":23},` +
		`"linkedPlanServices":[` +
		`{"objectId":"27283xvx9asdff-504","objectType":"planservice","_org":"example.com","linkedService":{"objectId":"1234520xvc30asdf-502","objectType":"service","_org":"example.com","name":"Yearly physical"},"planserviceCostShares":{"objectId":"1234512xvc1314asdfs-503","objectType":"membercostshare","_org":"example.com","deductible":10,"copay":0}},` +
		`{"objectId":"27283xvx9sdf-507","objectType":"planservice","_org":"example.com","linkedService":{"objectId":"1234520xvc30sfs-505","objectType":"service","_org":"example.com","name":"well baby"},"planserviceCostShares":{"objectId":"1234512xvc1314sdfsd-506","objectType":"membercostshare","_org":"example.com","deductible":10,"copay":175}}]}`
	if string(got) != want {
		t.Fatalf("canonical JSON\n%s\nwant\n%s", got, want)
	}
	// A value and a pointer encode alike, and the encoding is a fixed point.
	byValue, err := json.Marshal(*p)
	if err != nil || !bytes.Equal(byValue, got) {
		t.Fatalf("value encoding differs: %s (%v)", byValue, err)
	}
	again, err := json.Marshal(mustDecode(t, got))
	if err != nil || !bytes.Equal(again, got) {
		t.Fatalf("re-encoding differs: %s (%v)", again, err)
	}
	// No services encode as [], never null.
	empty, err := json.Marshal(Plan{})
	if err != nil || !strings.Contains(string(empty), `"linkedPlanServices":[]`) {
		t.Fatalf("empty plan encodes as %s (%v)", empty, err)
	}
}

func TestDecodeNumbers(t *testing.T) {
	tests := []struct {
		literal string
		want    float64
		encoded string
	}{
		{"2000", 2000, "2000"},
		{"2000.0", 2000, "2000"},
		{"2e3", 2000, "2000"},
		{"23.5", 23.5, "23.5"},
		{"0.1", 0.1, "0.1"},
		{"10.555", 10.555, "10.555"},
		{"-0", 0, "0"},
		{"-0.0", 0, "0"},
		{"1e-7", 1e-7, "1e-7"},
		{"1000000000", 1e9, "1000000000"},
		{"999999999.99", 999999999.99, "999999999.99"},
	}
	for _, tt := range tests {
		t.Run(tt.literal, func(t *testing.T) {
			body := exampleWith(t, edit{"planCostShares.deductible", json.RawMessage(tt.literal)})
			p := mustDecode(t, body)
			if p.PlanCostShares.Deductible != tt.want {
				t.Fatalf("deductible = %v, want %v", p.PlanCostShares.Deductible, tt.want)
			}
			out, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if want := `"deductible":` + tt.encoded + `,`; !strings.Contains(string(out), want) {
				t.Fatalf("encoded %s, want it to contain %s", out, want)
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name string
		body []byte
	}{
		{"example", exampleplan.JSON()},
		{"no services", exampleWith(t, edit{"linkedPlanServices", []any{}})},
		{"ISO date", exampleWith(t, edit{"creationDate", "2017-12-12"})},
		{"unambiguous DD-MM-YYYY", exampleWith(t, edit{"creationDate", "31-12-2017"})},
		{"leap day", exampleWith(t, edit{"creationDate", "02-29-2016"})},
		{"objectId of 128", exampleWith(t, edit{"objectId", strings.Repeat("a", 128)})},
		{"objectId alphabet", exampleWith(t, edit{"objectId", "AZaz09._~:-"})},
		{"1024 characters, multi-byte", exampleWith(t, edit{"planType", strings.Repeat("é", 1024)})},
		{"org with spaces inside", exampleWith(t, edit{"_org", " Example Org, Inc. "})},
		{"money at the limits", exampleWith(t, edit{"planCostShares.copay", 0}, edit{"planCostShares.deductible", 1e9})},
		{"1000 services", withServices(t, 1000)},
		{"whitespace around", append(append([]byte("\n\t "), exampleplan.JSON()...), "\r\n "...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustDecode(t, tt.body)
		})
	}
}

// withServices returns the example with n distinct, valid linkedPlanServices.
func withServices(tb testing.TB, n int) []byte {
	tb.Helper()
	services := make([]any, n)
	for i := range services {
		services[i] = json.RawMessage(fmt.Sprintf(`{"objectId":"ps-%d","objectType":"planservice","_org":"example.com",
			"linkedService":{"objectId":"s-%d","objectType":"service","_org":"example.com","name":"service %d"},
			"planserviceCostShares":{"objectId":"cs-%d","objectType":"membercostshare","_org":"example.com","deductible":1,"copay":2}}`, i, i, i, i))
	}
	return exampleWith(tb, edit{"linkedPlanServices", services})
}

func TestDecodeRejects(t *testing.T) {
	deep := func(levels int) json.RawMessage {
		return json.RawMessage(strings.Repeat(`{"x":`, levels) + "1" + strings.Repeat("}", levels))
	}
	tests := []struct {
		name string
		body []byte
		want []Problem
	}{
		// The body as a whole.
		{"empty", nil, []Problem{{"", "empty"}}},
		{"blank", []byte(" \n\t"), []Problem{{"", "empty"}}},
		{"array", []byte(`[]`), []Problem{{"", "must be a JSON object, not an array"}}},
		{"null", []byte(`null`), []Problem{{"", "must be a JSON object, not null"}}},
		{"string", []byte(`"plan"`), []Problem{{"", "must be a JSON object, not a string"}}},
		{"two objects", append(exampleplan.JSON(), "{}"...), []Problem{{"", "unexpected data after the JSON value"}}},
		{"trailing garbage", append(exampleplan.JSON(), " x"...), []Problem{{"", "unexpected data after the JSON value"}}},
		{"truncated", exampleplan.JSON()[:100], []Problem{{"planCostShares", "ends unexpectedly"}}},
		{"malformed member", []byte(`{"planType": "a", "objectId": }`), []Problem{{"objectId", "malformed JSON at byte"}}},
		{"malformed in array", []byte(`{"linkedPlanServices": [{}, {"a" 1}]}`), []Problem{{"linkedPlanServices[1].a", "malformed JSON at byte 33"}}},
		{"invalid UTF-8", []byte("{\"planType\": \"\xff\"}"), []Problem{{"", "not valid UTF-8"}}},
		{"too large", exampleWith(t, edit{"planType", strings.Repeat("a", MaxDocumentBytes)}), []Problem{{"", "larger than"}}},
		{"too deep", exampleWith(t, edit{"extra", deep(MaxDepth)}),
			[]Problem{{"extra" + strings.Repeat(".x", MaxDepth-1), "deeper than the limit of 16"}}},
		{"deep but within the limit", exampleWith(t, edit{"extra", deep(MaxDepth - 1)}),
			[]Problem{{"extra", `unknown field "extra"`}}},

		// Issue 22: ids that are path-unsafe, strings that show nothing, lone surrogates.
		{"objectId dot", exampleWith(t, edit{"objectId", "."}), []Problem{{"objectId", "may not be . or .."}}},
		{"objectId dot dot", exampleWith(t, edit{"linkedPlanServices[0].objectId", ".."}),
			[]Problem{{"linkedPlanServices[0].objectId", "may not be . or .."}}},
		{"objectId slash", exampleWith(t, edit{"objectId", "a/b"}), []Problem{{"objectId", "may contain only"}}},
		{"_org only NUL", exampleWith(t, edit{"_org", "\x00"}), []Problem{{"_org", "must not be blank"}}},
		{"_org only zero-width space", exampleWith(t, edit{"_org", "\u200b"}), []Problem{{"_org", "must not be blank"}}},
		{"planType only BOM and bidi marks", exampleWith(t, edit{"planType", "\ufeff\u200e\u2060"}), []Problem{{"planType", "must not be blank"}}},
		{"name only control characters", exampleWith(t, edit{"linkedPlanServices[0].linkedService.name", "\x01\x1b\u0085"}),
			[]Problem{{"linkedPlanServices[0].linkedService.name", "must not be blank"}}},
		{"lone high surrogate", []byte(strings.Replace(string(exampleplan.JSON()), `"planType": "inNetwork"`, `"planType": "in\ud800Network"`, 1)),
			[]Problem{{"planType", "lone surrogate"}}},
		{"lone low surrogate", []byte(strings.Replace(string(exampleplan.JSON()), `"planType": "inNetwork"`, `"planType": "\udc00"`, 1)),
			[]Problem{{"planType", "lone surrogate"}}},
		{"reversed surrogate pair", []byte(strings.Replace(string(exampleplan.JSON()), `"planType": "inNetwork"`, `"planType": "\ude00\ud83d"`, 1)),
			[]Problem{{"planType", "lone surrogate"}}},

		// Duplicate keys, with the rest still checked.
		{"duplicate top-level key", []byte(strings.Replace(string(exampleplan.JSON()), `"planType": "inNetwork"`, `"planType": "inNetwork", "planType": "outNetwork"`, 1)),
			[]Problem{{"planType", `duplicate key "planType"`}}},
		{"duplicate nested key", []byte(strings.Replace(string(exampleplan.JSON()), `"copay": 175,`, `"copay": 175, "copay": 1,`, 1)),
			[]Problem{{"linkedPlanServices[1].planserviceCostShares.copay", "duplicate key"}}},

		// Presence and null.
		{"missing objectId", exampleWith(t, edit{"objectId", remove}), []Problem{{"objectId", "is required"}}},
		{"null planType", exampleWith(t, edit{"planType", nil}), []Problem{{"planType", "must not be null"}}},
		{"missing nested", exampleWith(t,
			edit{"planCostShares.copay", remove},
			edit{"linkedPlanServices[0].linkedService", remove},
			edit{"linkedPlanServices[1].planserviceCostShares._org", nil}),
			[]Problem{
				{"planCostShares.copay", "is required"},
				{"linkedPlanServices[0].linkedService", "is required"},
				{"linkedPlanServices[1].planserviceCostShares._org", "must not be null"},
			}},
		{"empty object", []byte(`{}`), []Problem{
			{"objectId", "is required"}, {"objectType", "is required"}, {"_org", "is required"},
			{"planType", "is required"}, {"creationDate", "is required"},
			{"planCostShares", "is required"}, {"linkedPlanServices", "is required"},
		}},
		{"empty service", exampleWith(t, edit{"linkedPlanServices[0]", map[string]any{}}), []Problem{
			{"linkedPlanServices[0].objectId", "is required"},
			{"linkedPlanServices[0].objectType", "is required"},
			{"linkedPlanServices[0]._org", "is required"},
			{"linkedPlanServices[0].linkedService", "is required"},
			{"linkedPlanServices[0].planserviceCostShares", "is required"},
		}},

		// JSON types; a wrong container is reported once, not again for its contents.
		{"wrong types", exampleWith(t,
			edit{"planType", 1},
			edit{"creationDate", true},
			edit{"planCostShares", "none"},
			edit{"linkedPlanServices[0].linkedService.name", []any{"x"}},
			edit{"linkedPlanServices[1].planserviceCostShares.copay", "175"}),
			[]Problem{
				{"planType", "must be a string, not a number"},
				{"creationDate", "must be a string, not a boolean"},
				{"planCostShares", "must be an object, not a string"},
				{"linkedPlanServices[0].linkedService.name", "must be a string, not an array"},
				{"linkedPlanServices[1].planserviceCostShares.copay", "must be a number, not a string"},
			}},
		{"services not an array", exampleWith(t, edit{"linkedPlanServices", map[string]any{}}),
			[]Problem{{"linkedPlanServices", "must be an array, not an object"}}},
		{"service not an object", exampleWith(t, edit{"linkedPlanServices[1]", "x"}),
			[]Problem{{"linkedPlanServices[1]", "must be an object, not a string"}}},

		// Unknown fields, named, wherever they are.
		{"unknown fields", exampleWith(t,
			edit{"extra", 1},
			edit{`["a.b"]`, 2},
			edit{"planCostShares.coinsurance", 3},
			edit{"linkedPlanServices[1].linkedService.color", "red"}),
			[]Problem{
				{"planCostShares.coinsurance", `unknown field "coinsurance"`},
				{"linkedPlanServices[1].linkedService.color", `unknown field "color"`},
				{`["a.b"]`, `unknown field "a.b"`},
				{"extra", `unknown field "extra"`},
			}},

		// objectType per position.
		{"objectType per position", exampleWith(t,
			edit{"objectType", "service"},
			edit{"planCostShares.objectType", "plan"},
			edit{"linkedPlanServices[0].objectType", "membercostshare"},
			edit{"linkedPlanServices[0].linkedService.objectType", "planservice"},
			edit{"linkedPlanServices[1].planserviceCostShares.objectType", "Membercostshare"}),
			[]Problem{
				{"objectType", `must be "plan"`},
				{"planCostShares.objectType", `must be "membercostshare"`},
				{"linkedPlanServices[0].objectType", `must be "planservice"`},
				{"linkedPlanServices[0].linkedService.objectType", `must be "service"`},
				{"linkedPlanServices[1].planserviceCostShares.objectType", `must be "membercostshare"`},
			}},

		// Money.
		{"money", exampleWith(t,
			edit{"planCostShares.copay", -1},
			edit{"planCostShares.deductible", 1e9 + 1},
			edit{"linkedPlanServices[0].planserviceCostShares.copay", json.RawMessage("1e999")},
			edit{"linkedPlanServices[1].planserviceCostShares.deductible", -0.01}),
			[]Problem{
				{"planCostShares.deductible", "must be at most 1000000000"},
				{"planCostShares.copay", "must not be negative"},
				{"linkedPlanServices[0].planserviceCostShares.copay", "must be a finite number"},
				{"linkedPlanServices[1].planserviceCostShares.deductible", "must not be negative"},
			}},

		// objectId format, length and uniqueness.
		{"objectId format", exampleWith(t,
			edit{"objectId", ""},
			edit{"planCostShares.objectId", strings.Repeat("a", 129)},
			edit{"linkedPlanServices[0].objectId", "a/b"},
			edit{"linkedPlanServices[0].linkedService.objectId", "has space"},
			edit{"linkedPlanServices[1].objectId", "café"}),
			[]Problem{
				{"objectId", "must not be empty"},
				{"planCostShares.objectId", "must be at most 128 characters"},
				{"linkedPlanServices[0].objectId", "may contain only letters, digits"},
				{"linkedPlanServices[0].linkedService.objectId", "may contain only letters, digits"},
				{"linkedPlanServices[1].objectId", "may contain only letters, digits"},
			}},
		{"duplicate objectIds at the later path", exampleWith(t,
			edit{"linkedPlanServices[1].linkedService.objectId", "1234vxc2324sdf-501"},
			edit{"linkedPlanServices[1].planserviceCostShares.objectId", "12xvxc345ssdsds-508"},
			edit{"linkedPlanServices[1].objectId", "27283xvx9asdff-504"}),
			[]Problem{
				{"linkedPlanServices[1].objectId", `objectId "27283xvx9asdff-504" is already used at linkedPlanServices[0].objectId`},
				{"linkedPlanServices[1].linkedService.objectId", `is already used at planCostShares.objectId`},
				{"linkedPlanServices[1].planserviceCostShares.objectId", `is already used at objectId`},
			}},

		// Strings.
		{"strings", exampleWith(t,
			edit{"_org", "   "},
			edit{"planType", strings.Repeat("x", 1025)},
			edit{"linkedPlanServices[0].linkedService.name", ""},
			edit{"linkedPlanServices[1]._org", "\t\n"}),
			[]Problem{
				{"_org", "must not be blank"},
				{"planType", "must be at most 1024 characters"},
				{"linkedPlanServices[0].linkedService.name", "must not be blank"},
				{"linkedPlanServices[1]._org", "must not be blank"},
			}},

		// creationDate.
		{"date format", exampleWith(t, edit{"creationDate", "12/12/2017"}), []Problem{{"creationDate", "MM-DD-YYYY"}}},
		{"date single digits", exampleWith(t, edit{"creationDate", "1-2-2017"}), []Problem{{"creationDate", "MM-DD-YYYY"}}},
		{"date with time", exampleWith(t, edit{"creationDate", "2017-12-12T00:00:00Z"}), []Problem{{"creationDate", "MM-DD-YYYY"}}},
		{"date empty", exampleWith(t, edit{"creationDate", ""}), []Problem{{"creationDate", "MM-DD-YYYY"}}},
		{"date not real", exampleWith(t, edit{"creationDate", "02-30-2017"}), []Problem{{"creationDate", "not a real calendar date"}}},
		{"date not leap", exampleWith(t, edit{"creationDate", "2017-02-29"}), []Problem{{"creationDate", "not a real calendar date"}}},
		{"date no month", exampleWith(t, edit{"creationDate", "13-13-2017"}), []Problem{{"creationDate", "not a real calendar date"}}},
		{"date year zero", exampleWith(t, edit{"creationDate", "0000-01-01"}), []Problem{{"creationDate", "not a real calendar date"}}},

		// linkedPlanServices size.
		{"1001 services", withServices(t, 1001), []Problem{{"linkedPlanServices", "must be at most 1000 elements"}}},

		// Everything at once: every problem is reported, in document order.
		{"many problems together", exampleWith(t,
			edit{"objectId", "a b"},
			edit{"objectType", "x"},
			edit{"_org", " "},
			edit{"planType", 1},
			edit{"creationDate", "02-30-2017"},
			edit{"planCostShares.copay", -1},
			edit{"planCostShares.deductible", "x"},
			edit{"planCostShares.foo", 1},
			edit{"linkedPlanServices[1].planserviceCostShares.copay", nil},
			edit{"linkedPlanServices[2]", 5},
			edit{"zz", 1}),
			[]Problem{
				{"objectId", "may contain only"},
				{"objectType", `must be "plan"`},
				{"_org", "must not be blank"},
				{"planType", "must be a string"},
				{"creationDate", "not a real calendar date"},
				{"planCostShares.deductible", "must be a number"},
				{"planCostShares.copay", "must not be negative"},
				{"planCostShares.foo", `unknown field "foo"`},
				{"linkedPlanServices[1].planserviceCostShares.copay", "must not be null"},
				{"linkedPlanServices[2]", "must be an object, not a number"},
				{"zz", `unknown field "zz"`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Decode(tt.body)
			if p != nil {
				t.Errorf("Decode returned a plan with an error")
			}
			wantProblems(t, err, tt.want)
		})
	}
}

func TestProblemsAreCapped(t *testing.T) {
	extra := make(map[string]any)
	for i := range MaxProblems + 50 {
		extra[fmt.Sprintf("x%03d", i)] = i
	}
	_, err := Decode(exampleWith(t, edit{"planCostShares", extra}))
	var ve *ValidationError
	if !asValidation(err, &ve) || len(ve.Problems) != MaxProblems+1 {
		t.Fatalf("error = %v", err)
	}
	// planCostShares' five missing members sort first, then the unknown ones.
	if last := ve.Problems[MaxProblems]; last.Path != "" || last.Message != "55 more problems not listed" {
		t.Fatalf("last problem = %+v", last)
	}
}

func TestValidationErrorJSON(t *testing.T) {
	_, err := Decode(exampleWith(t, edit{"linkedPlanServices[1].planserviceCostShares.copay", -1}))
	var ve *ValidationError
	if !asValidation(err, &ve) {
		t.Fatalf("error = %v", err)
	}
	b, err := json.Marshal(ve.Problems)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"path":"linkedPlanServices[1].planserviceCostShares.copay","message":"must not be negative"}]`
	if string(b) != want {
		t.Fatalf("problems encode as %s, want %s", b, want)
	}
	if msg := ve.Error(); msg != "invalid plan document: linkedPlanServices[1].planserviceCostShares.copay: must not be negative" {
		t.Fatalf("Error() = %q", msg)
	}
}

func TestValidateGoValue(t *testing.T) {
	if err := (*Plan)(nil).Validate(); err == nil {
		t.Fatal("nil plan validated")
	}
	p := mustDecode(t, exampleplan.JSON())
	if err := p.Validate(); err != nil {
		t.Fatalf("example: %v", err)
	}
	p.LinkedPlanServices[1].LinkedService.Name = ""
	p.PlanCostShares.Copay = -5
	wantProblems(t, p.Validate(), []Problem{
		{"planCostShares.copay", "must not be negative"},
		{"linkedPlanServices[1].linkedService.name", "must not be blank"},
	})
}

// The limits and objectTypes in the validate tags are literals; they must agree with
// the constants that document them.
func TestTagsMatchLimits(t *testing.T) {
	tests := []struct {
		typ   reflect.Type
		field string
		want  string
	}{
		{reflect.TypeFor[Plan](), "LinkedPlanServices", fmt.Sprintf("max=%d,dive", MaxLinkedPlanServices)},
		{reflect.TypeFor[Plan](), "ObjectID", fmt.Sprintf("min=1,max=%d,objectid", MaxObjectIDLength)},
		{reflect.TypeFor[MemberCostShare](), "ObjectID", fmt.Sprintf("min=1,max=%d,objectid", MaxObjectIDLength)},
		{reflect.TypeFor[PlanService](), "ObjectID", fmt.Sprintf("min=1,max=%d,objectid", MaxObjectIDLength)},
		{reflect.TypeFor[Service](), "ObjectID", fmt.Sprintf("min=1,max=%d,objectid", MaxObjectIDLength)},
		{reflect.TypeFor[Plan](), "Org", fmt.Sprintf("notblank,max=%d", MaxStringLength)},
		{reflect.TypeFor[Plan](), "PlanType", fmt.Sprintf("notblank,max=%d", MaxStringLength)},
		{reflect.TypeFor[MemberCostShare](), "Org", fmt.Sprintf("notblank,max=%d", MaxStringLength)},
		{reflect.TypeFor[PlanService](), "Org", fmt.Sprintf("notblank,max=%d", MaxStringLength)},
		{reflect.TypeFor[Service](), "Org", fmt.Sprintf("notblank,max=%d", MaxStringLength)},
		{reflect.TypeFor[Service](), "Name", fmt.Sprintf("notblank,max=%d", MaxStringLength)},
		{reflect.TypeFor[MemberCostShare](), "Copay", "finite,gte=0,lte=" + formatLimit(MaxMoney)},
		{reflect.TypeFor[MemberCostShare](), "Deductible", "finite,gte=0,lte=" + formatLimit(MaxMoney)},
		{reflect.TypeFor[Plan](), "ObjectType", "eq=" + TypePlan},
		{reflect.TypeFor[MemberCostShare](), "ObjectType", "eq=" + TypeMemberCostShare},
		{reflect.TypeFor[PlanService](), "ObjectType", "eq=" + TypePlanService},
		{reflect.TypeFor[Service](), "ObjectType", "eq=" + TypeService},
	}
	for _, tt := range tests {
		f, ok := tt.typ.FieldByName(tt.field)
		if !ok {
			t.Fatalf("%s has no field %s", tt.typ.Name(), tt.field)
		}
		if got := f.Tag.Get("validate"); got != tt.want {
			t.Errorf("%s.%s: validate tag %q, want %q", tt.typ.Name(), tt.field, got, tt.want)
		}
	}
}
