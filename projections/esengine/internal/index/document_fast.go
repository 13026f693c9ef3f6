package index

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/planstore/planstore/internal/jsonscan"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// ParseDocumentFast indexes a source without decoding it into maps: it walks the JSON
// once, looks every field up in the mapping and collects the indexed values as
// substrings of the stored source. It handles the documents an established index sees
// all day (every field mapped, plain values) and reports ok=false for anything else:
// unmapped fields (dynamic mapping), dotted or escaped names, null_value, and every
// value the mapping refuses. parseDocumentSlow then handles those with Elasticsearch's
// exact behaviour and errors, so the two paths never disagree on what a document is.
func ParseDocumentFast(m *mapping.Mapping, st *Store, id string, routing *string, source []byte) (*StoredDoc, bool) {
	if len(source) == 0 {
		return nil, false
	}
	// The walk reads the caller's bytes in place: the stored document gets its own copy
	// (encodeValues), and nothing it keeps points into src.
	src := unsafe.String(&source[0], len(source))
	d, compact, ok := walkDocument(m, st, id, routing, src)
	if ok && !compact {
		// Sources are stored compacted; pretty-printed ones are rare enough to walk
		// twice, the second time over the compact text the values must point into.
		var buf bytes.Buffer
		if json.Compact(&buf, source) != nil {
			return nil, false
		}
		d, _, ok = walkDocument(m, st, id, routing, buf.String())
	}
	return d, ok
}

// walkDocument runs the fast walk over src, reporting whether src was compact.
func walkDocument(m *mapping.Mapping, st *Store, id string, routing *string, src string) (*StoredDoc, bool, bool) {
	w := fastWalker{sc: jsonscan.New(src), p: newDocParser(m, st, id, routing, src)}
	defer w.p.release()
	if w.sc.Peek() != '{' || !w.object(m.Root, true, 0) || !w.sc.AtEnd() {
		return nil, false, false
	}
	return w.p.finish(), !w.sc.Spaced(), true
}

// maxScanDepth bounds the nesting the fast walk follows; deeper documents take the
// encoding/json path, which has its own limit and error.
const maxScanDepth = 64

type fastWalker struct {
	sc jsonscan.Scanner[string]
	p  *docParser
}

// maxFastKeys bounds the keys of one object the fast walk checks for duplicates (which
// encoding/json resolves last-wins); wider objects take the slow path.
const maxFastKeys = 64

// object walks an object whose fields are all mapped under obj.
func (w *fastWalker) object(obj *mapping.FieldMapping, root bool, depth int) bool {
	sc := &w.sc
	if depth > maxScanDepth || !sc.Eat('{') {
		return false
	}
	var keysBuf [16]string
	keys := keysBuf[:0]
	return sc.Items('}', func() bool {
		k, ok := sc.Str()
		if !ok || !k.Plain || k.Start == k.End || len(keys) == maxFastKeys {
			return false
		}
		name := sc.Text(k)
		if strings.IndexByte(name, '.') >= 0 || root && name[0] == '_' && metadataFields[name] {
			return false
		}
		if slices.Contains(keys, name) {
			return false
		}
		keys = append(keys, name)
		f := obj.Properties[name]
		return f != nil && sc.Eat(':') && w.value(f, depth+1)
	})
}

// value walks one value of field f; arrays are flattened as Elasticsearch does.
func (w *fastWalker) value(f *mapping.FieldMapping, depth int) bool {
	sc := &w.sc
	if depth > maxScanDepth {
		return false
	}
	switch sc.Peek() {
	case '[':
		sc.Next()
		return sc.Items(']', func() bool { return w.value(f, depth+1) })
	case '{':
		switch f.Typ {
		case mapping.TypeObject:
			return w.object(f, false, depth)
		case mapping.TypeJoin:
			return w.joinObject(f)
		}
		return false
	case 'n':
		// An explicit null indexes nothing, unless null_value stands in for it.
		return sc.Literal("null") && f.NullValue == nil
	case 't':
		return sc.Literal("true") && w.scalar(f, scalarValue{kind: scalarBool, text: "true"})
	case 'f':
		return sc.Literal("false") && w.scalar(f, scalarValue{kind: scalarBool, text: "false"})
	case '"':
		text, ok := w.stringValue()
		return ok && w.scalar(f, scalarValue{kind: scalarString, text: text})
	}
	start, end, ok := sc.Number()
	return ok && w.scalar(f, scalarValue{kind: scalarNumber, text: sc.Src()[start:end]})
}

// stringValue reads a string: a substring of the source when it needs no decoding,
// else decoded by encoding/json so escapes and invalid UTF-8 come out exactly as on the
// slow path.
func (w *fastWalker) stringValue() (string, bool) {
	sc := &w.sc
	s, ok := sc.Str()
	if !ok {
		return "", false
	}
	if s.Plain {
		return sc.Text(s), true
	}
	var decoded string
	if json.Unmarshal([]byte(sc.Src()[s.Start-1:s.End+1]), &decoded) != nil {
		return "", false
	}
	return decoded, true
}

type scalarKind uint8

const (
	scalarString scalarKind = iota
	scalarNumber
	scalarBool
)

// scalarValue is a JSON scalar as the slow path sees it after decoding: text is the
// string, the number as written, or "true"/"false".
type scalarValue struct {
	kind scalarKind
	text string
}

// errFastRefused stands in for the errors the slow path reports: the fast walk only
// needs to know that something was refused.
var errFastRefused = &wire.EsError{Typ: "refused"}

func refuse(string) *wire.EsError { return errFastRefused }

// scalar indexes one scalar into f and its multi-fields, the way docParser.value does
// for a decoded one; false where value would fail.
func (w *fastWalker) scalar(f *mapping.FieldMapping, v scalarValue) bool {
	p := w.p
	switch f.Typ {
	case mapping.TypeObject:
		return false
	case mapping.TypeJoin:
		return v.kind == scalarString && p.joinValue(f, v.text, "", false) == nil
	case mapping.TypeKeyword:
		if f.IgnoreAbove == 0 || mapping.Utf16Length(v.text) <= f.IgnoreAbove {
			p.term(f.Path, v.text)
		} else {
			p.ignore(f.Path)
		}
	case mapping.TypeText:
		p.text(f.Path, v.text)
	case mapping.TypeBoolean:
		b, ok := fastBool(v)
		if !ok {
			return false
		}
		p.term(f.Path, strconv.FormatBool(b))
		p.number(f.Path, boolNumber(b))
	default:
		n, ok := fastNumber(f, v)
		if !ok {
			return false
		}
		p.number(f.Path, n)
	}
	for _, sub := range f.MultiFields {
		if !w.scalar(sub, v) {
			return false
		}
	}
	return true
}

// fastBool is docParser.boolean for a scalar.
func fastBool(v scalarValue) (bool, bool) {
	switch {
	case v.kind == scalarBool:
		return v.text == "true", true
	case v.kind == scalarString && v.text == "true":
		return true, true
	case v.kind == scalarString && (v.text == "false" || v.text == ""):
		return false, true
	}
	return false, false
}

// fastNumber is docParser.numeric for a scalar.
func fastNumber(f *mapping.FieldMapping, v scalarValue) (float64, bool) {
	if !f.IsNumeric() || v.kind == scalarBool {
		return 0, false
	}
	text := v.text
	if v.kind == scalarString {
		text = strings.TrimSpace(text)
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, false
	}
	n, nerr := normaliseNumber(f.Typ, n, refuse)
	return n, nerr == nil
}

// joinObject walks the object form of a join value: {"name": ..., "parent": ...}.
func (w *fastWalker) joinObject(f *mapping.FieldMapping) bool {
	sc := &w.sc
	if !sc.Eat('{') {
		return false
	}
	var name, parent string
	var hasName, hasParent bool
	ok := sc.Items('}', func() bool {
		k, ok := sc.Str()
		if !ok || !k.Plain || !sc.Eat(':') {
			return false
		}
		switch sc.Text(k) {
		case "name":
			if hasName || sc.Peek() != '"' {
				return false
			}
			name, hasName = w.stringValue()
			return hasName
		case "parent":
			if hasParent {
				return false
			}
			parent, hasParent = w.joinParent()
			return hasParent
		}
		return false
	})
	return ok && w.p.joinValue(f, name, parent, hasParent) == nil
}

// joinParent reads the parent of a join value: any scalar but null, as its text.
func (w *fastWalker) joinParent() (string, bool) {
	sc := &w.sc
	switch sc.Peek() {
	case '"':
		return w.stringValue()
	case 't':
		return "true", sc.Literal("true")
	case 'f':
		return "false", sc.Literal("false")
	case '{', '[', 'n':
		return "", false
	}
	start, end, ok := sc.Number()
	return sc.Src()[start:end], ok
}
