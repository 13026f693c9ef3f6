package exampleplan

import (
	"encoding/json"
	"testing"
)

// WithoutSecondService is plan (the example plan, or a copy of it with other ids) minus
// linkedPlanServices[1] and its two children: the change whose read-model documents a
// projection must delete.
func WithoutSecondService(tb testing.TB, plan []byte) []byte {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(plan, &m); err != nil {
		tb.Fatal(err)
	}
	m["linkedPlanServices"] = m["linkedPlanServices"].([]any)[:1]
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
