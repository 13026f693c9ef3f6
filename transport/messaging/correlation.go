package messaging

import "context"

type correlationKey struct{}

// WithCorrelationID returns ctx carrying the correlation id of the event being handled.
// The router does this for every consumer handler; an empty id leaves ctx as it is.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return context.WithValue(ctx, correlationKey{}, id)
}

// CorrelationIDFrom returns the correlation id of the event a consumer handler is
// handling ("" when there is none), so that the handler's own log lines can carry it:
// an operator finds one write in the logs of every role by grepping for its id.
func CorrelationIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(correlationKey{}).(string)
	return id
}
