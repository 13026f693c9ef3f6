package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

// TestMetricsCoverThePipeline checks /metrics names what an operator watches: requests,
// commands, events through every stage, projection lag, replay, and the Go runtime.
func TestMetricsCoverThePipeline(t *testing.T) {
	c := servedClient(t)
	expectStatus(t, c.do(http.MethodPost, "/v1/plans", exampleplan.JSON()), http.StatusCreated)
	expectProblem(t, c.do(http.MethodPost, "/v1/plans", exampleplan.JSON()), http.StatusConflict)
	c.eventually(plansWithCopay, planID)

	body := string((&client{t: t, base: c.base}).do(http.MethodGet, "/metrics", nil).body)
	for _, want := range []string{
		`planstore_http_requests_total{code="201",method="POST",route="/v1/plans"} 1`,
		`planstore_http_request_duration_seconds_bucket{method="POST",route="/v1/plans"`,
		`planstore_commands_total{command="create",outcome="ok"} 1`,
		`planstore_commands_total{command="create",outcome="conflict"} 1`,
		`planstore_events_appended_total 1`,
		`planstore_relay_published_total`,
		`planstore_messaging_consumed_total{consumer="projector"}`,
		`planstore_messaging_dead_lettered_total`,
		`planstore_consumer_lag_seconds_bucket{consumer="projector"`,
		`planstore_consumer_queue_depth{consumer="projector"}`,
		`planstore_replay_running 0`,
		`planstore_replay_events_read`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
