package redisstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

func waitForClusterOK(addr string, limit time.Duration) error {
	client := redis.NewClient(&redis.Options{Addr: addr})
	defer client.Close()
	deadline := time.Now().Add(limit)
	for {
		info, err := client.ClusterInfo(context.Background()).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v (last error: %w)", limit, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
