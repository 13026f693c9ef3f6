package events_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
)

// FuzzCodecDecodeMatchesStdlib holds the codec's fast path (segmentio/encoding) to its
// encoding/json path: for any input, both accept it or both refuse it, and what they
// accept decodes to the same envelope, byte for byte in the raw documents.
func FuzzCodecDecodeMatchesStdlib(f *testing.F) {
	for _, seed := range []string{
		`{"id":"e1","type":"plan.created","schema_version":1,"aggregate_type":"plan","aggregate_id":"p1","version":1,"occurred_at":"2026-01-02T03:04:05.123456789Z","actor":"a","correlation_id":"c","data":{"before":null,"after":{"objectId":"p1","planCostShares":{"copay":23}}}}`,
		`{"id":"e2","type":"plan.patched","schema_version":1,"version":2,"occurred_at":"2026-01-02T03:04:05Z","data":{"before":{"a":[1,2,{"b":"\u00e9\n"}]} ,"after":{"a":true},"patch":{"a":true}}}`,
		`{"id":"e3","schema_version":0,"data":{"old":{"objectId":"p1"},"new":{"objectId":"p1","x":1}}}`,
		`{"ID":"x","Schema_Version":1,"data":{"BEFORE":{}}}`,
		`{"id":"dup","id":"again","schema_version":1,"version":-3}`,
		`{"schema_version":1,"data":{"before":{"a":]}}}`,
		`{"schema_version":1,"id":"a\xff"}`,
		"{\"schema_version\":1,\"id\":\"a\xff\"}",
		`{"schema_version":1,"data":{"before":"\u00"}}`,
		`{"schema_version":1,"data":{"before":nul}}`,
		`{"schema_version":1,"version":1.5}`,
		`{"schema_version":1,"version":1e3}`,
		`{"schema_version":1,"occurred_at":"2024-13-01T00:00:00Z"}`,
		`{"schema_version":1} trailing`,
		`{"schema_version":99}`,
	} {
		f.Add([]byte(seed))
	}
	codec := planCodec(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		want, wantErr := codec.DecodeCarefully(b)
		got, err := codec.Decode(b)
		switch {
		case (err == nil) != (wantErr == nil):
			t.Fatalf("%q: fast path error %v, encoding/json path error %v", b, err, wantErr)
		case err == nil && !sameEnvelope(got, want):
			t.Fatalf("decoded %q differently:\n fast       %+v\n encoding/json %+v", b, got, want)
		}
	})
}

func sameEnvelope(a, b events.Envelope) bool {
	return a.ID == b.ID && a.Type == b.Type && a.SchemaVersion == b.SchemaVersion &&
		a.AggregateType == b.AggregateType && a.AggregateID == b.AggregateID &&
		a.Version == b.Version && a.OccurredAt.Equal(b.OccurredAt) &&
		a.OccurredAt.Location().String() == b.OccurredAt.Location().String() &&
		a.Actor == b.Actor && a.CorrelationID == b.CorrelationID && a.CausationID == b.CausationID &&
		bytes.Equal(a.Data.Before, b.Data.Before) && bytes.Equal(a.Data.After, b.Data.After) &&
		bytes.Equal(a.Data.Patch, b.Data.Patch)
}

// FuzzCodecEncodeMatchesStdlib holds the codec's encoder (segmentio/encoding) to
// encoding/json: the same bytes for every envelope, or an error from both.
func FuzzCodecEncodeMatchesStdlib(f *testing.F) {
	f.Add("e1", "plan.created", "p1", int64(1), "dev <a&b>", []byte(`null`), []byte(`{"objectId":"p1", "x": [1, 2.5e3, "\u2028"]}`), []byte(nil))
	f.Add("e\xff", "t", "", int64(-1), "\u2029", []byte(` {"a":"<&>"} `), []byte(`{}`), []byte(`{"a":null}`))
	f.Add("e", "t", "", int64(0), "", []byte(`{"a":]}`), []byte(`{}`), []byte(`nul`))
	// Compact documents, as commits write them: the envelope is appended, not marshalled.
	f.Add("0193a1b2-c3d4", "plan.created", "12xvxc345ssdsds-508", int64(1), "dev", []byte(nil), []byte(`{"name":"a \"b\" c","n":[1,2.5e3,{}],"t":true}`), []byte(nil))
	f.Add("e", "plan.patched", "p", int64(2), "dev", []byte(`{"a":"x\u003cy"}`), []byte(`{"a":"x<y"}`), []byte(`{"a":"\\"}`))
	f.Add("e", "plan.patched", "p", int64(3), "dev", []byte(`{"a":"\\\""}`), []byte("{\"a\":\"\u2028\"}"), []byte(``))
	f.Add("e", "t", "p", int64(1)<<40, "dev", []byte(`{}`), []byte(`{"a":1}`), []byte(`[]`))
	f.Add("e", "t", "p", int64(4), "d\\ev", []byte(`{}`), []byte(`{"a":1} `), []byte(`{"a":]`))
	codec := planCodec(f)
	f.Fuzz(func(t *testing.T, id, typ, aggregate string, version int64, actor string, before, after, patch []byte) {
		e := events.Envelope{
			ID: id, Type: events.Type(typ), SchemaVersion: events.CurrentSchemaVersion,
			AggregateType: events.AggregateTypePlan, AggregateID: aggregate, Version: version,
			OccurredAt: time.Unix(version, version%1e9).UTC(), Actor: actor, CorrelationID: id + actor,
			Data: events.Data{Before: before, After: after, Patch: patch},
		}
		want, wantErr := json.Marshal(e)
		got, err := codec.Encode(e)
		switch {
		case (err == nil) != (wantErr == nil):
			t.Fatalf("%+v: codec error %v, encoding/json error %v", e, err, wantErr)
		case err == nil && !bytes.Equal(got, want):
			t.Fatalf("encoded differently:\n codec         %s\n encoding/json %s", got, want)
		}
	})
}
