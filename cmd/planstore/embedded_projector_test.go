package main_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/planstore/planstore/transport/testenv"
)

// TestTwoEmbeddedReadModelsOnOneQueueAreNotReady: two query-api processes on the
// embedded engine would share the projector queue, each engine getting part of the
// events. Both say so on /readyz; once one stops, the other is ready again.
func TestTwoEmbeddedReadModelsOnOneQueueAreNotReady(t *testing.T) {
	testenv.Redis(t, redisDBRoles)
	env := []string{
		"PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBRoles),
		"PLANSTORE_AMQP_URL=" + testenv.Vhost(t),
		"PLANSTORE_DATA_DIR=" + t.TempDir(),
	}
	first := startProcess(t, "query-api 1", env, "query-api")
	testenv.WaitFor(t, 60*time.Second, "the first query API to be ready", func() bool {
		return call(t, http.MethodGet, first.url+"/readyz", "", nil).status == http.StatusOK
	})
	second := startProcess(t, "query-api 2", env, "query-api")
	for _, p := range []*process{first, second} {
		testenv.WaitFor(t, 60*time.Second, p.name+" to report the shared projector queue", func() bool {
			r := call(t, http.MethodGet, p.url+"/readyz", "", nil)
			return r.status == http.StatusServiceUnavailable && bytes.Contains(r.body, []byte("another process also projects from it"))
		})
	}
	second.stop()
	testenv.WaitFor(t, 60*time.Second, "the first query API to be ready again", func() bool {
		return call(t, http.MethodGet, first.url+"/readyz", "", nil).status == http.StatusOK
	})
}
