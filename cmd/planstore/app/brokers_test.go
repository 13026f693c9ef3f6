package app_test

import (
	"net/http"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/testenv"
)

// redisDBApp is this package's own Redis database (see transport/testenv/databases.go).
const redisDBApp = 15

// onBrokers readies this package's Redis database and a RabbitMQ vhost of the test's
// own, and returns the configuration that points serve at both.
func onBrokers(t *testing.T) func(*app.Config) {
	t.Helper()
	testenv.Redis(t, redisDBApp)
	amqpURL := testenv.Vhost(t)
	return func(c *app.Config) {
		c.RedisURL = testenv.RedisURL(redisDBApp)
		c.AMQPURL = amqpURL
	}
}

// TestServeOnRedisAndRabbitMQ runs the same user journey as the embedded tests on the
// real brokers: Redis event store, RabbitMQ bus, embedded search engine.
func TestServeOnRedisAndRabbitMQ(t *testing.T) {
	brokers := onBrokers(t)
	dir := t.TempDir()
	m := startServe(t, dir, brokers)
	c := newClient(t, m, dir)
	etag := c.do(http.MethodPost, "/v1/plans", exampleplan.JSON()).header.Get("ETag")
	if etag != `"1"` {
		t.Fatalf("ETag %q", etag)
	}
	c.eventually(plansWithCopay, planID)
	expectProblem(t, c.do(http.MethodPost, "/v1/plans", exampleplan.JSON()), http.StatusConflict)
	expectProblem(t, c.do(http.MethodPatch, "/v1/plans/"+planID, []byte(`{}`), "If-Match", `"7"`), http.StatusPreconditionFailed)
	patch := []byte(`{"linkedPlanServices":[{"objectId":"27283xvx9sdf-507","planserviceCostShares":{"copay":50}}]}`)
	expectStatus(t, c.do(http.MethodPatch, "/v1/plans/"+planID, patch, "If-Match", etag), http.StatusOK)
	c.eventually(plansWithBigCopay)

	// A restart rebuilds the embedded engine from the Redis log.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	c2 := newClient(t, startServe(t, dir, brokers), dir)
	c2.eventually(plansWithCopay, planID)
	expectStatus(t, c2.do(http.MethodDelete, "/v1/plans/"+planID, nil), http.StatusNoContent)
	c2.eventually(`{"query":{"match_all":{}}}`)
}
