package events

import (
	"encoding/json"
	"strconv"
	"time"

	segjson "github.com/segmentio/encoding/json"

	"github.com/planstore/planstore/internal/jsonscan"
)

// appendEnvelope writes e exactly as encoding/json would, for the envelope every
// commit produces: documents plainDocuments accepted and occurred_at as appendTime wrote
// it. The documents, the bulk of an event, are copied instead of parsed and written
// again; the strings are written by jsonscan.AppendString, encoding/json's own form.
// FuzzCodecEncodeMatchesStdlib holds it to encoding/json's bytes.
func appendEnvelope(b []byte, e Envelope, occurredAt []byte) []byte {
	b = append(b, `{"id":`...)
	b = jsonscan.AppendString(b, e.ID)
	b = append(b, `,"type":`...)
	b = jsonscan.AppendString(b, e.Type)
	b = append(b, `,"schema_version":`...)
	b = strconv.AppendInt(b, int64(e.SchemaVersion), 10)
	b = append(b, `,"aggregate_type":`...)
	b = jsonscan.AppendString(b, e.AggregateType)
	b = append(b, `,"aggregate_id":`...)
	b = jsonscan.AppendString(b, e.AggregateID)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, e.Version, 10)
	b = append(b, `,"occurred_at":`...)
	b = append(b, occurredAt...)
	b = append(b, `,"actor":`...)
	b = jsonscan.AppendString(b, e.Actor)
	b = append(b, `,"correlation_id":`...)
	b = jsonscan.AppendString(b, e.CorrelationID)
	if e.CausationID != "" { // omitempty
		b = append(b, `,"causation_id":`...)
		b = jsonscan.AppendString(b, e.CausationID)
	}
	b = append(b, `,"data":{"before":`...)
	b = appendDocument(b, e.Data.Before)
	b = append(b, `,"after":`...)
	b = appendDocument(b, e.Data.After)
	if len(e.Data.Patch) > 0 { // omitempty
		b = append(b, `,"patch":`...)
		b = appendDocument(b, e.Data.Patch)
	}
	return append(b, "}}"...)
}

// plainDocuments reports whether every document of d is absent or valid JSON already
// in encoding/json's output form, so appendDocument may copy it.
func plainDocuments(d Data) bool {
	return plainDocument(d.Before) && plainDocument(d.After) && (len(d.Patch) == 0 || plainDocument(d.Patch))
}

func plainDocument(raw json.RawMessage) bool {
	return raw == nil || (isOutputForm(raw) && segjson.Valid(raw))
}

// appendTime writes t as time.Time.MarshalJSON does, reporting false where that fails
// (a year outside 0-9999, an offset of 24 hours or more). segmentio/encoding writes
// such times where encoding/json refuses them, so they must take encoding/json.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	n0 := len(b)
	b = t.AppendFormat(b, time.RFC3339Nano)
	// The checks of time.Time.appendStrictRFC3339, on what was written.
	if b[n0+len("9999")] != '-' {
		return b, false
	}
	if b[len(b)-1] != 'Z' {
		c := b[len(b)-len("Z07:00")]
		hour := b[len(b)-len("07:00"):]
		if ('0' <= c && c <= '9') || 10*(hour[0]-'0')+(hour[1]-'0') >= 24 {
			return b, false
		}
	}
	return append(b, '"'), true
}

// appendDocument writes a document plainDocument accepted, as encoding/json does: nil
// is null, anything else is copied.
func appendDocument(b []byte, raw json.RawMessage) []byte {
	if raw == nil {
		return append(b, "null"...)
	}
	return append(b, raw...)
}

// isOutputForm reports whether JSON text has no white space outside its strings and
// nothing encoding/json's HTML escaping would change (<, >, &, U+2028, U+2029), so
// that compacting and escaping it would return it unchanged. It assumes valid JSON;
// the caller checks that too.
func isOutputForm(raw []byte) bool {
	if len(raw) == 0 {
		return false
	}
	inString := false
	for i := 0; i < len(raw); i++ {
		switch outputFormClass[raw[i]] {
		case plainByte:
		case escapedByte:
			return false
		case lineSeparatorLead: // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
			if i+2 < len(raw) && raw[i+1] == 0x80 && raw[i+2]&^1 == 0xa8 {
				return false
			}
		case backslash:
			if inString {
				i++ // the escaped character cannot end the string
			}
		case quote:
			inString = !inString
		case space:
			if !inString {
				return false
			}
		}
	}
	return true
}

// The bytes isOutputForm looks at; a table keeps its loop at about a byte a cycle.
const (
	plainByte = iota
	escapedByte
	lineSeparatorLead
	backslash
	quote
	space
)

var outputFormClass = [256]uint8{
	'<': escapedByte, '>': escapedByte, '&': escapedByte,
	0xe2: lineSeparatorLead, '\\': backslash, '"': quote,
	' ': space, '\t': space, '\n': space, '\r': space,
}
