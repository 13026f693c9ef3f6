package app_test

import (
	"flag"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/testenv"
)

// rabbitClusterPort is node 1's AMQP port of this package's RabbitMQ cluster
// (5714-5716); transport/messaging's tests use 5711-5713 at the same time.
const rabbitClusterPort = 5714

func TestMain(m *testing.M) { testenv.RunStoppingRabbitClusters(m) }

// TestServeOnARabbitMQClusterSurvivesLosingANode runs the real serve on Redis and a
// three-node RabbitMQ cluster with quorum queues, configured through the flags a user
// gives: a create becomes searchable, and so does one made after a broker node stopped.
func TestServeOnARabbitMQClusterSurvivesLosingANode(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	testenv.Redis(t, redisDBApp)
	cluster := testenv.StartRabbitCluster(t, rabbitClusterPort)
	cluster.EnsureAllRunning(t)
	list, _ := cluster.Vhost(t)

	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags := app.RegisterFlags(fs, app.RoleServe)
	if err := app.ParseFlags(fs, []string{"--amqp-url", list, "--amqp-queue-type", "quorum"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	m := startServe(t, dir, func(c *app.Config) {
		c.RedisURL = testenv.RedisURL(redisDBApp)
		c.AMQPURL = flags.AMQPURL
		c.AMQPQueueType = flags.AMQPQueueType
	})
	c := newClient(t, m, dir)
	ready := func() {
		t.Helper()
		testenv.WaitFor(t, 90*time.Second, "/readyz 200", func() bool { return c.do(http.MethodGet, "/readyz", nil).status == http.StatusOK })
	}
	ready()
	if out := cluster.Ctl(t, "list_queues", "-p", testenv.VhostOf(list), "name", "type"); strings.Contains(out, "classic") {
		t.Errorf("classic queues with --amqp-queue-type quorum:\n%s", out)
	}

	expectStatus(t, c.do(http.MethodPost, "/v1/plans", exampleplan.JSON()), http.StatusCreated)
	c.eventually(plansWithCopay, planID)

	// Node 1 holds the consumers' connection (the first dial goes to the first URL).
	cluster.StopNode(t, 1)
	second := planWithIDs(t, "-after-stop")
	expectStatus(t, c.do(http.MethodPost, "/v1/plans", second), http.StatusCreated)
	c.eventually(`{"query":{"ids":{"values":["`+objectID(t, second)+`"]}}}`, objectID(t, second))
	ready()
	c.eventually(plansWithCopay, planID, objectID(t, second))
}
