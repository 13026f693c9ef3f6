// Package commalist reads the comma-separated lists that flags, environment variables
// and Elasticsearch parameters share: "a, b,,c" is [a b c].
package commalist

import "strings"

// Split returns the non-empty items of v, each trimmed of white space.
func Split(v string) []string {
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
