package projections

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// qualifyDocs puts the documents of a plan into its organisation's namespace (see
// package tenancy): prefix ("<namespace>/", empty for the default organisation) goes
// before every _id, the routing and each join parent, so that the same objectId in two
// organisations is two documents, and a join can only link documents of one
// organisation. The plan's own objects keep their bare objectId in _source.
func qualifyDocs(prefix string, docs []Doc) ([]Doc, error) {
	if prefix == "" {
		return docs, nil
	}
	out := make([]Doc, len(docs))
	for i, d := range docs {
		src, err := qualifyParent(prefix, d.Source)
		if err != nil {
			return nil, fmt.Errorf("qualify %s: %w", d.ID, err)
		}
		out[i] = Doc{ID: prefix + d.ID, Routing: prefix + d.Routing, Source: src}
	}
	return out, nil
}

// parentMarker precedes the parent id in the join field, which source and the fast
// path both write last: `..."plan_join":{"name":"<relation>","parent":"<id>"}}`.
var parentMarker = []byte(`,"parent":`)

// qualifyParent rewrites the join parent of a child document's source; the plan's own
// document (a bare relation name) has none and is returned as it is.
func qualifyParent(prefix string, src json.RawMessage) (json.RawMessage, error) {
	at := bytes.LastIndex(src, parentMarker)
	if at < 0 || src == nil {
		return src, nil
	}
	rest := src[at+len(parentMarker):]
	if !bytes.HasSuffix(rest, []byte("}}")) {
		return nil, fmt.Errorf("join field is not last in the source")
	}
	var parent string
	if err := json.Unmarshal(rest[:len(rest)-2], &parent); err != nil {
		return nil, fmt.Errorf("join parent: %w", err)
	}
	quoted, err := json.Marshal(prefix + parent)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(src)+len(prefix))
	out = append(out, src[:at+len(parentMarker)]...)
	out = append(out, quoted...)
	return append(out, "}}"...), nil
}
