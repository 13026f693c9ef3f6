package elastic

// allSucceeded reads a _bulk answer that reports "errors": false and checks it lists
// exactly sent items, without decoding the items: for the common answer that is all
// outcomes needs to know, and decoding every item into maps cost more than the rest of
// the round trip to the embedded engine. Anything it does not recognise (an error flag,
// another count, an unexpected key or type, malformed JSON) returns false, and outcomes
// decodes the answer with encoding/json as before, so the result never differs.
func allSucceeded(body []byte, sent int) bool {
	sc := answerScanner{b: body}
	if !sc.eat('{') {
		return false
	}
	var sawErrors, sawItems bool
	items := 0
	for {
		key, ok := sc.str()
		if !ok || !sc.eat(':') {
			return false
		}
		switch string(key) {
		case "took":
			ok = sc.skip(0)
		case "errors":
			ok = !sawErrors && sc.literal("false")
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
		if sc.eat('}') {
			break
		}
		if !sc.eat(',') {
			return false
		}
	}
	return sc.atEnd() && sawErrors && sawItems && items == sent
}

// items counts the elements of the items array, each {"<op>": {item fields}}.
func (sc *answerScanner) items() (int, bool) {
	if !sc.eat('[') {
		return 0, false
	}
	if sc.eat(']') {
		return 0, true
	}
	n := 0
	for {
		if !sc.item() {
			return 0, false
		}
		n++
		if sc.eat(']') {
			return n, true
		}
		if !sc.eat(',') {
			return 0, false
		}
	}
}

// item accepts one items element whose fields are the ones a successful write reports,
// with the types bulkItem decodes them into.
func (sc *answerScanner) item() bool {
	if !sc.eat('{') {
		return false
	}
	for {
		if _, ok := sc.str(); !ok || !sc.eat(':') || !sc.eat('{') {
			return false
		}
		if !sc.eat('}') {
			for {
				key, ok := sc.str()
				if !ok || !sc.eat(':') || !sc.itemField(key) {
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
		if sc.eat('}') {
			return true
		}
		if !sc.eat(',') {
			return false
		}
	}
}

func (sc *answerScanner) itemField(key []byte) bool {
	switch string(key) {
	case "_id":
		_, ok := sc.str()
		return ok
	case "status":
		return sc.integer()
	case "_index", "_type", "_version", "result", "_shards", "_seq_no", "_primary_term", "forced_refresh", "get":
		return sc.skip(0)
	}
	// Including "error": encoding/json would decode it, so leave it to encoding/json.
	return false
}
