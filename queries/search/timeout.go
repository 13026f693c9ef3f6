package search

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Search time limits. Elasticsearch's timeout search parameter stops collecting when it
// expires and answers what it found with timed_out: true; a search without one would
// run unbounded, so every search gets one.
const (
	// DefaultSearchTimeout is the timeout of a search that names none, unless the server
	// is configured with another (Searcher's WithDefaultTimeout).
	DefaultSearchTimeout = 10 * time.Second
	// MaxSearchTimeout bounds the timeout a request may ask for.
	MaxSearchTimeout = 60 * time.Second
)

// timeValue is Elasticsearch's time unit syntax as its search timeout accepts it.
var timeValue = regexp.MustCompile(`^([0-9]{1,12})(d|h|m|s|ms|micros|nanos)$`)

var timeUnits = map[string]time.Duration{
	"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute, "s": time.Second,
	"ms": time.Millisecond, "micros": time.Microsecond, "nanos": time.Nanosecond,
}

// parseTimeout reads the timeout key: "500ms", "2s"... A value past MaxSearchTimeout
// gets MaxSearchTimeout and one under a millisecond gets a millisecond: Elasticsearch
// accepts every time value here, so clamping keeps a request that it answers answerable
// while bounding the work. -1 (no timeout) is refused on purpose.
func parseTimeout(v any, path string) (time.Duration, error) {
	s, ok := v.(string)
	if !ok {
		return 0, malformed(path, `timeout must be a string such as "500ms" or "2s"`)
	}
	m := timeValue.FindStringSubmatch(s)
	if m == nil {
		return 0, malformed(path, fmt.Sprintf(`timeout %q is not a time value such as "500ms" or "2s"`, s))
	}
	n, err := strconv.ParseInt(m[1], 10, 64) // at most 12 digits: never out of range
	if err != nil {
		return 0, malformed(path, fmt.Sprintf(`timeout %q is not a time value such as "500ms" or "2s"`, s))
	}
	unit := timeUnits[m[2]]
	if n > int64(MaxSearchTimeout/unit) || time.Duration(n)*unit > MaxSearchTimeout {
		return MaxSearchTimeout, nil
	}
	return max(time.Duration(n)*unit, time.Millisecond), nil
}
