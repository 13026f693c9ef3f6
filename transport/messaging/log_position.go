package messaging

import (
	"context"
	"strconv"
	"strings"

	"github.com/ThreeDotsLabs/watermill/message"
)

// MetadataLogPosition is where the relay found the event in the event store's log,
// "<partition>/<position>". A consumer that records how far it has applied the log
// (the projector, for the query API's freshness check) reads it with LogPositionFrom.
const MetadataLogPosition = "log_position"

// SetLogPosition records on msg where its event sits in the log.
func SetLogPosition(msg *message.Message, partition int, position string) {
	if position != "" {
		msg.Metadata.Set(MetadataLogPosition, strconv.Itoa(partition)+"/"+position)
	}
}

type logPositionKey struct{}

func withLogPosition(ctx context.Context, raw string) context.Context {
	if raw == "" {
		return ctx
	}
	return context.WithValue(ctx, logPositionKey{}, raw)
}

// LogPositionFrom returns the log position of the event being handled, when the
// message carried one (events the relay published from a log).
func LogPositionFrom(ctx context.Context) (partition int, position string, ok bool) {
	raw, _ := ctx.Value(logPositionKey{}).(string)
	p, pos, found := strings.Cut(raw, "/")
	if !found || pos == "" {
		return 0, "", false
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 0 {
		return 0, "", false
	}
	return n, pos, true
}
