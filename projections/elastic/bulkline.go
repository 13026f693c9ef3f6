package elastic

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/planstore/planstore/internal/jsonscan"
	"github.com/planstore/planstore/projections"
)

// bulkLines encodes one action as its _bulk lines: the metadata line, and for an index
// the document. The target index is in the request's URL, not here, so an action can
// never choose where it lands. require_alias goes on each action rather than on the URL
// because both Elasticsearch (7.10+) and the embedded engine honour it there.
func bulkLines(a projections.Action, requireAlias bool) ([]byte, error) {
	b, err := appendBulkLines(make([]byte, 0, bulkLinesSize(a)), a, requireAlias)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// bulkLinesSize is about the size of an action's lines, to size buffers once.
func bulkLinesSize(a projections.Action) int {
	return 96 + len(a.Doc.ID) + len(a.Doc.Routing) + len(a.Doc.Source)
}

// appendBulkLines appends the lines of one action to b; on error b is returned as it
// was.
func appendBulkLines(b []byte, a projections.Action, requireAlias bool) ([]byte, error) {
	if err := checkAction(a); err != nil {
		return b, err
	}
	start := len(b)
	b = append(b, `{"`...)
	b = append(b, a.Op...)
	b = append(b, `":{"_id":`...)
	b = jsonscan.AppendString(b, a.Doc.ID)
	if a.Doc.Routing != "" {
		b = append(b, `,"routing":`...)
		b = jsonscan.AppendString(b, a.Doc.Routing)
	}
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, a.Version, 10)
	b = append(b, `,"version_type":"external"`...)
	if requireAlias {
		b = append(b, `,"require_alias":true`...)
	}
	b = append(b, "}}\n"...)
	if a.Op == projections.OpIndex {
		if !json.Valid(a.Doc.Source) {
			return b[:start], fmt.Errorf("elastic: index %s: source is not valid JSON", a.Doc.ID)
		}
		src, err := oneLine(a.Doc.Source)
		if err != nil {
			return b[:start], fmt.Errorf("elastic: index %s: %w", a.Doc.ID, err)
		}
		b = append(b, src...)
		b = append(b, '\n')
	}
	return b, nil
}

// checkAction refuses what no engine should be sent: an action without an id, a
// version below 1, an index without a source, an unknown operation.
func checkAction(a projections.Action) error {
	if a.Doc.ID == "" {
		return fmt.Errorf("elastic: %s action without a document id", a.Op)
	}
	if a.Version < 1 {
		return fmt.Errorf("elastic: %s %s: version %d is not positive", a.Op, a.Doc.ID, a.Version)
	}
	switch a.Op {
	case projections.OpIndex:
		if len(a.Doc.Source) == 0 {
			return fmt.Errorf("elastic: index %s: empty source", a.Doc.ID)
		}
	case projections.OpDelete:
	default:
		return fmt.Errorf("elastic: %s: unknown operation %q", a.Doc.ID, a.Op)
	}
	return nil
}

// oneLine returns a valid JSON document on one line, as _bulk requires: a source with
// newlines inside would otherwise split into two bulk lines.
func oneLine(doc []byte) ([]byte, error) {
	if !bytes.ContainsAny(doc, "\r\n") {
		return doc, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
