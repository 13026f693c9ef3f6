package redisstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/transport/testenv"
)

// sharedRedis is the developer's and CI's Redis; tests of this package use their own
// database on it and flush it first.
const (
	sharedRedis   = "127.0.0.1:6379"
	sharedRedisDB = 13
)

// sharedRedisURL returns the URL of the test database on the shared Redis, flushed.
func sharedRedisURL(tb testing.TB) string {
	tb.Helper()
	client := redis.NewClient(&redis.Options{Addr: sharedRedis, DB: sharedRedisDB})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		testenv.Unavailable(tb, "no Redis at %s: %v", sharedRedis, err)
	}
	if err := client.FlushDB(ctx).Err(); err != nil {
		tb.Fatalf("flush test database: %v", err)
	}
	return fmt.Sprintf("redis://%s/%d", sharedRedis, sharedRedisDB)
}
