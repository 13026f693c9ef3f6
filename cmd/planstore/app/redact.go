package app

import "net/url"

// redactURL hides the password of a backend URL before it reaches a log or an error.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}
