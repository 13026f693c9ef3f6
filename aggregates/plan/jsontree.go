package plan

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/planstore/planstore/internal/jsonscan"
)

// The generic JSON tree that documents and merge patches are parsed into before they
// become typed: map[string]any for objects, []any for arrays, json.Number, string,
// bool and nil. Numbers stay json.Number here so the typed decode can tell an overflow
// (1e999) from a real value, and so MergePatch passes numbers through untouched.
//
// The structure (objects, arrays, keys, depth, paths) is walked here because the plan
// decoder has to see every key anyway (to refuse duplicates, which json.Unmarshal
// silently collapses) and every level (for MaxDepth), and reports a syntax error at its
// JSON path instead of only a byte offset. The tokens (whitespace, strings, numbers,
// literals) are read by jsonscan, the one JSON grammar that the search validator and
// the engine also use; its Fault says what was wrong and where. This is several times
// faster than Decoder.Token, which decodes each scalar through a fresh decoder state.
// FuzzParseStrict checks it against encoding/json on arbitrary input.

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
	p := treeParser{sc: jsonscan.New(body)}
	if p.sc.AtEnd() {
		return nil, invalid("", "the document is empty")
	}
	v, ok := p.value(0)
	if ok && !p.sc.AtEnd() {
		p.problems.add("", fmt.Sprintf("unexpected data after the JSON value at byte %d", p.sc.Pos()))
	}
	if err := p.problems.err(); err != nil {
		return nil, err
	}
	return v, nil
}

type treeParser struct {
	sc       jsonscan.Scanner[[]byte]
	path     []segment // where the parser is, rendered only when a problem needs it
	problems problems
}

// value parses the next value; ok is false after a fault that ends parsing.
func (p *treeParser) value(depth int) (any, bool) {
	switch c := p.sc.Peek(); {
	case c == 0 && p.sc.AtEnd():
		return p.fail("the JSON ends unexpectedly")
	case c == '{' || c == '[':
		if depth+1 > MaxDepth {
			p.problems.add(p.where(), fmt.Sprintf("nesting is deeper than the limit of %d levels", MaxDepth))
			return nil, false
		}
		p.sc.Next()
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

// object parses the members after '{'.
func (p *treeParser) object(depth int) (any, bool) {
	obj := make(map[string]any)
	if p.sc.Eat('}') {
		return obj, true
	}
	for {
		if p.sc.Peek() != '"' {
			return p.unexpected("a string key")
		}
		key, ok := p.string()
		if !ok {
			return nil, false
		}
		p.path = append(p.path, segment{name: key})
		if !p.sc.Eat(':') {
			return p.unexpected("':' after the key")
		}
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
		if p.sc.Eat('}') {
			return obj, true
		}
		if !p.sc.Eat(',') {
			return p.unexpected("',' or '}'")
		}
	}
}

// array parses the elements after '['.
func (p *treeParser) array(depth int) (any, bool) {
	arr := make([]any, 0, 4)
	if p.sc.Eat(']') {
		return arr, true
	}
	for {
		p.path = append(p.path, segment{index: len(arr), isIndex: true})
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		arr = append(arr, v)
		p.path = p.path[:len(p.path)-1]
		if p.sc.Eat(']') {
			return arr, true
		}
		if !p.sc.Eat(',') {
			return p.unexpected("',' or ']'")
		}
	}
}

// string parses the string at the next position. Strings without escapes, by far the
// common case, are sliced directly (the body is valid UTF-8, so jsonscan's Plain means
// unescaped); escaped ones are handed to encoding/json so that escapes (including
// surrogate pairs) mean exactly what they mean there. Lone surrogates are refused:
// encoding/json would replace them with U+FFFD, storing text nobody sent.
func (p *treeParser) string() (string, bool) {
	start := p.sc.Pos() // the opening quote: Peek has skipped the space before it
	sp, ok := p.sc.Str()
	if !ok {
		switch f := p.sc.Fault(); f.Kind {
		case jsonscan.FaultControl:
			p.fail(fmt.Sprintf("malformed JSON at byte %d: control character in string (escape it)", f.Pos))
		case jsonscan.FaultEscape:
			p.fail(fmt.Sprintf("malformed JSON at byte %d: invalid escape in string", start))
		default:
			p.fail("the JSON ends unexpectedly inside a string")
		}
		return "", false
	}
	if sp.Plain {
		return intern(p.sc.Text(sp)), true
	}
	raw := p.sc.Src()[start : sp.End+1]
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

// number reads a number with JSON's grammar and keeps its literal text.
func (p *treeParser) number() (any, bool) {
	start, end, ok := p.sc.Number()
	if !ok {
		f := p.sc.Fault()
		switch f.Kind {
		case jsonscan.FaultFraction:
			return p.unexpectedAt(f.Pos, "a digit after '.'")
		case jsonscan.FaultExponent:
			return p.unexpectedAt(f.Pos, "a digit in the exponent")
		}
		return p.unexpectedAt(f.Pos, "a digit")
	}
	return json.Number(p.sc.Src()[start:end]), true
}

// literal reads true, false or null.
func (p *treeParser) literal(text string, v any) (any, bool) {
	if !p.sc.Literal(text) {
		return p.unexpected("a value")
	}
	return v, true
}

// unexpected reports what was found at the next position where something else was
// expected.
func (p *treeParser) unexpected(expected string) (any, bool) {
	p.sc.Peek() // skip the space before what was found
	return p.unexpectedAt(p.sc.Pos(), expected)
}

func (p *treeParser) unexpectedAt(pos int, expected string) (any, bool) {
	data := p.sc.Src()
	if pos >= len(data) {
		return p.fail("the JSON ends unexpectedly, expecting " + expected)
	}
	r, _ := utf8.DecodeRune(data[pos:])
	return p.fail(fmt.Sprintf("malformed JSON at byte %d: found %q, expecting %s", pos, r, expected))
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
