package redisstore

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// sharedRedis is the developer's and CI's Redis; tests of this package use their own
// database on it and flush it first.
const (
	sharedRedis   = "127.0.0.1:6379"
	sharedRedisDB = 13
)

// needRedis stops a test that has no Redis: under CI that is a failure, not a skip, so
// a broken setup cannot pass unnoticed.
func needRedis(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf(format, args...)
	}
	tb.Skipf(format, args...)
}

// sharedRedisURL returns the URL of the test database on the shared Redis, flushed.
func sharedRedisURL(tb testing.TB) string {
	tb.Helper()
	client := redis.NewClient(&redis.Options{Addr: sharedRedis, DB: sharedRedisDB})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		needRedis(tb, "no Redis at %s: %v", sharedRedis, err)
	}
	if err := client.FlushDB(ctx).Err(); err != nil {
		tb.Fatalf("flush test database: %v", err)
	}
	return fmt.Sprintf("redis://%s/%d", sharedRedis, sharedRedisDB)
}

// startRedisServer runs a throwaway redis-server on a free port for the calling test
// (and kills it afterwards), and returns its URL.
func startRedisServer(tb testing.TB, extraArgs ...string) string {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		needRedis(tb, "redis-server is not installed: %v", err)
	}
	port := freePort(tb)
	args := append([]string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
	}, extraArgs...)
	cmd := exec.Command(bin, args...)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start redis-server: %v", err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if err := waitForRedis(addr, 10*time.Second); err != nil {
		tb.Fatalf("redis-server on %s did not come up: %v\n%s", addr, err, output.String())
	}
	return "redis://" + addr + "/0"
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitForRedis(addr string, limit time.Duration) error {
	client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer client.Close()
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := client.Ping(ctx).Err()
		cancel()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
