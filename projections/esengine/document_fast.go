package esengine

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// parseDocumentFast indexes a source without decoding it into maps: it walks the JSON
// once, looks every field up in the mapping and collects the indexed values as
// substrings of the stored source. It handles the documents an established index sees
// all day (every field mapped, plain values) and reports ok=false for anything else:
// unmapped fields (dynamic mapping), dotted or escaped names, null_value, and every
// value the mapping refuses. parseDocumentSlow then handles those with Elasticsearch's
// exact behaviour and errors, so the two paths never disagree on what a document is.
func parseDocumentFast(m *mapping, keys map[string]*joinKey, id string, routing *string, source []byte) (*storedDoc, bool) {
	src := string(source) // the one copy of the text a stored document keeps
	d, compact, ok := walkDocument(m, keys, id, routing, src)
	if ok && !compact {
		// Sources are stored compacted; pretty-printed ones are rare enough to walk
		// twice, the second time over the compact text the values must point into.
		var buf bytes.Buffer
		if json.Compact(&buf, source) != nil {
			return nil, false
		}
		d, _, ok = walkDocument(m, keys, id, routing, buf.String())
	}
	return d, ok
}

// walkDocument runs the fast walk over src, reporting whether src was compact.
func walkDocument(m *mapping, keys map[string]*joinKey, id string, routing *string, src string) (*storedDoc, bool, bool) {
	w := fastWalker{sc: jsonScanner[string]{s: src}, p: newDocParser(m, id, routing, src)}
	w.p.joinKeys = keys
	defer w.p.release()
	if w.sc.peek() != '{' || !w.object(m.root, true, 0) || !w.sc.atEnd() {
		return nil, false, false
	}
	return w.p.finish(), !w.sc.space, true
}

type fastWalker struct {
	sc jsonScanner[string]
	p  *docParser
}

// maxFastKeys bounds the keys of one object the fast walk checks for duplicates (which
// encoding/json resolves last-wins); wider objects take the slow path.
const maxFastKeys = 64

// object walks an object whose fields are all mapped under obj.
func (w *fastWalker) object(obj *fieldMapping, root bool, depth int) bool {
	sc := &w.sc
	if depth > maxScanDepth || !sc.eat('{') {
		return false
	}
	if sc.eat('}') {
		return true
	}
	var keysBuf [16]string
	keys := keysBuf[:0]
	for {
		k, ok := sc.str()
		if !ok || !k.plain || k.start == k.end || len(keys) == maxFastKeys {
			return false
		}
		name := sc.s[k.start:k.end]
		if strings.IndexByte(name, '.') >= 0 || root && name[0] == '_' && metadataFields[name] {
			return false
		}
		for _, seen := range keys {
			if seen == name {
				return false
			}
		}
		keys = append(keys, name)
		f := obj.properties[name]
		if f == nil || !sc.eat(':') || !w.value(f, depth+1) {
			return false
		}
		if sc.eat('}') {
			return true
		}
		if !sc.eat(',') {
			return false
		}
	}
}

// value walks one value of field f; arrays are flattened as Elasticsearch does.
func (w *fastWalker) value(f *fieldMapping, depth int) bool {
	sc := &w.sc
	if depth > maxScanDepth {
		return false
	}
	switch sc.peek() {
	case '[':
		sc.i++
		if sc.eat(']') {
			return true
		}
		for {
			if !w.value(f, depth+1) {
				return false
			}
			if sc.eat(']') {
				return true
			}
			if !sc.eat(',') {
				return false
			}
		}
	case '{':
		switch f.typ {
		case typeObject:
			return w.object(f, false, depth)
		case typeJoin:
			return w.joinObject(f)
		}
		return false
	case 'n':
		// An explicit null indexes nothing, unless null_value stands in for it.
		return sc.literal("null") && f.nullValue == nil
	case 't':
		return sc.literal("true") && w.scalar(f, scalarValue{kind: scalarBool, text: "true"})
	case 'f':
		return sc.literal("false") && w.scalar(f, scalarValue{kind: scalarBool, text: "false"})
	case '"':
		text, ok := w.stringValue()
		return ok && w.scalar(f, scalarValue{kind: scalarString, text: text})
	}
	start, end, ok := sc.number()
	return ok && w.scalar(f, scalarValue{kind: scalarNumber, text: sc.s[start:end]})
}

// stringValue reads a string: a substring of the source when it needs no decoding,
// else decoded by encoding/json so escapes and invalid UTF-8 come out exactly as on the
// slow path.
func (w *fastWalker) stringValue() (string, bool) {
	sc := &w.sc
	s, ok := sc.str()
	if !ok {
		return "", false
	}
	if s.plain {
		return sc.s[s.start:s.end], true
	}
	var decoded string
	if json.Unmarshal([]byte(sc.s[s.start-1:s.end+1]), &decoded) != nil {
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
var errFastRefused = &esError{typ: "refused"}

func refuse(string) *esError { return errFastRefused }

// scalar indexes one scalar into f and its multi-fields, the way docParser.value does
// for a decoded one; false where value would fail.
func (w *fastWalker) scalar(f *fieldMapping, v scalarValue) bool {
	p := w.p
	switch f.typ {
	case typeObject:
		return false
	case typeJoin:
		return v.kind == scalarString && p.joinValue(f, v.text, "", false) == nil
	case typeKeyword:
		if f.ignoreAbove == 0 || charCount(v.text) <= f.ignoreAbove {
			p.term(f.path, v.text)
		}
	case typeText:
		p.text(f.path, v.text)
	case typeBoolean:
		b, ok := fastBool(v)
		if !ok {
			return false
		}
		p.term(f.path, strconv.FormatBool(b))
		p.number(f.path, boolNumber(b))
	default:
		n, ok := fastNumber(f, v)
		if !ok {
			return false
		}
		p.number(f.path, n)
	}
	for _, sub := range f.multiFields {
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
func fastNumber(f *fieldMapping, v scalarValue) (float64, bool) {
	if !f.isNumeric() || v.kind == scalarBool {
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
	n, nerr := normaliseNumber(f.typ, n, refuse)
	return n, nerr == nil
}

// joinObject walks the object form of a join value: {"name": ..., "parent": ...}.
func (w *fastWalker) joinObject(f *fieldMapping) bool {
	sc := &w.sc
	if !sc.eat('{') {
		return false
	}
	var name, parent string
	var hasName, hasParent bool
	if !sc.eat('}') {
		for {
			k, ok := sc.str()
			if !ok || !k.plain || !sc.eat(':') {
				return false
			}
			switch sc.s[k.start:k.end] {
			case "name":
				if hasName || sc.peek() != '"' {
					return false
				}
				name, hasName = w.stringValue()
				if !hasName {
					return false
				}
			case "parent":
				if hasParent {
					return false
				}
				if parent, hasParent = w.joinParent(); !hasParent {
					return false
				}
			default:
				return false
			}
			if sc.eat('}') {
				break
			}
			if !sc.eat(',') {
				return false
			}
		}
	}
	return w.p.joinValue(f, name, parent, hasParent) == nil
}

// joinParent reads the parent of a join value: any scalar but null, as its text.
func (w *fastWalker) joinParent() (string, bool) {
	sc := &w.sc
	switch sc.peek() {
	case '"':
		return w.stringValue()
	case 't':
		return "true", sc.literal("true")
	case 'f':
		return "false", sc.literal("false")
	case '{', '[', 'n':
		return "", false
	}
	start, end, ok := sc.number()
	return sc.s[start:end], ok
}
