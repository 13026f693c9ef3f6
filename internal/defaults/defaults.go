// Package defaults fills in a configuration's unset limits. It imports nothing, so any
// package may use it whatever its layer.
package defaults

// Positive is v, or fallback when v is zero or negative: the rule of every count, size
// and duration field whose zero value means "the default" (a negative one would only
// stall or panic).
func Positive[T ~int | ~int64](v, fallback T) T {
	if v <= 0 {
		return fallback
	}
	return v
}
