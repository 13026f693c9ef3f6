package enginetest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ClusterURLsEnv names the nodes of a local Elasticsearch cluster that fault tests may
// break: they kill -9 a node through deployments/local-es/node.sh and start it again.
// Set it to start.sh's last line, with the same PLANSTORE_ES_* environment, e.g.
//
//	export PLANSTORE_ES_NODES=3 PLANSTORE_ES_PORT=9211
//	export PLANSTORE_TEST_ES_CLUSTER_URLS=$(deployments/local-es/start.sh | tail -n1)
//
// Never point it at a cluster anyone else uses.
const ClusterURLsEnv = "PLANSTORE_TEST_ES_CLUSTER_URLS"

// ClusterURLs returns the node URLs of the test cluster, or skips the test when
// PLANSTORE_TEST_ES_CLUSTER_URLS is unset: the fault tests are opt-in, even under CI,
// because they need a cluster of their own.
func ClusterURLs(tb testing.TB) []string {
	tb.Helper()
	v := os.Getenv(ClusterURLsEnv)
	if v == "" {
		tb.Skipf("%s is not set (a local cluster: PLANSTORE_ES_NODES=3 deployments/local-es/start.sh)", ClusterURLsEnv)
	}
	urls := strings.Split(v, ",")
	if len(urls) < 3 {
		tb.Fatalf("%s has %d node(s); the fault tests need 3 (one is lost, two keep a quorum and a replica)", ClusterURLsEnv, len(urls))
	}
	return urls
}

// Node drives one node of the test cluster through deployments/local-es/node.sh
// (kill, stop, start). The script finds the node from the cluster's size and first
// HTTP port, taken from the URLs; PLANSTORE_ES_CACHE and PLANSTORE_ES_CLUSTER_NAME
// come from the environment, as they were given to start.sh.
func Node(tb testing.TB, urls []string, command string, node int) {
	tb.Helper()
	u, err := url.Parse(urls[0])
	if err != nil || u.Port() == "" {
		tb.Fatalf("%s: first URL %q has no port", ClusterURLsEnv, urls[0])
	}
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("cannot locate deployments/local-es")
	}
	script := filepath.Join(filepath.Dir(here), "..", "..", "deployments", "local-es", "node.sh")
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, command, strconv.Itoa(node))
	cmd.Env = append(os.Environ(), "PLANSTORE_ES_NODES="+strconv.Itoa(len(urls)), "PLANSTORE_ES_PORT="+u.Port())
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("node.sh %s %d: %v\n%s", command, node, err, out)
	}
	tb.Logf("node.sh %s %d took %s", command, node, time.Since(start).Round(time.Millisecond))
}

// NodeNumber reads node i's number from its name, <cluster>-node-<i>, as
// deployments/local-es names them.
func NodeNumber(name string) (int, error) {
	i := strings.LastIndex(name, "-node-")
	if i < 0 {
		return 0, fmt.Errorf("node %q is not named <cluster>-node-<i>", name)
	}
	return strconv.Atoi(name[i+len("-node-"):])
}
