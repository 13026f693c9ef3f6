package outbox

import "context"

type attemptKey struct{}

// withAttempt marks a delivery of an outbox entry as its nth, so that the relay's log
// line of a failed publish says how often the entry has failed already.
func withAttempt(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, attemptKey{}, n)
}

// attemptOf is the delivery's attempt number, 1 for a message without one.
func attemptOf(ctx context.Context) int {
	if n, ok := ctx.Value(attemptKey{}).(int); ok {
		return n
	}
	return 1
}
