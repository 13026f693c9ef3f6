package events

import (
	"encoding/json"
	"fmt"
)

// NewPlanCodec is the codec every planstore role uses: the one place where upcasters are
// registered, so the log, the outbox, the bus and replay all read old events alike.
func NewPlanCodec() (*Codec, error) {
	return NewCodec(upcastV0ToV1)
}

// upcastV0ToV1 reads schema version 0, the pre-release shape whose payload called the
// states "old" and "new". It keeps such logs replayable, and it is the worked example
// of how a schema change ships: bump CurrentSchemaVersion, add an Upcaster from the old
// version, never rewrite stored events.
var upcastV0ToV1 = Upcaster{
	From:    0,
	Purpose: "rename data.old/data.new to data.before/data.after",
	Upcast: func(raw map[string]json.RawMessage) error {
		var data map[string]json.RawMessage
		if err := json.Unmarshal(raw["data"], &data); err != nil {
			return fmt.Errorf("data: %w", err)
		}
		for old, current := range map[string]string{"old": "before", "new": "after"} {
			if v, ok := data[old]; ok {
				data[current] = v
				delete(data, old)
			}
		}
		b, err := json.Marshal(data)
		if err != nil {
			return err
		}
		raw["data"] = b
		return nil
	},
}
