package difftest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/projections/elastic"
	"github.com/planstore/planstore/projections/esengine"
)

// target is one engine holding one world: an index with the read model's mapping and an
// alias in front of it, as the product has `plans` in front of its index.
type target struct {
	name   string
	client *elasticsearch.Client
	index  string
	alias  string
	real   bool // a real Elasticsearch: merge away deleted documents after writes
}

// Engines is the pair the tester compares: a real Elasticsearch and a fresh embedded
// engine per world.
type Engines struct {
	ES *elasticsearch.Client
	// Prefix starts every index and alias name the tester makes on ES.
	Prefix string
}

// NewEngines connects to the Elasticsearch nodes in urls (comma-separated).
func NewEngines(urls, prefix string) (*Engines, error) {
	c, err := elastic.NewClient(strings.Split(urls, ","))
	if err != nil {
		return nil, err
	}
	return &Engines{ES: c, Prefix: prefix}, nil
}

// open makes a fresh pair of indices named name (each engine has its own namespace,
// so both use the same name and hits carry the same _index).
func (e *Engines) open(ctx context.Context, name string) (embedded, real *target, err error) {
	ec, err := esengine.NewClient(esengine.New())
	if err != nil {
		return nil, nil, err
	}
	embedded = &target{name: "embedded", client: ec, index: name, alias: name + "-alias"}
	real = &target{name: "elasticsearch", client: e.ES, index: name, alias: name + "-alias", real: true}
	for _, t := range []*target{embedded, real} {
		if err := t.create(ctx); err != nil {
			return nil, nil, err
		}
	}
	return embedded, real, nil
}

func (t *target) create(ctx context.Context) error {
	if t.real {
		if err := createWithoutSoftDeletes(ctx, t.client, t.index); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	} else if err := elastic.CreateIndex(ctx, t.client, t.index); err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	if _, err := elastic.SwapAlias(ctx, t.client, t.alias, t.index); err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	return nil
}

// createWithoutSoftDeletes creates the read model's index (projections.IndexBody) with
// soft deletes off. With soft deletes (Elasticsearch 7's default) a merge keeps
// recently deleted documents for peer recovery, and they go on counting in BM25's
// statistics, so a force merge would not make the index's scores those of its live
// documents; with them off, it does. Nothing a search can see depends on the setting.
func createWithoutSoftDeletes(ctx context.Context, client *elasticsearch.Client, name string) error {
	var body map[string]any
	if err := json.Unmarshal([]byte(projections.IndexBody), &body); err != nil {
		return fmt.Errorf("reading projections.IndexBody: %w", err)
	}
	settings, _ := body["settings"].(map[string]any)
	if settings == nil {
		settings = map[string]any{}
		body["settings"] = settings
	}
	settings["soft_deletes"] = map[string]any{"enabled": false}
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	api := client.Indices.Create
	res, err := api(name, api.WithContext(ctx), api.WithBody(bytes.NewReader(data)))
	if err != nil {
		return fmt.Errorf("create index %s: %w", name, err)
	}
	defer func() { _ = res.Body.Close() }()
	if res.IsError() {
		msg, _ := io.ReadAll(res.Body)
		return fmt.Errorf("create index %s: %s: %s", name, res.Status(), msg)
	}
	return nil
}

func (t *target) drop(ctx context.Context) {
	_ = elastic.DeleteIndex(ctx, t.client, t.index)
}

// project writes the events through the product's projector and writer, in order (one
// bulk at a time), then makes them searchable. On Elasticsearch it merges the index
// into one segment, which drops the deleted documents that updates and deletes leave
// behind: they would still count in BM25's statistics, where the engine has none.
func (t *target) project(ctx context.Context, evs []events.Envelope, merge bool) error {
	w, err := elastic.NewWriter(t.client, elastic.WriterConfig{Index: t.alias, MaxInFlight: 1, Timeout: time.Minute})
	if err != nil {
		return err
	}
	defer func() { _ = w.Close() }()
	p, err := elastic.NewProjector(w)
	if err != nil {
		return err
	}
	const chunk = 64
	for i := 0; i < len(evs); i += chunk {
		if err := p.HandleBatch(ctx, evs[i:min(i+chunk, len(evs))]...); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	if err := elastic.Refresh(ctx, t.client, t.index); err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	if t.real && merge {
		api := t.client.Indices.Forcemerge
		res, err := api(api.WithContext(ctx), api.WithIndex(t.index), api.WithMaxNumSegments(1))
		if err != nil {
			return fmt.Errorf("%s: force merge: %w", t.name, err)
		}
		body, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if res.IsError() {
			return fmt.Errorf("%s: force merge: %s: %s", t.name, res.Status(), body)
		}
		if err := elastic.Refresh(ctx, t.client, t.index); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return nil
}

// answer is one engine's reply to a search.
type answer struct {
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// search sends a validated body the way the query API's searcher does (queries/search
// Searcher.Search): to the alias, refusing partial results, with the request's timeout.
func (t *target) search(ctx context.Context, body []byte, timeout time.Duration) (answer, error) {
	api := t.client.Search
	res, err := api(
		api.WithContext(ctx),
		api.WithIndex(t.alias),
		api.WithBody(bytes.NewReader(body)),
		api.WithAllowPartialSearchResults(false),
		api.WithTimeout(timeout),
	)
	if err != nil {
		return answer{}, fmt.Errorf("%s: search: %w", t.name, err)
	}
	defer func() { _ = res.Body.Close() }()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, fmt.Errorf("%s: search: %w", t.name, err)
	}
	return answer{Status: res.StatusCode, Body: data}, nil
}
