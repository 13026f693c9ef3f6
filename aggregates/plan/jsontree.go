package plan

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// The generic JSON tree that documents and merge patches are parsed into before they
// become typed: map[string]any for objects, []any for arrays, json.Number, string,
// bool and nil. Numbers stay json.Number here so the typed decode can tell an overflow
// (1e999) from a real value, and so MergePatch passes numbers through untouched.
//
// The parser is hand-written rather than a json.Decoder token walk: it has to see
// every key anyway (to refuse duplicates, which json.Unmarshal silently collapses) and
// every level (for MaxDepth), it can report a syntax error at its JSON path instead of
// only a byte offset, and it is several times faster than Decoder.Token, which decodes
// each scalar through a fresh decoder state. FuzzParseStrict checks it against
// encoding/json on arbitrary input.

// parseStrict parses exactly one JSON value, refusing duplicate keys, trailing data,
// invalid UTF-8 (json.Unmarshal silently replaces it) and nesting deeper than MaxDepth.
// Duplicate keys are collected and parsing goes on; any other fault stops it and is
// reported at the path where it happened. The error is a *ValidationError.
func parseStrict(body []byte) (any, error) {
	if len(body) > MaxDocumentBytes {
		return nil, invalid("", fmt.Sprintf("the document is larger than %d bytes", MaxDocumentBytes))
	}
	if !utf8.Valid(body) {
		return nil, invalid("", "the document is not valid UTF-8")
	}
	p := treeParser{data: body}
	p.skipSpace()
	if p.pos == len(p.data) {
		return nil, invalid("", "the document is empty")
	}
	v, ok := p.value(0)
	if ok {
		p.skipSpace()
		if p.pos != len(p.data) {
			p.problems.add("", fmt.Sprintf("unexpected data after the JSON value at byte %d", p.pos))
		}
	}
	if err := p.problems.err(); err != nil {
		return nil, err
	}
	return v, nil
}

type treeParser struct {
	data     []byte
	pos      int
	path     []segment // where the parser is, rendered only when a problem needs it
	problems problems
}

// value parses the value at pos; ok is false after a fault that ends parsing.
func (p *treeParser) value(depth int) (any, bool) {
	if p.pos >= len(p.data) {
		return p.fail("the JSON ends unexpectedly")
	}
	switch c := p.data[p.pos]; {
	case c == '{' || c == '[':
		if depth+1 > MaxDepth {
			p.problems.add(p.where(), fmt.Sprintf("nesting is deeper than the limit of %d levels", MaxDepth))
			return nil, false
		}
		if c == '{' {
			return p.object(depth + 1)
		}
		return p.array(depth + 1)
	case c == '"':
		s, ok := p.string()
		return s, ok
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true", true)
	case c == 'f':
		return p.literal("false", false)
	case c == 'n':
		return p.literal("null", nil)
	default:
		return p.unexpected("a value")
	}
}

func (p *treeParser) object(depth int) (any, bool) {
	p.pos++ // '{'
	obj := make(map[string]any)
	p.skipSpace()
	if p.peek() == '}' {
		p.pos++
		return obj, true
	}
	for {
		p.skipSpace()
		if p.peek() != '"' {
			return p.unexpected("a string key")
		}
		key, ok := p.string()
		if !ok {
			return nil, false
		}
		p.path = append(p.path, segment{name: key})
		p.skipSpace()
		if p.peek() != ':' {
			return p.unexpected("':' after the key")
		}
		p.pos++
		p.skipSpace()
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		if _, dup := obj[key]; dup {
			p.problems.add(p.where(), fmt.Sprintf("duplicate key %q: a key may appear only once in an object", key))
		} else {
			obj[key] = v
		}
		p.path = p.path[:len(p.path)-1]
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return obj, true
		default:
			return p.unexpected("',' or '}'")
		}
	}
}

func (p *treeParser) array(depth int) (any, bool) {
	p.pos++ // '['
	arr := make([]any, 0, 4)
	p.skipSpace()
	if p.peek() == ']' {
		p.pos++
		return arr, true
	}
	for {
		p.path = append(p.path, segment{index: len(arr), isIndex: true})
		p.skipSpace()
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		arr = append(arr, v)
		p.path = p.path[:len(p.path)-1]
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return arr, true
		default:
			return p.unexpected("',' or ']'")
		}
	}
}

// string parses a JSON string at pos. Strings without escapes, by far the common case,
// are sliced directly; escaped ones are handed to encoding/json so that escapes
// (including surrogate pairs) mean exactly what they mean there. Lone surrogates are
// refused: encoding/json would replace them with U+FFFD, storing text nobody sent.
func (p *treeParser) string() (string, bool) {
	start := p.pos
	p.pos++ // '"'
	escaped := false
	for p.pos < len(p.data) {
		switch c := p.data[p.pos]; {
		case c == '"':
			p.pos++
			raw := p.data[start:p.pos]
			if !escaped {
				return intern(raw[1 : len(raw)-1]), true
			}
			if HasLoneSurrogateEscape(raw) {
				p.fail(fmt.Sprintf("malformed JSON at byte %d: a \\u escape is half of a surrogate pair (a lone surrogate is not a character)", start))
				return "", false
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				p.fail(fmt.Sprintf("malformed JSON at byte %d: invalid escape in string", start))
				return "", false
			}
			return s, true
		case c == '\\':
			escaped = true
			p.pos += 2 // the escaped byte can never end the string
		case c < 0x20:
			p.fail(fmt.Sprintf("malformed JSON at byte %d: control character in string (escape it)", p.pos))
			return "", false
		default:
			p.pos++
		}
	}
	p.fail("the JSON ends unexpectedly inside a string")
	return "", false
}

// common holds the member names and objectType values every plan repeats, so that
// parsing them costs no allocation.
var common = func() map[string]string {
	m := make(map[string]string)
	for _, fields := range [][]string{planFields, costShareFields, planServiceFields, serviceFields} {
		for _, f := range fields {
			m[f] = f
		}
	}
	for _, t := range []string{TypePlan, TypeMemberCostShare, TypePlanService, TypeService} {
		m[t] = t
	}
	return m
}()

func intern(b []byte) string {
	if s, ok := common[string(b)]; ok { // the compiler does not allocate for this lookup
		return s
	}
	return string(b)
}

// number checks the JSON number grammar -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
// and keeps the literal text.
func (p *treeParser) number() (any, bool) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	switch c := p.peek(); {
	case c == '0':
		p.pos++
	case '1' <= c && c <= '9':
		p.digits()
	default:
		return p.unexpected("a digit")
	}
	if p.peek() == '.' {
		p.pos++
		if !isDigit(p.peek()) {
			return p.unexpected("a digit after '.'")
		}
		p.digits()
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if !isDigit(p.peek()) {
			return p.unexpected("a digit in the exponent")
		}
		p.digits()
	}
	return json.Number(p.data[start:p.pos]), true
}

func (p *treeParser) digits() {
	for isDigit(p.peek()) {
		p.pos++
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (p *treeParser) literal(text string, v any) (any, bool) {
	if len(p.data)-p.pos < len(text) || string(p.data[p.pos:p.pos+len(text)]) != text {
		return p.unexpected("a value")
	}
	p.pos += len(text)
	return v, true
}

func (p *treeParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// peek returns the byte at pos, or 0 at the end (0 is never valid JSON there).
func (p *treeParser) peek() byte {
	if p.pos < len(p.data) {
		return p.data[p.pos]
	}
	return 0
}

// unexpected reports what was found where something else was expected.
func (p *treeParser) unexpected(expected string) (any, bool) {
	if p.pos >= len(p.data) {
		return p.fail("the JSON ends unexpectedly, expecting " + expected)
	}
	r, _ := utf8.DecodeRune(p.data[p.pos:])
	return p.fail(fmt.Sprintf("malformed JSON at byte %d: found %q, expecting %s", p.pos, r, expected))
}

func (p *treeParser) fail(message string) (any, bool) {
	p.problems.add(p.where(), message)
	return nil, false
}

// where renders the current position as a problem path.
func (p *treeParser) where() string {
	path := ""
	for _, s := range p.path {
		if s.isIndex {
			path = indexPath(path, s.index)
		} else {
			path = fieldPath(path, s.name)
		}
	}
	return path
}

// describe names the JSON type of a tree value for messages ("must be a number, not a
// string").
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	default:
		return "an unknown value"
	}
}
