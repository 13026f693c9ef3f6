package tenancy

import (
	"bytes"
	"unicode/utf8"
)

// scanOrg reads the top-level "_org" of a JSON object without decoding it: every plan
// read checks the stored document's _org (queries.Plans.Get), and encoding/json spends
// two whole passes over the document on it (validation, then decoding), the largest
// share of a GET's CPU after net/http's own.
//
// It walks the top level of the object key by key and skips nested values by matching
// brackets outside strings. For valid JSON its answer is exactly encoding/json's (the
// last "_org" wins, as there); ok is false, and the caller asks encoding/json, whenever
// that equality is not plain: an escaped key or value, a key equal to "_org" only
// case-insensitively (encoding/json would take it), an _org that is not a plain
// string, a control byte or invalid UTF-8, or any structure it does not expect. Nested
// values are not validated, so for some malformed documents it answers where
// encoding/json would refuse; the documents it reads are the ones planstore itself
// encoded (plan.Plan's canonical MarshalJSON).
//
// It does not walk with internal/jsonscan, the shared grammar, on purpose: that
// validates every value it skips, which for the example plan costs 4.5–6 µs against
// 0.9 µs here (encoding/json: 7–18 µs), and would give back most of what this saves
// on every GET.
func scanOrg(doc []byte) (org string, ok bool) {
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return "", false
	}
	i = skipSpace(doc, i+1)
	if i < len(doc) && doc[i] == '}' {
		return "", skipSpace(doc, i+1) == len(doc)
	}
	var found []byte
	for {
		key, next, plain := scanString(doc, i)
		if !plain {
			return "", false
		}
		i = skipSpace(doc, next)
		if i >= len(doc) || doc[i] != ':' {
			return "", false
		}
		i = skipSpace(doc, i+1)
		switch {
		case string(key) == "_org":
			if found, i, plain = scanString(doc, i); !plain {
				return "", false
			}
		case len(key) == 4 && bytes.EqualFold(key, []byte("_org")):
			return "", false
		default:
			if i, ok = skipValue(doc, i); !ok {
				return "", false
			}
		}
		i = skipSpace(doc, i)
		if i >= len(doc) {
			return "", false
		}
		switch doc[i] {
		case ',':
			i = skipSpace(doc, i+1)
		case '}':
			if skipSpace(doc, i+1) != len(doc) || !utf8.Valid(found) {
				return "", false
			}
			return string(found), true
		default:
			return "", false
		}
	}
}

// scanString reads the string starting at doc[i]; plain is false if there is none, or
// it holds an escape, a control byte or ends early (encoding/json's business then).
func scanString(doc []byte, i int) (s []byte, next int, plain bool) {
	if i >= len(doc) || doc[i] != '"' {
		return nil, i, false
	}
	for j := i + 1; j < len(doc); j++ {
		switch c := doc[j]; {
		case c == '"':
			return doc[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20:
			return nil, j, false
		}
	}
	return nil, len(doc), false
}

// skipValue returns the index after the value starting at doc[i]: a string, an object
// or array (brackets matched, strings and their escapes skipped), or a literal or
// number (up to the next delimiter).
func skipValue(doc []byte, i int) (int, bool) {
	if i >= len(doc) {
		return i, false
	}
	switch doc[i] {
	case '"':
		return skipString(doc, i)
	case '{', '[':
		depth := 0
		for i < len(doc) {
			if !structural[doc[i]] {
				i++
				continue
			}
			switch doc[i] {
			case '"':
				var ok bool
				if i, ok = skipString(doc, i); !ok {
					return i, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return i, false
	default:
		start := i
		for i < len(doc) && !isDelimiter(doc[i]) {
			i++
		}
		return i, i > start
	}
}

// structural marks the bytes skipValue stops at inside an object or array.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// skipString returns the index after the string starting at doc[i], escapes included.
func skipString(doc []byte, i int) (int, bool) {
	for j := i + 1; j < len(doc); {
		k := bytes.IndexByte(doc[j:], '"')
		if k < 0 {
			break
		}
		j += k
		// The quote ends the string unless an odd number of backslashes precede it.
		backslashes := 0
		for b := j - 1; b > i && doc[b] == '\\'; b-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return j + 1, true
		}
		j++
	}
	return len(doc), false
}

func isDelimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

func skipSpace(doc []byte, i int) int {
	for i < len(doc) {
		switch doc[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}
