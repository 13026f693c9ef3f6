package elastic

// answerScanner is the minimal JSON reader allSucceeded needs: it validates what it
// passes over as strictly as encoding/json, and returns false at the first surprise.
type answerScanner struct {
	b []byte
	i int
}

const maxAnswerDepth = 64

func (sc *answerScanner) ws() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

func (sc *answerScanner) peek() byte {
	sc.ws()
	if sc.i >= len(sc.b) {
		return 0
	}
	return sc.b[sc.i]
}

func (sc *answerScanner) eat(c byte) bool {
	if sc.peek() != c {
		return false
	}
	sc.i++
	return true
}

func (sc *answerScanner) atEnd() bool {
	sc.ws()
	return sc.i == len(sc.b)
}

// str reads a string and returns its raw contents; keys with escapes come back as
// written, which matches none of the names the callers look for.
func (sc *answerScanner) str() ([]byte, bool) {
	if !sc.eat('"') {
		return nil, false
	}
	start := sc.i
	for sc.i < len(sc.b) {
		c := sc.b[sc.i]
		switch {
		case c == '"':
			s := sc.b[start:sc.i]
			sc.i++
			return s, true
		case c == '\\':
			if !sc.escape() {
				return nil, false
			}
		case c < 0x20:
			return nil, false
		default:
			sc.i++
		}
	}
	return nil, false
}

func (sc *answerScanner) escape() bool {
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

func (sc *answerScanner) digits() bool {
	from := sc.i
	for sc.i < len(sc.b) && '0' <= sc.b[sc.i] && sc.b[sc.i] <= '9' {
		sc.i++
	}
	return sc.i > from
}

// integer reads a number an int field accepts: no fraction, no exponent, at most 18
// digits so it cannot overflow.
func (sc *answerScanner) integer() bool {
	sc.ws()
	start := sc.i
	if sc.i < len(sc.b) && sc.b[sc.i] == '-' {
		sc.i++
	}
	digitsAt := sc.i
	if !sc.digits() || sc.i-digitsAt > 18 || sc.b[digitsAt] == '0' && sc.i-digitsAt > 1 {
		return false
	}
	if sc.i < len(sc.b) && (sc.b[sc.i] == '.' || sc.b[sc.i] == 'e' || sc.b[sc.i] == 'E') {
		return false
	}
	return sc.i > start
}

func (sc *answerScanner) number() bool {
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

func (sc *answerScanner) literal(word string) bool {
	sc.ws()
	if len(sc.b)-sc.i < len(word) || string(sc.b[sc.i:sc.i+len(word)]) != word {
		return false
	}
	sc.i += len(word)
	return true
}

// skip validates and passes over one value.
func (sc *answerScanner) skip(depth int) bool {
	if depth > maxAnswerDepth {
		return false
	}
	switch sc.peek() {
	case '{':
		sc.i++
		if sc.eat('}') {
			return true
		}
		for {
			if _, ok := sc.str(); !ok || !sc.eat(':') || !sc.skip(depth+1) {
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
		_, ok := sc.str()
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

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
