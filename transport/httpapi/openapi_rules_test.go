package httpapi

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/planstore/planstore/aggregates/plan"
)

// These tests keep the parts of openapi.json that schemathesis found out of step with
// the server (issue 22) in step with it: each rule of the document is checked against
// the code that enforces it, so that a request the document calls valid is accepted and
// one it calls invalid is refused.

// rawSchema decodes components.schemas[name] generically.
func rawSchema(t *testing.T, name string) map[string]any {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	s, ok := doc.Components.Schemas[name]
	if !ok {
		t.Fatalf("no schema %s", name)
	}
	return s
}

func member(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: not an object at %q", path, p)
		}
		v = m[p]
	}
	return v
}

// The creationDate pattern accepts exactly the strings plan.ParseCreationDate accepts,
// over every day/month pair in both shapes for years that test the leap-year rules.
func TestOpenAPICreationDatePatternIsTheServersRule(t *testing.T) {
	for _, schema := range []string{"Plan", "PlanPatch"} {
		pattern := member(t, rawSchema(t, schema), "properties", "creationDate", "pattern").(string)
		re := regexp.MustCompile(pattern)
		checked := 0
		for _, year := range []int{0, 1, 4, 100, 400, 1900, 1999, 2000, 2017, 2024, 2100, 9999} {
			for a := 0; a < 100; a++ {
				for b := 0; b < 100; b++ {
					for _, s := range []string{
						fmt.Sprintf("%02d-%02d-%04d", a, b, year),
						fmt.Sprintf("%04d-%02d-%02d", year, a, b),
					} {
						_, err := plan.ParseCreationDate(s)
						if re.MatchString(s) != (err == nil) {
							t.Fatalf("%s: creationDate %q: pattern says %v, server says %v", schema, s, re.MatchString(s), err)
						}
						checked++
					}
				}
			}
		}
		for _, s := range []string{"", "2017-1-1", "12-12-17", "12/12/2017", " 12-12-2017", "12-12-2017\n"} {
			if re.MatchString(s) {
				t.Errorf("%s: pattern accepts %q", schema, s)
			}
		}
		t.Logf("%s: %d dates agree", schema, checked)
	}
}

// Elasticsearch omits hits.total when the request sets track_total_hits: false, so the
// document must not require it.
func TestOpenAPISearchResponseTotalIsOptional(t *testing.T) {
	hits := member(t, rawSchema(t, "SearchResponse"), "properties", "hits").(map[string]any)
	for _, r := range hits["required"].([]any) {
		if r == "total" {
			t.Fatal("hits.total is required, but track_total_hits: false leaves it out")
		}
	}
}

// A patch may carry exactly the members of a plan, with the same rules; others are
// refused by the server (the patched plan would have an unknown member), so the schema
// must refuse them too.
func TestOpenAPIPatchSchemaHasThePlanMembers(t *testing.T) {
	planProps := member(t, rawSchema(t, "Plan"), "properties").(map[string]any)
	patch := rawSchema(t, "PlanPatch")
	patchProps := member(t, patch, "properties").(map[string]any)
	for k := range planProps {
		if _, ok := patchProps[k]; !ok {
			t.Errorf("PlanPatch lacks %s", k)
		}
	}
	for k := range patchProps {
		if _, ok := planProps[k]; !ok {
			t.Errorf("PlanPatch has %s, which a plan has not", k)
		}
	}
	if patch["additionalProperties"] != false {
		t.Error("PlanPatch must set additionalProperties: false")
	}
	for _, k := range []string{"planType", "creationDate"} {
		a, _ := json.Marshal(planProps[k])
		b, _ := json.Marshal(patchProps[k])
		if string(a) != string(b) {
			t.Errorf("PlanPatch.%s differs from Plan.%s", k, k)
		}
	}
}

// Elasticsearch reads from, size, track_total_hits, min/max_children and
// minimum_should_match as 32-bit integers: every integer of a search request has bounds
// within them.
func TestOpenAPISearchIntegersFitIn32Bits(t *testing.T) {
	var walk func(v any, at string)
	count := 0
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if isIntegerSchema(v) {
				count++
				lo, hasLo := v["minimum"].(float64)
				hi, hasHi := v["maximum"].(float64)
				if !hasLo || !hasHi || lo < math.MinInt32 || hi > math.MaxInt32 {
					t.Errorf("%s: integer without 32-bit bounds (minimum %v, maximum %v)", at, v["minimum"], v["maximum"])
				}
			}
			for k, child := range v {
				walk(child, at+"/"+k)
			}
		case []any:
			for i, child := range v {
				walk(child, fmt.Sprintf("%s/%d", at, i))
			}
		}
	}
	for _, name := range []string{"SearchRequest", "Query"} {
		walk(rawSchema(t, name), name)
	}
	if count < 5 {
		t.Fatalf("found %d integers in the search schemas; the walk is broken", count)
	}
}

func isIntegerSchema(v map[string]any) bool {
	switch typ := v["type"].(type) {
	case string:
		return typ == "integer"
	case []any:
		return slices.Contains(typ, any("integer"))
	}
	return false
}

// The server never refuses a request for its X-Correlation-ID (it replaces one it does
// not like), so the document must not constrain it.
func TestOpenAPICorrelationIDIsAnyString(t *testing.T) {
	schema := loadOpenAPI(t).Components.Parameters["XCorrelationIDRequest"].Schema
	if len(schema) != 1 || schema["type"] != "string" {
		t.Fatalf("X-Correlation-ID schema %v, want just {type: string}", schema)
	}
	srv := newFullServer(t)
	for _, id := range []string{"", "has space", strings.Repeat("x", 500), "ü"} {
		req, _ := http.NewRequest(http.MethodGet, "/healthz", nil)
		req.Header.Set("X-Correlation-ID", id)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Errorf("X-Correlation-ID %q: %d", id, rec.Code)
		}
		if got := rec.Header().Get("X-Correlation-ID"); got == "" || got == id {
			t.Errorf("X-Correlation-ID %q answered with %q, want a new id", id, got)
		}
	}
}

// Every operation with a body documents 408 (the body came too slowly), every write 507
// (the event store's disk is full), and the 404 and 405 any path can give are described.
func TestOpenAPIDocumentsTheEdgeResponses(t *testing.T) {
	doc := loadOpenAPI(t)
	for op, spec := range doc.documentedOperations() {
		method, path, _ := strings.Cut(op, " ")
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(doc.Paths[path][strings.ToLower(method)], &raw); err != nil {
			t.Fatal(err)
		}
		_, hasBody := raw["requestBody"]
		if _, ok := spec.Responses["408"]; hasBody && !ok {
			t.Errorf("%s takes a body but does not document 408", op)
		}
		isWrite := strings.HasPrefix(path, "/v1/plans") && method != http.MethodGet && method != http.MethodHead
		if _, ok := spec.Responses["507"]; isWrite && !ok {
			t.Errorf("%s writes but does not document 507", op)
		}
	}
	if _, ok := doc.Components.Responses["MethodNotAllowed"].Headers["Allow"]; !ok {
		t.Error("components.responses.MethodNotAllowed must document the Allow header")
	}
	if _, ok := doc.Components.Responses["NoSuchRoute"]; !ok {
		t.Error("components.responses.NoSuchRoute is missing")
	}
}

// The "not blank" pattern of _org, planType and name (a character class of what does not
// count as visible) agrees with the server's validation for every code point of the
// Basic Multilingual Plane and around each astral range of the class.
func TestOpenAPINotBlankPatternIsTheServersRule(t *testing.T) {
	pattern := member(t, rawSchema(t, "Plan"), "properties", "planType", "pattern").(string)
	for _, other := range []any{
		member(t, rawSchema(t, "Org"), "pattern"),
		member(t, rawSchema(t, "Service"), "properties", "name", "pattern"),
		member(t, rawSchema(t, "PlanPatch"), "properties", "planType", "pattern"),
		member(t, rawSchema(t, "ServicePatch"), "properties", "name", "pattern"),
	} {
		if other != pattern {
			t.Fatalf("not-blank patterns differ: %q and %q", other, pattern)
		}
	}
	// ECMA-262 writes \uXXXX where Go's regexp writes \x{XXXX}.
	re := regexp.MustCompile(regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`).ReplaceAllString(pattern, `\x{$1}`))
	example := mustExample(t)
	var runes []rune
	for r := rune(0); r <= 0xFFFF; r++ {
		if r < 0xD800 || r > 0xDFFF {
			runes = append(runes, r)
		}
	}
	for _, r := range pattern {
		if r > 0xFFFF {
			runes = append(runes, r-1, r, r+1)
		}
	}
	for _, r := range runes {
		s := string(r)
		quoted, _ := json.Marshal(s)
		body := strings.Replace(string(example), `"planType":"inNetwork"`, `"planType":`+string(quoted), 1)
		_, err := plan.Decode([]byte(body))
		if accepted := err == nil; accepted != re.MatchString(s) {
			t.Fatalf("planType %U: pattern says %v, server says %v", r, re.MatchString(s), err)
		}
	}
}

// mustExample is the document's Plan example, compact.
func mustExample(t *testing.T) []byte {
	t.Helper()
	ex, ok := loadOpenAPI(t).Components.Examples["Plan"]
	if !ok {
		t.Fatal("no Plan example")
	}
	var v any
	if err := json.Unmarshal(ex.Value, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"planType":"inNetwork"`) {
		t.Fatal(`the Plan example has no "planType":"inNetwork"`)
	}
	return b
}
