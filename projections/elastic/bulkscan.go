package elastic

import "github.com/planstore/planstore/internal/jsonscan"

// answerScanner is the JSON reader allSucceeded needs: it validates what it passes
// over as strictly as encoding/json, and returns false at the first surprise.
type answerScanner struct {
	jsonscan.Scanner[[]byte]
}

// maxAnswerDepth bounds the nesting of the values skipped.
const maxAnswerDepth = 64

// key reads a string and returns its raw contents; keys with escapes come back as
// written, which matches none of the names the callers look for.
func (sc *answerScanner) key() ([]byte, bool) {
	k, ok := sc.Str()
	return sc.Text(k), ok
}

// integer reads a number an int field accepts: no fraction, no exponent, at most 18
// digits so it cannot overflow.
func (sc *answerScanner) integer() bool {
	start, end, ok := sc.Number()
	if !ok {
		return false
	}
	n := sc.Src()[start:end]
	if n[0] == '-' {
		n = n[1:]
	}
	if len(n) > 18 {
		return false
	}
	for _, c := range n {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// allSucceeded reads a _bulk answer that reports "errors": false and checks it lists
// exactly sent items, without decoding the items: for the common answer that is all
// outcomes needs to know, and decoding every item into maps cost more than the rest of
// the round trip to the embedded engine. Anything it does not recognise (an error flag,
// another count, an unexpected key or type, malformed JSON) returns false, and outcomes
// decodes the answer with encoding/json as before, so the result never differs.
func allSucceeded(body []byte, sent int) bool {
	sc := answerScanner{jsonscan.New(body)}
	if !sc.Eat('{') {
		return false
	}
	var sawErrors, sawItems bool
	items := 0
	for {
		key, ok := sc.key()
		if !ok || !sc.Eat(':') {
			return false
		}
		switch string(key) {
		case "took":
			ok = sc.Skip(maxAnswerDepth)
		case "errors":
			ok = !sawErrors && sc.Literal("false")
			sawErrors = true
		case "items":
			items, ok = sc.items()
			ok = ok && !sawItems
			sawItems = true
		default:
			return false
		}
		if !ok {
			return false
		}
		if sc.Eat('}') {
			break
		}
		if !sc.Eat(',') {
			return false
		}
	}
	return sc.AtEnd() && sawErrors && sawItems && items == sent
}

// items counts the elements of the items array, each {"<op>": {item fields}}.
func (sc *answerScanner) items() (int, bool) {
	if !sc.Eat('[') {
		return 0, false
	}
	if sc.Eat(']') {
		return 0, true
	}
	n := 0
	for {
		if !sc.item() {
			return 0, false
		}
		n++
		if sc.Eat(']') {
			return n, true
		}
		if !sc.Eat(',') {
			return 0, false
		}
	}
}

// item accepts one items element whose fields are the ones a successful write reports,
// with the types bulkItem decodes them into.
func (sc *answerScanner) item() bool {
	if !sc.Eat('{') {
		return false
	}
	for {
		if _, ok := sc.Str(); !ok || !sc.Eat(':') || !sc.Eat('{') {
			return false
		}
		if !sc.Eat('}') {
			for {
				key, ok := sc.key()
				if !ok || !sc.Eat(':') || !sc.itemField(key) {
					return false
				}
				if sc.Eat('}') {
					break
				}
				if !sc.Eat(',') {
					return false
				}
			}
		}
		if sc.Eat('}') {
			return true
		}
		if !sc.Eat(',') {
			return false
		}
	}
}

func (sc *answerScanner) itemField(key []byte) bool {
	switch string(key) {
	case "_id":
		_, ok := sc.Str()
		return ok
	case "status":
		return sc.integer()
	case "_index", "_type", "_version", "result", "_shards", "_seq_no", "_primary_term", "forced_refresh", "get":
		return sc.Skip(maxAnswerDepth)
	}
	// Including "error": encoding/json would decode it, so leave it to encoding/json.
	return false
}
