package testenv

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisCluster is a Redis Cluster of the test's own: redis-server processes in cluster
// mode on free loopback ports, killed when the test ends. Its nodes can be killed (-9)
// and restarted, to cause a failover.
type RedisCluster struct {
	tb    testing.TB
	bin   string
	mu    sync.Mutex
	nodes []*clusterNode
}

type clusterNode struct {
	addr   string
	args   []string
	cmd    *exec.Cmd
	output *bytes.Buffer
}

// clusterNodeTimeout is the nodes' cluster-node-timeout: short, so a killed master is
// replaced within a few seconds (its replica waits about this long, then an election).
const clusterNodeTimeout = 1000 * time.Millisecond

// StartRedisCluster starts masters*(1+replicas) nodes, forms the cluster with redis-cli
// (slots spread evenly over the masters, each with replicas replicas) and waits until
// every node reports cluster_state:ok and every replica is in sync. Without
// redis-server and redis-cli the test is Unavailable; with -short it is skipped (a
// cluster takes seconds to form).
func StartRedisCluster(tb testing.TB, masters, replicas int) *RedisCluster {
	tb.Helper()
	if testing.Short() {
		tb.Skipf("starts a %d-node Redis Cluster", masters*(1+replicas))
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		Unavailable(tb, "redis-server is not installed: %v", err)
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		Unavailable(tb, "redis-cli is not installed: %v", err)
	}
	// TempDir first: cleanups run last-registered-first, so the nodes are stopped before
	// their directory is removed (a live node still writing there makes RemoveAll fail).
	dir := tb.TempDir()
	c := &RedisCluster{tb: tb, bin: bin}
	tb.Cleanup(c.stopAll)
	var addrs []string
	for i := range masters * (1 + replicas) {
		port, busPort := freePort(tb), freePort(tb)
		n := &clusterNode{
			addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
			args: []string{
				"--port", strconv.Itoa(port), "--cluster-port", strconv.Itoa(busPort), "--bind", "127.0.0.1",
				"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, "nodes-"+strconv.Itoa(i)+".conf"),
				"--cluster-node-timeout", strconv.Itoa(int(clusterNodeTimeout.Milliseconds())),
				"--dir", dir, "--appendonly", "yes", "--appendfilename", "node-" + strconv.Itoa(i) + ".aof",
				"--appenddirname", "aof-" + strconv.Itoa(i), "--save", "", "--daemonize", "no", "--loglevel", "warning",
			},
		}
		c.nodes = append(c.nodes, n)
		c.start(n)
		addrs = append(addrs, n.addr)
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", strconv.Itoa(replicas), "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		tb.Fatalf("create redis cluster: %v\n%s", err, out)
	}
	c.WaitOK(30 * time.Second)
	return c
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

func (c *RedisCluster) start(n *clusterNode) {
	c.tb.Helper()
	n.output = &bytes.Buffer{}
	n.cmd = exec.Command(c.bin, n.args...)
	n.cmd.Stdout, n.cmd.Stderr = n.output, n.output
	dieWithParent(n.cmd)
	if err := n.cmd.Start(); err != nil {
		c.tb.Fatalf("start redis-server %s: %v", n.addr, err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", n.addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			c.tb.Fatalf("redis-server %s did not come up: %v\n%s", n.addr, err, n.output.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *RedisCluster) stopAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.nodes {
		if n.cmd != nil {
			_ = n.cmd.Process.Kill()
			_ = n.cmd.Wait()
			n.cmd = nil
		}
	}
}

// Addrs are the host:port of every node, masters and replicas.
func (c *RedisCluster) Addrs() []string {
	out := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = n.addr
	}
	return out
}

// URL is planstore's --redis-url of the cluster: three of its nodes as seeds.
func (c *RedisCluster) URL() string {
	addrs := c.Addrs()
	return "redis://" + strings.Join(addrs[:min(3, len(addrs))], ",")
}

func (c *RedisCluster) node(addr string) *clusterNode {
	c.tb.Helper()
	for _, n := range c.nodes {
		if n.addr == addr {
			return n
		}
	}
	c.tb.Fatalf("no cluster node %s", addr)
	return nil
}

// Kill kills the node at addr with SIGKILL, as a crash would.
func (c *RedisCluster) Kill(addr string) {
	c.tb.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.node(addr)
	if n.cmd == nil {
		c.tb.Fatalf("cluster node %s is not running", addr)
	}
	_ = n.cmd.Process.Kill()
	_ = n.cmd.Wait()
	n.cmd = nil
}

// Restart starts a killed node again from its configuration; it rejoins the cluster,
// as a replica of its successor if it was failed over.
func (c *RedisCluster) Restart(addr string) {
	c.tb.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.node(addr)
	if n.cmd != nil {
		c.tb.Fatalf("cluster node %s is running", addr)
	}
	c.start(n)
}

// Masters returns the addresses of the masters that serve slots and are not failed,
// as the live nodes see them.
func (c *RedisCluster) Masters() []string {
	c.tb.Helper()
	nodes := c.clusterNodes()
	var out []string
	for _, line := range strings.Split(nodes, "\n") {
		f := strings.Fields(line)
		if len(f) > 8 && strings.Contains(f[2], "master") && !strings.Contains(f[2], "fail") {
			out = append(out, strings.Split(f[1], "@")[0])
		}
	}
	return out
}

func (c *RedisCluster) clusterNodes() string {
	c.tb.Helper()
	for _, addr := range c.live() {
		client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		nodes, err := client.ClusterNodes(ctx).Result()
		cancel()
		client.Close()
		if err == nil {
			return nodes
		}
	}
	c.tb.Fatal("no live cluster node answers CLUSTER NODES")
	return ""
}

func (c *RedisCluster) live() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, n := range c.nodes {
		if n.cmd != nil {
			out = append(out, n.addr)
		}
	}
	return out
}

// WaitOK waits until every live node reports cluster_state:ok with all 16384 slots
// served, and every live replica is in sync with its master, failing the test after
// limit (a guard against hangs, not a timing assertion).
func (c *RedisCluster) WaitOK(limit time.Duration) {
	c.tb.Helper()
	deadline := time.Now().Add(limit)
	for {
		problem := c.notOK()
		if problem == "" {
			return
		}
		if time.Now().After(deadline) {
			c.tb.Fatalf("redis cluster not ready after %s: %s", limit, problem)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *RedisCluster) notOK() string {
	for _, addr := range c.live() {
		client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		info, err := client.ClusterInfo(ctx).Result()
		var repl string
		if err == nil {
			repl, err = client.Info(ctx, "replication").Result()
		}
		cancel()
		client.Close()
		switch {
		case err != nil:
			return fmt.Sprintf("%s: %v", addr, err)
		case !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_slots_ok:16384"):
			return addr + ": cluster state not ok"
		case strings.Contains(repl, "role:slave") && !strings.Contains(repl, "master_link_status:up"):
			return addr + ": replica not in sync"
		}
	}
	return ""
}
