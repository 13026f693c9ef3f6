package search

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// stallingQuery is issue 14's query: a bool should of n has_parent > has_child chains,
// each chain depth joins deep. With n = 1,024 and depth 2 it is a 127 KB body that cost
// 15-47 s of CPU on 20,000 plans before the budget.
func stallingQuery(n, depth int) string {
	chain := `{"term":{"objectType":"planCostShare"}}`
	for i := range depth {
		if i%2 == 0 {
			chain = `{"has_child":{"type":"planCostShare","query":` + chain + `}}`
		} else {
			chain = `{"has_parent":{"parent_type":"plan","query":` + chain + `}}`
		}
	}
	return `{"query":{"bool":{"should":[` + strings.TrimSuffix(strings.Repeat(chain+",", n), ",") + `]}}}`
}

func TestBudgetRefusesTheStallingQueryAndItsVariations(t *testing.T) {
	for name, body := range map[string]string{
		"issue 14: 1,024 chains of two joins":  stallingQuery(1024, 2),
		"under the per-bool limit: 341 chains": stallingQuery(341, 2),
		"17 single joins":                      stallingQuery(MaxJoinQueries+1, 1),
		"one chain nested too deep":            stallingQuery(1, MaxJoinDepth+1),
		"clauses spread over nested bools": `{"query":{"bool":{"must":[` +
			strings.TrimSuffix(strings.Repeat(`{"bool":{"should":[`+strings.TrimSuffix(strings.Repeat(`{"term":{"a":1}},`, 1000), ",")+`]}},`, 5), ",") + `]}}}`,
		"terms spread over clauses": `{"query":{"bool":{"should":[` +
			strings.TrimSuffix(strings.Repeat(`{"terms":{"a":[`+strings.TrimSuffix(strings.Repeat(`1,`, 1000), ",")+`]}},`, 5), ",") + `]}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseRequest([]byte(body))
			var iq *InvalidQueryError
			if !errors.As(err, &iq) || !errors.Is(err, ErrLimit) {
				t.Fatalf("got %v, want a limit error", err)
			}
			if iq.Path == "" || !strings.HasPrefix(iq.Path, "query.") {
				t.Errorf("path %q does not locate the clause", iq.Path)
			}
		})
	}
}

func TestBudgetAcceptsTheLimitsThemselves(t *testing.T) {
	for name, body := range map[string]string{
		"16 single joins":       stallingQuery(MaxJoinQueries, 1),
		"8 chains of two joins": stallingQuery(MaxJoinQueries/2, 2),
		"joins nested 4 deep":   stallingQuery(1, MaxJoinDepth),
		"4,096 clauses in all": `{"query":{"bool":{"must":[` +
			strings.TrimSuffix(strings.Repeat(`{"bool":{"should":[`+strings.TrimSuffix(strings.Repeat(`{"term":{"a":1}},`, 1022), ",")+`]}},`, 4), ",") + `]}}}`,
		"4,096 terms in all": `{"query":{"bool":{"should":[` +
			strings.TrimSuffix(strings.Repeat(`{"terms":{"a":[`+strings.TrimSuffix(strings.Repeat(`1,`, 1024), ",")+`]}},`, 4), ",") + `]}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseRequest([]byte(body)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestTimeoutIsReadAndBounded(t *testing.T) {
	for body, want := range map[string]string{
		`{"timeout":"250ms"}`:   "250ms",
		`{"timeout":"2s"}`:      "2s",
		`{"timeout":"1m"}`:      "1m0s",
		`{"timeout":"2h"}`:      "1m0s", // clamped to search.MaxSearchTimeout
		`{"timeout":"10nanos"}`: "1ms",
		`{"timeout":"0d"}`:      "1ms",
		`{}`:                    "0s",
	} {
		req, err := ParseRequest([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if got := req.Timeout().String(); got != want {
			t.Errorf("%s: timeout %s, want %s", body, got, want)
		}
		if strings.Contains(string(req.Body()), "timeout") {
			t.Errorf("%s: the timeout travels as a parameter, not in %s", body, req.Body())
		}
	}
	for _, body := range []string{`{"timeout":"-1"}`, `{"timeout":5}`, `{"timeout":"5 s"}`, `{"timeout":"99999999999999d"}`} {
		if _, err := ParseRequest([]byte(body)); err == nil {
			t.Errorf("%s accepted", body)
		}
	}
}

func ExampleParseRequest_budget() {
	_, err := ParseRequest([]byte(stallingQuery(1024, 2)))
	fmt.Println(err)
	// Output: query.bool.should[8].has_parent: a search may hold at most 16 has_child and has_parent queries in all
}

// TestIntegralMinimumShouldMatchIsThatInteger: 4.0 is the integer 4 in JSON Schema, so
// the API document allows it; Elasticsearch would refuse "4.0", so it travels as 4.
func TestIntegralMinimumShouldMatchIsThatInteger(t *testing.T) {
	req, err := ParseRequest([]byte(`{"query":{"bool":{"should":[{"match_all":{}}],"minimum_should_match":4.0}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if body := string(req.Body()); !strings.Contains(body, `"minimum_should_match":4}`) {
		t.Fatalf("minimum_should_match not sent as an integer: %s", body)
	}
	if _, err := ParseRequest([]byte(`{"query":{"bool":{"minimum_should_match":4.5}}}`)); err == nil {
		t.Fatal("minimum_should_match 4.5 accepted")
	}
}
