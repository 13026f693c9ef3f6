package replay_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"testing"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections/replay"
)

// Events stored under schema version 0 (data.old/data.new) replay exactly like their
// current-schema versions, because the log is read through the codec's upcasters.
func TestReplayUpcastsOldSchemaEvents(t *testing.T) {
	store, _ := storeWithWorkload(t, 100, 7)
	legacy := legacyCopy(t, store)
	if legacy.old == 0 {
		t.Fatal("no event was rewritten to schema 0")
	}
	eachBackend(t, func(t *testing.T, b backend) {
		projectLive(t, b, store)
		if _, err := newReplayer(t, b, store, nil).Run(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		want := sources(t, b)

		status, err := newReplayer(t, b, legacy, nil).Run(context.Background(), nil)
		if err != nil {
			t.Fatalf("replay of a log with schema-0 events: %v", err)
		}
		if status.EventsRead != int64(len(legacy.raw)) {
			t.Errorf("read %d events, want %d", status.EventsRead, len(legacy.raw))
		}
		if got := sources(t, b); !maps.Equal(got, want) {
			t.Errorf("read model from the legacy log differs: %d documents, want %d", len(got), len(want))
		}
	})
}

// rawLog is a log kept as stored bytes and decoded through the plan codec on every
// read, like the stores do; it lets a test store bytes no current writer produces.
type rawLog struct {
	codec *events.Codec
	raw   [][]byte
	old   int // how many entries are schema 0
}

func (l *rawLog) Partitions() int { return 1 }

func (l *rawLog) ReadLog(ctx context.Context, partition int, after string, limit int) ([]events.LogEntry, error) {
	from := 0
	if after != "" {
		n, err := strconv.Atoi(after)
		if err != nil {
			return nil, err
		}
		from = n + 1
	}
	var out []events.LogEntry
	for i := from; i < len(l.raw) && len(out) < limit; i++ {
		e, err := l.codec.Decode(l.raw[i])
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		out = append(out, events.LogEntry{Partition: 0, Position: strconv.Itoa(i), Event: e})
	}
	return out, nil
}

// legacyCopy copies the store's log, rewriting every other event into schema 0.
func legacyCopy(t testing.TB, log replay.Log) *rawLog {
	t.Helper()
	codec, err := events.NewPlanCodec()
	if err != nil {
		t.Fatal(err)
	}
	l := &rawLog{codec: codec}
	for p := range log.Partitions() {
		after := ""
		for {
			entries, err := log.ReadLog(context.Background(), p, after, 500)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) == 0 {
				break
			}
			for _, entry := range entries {
				b, err := codec.Encode(entry.Event)
				if err != nil {
					t.Fatal(err)
				}
				if len(l.raw)%2 == 0 {
					b = toSchemaZero(t, b)
					l.old++
				}
				l.raw = append(l.raw, b)
			}
			after = entries[len(entries)-1].Position
		}
	}
	return l
}

// toSchemaZero writes an event the way the pre-release schema did.
func toSchemaZero(t testing.TB, b []byte) []byte {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(raw["data"], &data); err != nil {
		t.Fatal(err)
	}
	data["old"], data["new"] = data["before"], data["after"]
	delete(data, "before")
	delete(data, "after")
	raw["data"], _ = json.Marshal(data)
	raw["schema_version"] = json.RawMessage("0")
	out, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
