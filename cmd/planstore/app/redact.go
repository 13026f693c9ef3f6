package app

import (
	"net/url"
	"strings"
)

// redactURL hides the password of a backend URL before it reaches a log or an error.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}

// redactURLList redacts each URL of a comma-separated list (a cluster's nodes).
func redactURLList(list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		parts[i] = redactURL(strings.TrimSpace(p))
	}
	return strings.Join(parts, ",")
}
