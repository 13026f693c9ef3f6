package projections

import "unicode/utf8"

// scanner walks JSON text for documentsFast, validating it as strictly as
// encoding/json while recording where values are instead of decoding them.
type scanner struct {
	b []byte
	i int
}

// maxScanDepth and maxMembers bound what the fast path follows; larger plans take the
// encoding/json path.
const (
	maxScanDepth = 64
	maxMembers   = 256
)

func (sc *scanner) ws() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

func (sc *scanner) peek() byte {
	sc.ws()
	if sc.i >= len(sc.b) {
		return 0
	}
	return sc.b[sc.i]
}

func (sc *scanner) eat(c byte) bool {
	if sc.peek() != c {
		return false
	}
	sc.i++
	return true
}

func (sc *scanner) atEnd() bool {
	sc.ws()
	return sc.i == len(sc.b)
}

// str reads a string; plain means its raw contents are its decoded value (no escape,
// valid UTF-8).
func (sc *scanner) str() (start, end int, plain, ok bool) {
	if sc.peek() != '"' {
		return 0, 0, false, false
	}
	sc.i++
	start, plain = sc.i, true
	ascii := true
	for sc.i < len(sc.b) {
		c := sc.b[sc.i]
		switch {
		case c == '"':
			end = sc.i
			sc.i++
			if !ascii && !utf8.Valid(sc.b[start:end]) {
				plain = false
			}
			return start, end, plain, true
		case c == '\\':
			plain = false
			if !sc.escape() {
				return 0, 0, false, false
			}
		case c < 0x20:
			return 0, 0, false, false
		default:
			if c >= 0x80 {
				ascii = false
			}
			sc.i++
		}
	}
	return 0, 0, false, false
}

func (sc *scanner) escape() bool {
	if sc.i+1 >= len(sc.b) {
		return false
	}
	switch sc.b[sc.i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		sc.i += 2
		return true
	case 'u':
		if sc.i+6 > len(sc.b) {
			return false
		}
		for _, h := range sc.b[sc.i+2 : sc.i+6] {
			if !isHex(h) {
				return false
			}
		}
		sc.i += 6
		return true
	}
	return false
}

func (sc *scanner) number() bool {
	if sc.i < len(sc.b) && sc.b[sc.i] == '-' {
		sc.i++
	}
	switch {
	case sc.i < len(sc.b) && sc.b[sc.i] == '0':
		sc.i++
	case sc.i < len(sc.b) && '1' <= sc.b[sc.i] && sc.b[sc.i] <= '9':
		sc.digits()
	default:
		return false
	}
	if sc.i < len(sc.b) && sc.b[sc.i] == '.' {
		sc.i++
		if !sc.digits() {
			return false
		}
	}
	if sc.i < len(sc.b) && (sc.b[sc.i] == 'e' || sc.b[sc.i] == 'E') {
		sc.i++
		if sc.i < len(sc.b) && (sc.b[sc.i] == '+' || sc.b[sc.i] == '-') {
			sc.i++
		}
		if !sc.digits() {
			return false
		}
	}
	return true
}

func (sc *scanner) digits() bool {
	from := sc.i
	for sc.i < len(sc.b) && '0' <= sc.b[sc.i] && sc.b[sc.i] <= '9' {
		sc.i++
	}
	return sc.i > from
}

func (sc *scanner) literal(word string) bool {
	if len(sc.b)-sc.i < len(word) || string(sc.b[sc.i:sc.i+len(word)]) != word {
		return false
	}
	sc.i += len(word)
	return true
}

// skip validates and passes over one value.
func (sc *scanner) skip(depth int) bool {
	if depth > maxScanDepth {
		return false
	}
	switch sc.peek() {
	case '{':
		sc.i++
		if sc.eat('}') {
			return true
		}
		for {
			if _, _, _, ok := sc.str(); !ok || !sc.eat(':') || !sc.skip(depth+1) {
				return false
			}
			if sc.eat('}') {
				return true
			}
			if !sc.eat(',') {
				return false
			}
		}
	case '[':
		sc.i++
		if sc.eat(']') {
			return true
		}
		for {
			if !sc.skip(depth + 1) {
				return false
			}
			if sc.eat(']') {
				return true
			}
			if !sc.eat(',') {
				return false
			}
		}
	case '"':
		_, _, _, ok := sc.str()
		return ok
	case 't':
		return sc.literal("true")
	case 'f':
		return sc.literal("false")
	case 'n':
		return sc.literal("null")
	}
	return sc.number()
}

// object reads an object's members, appended to dst. Escaped and duplicate keys are
// refused: encoding/json decodes the first and keeps the last of the second, and the
// fast path does neither.
func (sc *scanner) object(dst members) (members, bool) {
	if !sc.eat('{') {
		return nil, false
	}
	if sc.eat('}') {
		return dst, true
	}
	for {
		ks, ke, plain, ok := sc.str()
		if !ok || !plain || len(dst) == maxMembers || !sc.eat(':') {
			return nil, false
		}
		for _, m := range dst {
			if string(sc.b[m.keyStart:m.keyEnd]) == string(sc.b[ks:ke]) {
				return nil, false
			}
		}
		m := member{keyStart: ks, keyEnd: ke, start: sc.i}
		if sc.peek() == '"' {
			m.start = sc.i
			if _, _, m.plain, ok = sc.str(); !ok {
				return nil, false
			}
		} else {
			m.start = sc.i
			if !sc.skip(1) {
				return nil, false
			}
		}
		m.end = sc.i
		dst = append(dst, m)
		if sc.eat('}') {
			return dst, true
		}
		if !sc.eat(',') {
			return nil, false
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
