package esengine

import "unicode/utf8"

// jsonScanner walks JSON text without building values. The write path uses it for its
// fast lanes (bulk action lines, document sources): it validates as strictly as
// encoding/json and hands back positions instead of decoded maps, so a document is
// indexed without allocating a map, a boxed value or a string per field. Whatever it
// does not handle is reported as not ok and the caller falls back to encoding/json,
// which keeps Elasticsearch's exact error messages on one code path.
type jsonScanner[T ~string | ~[]byte] struct {
	s     T
	i     int
	space bool // insignificant whitespace was skipped: the text is not compact
}

// maxScanDepth bounds the nesting the fast lanes follow; deeper documents take the
// encoding/json path, which has its own limit and error.
const maxScanDepth = 64

// ws skips insignificant whitespace.
func (sc *jsonScanner[T]) ws() {
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

// peek returns the next significant byte, or 0 at the end.
func (sc *jsonScanner[T]) peek() byte {
	sc.ws()
	if sc.i >= len(sc.s) {
		return 0
	}
	return sc.s[sc.i]
}

// eat consumes c if it is the next significant byte.
func (sc *jsonScanner[T]) eat(c byte) bool {
	if sc.peek() != c {
		return false
	}
	sc.i++
	return true
}

// atEnd reports whether only whitespace is left.
func (sc *jsonScanner[T]) atEnd() bool {
	sc.ws()
	return sc.i == len(sc.s)
}

// jsonString is the position of a string's contents, quotes excluded.
type jsonString struct {
	start, end int
	// plain: no escape sequence and valid UTF-8, so the raw bytes are the decoded value.
	plain bool
}

// str reads a string at the current position.
func (sc *jsonScanner[T]) str() (jsonString, bool) {
	if sc.peek() != '"' {
		return jsonString{}, false
	}
	sc.i++
	out := jsonString{start: sc.i, plain: true}
	ascii := true
	for sc.i < len(sc.s) {
		c := sc.s[sc.i]
		switch {
		case c == '"':
			out.end = sc.i
			sc.i++
			if !ascii && !validUTF8(sc.s[out.start:out.end]) {
				out.plain = false // decoding replaces invalid bytes with U+FFFD
			}
			return out, true
		case c == '\\':
			out.plain = false
			if !sc.escape() {
				return jsonString{}, false
			}
		case c < 0x20:
			return jsonString{}, false
		default:
			if c >= 0x80 {
				ascii = false
			}
			sc.i++
		}
	}
	return jsonString{}, false
}

// escape validates one escape sequence at the current position (the backslash).
func (sc *jsonScanner[T]) escape() bool {
	if sc.i+1 >= len(sc.s) {
		return false
	}
	switch sc.s[sc.i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		sc.i += 2
		return true
	case 'u':
		if sc.i+6 > len(sc.s) {
			return false
		}
		for k := sc.i + 2; k < sc.i+6; k++ {
			if !isHex(sc.s[k]) {
				return false
			}
		}
		sc.i += 6
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number reads a number with JSON's grammar and returns its text's bounds.
func (sc *jsonScanner[T]) number() (start, end int, ok bool) {
	sc.ws()
	start = sc.i
	if sc.i < len(sc.s) && sc.s[sc.i] == '-' {
		sc.i++
	}
	switch {
	case sc.i < len(sc.s) && sc.s[sc.i] == '0':
		sc.i++
	case sc.i < len(sc.s) && '1' <= sc.s[sc.i] && sc.s[sc.i] <= '9':
		sc.digits()
	default:
		return 0, 0, false
	}
	if sc.i < len(sc.s) && sc.s[sc.i] == '.' {
		sc.i++
		if !sc.digits() {
			return 0, 0, false
		}
	}
	if sc.i < len(sc.s) && (sc.s[sc.i] == 'e' || sc.s[sc.i] == 'E') {
		sc.i++
		if sc.i < len(sc.s) && (sc.s[sc.i] == '+' || sc.s[sc.i] == '-') {
			sc.i++
		}
		if !sc.digits() {
			return 0, 0, false
		}
	}
	return start, sc.i, true
}

// digits consumes one or more digits.
func (sc *jsonScanner[T]) digits() bool {
	from := sc.i
	for sc.i < len(sc.s) && isDigit(sc.s[sc.i]) {
		sc.i++
	}
	return sc.i > from
}

// literal consumes true, false or null.
func (sc *jsonScanner[T]) literal(word string) bool {
	sc.ws()
	if len(sc.s)-sc.i < len(word) || string(sc.s[sc.i:sc.i+len(word)]) != word {
		return false
	}
	sc.i += len(word)
	return true
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
