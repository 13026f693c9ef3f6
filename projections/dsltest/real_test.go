package dsltest

import (
	"os"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
)

// TestRealCluster runs the suite against the cluster named by PLANSTORE_TEST_ES_URL
// (comma-separated node URLs), the reference the embedded engine is held to.
func TestRealCluster(t *testing.T) {
	urls := os.Getenv("PLANSTORE_TEST_ES_URL")
	if urls == "" {
		t.Skip("PLANSTORE_TEST_ES_URL is not set")
	}
	client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: strings.Split(urls, ",")})
	if err != nil {
		t.Fatalf("creating the client: %v", err)
	}
	Run(t, client)
}
