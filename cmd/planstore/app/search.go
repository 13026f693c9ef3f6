package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections/elastic"
	"github.com/planstore/planstore/projections/esengine"
)

// searchPingTimeout bounds the start-up check of a configured cluster.
const searchPingTimeout = 10 * time.Second

// openSearch returns the client of the read model: a real cluster when --es-url is set,
// else the embedded engine behind the very same client, so projections and queries run
// one code path. A configured cluster that does not answer is a start-up error.
func (m *Main) openSearch(ctx context.Context) (*elasticsearch.Client, error) {
	if len(m.cfg.ESURLs) == 0 {
		m.engine = m.newEmbeddedEngine(ctx)
		return esengine.NewClient(m.engine)
	}
	// Every node given, and retries on another node: see elastic.NewClient.
	client, err := elastic.NewClient(m.cfg.ESURLs)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %w", err)
	}
	if err := pingSearch(ctx, client, searchPingTimeout); err != nil {
		return nil, fmt.Errorf("elasticsearch at %v: %w", m.cfg.ESURLs, err)
	}
	return client, nil
}

// pingSearch asks the cluster's health endpoint; 200 with any status but red counts as up.
func pingSearch(ctx context.Context, client *elasticsearch.Client, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := client.Cluster.Health(client.Cluster.Health.WithContext(ctx))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("cluster health answered %d: %s", res.StatusCode, body)
	}
	return nil
}

// ensureReadModel creates the first index and the `plans` alias when they are missing.
func ensureReadModel(ctx context.Context, client *elasticsearch.Client) error {
	if _, err := elastic.EnsureAlias(ctx, client); err != nil {
		return fmt.Errorf("read model: %w", err)
	}
	return nil
}

// embeddedSearch says whether the read model is the in-process engine.
func (m *Main) embeddedSearch() bool { return m.engine != nil }

// directEngine is the engine projections write to without a _bulk round trip: the
// embedded one, or nil for a cluster.
func (m *Main) directEngine() elastic.DirectEngine {
	if !m.embeddedSearch() {
		return nil // not a typed nil: the writer tests for nil
	}
	return m.engine
}
