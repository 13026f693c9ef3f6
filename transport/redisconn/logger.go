package redisconn

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// SetLogger sends go-redis's own log lines (one per failed dial while a node is down,
// say) to logger at debug level, as JSON like every other line, instead of plain text
// on stderr. What a failure means for a request is logged where it is answered. The
// setting is process-wide, as go-redis's logger is.
func SetLogger(logger *slog.Logger) { redis.SetLogger(slogAdapter{logger}) }

type slogAdapter struct{ logger *slog.Logger }

func (a slogAdapter) Printf(ctx context.Context, format string, v ...any) {
	a.logger.DebugContext(ctx, "go-redis: "+fmt.Sprintf(format, v...))
}
