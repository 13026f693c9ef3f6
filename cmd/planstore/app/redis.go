package app

import (
	"context"
	"fmt"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/redisstore"
)

// redisDialTimeout bounds the start-up check: a configured Redis that does not answer is
// a clear start-up error, never a silent fallback to the embedded store.
const redisDialTimeout = 5 * time.Second

func openRedisStore(ctx context.Context, url string, codec *events.Codec) (eventStore, error) {
	ctx, cancel := context.WithTimeout(ctx, redisDialTimeout)
	defer cancel()
	store, err := redisstore.Dial(ctx, url, codec)
	if err != nil {
		return nil, fmt.Errorf("redis at %s: %w", redactURL(url), err)
	}
	return store, nil
}
