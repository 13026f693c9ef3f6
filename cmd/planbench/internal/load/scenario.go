package load

import (
	"fmt"
	"strings"
)

// Scenario is a named kind of run.
type Scenario struct {
	Name string
	// Mix is the scenario's fixed mix; nil means --mix.
	Mix *Mix
	// Preload: create --plans plans before the run, so reads, patches and searches
	// work on a populated store from the first request.
	Preload bool
	// WaitSearchable: after preloading, wait until every plan is searchable, so
	// searches measure a settled index rather than a filling one.
	WaitSearchable bool
	// Lag: sample creates for projection lag, and after the run wait until every
	// plan is searchable.
	Lag bool
}

// Scenarios by name.
var scenarios = []Scenario{
	{Name: "create-only", Mix: ptr(Only(OpCreate))},
	{Name: "mixed", Preload: true},
	{Name: "read", Mix: ptr(Only(OpRead)), Preload: true},
	{Name: "search", Mix: ptr(Only(OpSearch)), Preload: true, WaitSearchable: true},
	{Name: "lag", Mix: ptr(Only(OpCreate)), Lag: true},
}

func ptr[T any](v T) *T { return &v }

// LookupScenario finds a scenario by name.
func LookupScenario(name string) (Scenario, error) {
	var names []string
	for _, s := range scenarios {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Scenario{}, fmt.Errorf("--scenario %q: want one of %s", name, strings.Join(names, ", "))
}

// NeedsSearch reports whether the scenario with mix m sends searches.
func (s Scenario) NeedsSearch(m Mix) bool {
	return s.Lag || s.WaitSearchable || m.Weight(OpSearch) > 0
}
