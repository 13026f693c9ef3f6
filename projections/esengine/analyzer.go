package esengine

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// analyze is the engine's stand-in for Elasticsearch's standard analyzer: it splits on
// anything that is not a letter or a digit and lowercases. The real standard tokenizer
// follows Unicode word boundaries (UAX #29), so it keeps "o'neil" and "3.5" as single
// tokens where this splits them; names in plans are plain words, where both agree.
func analyze(text string) []string {
	var tokens []string
	forEachToken(text, func(tok string) { tokens = append(tokens, tok) })
	return tokens
}

// forEachToken calls fn with each token of text in order, without collecting them. A
// token is a substring of text unless lowercasing changed it.
func forEachToken(text string, fn func(tok string)) {
	start := -1
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		var word bool
		if r < utf8.RuneSelf {
			word = 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
			word = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		}
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			fn(strings.ToLower(text[start:i]))
			start = -1
		}
		i += size
	}
	if start >= 0 {
		fn(strings.ToLower(text[start:]))
	}
}

// charCount is the length Elasticsearch compares with ignore_above: characters, not bytes.
func charCount(s string) int {
	return utf8.RuneCountInString(s)
}
