// Package testenv gives tests their own slice of the real services: a
// fresh RabbitMQ vhost per test, a Redis database of their own. With CI=true a missing
// service fails the test; elsewhere it skips it.
package testenv

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"
	"github.com/redis/go-redis/v9"
)

// Unavailable fails the test under CI and skips it elsewhere.
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("required test service unavailable: "+format, args...)
	}
	tb.Skipf("test service unavailable: "+format, args...)
}

// BrokerURL is the base AMQP URL of the test broker (PLANSTORE_TEST_AMQP_URL).
func BrokerURL() string {
	return cmp.Or(os.Getenv("PLANSTORE_TEST_AMQP_URL"), "amqp://guest:guest@127.0.0.1:5672/")
}

// Vhost creates a vhost of its own for the test, with permissions for the URL's user,
// and deletes it when the test ends. It returns the AMQP URL of that vhost.
func Vhost(tb testing.TB) string {
	tb.Helper()
	base, err := url.Parse(BrokerURL())
	if err != nil {
		tb.Fatalf("PLANSTORE_TEST_AMQP_URL: %v", err)
	}
	if conn, err := net.DialTimeout("tcp", base.Host, 2*time.Second); err != nil {
		Unavailable(tb, "RabbitMQ at %s: %v", base.Host, err)
	} else {
		conn.Close()
	}
	if _, err := exec.LookPath("rabbitmqctl"); err != nil {
		Unavailable(tb, "rabbitmqctl (to create a test vhost): %v", err)
	}
	shareBroker(tb)
	user := base.User.Username()
	name := "planstore-test-" + slug(tb.Name()) + "-" + randomHex(4)
	Ctl(tb, "add_vhost", name)
	tb.Cleanup(func() { _, _ = ctl("delete_vhost", name) })
	Ctl(tb, "set_permissions", "-p", name, user, ".*", ".*", ".*")
	u := *base
	u.Path = "/" + name
	u.RawPath = "/" + url.PathEscape(name)
	return u.String()
}

// Ctl runs rabbitmqctl and fails the test if it fails.
func Ctl(tb testing.TB, args ...string) {
	tb.Helper()
	if out, err := ctl(args...); err != nil {
		tb.Fatalf("rabbitmqctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func ctl(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return exec.CommandContext(ctx, "rabbitmqctl", append([]string{"-q"}, args...)...).CombinedOutput()
}

// RestartBroker stops the RabbitMQ application, keeps it down for downFor, and starts it
// again, waiting until it accepts work. The stop and start run in a detached shell of
// their own, so the broker comes back even if the test process dies meanwhile. The test
// must hold the broker exclusively (ExclusiveBroker).
func RestartBroker(tb testing.TB, downFor time.Duration) {
	tb.Helper()
	if !exclusive.Load() {
		tb.Fatal("RestartBroker without ExclusiveBroker would break other tests using RabbitMQ")
	}
	script := fmt.Sprintf("rabbitmqctl -q stop_app; sleep %.1f; rabbitmqctl -q start_app; rabbitmqctl -q await_startup", downFor.Seconds())
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("restart RabbitMQ: %v\n%s", err, out)
	}
}

// Queue reports a queue's ready messages and consumers, as the broker sees them.
func Queue(tb testing.TB, amqpURL, queue string) (messages, consumers int) {
	tb.Helper()
	WithChannel(tb, amqpURL, func(ch *amqp091.Channel) {
		q, err := ch.QueueDeclarePassive(queue, true, false, false, false, nil)
		if err != nil {
			tb.Fatalf("queue %s: %v", queue, err)
		}
		messages, consumers = q.Messages, q.Consumers
	})
	return messages, consumers
}

// Drain takes (and acknowledges) every ready message of a queue.
func Drain(tb testing.TB, amqpURL, queue string) []amqp091.Delivery {
	tb.Helper()
	var out []amqp091.Delivery
	WithChannel(tb, amqpURL, func(ch *amqp091.Channel) {
		for {
			d, ok, err := ch.Get(queue, true)
			if err != nil {
				tb.Fatalf("get from %s: %v", queue, err)
			}
			if !ok {
				return
			}
			out = append(out, d)
		}
	})
	return out
}

// WithChannel runs fn on a channel of its own connection to amqpURL, closed after.
func WithChannel(tb testing.TB, amqpURL string, fn func(*amqp091.Channel)) {
	tb.Helper()
	conn, ch := dialChannel(tb, amqpURL)
	defer conn.Close() // closes ch too
	fn(ch)
}

// AMQPChannel is a raw channel on the broker at amqpURL, closed with its connection when
// the test ends: for what a test does beside planstore's bus (a queue of its own, a
// consumer that nacks).
func AMQPChannel(tb testing.TB, amqpURL string) *amqp091.Channel {
	tb.Helper()
	conn, ch := dialChannel(tb, amqpURL)
	tb.Cleanup(func() { _ = conn.Close() })
	return ch
}

func dialChannel(tb testing.TB, amqpURL string) (*amqp091.Connection, *amqp091.Channel) {
	tb.Helper()
	conn, err := amqp091.Dial(amqpURL)
	if err != nil {
		tb.Fatalf("dial %s: %v", amqpURL, err)
	}
	ch, err := conn.Channel()
	if err != nil {
		_ = conn.Close()
		tb.Fatalf("channel: %v", err)
	}
	return conn, ch
}

// RedisURL is the URL of database db on the test Redis (PLANSTORE_TEST_REDIS_URL's host).
func RedisURL(db int) string {
	raw := cmp.Or(os.Getenv("PLANSTORE_TEST_REDIS_URL"), "redis://127.0.0.1:6379/0")
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = fmt.Sprintf("/%d", db)
	return u.String()
}

// Redis returns a client on a database of the test's own (PLANSTORE_TEST_REDIS_URL's
// host, database db), flushed before and after the test.
func Redis(tb testing.TB, db int) *redis.Client {
	tb.Helper()
	opts, err := redis.ParseURL(RedisURL(db))
	if err != nil {
		tb.Fatalf("PLANSTORE_TEST_REDIS_URL: %v", err)
	}
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		Unavailable(tb, "Redis at %s: %v", opts.Addr, err)
	}
	if err := client.FlushDB(ctx).Err(); err != nil {
		tb.Fatalf("flush redis db %d: %v", db, err)
	}
	tb.Cleanup(func() {
		client.FlushDB(context.Background())
		client.Close()
	})
	return client
}

// WaitFor polls cond until it holds, failing the test after timeout. The timeout is a
// guard against hangs, never an assertion about speed: choose it generously.
func WaitFor(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("gave up after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var nonSlug = regexp.MustCompile(`[^a-zA-Z0-9]+`)

func slug(s string) string {
	s = strings.ToLower(nonSlug.ReplaceAllString(s, "-"))
	if len(s) > 40 {
		s = s[:40]
	}
	return strings.Trim(s, "-")
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return fmt.Sprint(time.Now().UnixNano())
	}
	return hex.EncodeToString(b)
}
