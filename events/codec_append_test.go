package events_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
)

// TestEncodeWritesWhatEncodingJSONWrites covers what the fuzzer's generated envelopes
// do not reach: times in other zones and outside encoding/json's range, empty but
// present documents, a causation id, each string member needing escapes, and each
// document the general encoder must write.
func TestEncodeWritesWhatEncodingJSONWrites(t *testing.T) {
	codec := planCodec(t)
	at := time.Date(2026, 12, 7, 4, 5, 6, 789, time.UTC)
	plain := events.Envelope{
		ID: "e1", Type: events.PlanCreated, SchemaVersion: events.CurrentSchemaVersion,
		AggregateType: events.AggregateTypePlan, AggregateID: "p1", Version: 1, OccurredAt: at,
		Actor: "dev", CorrelationID: "c1", Data: events.Data{After: []byte(`{"objectId":"p1","n":1.5}`)},
	}
	cases := map[string]func(e *events.Envelope){
		"plain":                        func(*events.Envelope) {},
		"causation id":                 func(e *events.Envelope) { e.CausationID = "cause" },
		"escaped actor":                func(e *events.Envelope) { e.Actor = "a&b" },
		"unicode actor":                func(e *events.Envelope) { e.Actor = "zoë" },
		"offset zone":                  func(e *events.Envelope) { e.OccurredAt = at.In(time.FixedZone("x", -(3*3600 + 30*60))) },
		"zero offset named zone":       func(e *events.Envelope) { e.OccurredAt = at.In(time.FixedZone("UTC0", 0)) },
		"offset of 24 hours":           func(e *events.Envelope) { e.OccurredAt = at.In(time.FixedZone("x", 24*3600)) },
		"offset with seconds":          func(e *events.Envelope) { e.OccurredAt = at.In(time.FixedZone("x", 3600+7)) },
		"year 10000":                   func(e *events.Envelope) { e.OccurredAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"year -1":                      func(e *events.Envelope) { e.OccurredAt = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) },
		"zero time":                    func(e *events.Envelope) { e.OccurredAt = time.Time{} },
		"empty after":                  func(e *events.Envelope) { e.Data.After = []byte{} },
		"empty patch":                  func(e *events.Envelope) { e.Data.Patch = []byte{} },
		"patch":                        func(e *events.Envelope) { e.Data.Patch = []byte(`{"n":null}`) },
		"spaced before":                func(e *events.Envelope) { e.Data.Before = []byte("{\"a\":\n1}") },
		"space in a string":            func(e *events.Envelope) { e.Data.Before = []byte(`{"a":" 1 "}`) },
		"html in a document":           func(e *events.Envelope) { e.Data.Before = []byte(`{"a":">"}`) },
		"invalid document":             func(e *events.Envelope) { e.Data.Before = []byte(`{"a":"}`) },
		"trailing data":                func(e *events.Envelope) { e.Data.Before = []byte(`{}{}`) },
		"escaped quote at the end":     func(e *events.Envelope) { e.Data.Before = []byte(`{"a":"\\\" "}`) },
		"line separator in a document": func(e *events.Envelope) { e.Data.After = []byte("{\"a\":\"\u2028\"}") },
		"quote in the id":              func(e *events.Envelope) { e.ID = `e"1` },
		"backslash in the type":        func(e *events.Envelope) { e.Type = `plan\created` },
		"control in the aggregate id":  func(e *events.Envelope) { e.AggregateID = "p\x01" },
		"escaped aggregate type":       func(e *events.Envelope) { e.AggregateType = "<plan>" },
		"escaped correlation id":       func(e *events.Envelope) { e.CorrelationID = "c&1" },
		"escaped causation id":         func(e *events.Envelope) { e.CausationID = "c>1" },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			e := plain
			edit(&e)
			want, wantErr := json.Marshal(e)
			got, err := codec.Encode(e)
			switch {
			case (err == nil) != (wantErr == nil):
				t.Fatalf("codec error %v, encoding/json error %v", err, wantErr)
			case !bytes.Equal(got, want):
				t.Fatalf("encoded differently:\n codec         %s\n encoding/json %s", got, want)
			}
		})
	}
}
