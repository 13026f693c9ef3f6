package jsonscan

// SkipTrusted passes over one value without validating it: a string up to its closing
// quote (escapes stepped over), an object or array by matching brackets outside
// strings, a literal or number up to the next delimiter. It is for text planstore
// encoded itself, such as a stored plan, where Skip's validation would only repeat
// what the encoder guaranteed and cost several times as much (a plan read checks its
// stored document's top level on every GET). On malformed text it may accept what
// Skip refuses; it reports false only when the text ends inside the value or no
// value starts here.
func (sc *Scanner[T]) SkipTrusted() bool {
	s := sc.s
	switch sc.Peek() {
	case 0:
		return false
	case '"':
		return sc.skipStringTrusted()
	case '{', '[':
		depth := 0
		for sc.i < len(s) {
			switch s[sc.i] {
			case '"':
				if !sc.skipStringTrusted() {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					sc.i++
					return true
				}
			}
			sc.i++
		}
		return false
	default:
		start := sc.i
		for sc.i < len(s) && !delimiter[s[sc.i]] {
			sc.i++
		}
		return sc.i > start
	}
}

// skipStringTrusted passes over the string starting at the current quote.
func (sc *Scanner[T]) skipStringTrusted() bool {
	s := sc.s
	for i := sc.i + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // the escaped byte cannot end the string
		case '"':
			sc.i = i + 1
			return true
		}
	}
	sc.i = len(s)
	return false
}

// delimiter marks the bytes that end a literal or a number.
var delimiter = [256]bool{',': true, '}': true, ']': true, ' ': true, '\t': true, '\r': true, '\n': true}
