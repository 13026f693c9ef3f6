package commands

import "encoding/json"

// Result is the state a successful command leaves the plan in.
type Result struct {
	PlanID   string
	Version  int64
	Document json.RawMessage // nil after a delete
}
