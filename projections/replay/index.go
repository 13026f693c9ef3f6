package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/projections/elastic"
)

// bulkLoadBody is projections.IndexBody with refresh disabled: while the new index is
// filled nobody searches it, and Elasticsearch would otherwise build a new segment
// every second for nothing. The mapping is the live one, untouched.
func bulkLoadBody() (string, error) {
	var body map[string]any
	if err := json.Unmarshal([]byte(projections.IndexBody), &body); err != nil {
		return "", fmt.Errorf("replay: read projections.IndexBody: %w", err)
	}
	settings, _ := body["settings"].(map[string]any)
	if settings == nil {
		settings = map[string]any{}
		body["settings"] = settings
	}
	settings["refresh_interval"] = "-1"
	out, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("replay: encode index body: %w", err)
	}
	return string(out), nil
}

// createBulkIndex creates the index a replay fills.
func createBulkIndex(ctx context.Context, client *elasticsearch.Client, name string) error {
	body, err := bulkLoadBody()
	if err != nil {
		return err
	}
	api := client.Indices.Create
	res, err := api(name, api.WithContext(ctx), api.WithBody(strings.NewReader(body)))
	_, err = do("create index "+name, res, err)
	return err
}

// restoreRefresh puts the index's refresh interval back to the cluster default (null
// resets a setting). The embedded engine makes every write searchable at once and has
// no dynamic settings API; it answers 405, which is therefore not an error here.
func restoreRefresh(ctx context.Context, client *elasticsearch.Client, index string) error {
	api := client.Indices.PutSettings
	res, err := api(strings.NewReader(`{"index":{"refresh_interval":null}}`), api.WithContext(ctx), api.WithIndex(index))
	_, err = do("restore refresh interval of "+index, res, err)
	if hasStatus(err, http.StatusMethodNotAllowed) {
		return nil
	}
	return err
}

// dropIndex deletes an index a failed replay built. It runs on the way out, maybe after
// ctx was cancelled, so it has its own deadline; an index already gone is fine.
func dropIndex(ctx context.Context, client *elasticsearch.Client, alias, index string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := deleteIndex(ctx, client, alias, index)
	if errors.Is(err, elastic.ErrIndexNotFound) {
		return nil
	}
	return err
}
