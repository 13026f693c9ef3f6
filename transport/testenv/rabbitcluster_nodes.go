package testenv

import (
	"os"
	"strings"
	"testing"

	amqp091 "github.com/rabbitmq/amqp091-go"
)

// RunStoppingRabbitClusters is the TestMain of a package that starts RabbitMQ clusters:
// it runs the tests, then stops and wipes the clusters they started.
func RunStoppingRabbitClusters(m *testing.M) {
	code := m.Run()
	StopRabbitClusters()
	os.Exit(code)
}

// VhostOf is the vhost of an AMQP URL, or of the last URL of a comma-separated list.
func VhostOf(url string) string { return url[strings.LastIndex(url, "/")+1:] }

// ConsumerNode returns the node (1-based) that the first consumer of queue is connected
// to, as the broker sees it, or 0 while the queue has none.
func (c *RabbitCluster) ConsumerNode(tb testing.TB, vhost, queue string) int {
	tb.Helper()
	return c.nodeOfRow(tb, c.Ctl(tb, "list_consumers", "-p", vhost, "queue_name", "channel_pid"), queue)
}

// ConnectionNode returns the node (1-based) of the vhost's connection named name (the
// AMQP bus's ConnectionName and its role), or 0 while there is none.
func (c *RabbitCluster) ConnectionNode(tb testing.TB, vhost, name string) int {
	tb.Helper()
	out := c.Ctl(tb, "list_connections", "vhost", "pid", "client_properties")
	for line := range strings.SplitSeq(out, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == vhost && strings.Contains(line, `"`+name+`"`) {
			return c.nodeIndex(tb, f[1])
		}
	}
	return 0
}

// QueueLeader returns the node (1-based) of a quorum queue's leader.
func (c *RabbitCluster) QueueLeader(tb testing.TB, vhost, queue string) int {
	tb.Helper()
	out := c.Ctl(tb, "list_queues", "-p", vhost, "name", "leader")
	if n := c.nodeOfRow(tb, out, queue); n != 0 {
		return n
	}
	tb.Fatalf("queue %s not in list_queues:\n%s", queue, out)
	return 0
}

// nodeOfRow finds the two-column row of rabbitmqctl output whose first column is key
// and returns the node its second column names, or 0.
func (c *RabbitCluster) nodeOfRow(tb testing.TB, out, key string) int {
	tb.Helper()
	for line := range strings.SplitSeq(out, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == key {
			return c.nodeIndex(tb, f[1])
		}
	}
	return 0
}

func (c *RabbitCluster) nodeIndex(tb testing.TB, s string) int {
	tb.Helper()
	for i := 1; i <= len(c.URLs); i++ {
		if strings.Contains(s, c.NodeName(i)) {
			return i
		}
	}
	tb.Fatalf("%q names no node of the cluster", s)
	return 0
}

// LiveURL returns the first of urls whose node accepts connections.
func LiveURL(tb testing.TB, urls []string) string {
	tb.Helper()
	for _, u := range urls {
		if conn, err := amqp091.Dial(u); err == nil {
			_ = conn.Close()
			return u
		}
	}
	tb.Fatalf("no node of %v accepts connections", urls)
	return ""
}
