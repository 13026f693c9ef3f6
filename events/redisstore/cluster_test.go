package redisstore

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startRedisCluster starts n redis-server nodes in cluster mode, joins them with
// redis-cli (slots spread evenly, no replicas), waits for the cluster to be ready and
// returns the node addresses.
func startRedisCluster(tb testing.TB, n int) []string {
	tb.Helper()
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		needRedis(tb, "redis-cli is not installed: %v", err)
	}
	dir := tb.TempDir()
	var addrs []string
	for i := range n {
		url := startRedisServer(tb,
			"--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, "nodes-"+strconv.Itoa(i)+".conf"),
			"--dir", dir)
		addrs = append(addrs, strings.TrimSuffix(strings.TrimPrefix(url, "redis://"), "/0"))
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		tb.Fatalf("create cluster: %v\n%s", err, out)
	}
	for _, addr := range addrs {
		if err := waitForClusterOK(addr, 15*time.Second); err != nil {
			tb.Fatalf("cluster node %s: %v", addr, err)
		}
	}
	return addrs
}

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
