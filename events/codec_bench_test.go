package events_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/events"
)

// examplePatchEvent is a plan.patched event of the contract's example plan: the
// before and after documents are what makes events large. They are compact, as the
// aggregate's canonical JSON is in every event a command writes.
func examplePatchEvent(b *testing.B) events.Envelope {
	b.Helper()
	var compact bytes.Buffer
	if err := json.Compact(&compact, exampleplan.JSON()); err != nil {
		b.Fatal(err)
	}
	plan := compact.Bytes()
	return events.Envelope{
		ID: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", Type: events.PlanPatched,
		SchemaVersion: events.CurrentSchemaVersion, AggregateType: events.AggregateTypePlan,
		AggregateID: "12xvxc345ssdsds-508", Version: 3, OccurredAt: time.Now().UTC(),
		Actor: "dev", CorrelationID: "c1",
		Data: events.Data{Before: plan, After: plan, Patch: []byte(`{"planType":"outOfNetwork"}`)},
	}
}

func BenchmarkCodecEncode(b *testing.B) {
	codec := planCodec(b)
	e := examplePatchEvent(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := codec.Encode(e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCodecDecode(b *testing.B) {
	codec := planCodec(b)
	raw, err := codec.Encode(examplePatchEvent(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := codec.Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}
