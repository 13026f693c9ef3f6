package query

import "strings"

func MatchesAnyPattern(patterns []string, s string) bool {
	for _, p := range patterns {
		if simpleMatch(p, s) {
			return true
		}
	}
	return false
}

// simpleMatch is Elasticsearch's simple wildcard match: * matches any run of characters,
// dots included.
func simpleMatch(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return strings.HasSuffix(s, last)
}
