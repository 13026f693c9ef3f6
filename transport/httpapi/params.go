package httpapi

import (
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// paramError is a query parameter the server cannot use; it answers 400 with the
// parameter's name as the problem's path.
type paramError struct {
	name    string
	message string
}

func (e *paramError) Error() string { return fmt.Sprintf("query parameter %s: %s", e.name, e.message) }

// intParam reads an optional integer parameter within [lowest, highest]; ok is false
// when the parameter is absent.
func intParam(q url.Values, name string, lowest, highest int64) (value int64, ok bool, err error) {
	raw, present := q[name]
	if !present {
		return 0, false, nil
	}
	if len(raw) != 1 {
		return 0, false, &paramError{name, "give it once"}
	}
	v, perr := strconv.ParseInt(raw[0], 10, 64)
	if perr != nil || v < lowest || v > highest {
		return 0, false, &paramError{name, fmt.Sprintf("want a whole number from %d to %d", lowest, highest)}
	}
	return v, true, nil
}

// timeParam reads an optional RFC 3339 instant.
func timeParam(q url.Values, name string) (value time.Time, ok bool, err error) {
	raw, present := q[name]
	if !present {
		return time.Time{}, false, nil
	}
	if len(raw) != 1 {
		return time.Time{}, false, &paramError{name, "give it once"}
	}
	t, perr := time.Parse(time.RFC3339Nano, raw[0])
	if perr != nil {
		return time.Time{}, false, &paramError{name, "want an RFC 3339 date-time such as 2026-12-06T19:00:00Z"}
	}
	return t, true, nil
}
