package events

import (
	"encoding/json"
	"fmt"
	"time"

	segjson "github.com/segmentio/encoding/json"
)

// Upcaster turns the raw JSON of an event written under schema version From into the
// JSON of version From+1. Upcasters are registered explicitly (no init() registries).
type Upcaster struct {
	From    int
	Upcast  func(raw map[string]json.RawMessage) error
	Purpose string
}

// Codec encodes envelopes and decodes them, upcasting old schema versions on the way.
type Codec struct {
	upcasters map[int]Upcaster
}

// NewCodec returns a codec with the given upcasters; two upcasters for the same version
// are a programming error reported at start-up.
func NewCodec(upcasters ...Upcaster) (*Codec, error) {
	c := &Codec{upcasters: make(map[int]Upcaster, len(upcasters))}
	for _, u := range upcasters {
		if _, dup := c.upcasters[u.From]; dup {
			return nil, fmt.Errorf("events: two upcasters from schema version %d", u.From)
		}
		c.upcasters[u.From] = u
	}
	return c, nil
}

// envelopeOverhead is the room an encoded envelope needs besides its variable strings
// and documents: member names, punctuation, numbers and the time.
const envelopeOverhead = 256

// Encode returns the wire and storage form of an envelope: encoding/json's bytes.
func (c *Codec) Encode(e Envelope) ([]byte, error) {
	var stamp [len(`""`) + len(time.RFC3339Nano)]byte
	occurredAt, timeOK := appendTime(stamp[:0], e.OccurredAt)
	// Nearly every envelope is plain (see appendEnvelope): written in one append, its
	// documents copied rather than parsed again.
	if timeOK && plainDocuments(e.Data) {
		size := envelopeOverhead + len(e.ID) + len(e.Type) + len(e.AggregateType) + len(e.AggregateID) +
			len(e.Actor) + len(e.CorrelationID) + len(e.CausationID) +
			len(e.Data.Before) + len(e.Data.After) + len(e.Data.Patch)
		return appendEnvelope(make([]byte, 0, size), e, occurredAt), nil
	}
	// segmentio/encoding/json writes the same bytes as encoding/json ~2.7x faster: the
	// before/after documents are compacted and HTML-escaped the same way
	// (FuzzCodecEncodeMatchesStdlib). It checks only that a RawMessage starts with a
	// value, though, so the documents are validated first: encoding/json refuses them,
	// as it refuses times it cannot write in RFC 3339.
	marshal := segjson.Marshal
	if !timeOK || !validRaw(e.Data.Before) || !validRaw(e.Data.After) || !validRaw(e.Data.Patch) {
		marshal = json.Marshal
	}
	b, err := marshal(e)
	if err != nil {
		return nil, fmt.Errorf("events: encode %s v%d of %s: %w", e.Type, e.Version, e.AggregateID, err)
	}
	return b, nil
}

// validRaw reports whether raw is absent or one valid JSON value.
func validRaw(raw json.RawMessage) bool {
	return raw == nil || segjson.Valid(raw)
}

// Decode parses a stored or received event and upcasts it to CurrentSchemaVersion.
func (c *Codec) Decode(b []byte) (Envelope, error) {
	// Nearly every event is of the current schema: decode it in one pass. Anything else
	// (an older schema, or a shape the current Envelope cannot hold) takes the careful
	// path (decodeOther), which reads the version first and upcasts.
	//
	// segmentio/encoding/json decodes an envelope ~7x faster than encoding/json, which
	// scans the large before/after documents twice (validation, then skipping them into
	// RawMessages). It validates the same JSON, fails the same inputs and copies what it
	// keeps (bbolt hands out memory that is only valid inside a transaction);
	// FuzzCodecDecodeMatchesStdlib holds it to that.
	e, _, err := c.DecodeStored(b)
	return e, err
}

// DecodeStored decodes an event as Decode does, and also returns its encoding at the
// current schema: b itself when it already is that (nearly always: the store wrote it
// with this codec), else nil, and the caller encodes the upcast event when it needs
// bytes. A relay thus publishes what the store holds instead of encoding it again.
func (c *Codec) DecodeStored(b []byte) (Envelope, []byte, error) {
	var e Envelope
	if err := segjson.Unmarshal(b, &e); err == nil && e.SchemaVersion == CurrentSchemaVersion {
		return e, b, nil
	}
	e, err := c.decodeOther(b)
	return e, nil, err
}

// decodeOther decodes an event that is not plainly of the current schema version.
func (c *Codec) decodeOther(b []byte) (Envelope, error) {
	var head struct {
		SchemaVersion int `json:"schema_version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Envelope{}, fmt.Errorf("events: decode: %w", err)
	}
	if head.SchemaVersion > CurrentSchemaVersion {
		return Envelope{}, fmt.Errorf("events: schema version %d is newer than this build knows (%d)", head.SchemaVersion, CurrentSchemaVersion)
	}
	if head.SchemaVersion < CurrentSchemaVersion {
		upcast, err := c.upcast(b, head.SchemaVersion)
		if err != nil {
			return Envelope{}, err
		}
		b = upcast
	}
	var e Envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return Envelope{}, fmt.Errorf("events: decode: %w", err)
	}
	return e, nil
}

func (c *Codec) upcast(b []byte, from int) ([]byte, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("events: decode for upcast: %w", err)
	}
	for v := from; v < CurrentSchemaVersion; v++ {
		u, ok := c.upcasters[v]
		if !ok {
			return nil, fmt.Errorf("events: no upcaster from schema version %d", v)
		}
		if err := u.Upcast(raw); err != nil {
			return nil, fmt.Errorf("events: upcast from schema version %d (%s): %w", v, u.Purpose, err)
		}
		raw["schema_version"] = json.RawMessage(fmt.Sprint(v + 1))
	}
	return json.Marshal(raw)
}
