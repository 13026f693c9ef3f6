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
	start := -1
	for i, r := range text {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			tokens = append(tokens, strings.ToLower(text[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		tokens = append(tokens, strings.ToLower(text[start:]))
	}
	return tokens
}

// charCount is the length Elasticsearch compares with ignore_above: characters, not bytes.
func charCount(s string) int {
	return utf8.RuneCountInString(s)
}
