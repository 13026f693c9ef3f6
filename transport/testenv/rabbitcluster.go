package testenv

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// RabbitCluster is a RabbitMQ cluster of real broker processes on this host, run by
// deployments/local-cluster/rabbitmq-cluster.sh. Starting one takes half a minute, so a
// test package shares one (StartRabbitCluster) and stops it in TestMain (Stop).
type RabbitCluster struct {
	script string
	env    []string
	// URLs are the nodes' AMQP URLs (default vhost), node 1 first.
	URLs []string
}

var (
	clustersMu sync.Mutex
	clusters   = map[int]*RabbitCluster{}
	clusterErr = map[int]error{}
)

// StartRabbitCluster returns the package's 3-node cluster whose node 1 listens on
// firstPort (node i on firstPort+i-1), starting it on first use from a clean state.
// Packages that run at the same time must use different ports. Without
// rabbitmq-server it is Unavailable.
func StartRabbitCluster(tb testing.TB, firstPort int) *RabbitCluster {
	tb.Helper()
	if _, err := os.Stat(rabbitServerBinary); err != nil {
		Unavailable(tb, "rabbitmq-server (%s) for a local cluster: %v", rabbitServerBinary, err)
	}
	clustersMu.Lock()
	defer clustersMu.Unlock()
	if c := clusters[firstPort]; c != nil {
		return c
	}
	if err := clusterErr[firstPort]; err != nil {
		tb.Fatalf("RabbitMQ cluster: %v", err)
	}
	c, err := startRabbitCluster(firstPort)
	if err != nil {
		clusterErr[firstPort] = err
		tb.Fatalf("RabbitMQ cluster: %v", err)
	}
	clusters[firstPort] = c
	return c
}

// rabbitServerBinary is Debian's rabbitmq-server, which the script runs.
const rabbitServerBinary = "/usr/lib/rabbitmq/bin/rabbitmq-server"

func startRabbitCluster(firstPort int) (*RabbitCluster, error) {
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "..", "..", "deployments", "local-cluster", "rabbitmq-cluster.sh")
	c := &RabbitCluster{
		script: script,
		env: append(os.Environ(),
			"PLANSTORE_RMQ_CLUSTER_DIR="+filepath.Join(os.TempDir(), "planstore-test-rabbitmq-cluster-"+strconv.Itoa(firstPort)),
			"PLANSTORE_RMQ_CLUSTER_PORT="+strconv.Itoa(firstPort),
			"PLANSTORE_RMQ_CLUSTER_NODES=3"),
	}
	// A clean state: a cluster left by an interrupted run may have nodes stopped in any
	// order, and its queues would leak into this run.
	if _, err := c.run("reset"); err != nil {
		return nil, err
	}
	start := time.Now()
	out, err := c.run("start")
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	c.URLs = strings.Split(lines[len(lines)-1], ",")
	if len(c.URLs) != 3 {
		return nil, fmt.Errorf("start printed %q, want 3 URLs", lines[len(lines)-1])
	}
	fmt.Fprintf(os.Stderr, "RabbitMQ cluster %s started in %s\n", strings.Join(c.URLs, ","), time.Since(start).Round(time.Second))
	return c, nil
}

func (c *RabbitCluster) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.script, args...)
	cmd.Env = c.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("rabbitmq-cluster.sh %s: %w\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

func (c *RabbitCluster) must(tb testing.TB, args ...string) string {
	tb.Helper()
	out, err := c.run(args...)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// Vhost creates a vhost of the test's own on the cluster and returns the comma-separated
// URL list of every node on it (what --amqp-url takes), and the URLs one by one.
func (c *RabbitCluster) Vhost(tb testing.TB) (list string, urls []string) {
	tb.Helper()
	name := "planstore-test-" + slug(tb.Name()) + "-" + randomHex(4)
	c.must(tb, "ctl", "add_vhost", name)
	tb.Cleanup(func() { _, _ = c.run("ctl", "delete_vhost", name) })
	c.must(tb, "ctl", "set_permissions", "-p", name, "guest", ".*", ".*", ".*")
	for _, u := range c.URLs {
		urls = append(urls, strings.TrimSuffix(u, "/")+"/"+name)
	}
	return strings.Join(urls, ","), urls
}

// StopNode stops node i (1-based) gracefully.
func (c *RabbitCluster) StopNode(tb testing.TB, i int) {
	tb.Helper()
	c.must(tb, "stop-node", strconv.Itoa(i))
}

// KillNode kills node i's Erlang VM with SIGKILL.
func (c *RabbitCluster) KillNode(tb testing.TB, i int) {
	tb.Helper()
	c.must(tb, "kill-node", strconv.Itoa(i))
}

// StartNode starts node i again and waits until it runs; it rejoins the cluster.
func (c *RabbitCluster) StartNode(tb testing.TB, i int) {
	tb.Helper()
	c.must(tb, "start-node", strconv.Itoa(i))
}

// EnsureAllRunning starts every node that is down (each test starts from a whole
// cluster whatever the previous one did).
func (c *RabbitCluster) EnsureAllRunning(tb testing.TB) {
	tb.Helper()
	c.must(tb, "start")
}

// Ctl runs rabbitmqctl on a running node of the cluster and returns its output.
func (c *RabbitCluster) Ctl(tb testing.TB, args ...string) string {
	tb.Helper()
	return c.must(tb, append([]string{"ctl"}, args...)...)
}

// NodeName is node i's Erlang node name.
func (c *RabbitCluster) NodeName(i int) string {
	return fmt.Sprintf("pscluster-%s@localhost", c.URLs[i-1][strings.LastIndex(c.URLs[i-1], ":")+1:len(c.URLs[i-1])-1])
}

// StopRabbitClusters stops and wipes every cluster this process started; TestMain calls
// it after the tests.
func StopRabbitClusters() {
	clustersMu.Lock()
	defer clustersMu.Unlock()
	for port, c := range clusters {
		if _, err := c.run("reset"); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		delete(clusters, port)
	}
}
