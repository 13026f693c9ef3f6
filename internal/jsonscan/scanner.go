package jsonscan

import "unicode/utf8"

// Scanner reads JSON text from a position on. Its methods skip insignificant
// whitespace before what they read and leave the position just past it; on failure
// the position is unspecified and the caller gives up on the text.
type Scanner[T ~string | ~[]byte] struct {
	s     T
	i     int
	space bool  // insignificant whitespace was skipped: the text is not compact
	fault Fault // why the last failed Str or Number failed
}

// New returns a Scanner at the start of s.
func New[T ~string | ~[]byte](s T) Scanner[T] { return Scanner[T]{s: s} }

// At returns a Scanner at position i of s, typically the start of a value an earlier
// scan recorded.
func At[T ~string | ~[]byte](s T, i int) Scanner[T] { return Scanner[T]{s: s, i: i} }

// Src returns the whole text being scanned.
func (sc *Scanner[T]) Src() T { return sc.s }

// Pos returns the current position.
func (sc *Scanner[T]) Pos() int { return sc.i }

// Spaced reports whether insignificant whitespace was skipped so far, that is
// whether the text read is not compact.
func (sc *Scanner[T]) Spaced() bool { return sc.space }

// Text returns the contents of sp as a slice of the text.
func (sc *Scanner[T]) Text(sp Span) T { return sc.s[sp.Start:sp.End] }

// ws skips insignificant whitespace.
func (sc *Scanner[T]) ws() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
			sc.space = true
		default:
			return
		}
	}
}

// Peek returns the next significant byte, or 0 at the end.
func (sc *Scanner[T]) Peek() byte {
	sc.ws()
	if sc.i >= len(sc.s) {
		return 0
	}
	return sc.s[sc.i]
}

// Next consumes the byte Peek returned.
func (sc *Scanner[T]) Next() { sc.i++ }

// Eat consumes c if it is the next significant byte.
func (sc *Scanner[T]) Eat(c byte) bool {
	if sc.Peek() != c {
		return false
	}
	sc.i++
	return true
}

// AtEnd reports whether only whitespace is left.
func (sc *Scanner[T]) AtEnd() bool {
	sc.ws()
	return sc.i == len(sc.s)
}

// Fault says why a string or a number could not be read and where, for a caller that
// reports syntax errors itself instead of falling back to encoding/json (the plan
// decoder, whose problems name the byte and the JSON path).
type Fault struct {
	Kind FaultKind
	Pos  int // the offending byte, or the end of the text for FaultEnd
}

// FaultKind is what was wrong.
type FaultKind uint8

const (
	FaultNone     FaultKind = iota
	FaultEnd                // the text ends inside the string or number
	FaultControl            // an unescaped control character in a string
	FaultEscape             // an invalid escape sequence (Pos is its backslash)
	FaultDigit              // a digit was expected (Pos is what was found)
	FaultFraction           // a digit was expected after '.'
	FaultExponent           // a digit was expected in the exponent
)

// Fault returns why the last Str or Number that failed did so. It is only meaningful
// right after such a failure.
func (sc *Scanner[T]) Fault() Fault { return sc.fault }

// fail records a fault and reports failure, so a failing path reads `return sc.fail(...)`.
func (sc *Scanner[T]) fail(kind FaultKind, pos int) bool {
	sc.fault = Fault{Kind: kind, Pos: pos}
	return false
}

// Span is the position of a string's contents, quotes excluded.
type Span struct {
	Start, End int
	// Plain: no escape sequence and valid UTF-8, so the raw text is the decoded value
	// (decoding would replace invalid bytes with U+FFFD).
	Plain bool
}

// Str reads a string.
func (sc *Scanner[T]) Str() (Span, bool) {
	if sc.Peek() != '"' {
		return Span{}, false
	}
	s, i := sc.s, sc.i+1
	out := Span{Start: i, Plain: true}
	ascii := true
	for {
		for i < len(s) && !strSpecial[s[i]] {
			i++
		}
		if i >= len(s) {
			return Span{}, sc.fail(FaultEnd, i)
		}
		switch c := s[i]; {
		case c == '"':
			sc.i, out.End = i+1, i
			if !ascii && out.Plain && !validUTF8(s[out.Start:i]) {
				out.Plain = false
			}
			return out, true
		case c == '\\':
			out.Plain = false
			sc.i = i
			if !sc.escape() {
				return Span{}, false
			}
			i = sc.i
		case c < 0x20:
			return Span{}, sc.fail(FaultControl, i)
		default:
			ascii = false
			i++
		}
	}
}

// strSpecial marks the bytes a string's contents cannot simply pass over: the
// closing quote, escapes, control characters (invalid) and non-ASCII bytes (whose
// UTF-8 decides whether the string is plain).
var strSpecial = func() (t [256]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80
	}
	return t
}()

// escape validates one escape sequence at the current position (the backslash).
func (sc *Scanner[T]) escape() bool {
	if sc.i+1 >= len(sc.s) {
		return sc.fail(FaultEnd, len(sc.s))
	}
	switch sc.s[sc.i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		sc.i += 2
		return true
	case 'u':
		for k := sc.i + 2; k < sc.i+6; k++ {
			if k >= len(sc.s) {
				return sc.fail(FaultEnd, len(sc.s))
			}
			if !isHex(sc.s[k]) {
				return sc.fail(FaultEscape, sc.i)
			}
		}
		sc.i += 6
		return true
	}
	return sc.fail(FaultEscape, sc.i)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Number reads a number with JSON's grammar and returns its text's bounds.
func (sc *Scanner[T]) Number() (start, end int, ok bool) {
	sc.ws()
	start = sc.i
	if !sc.number() {
		return 0, 0, false
	}
	return start, sc.i, true
}

// number reads a number at the current position.
func (sc *Scanner[T]) number() bool {
	if sc.i < len(sc.s) && sc.s[sc.i] == '-' {
		sc.i++
	}
	switch {
	case sc.i < len(sc.s) && sc.s[sc.i] == '0':
		sc.i++
	case sc.i < len(sc.s) && '1' <= sc.s[sc.i] && sc.s[sc.i] <= '9':
		sc.digits()
	default:
		return sc.fail(FaultDigit, sc.i)
	}
	if sc.i < len(sc.s) && sc.s[sc.i] == '.' {
		sc.i++
		if !sc.digits() {
			return sc.fail(FaultFraction, sc.i)
		}
	}
	if sc.i < len(sc.s) && (sc.s[sc.i] == 'e' || sc.s[sc.i] == 'E') {
		sc.i++
		if sc.i < len(sc.s) && (sc.s[sc.i] == '+' || sc.s[sc.i] == '-') {
			sc.i++
		}
		if !sc.digits() {
			return sc.fail(FaultExponent, sc.i)
		}
	}
	return true
}

// digits consumes one or more digits.
func (sc *Scanner[T]) digits() bool {
	from := sc.i
	for sc.i < len(sc.s) && '0' <= sc.s[sc.i] && sc.s[sc.i] <= '9' {
		sc.i++
	}
	return sc.i > from
}

// Literal consumes word: true, false or null.
func (sc *Scanner[T]) Literal(word string) bool {
	sc.ws()
	if len(sc.s)-sc.i < len(word) || string(sc.s[sc.i:sc.i+len(word)]) != word {
		return false
	}
	sc.i += len(word)
	return true
}

// Items reads the rest of an object or array whose opening bracket has been consumed:
// item reads one member or element, and a comma or closing, the closing bracket, must
// follow each. Empty is fine; a trailing comma is not. It reports whether every item
// was read and the list is well formed.
func (sc *Scanner[T]) Items(closing byte, item func() bool) bool {
	if sc.Eat(closing) {
		return true
	}
	for {
		if !item() {
			return false
		}
		if sc.Eat(closing) {
			return true
		}
		if !sc.Eat(',') {
			return false
		}
	}
}

// Skip validates and passes over one value whose contents nest at most levels deep:
// Skip(0) accepts a scalar or an empty object or array, Skip(1) also one whose members
// are those, and so on. Deeper values are refused as if malformed, for the caller's
// encoding/json path to handle (a caller at depth d of a limit max passes max-d).
func (sc *Scanner[T]) Skip(levels int) bool {
	if levels < 0 {
		return false
	}
	switch sc.Peek() {
	case '{':
		sc.i++
		return sc.Items('}', func() bool {
			_, ok := sc.Str()
			return ok && sc.Eat(':') && sc.Skip(levels-1)
		})
	case '[':
		sc.i++
		return sc.Items(']', func() bool { return sc.Skip(levels - 1) })
	case '"':
		_, ok := sc.Str()
		return ok
	case 't':
		return sc.Literal("true")
	case 'f':
		return sc.Literal("false")
	case 'n':
		return sc.Literal("null")
	}
	return sc.number()
}

// validUTF8 checks text without converting it, which would copy a []byte.
func validUTF8[T ~string | ~[]byte](s T) bool {
	switch v := any(s).(type) {
	case string:
		return utf8.ValidString(v)
	case []byte:
		return utf8.Valid(v)
	}
	return utf8.ValidString(string(s))
}
