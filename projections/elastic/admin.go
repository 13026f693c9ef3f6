package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections"
)

// InitialIndex is the index EnsureAlias creates. Its name is fixed rather than a
// timestamp so that two processes starting at once create the same index: the loser
// gets resource_already_exists and both point the alias at one index.
const InitialIndex = projections.Alias + "-000001"

// NewIndexName names the index a replay builds, e.g. plans-20250102-150405.123. The
// names sort by creation time, which tells generations apart at a glance.
func NewIndexName(t time.Time) string {
	return projections.Alias + "-" + t.UTC().Format("20060102-150405.000")
}

// EnsureAlias makes sure the alias `plans` exists and returns the index behind it. When
// the alias is missing it creates InitialIndex with projections.IndexBody and points the
// alias at it. It is idempotent and safe when several processes race: the index and the
// alias action are both no-ops the second time.
func EnsureAlias(ctx context.Context, client *elasticsearch.Client) (string, error) {
	return ensureAlias(ctx, client, projections.Alias, InitialIndex)
}

// ensureAlias is EnsureAlias for any alias, so tests against a shared cluster never
// touch the real one.
func ensureAlias(ctx context.Context, client *elasticsearch.Client, alias, initial string) (string, error) {
	if client == nil {
		return "", errors.New("elastic: nil client")
	}
	indices, err := AliasIndices(ctx, client, alias)
	if err != nil {
		return "", err
	}
	switch len(indices) {
	case 1:
		return indices[0], nil
	case 0:
	default:
		// Writes through an alias over several indices fail; say so rather than pick one.
		return "", fmt.Errorf("elastic: alias %s points to %d indices %v, want 1", alias, len(indices), indices)
	}
	if err := CreateIndex(ctx, client, initial); err != nil && !errors.Is(err, ErrIndexExists) {
		return "", err
	}
	actions := []aliasAction{{Add: &aliasTarget{Index: initial, Alias: alias}}}
	err = updateAliases(ctx, client, actions)
	if errors.Is(err, errAliasNameTaken) {
		// An index carries the alias's name. Empty, it is removed and the alias made;
		// holding documents, it is reported with what to do.
		if err = clearAliasName(ctx, client, alias); err == nil {
			err = updateAliases(ctx, client, actions)
		}
	}
	if err != nil {
		return "", err
	}
	return initial, nil
}

// CreateIndex creates an index with the read model's settings and mapping. An existing
// index is reported as an error matching ErrIndexExists.
func CreateIndex(ctx context.Context, client *elasticsearch.Client, name string) error {
	if err := checkIndexName(name); err != nil {
		return err
	}
	api := client.Indices.Create
	res, err := api(name, api.WithContext(ctx), api.WithBody(strings.NewReader(projections.IndexBody)))
	_, err = do("create index "+name, res, err)
	return err
}

// AliasIndices returns the indices an alias points to, sorted; none when the alias does
// not exist.
func AliasIndices(ctx context.Context, client *elasticsearch.Client, alias string) ([]string, error) {
	api := client.Indices.GetAlias
	res, err := api(api.WithContext(ctx), api.WithName(alias))
	body, err := do("get alias "+alias, res, err)
	if errors.Is(err, ErrAliasNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var byIndex map[string]json.RawMessage
	if err := json.Unmarshal(body, &byIndex); err != nil {
		return nil, fmt.Errorf("elastic: get alias %s: decode answer: %w", alias, err)
	}
	indices := make([]string, 0, len(byIndex))
	for index := range byIndex {
		indices = append(indices, index)
	}
	sort.Strings(indices)
	return indices, nil
}

// SwapAlias points alias at newIndex and away from every index it pointed to, in one
// atomic POST /_aliases, so searches never see no index or two. It returns the indices
// the alias left (none when it did not exist), for the caller to delete. If the alias
// moved between the read and the swap, Elasticsearch refuses the whole request and
// nothing changes; the caller may simply retry.
func SwapAlias(ctx context.Context, client *elasticsearch.Client, alias, newIndex string) ([]string, error) {
	if err := checkIndexName(newIndex); err != nil {
		return nil, err
	}
	current, err := AliasIndices(ctx, client, alias)
	if err != nil {
		return nil, err
	}
	var previous []string
	actions := make([]aliasAction, 0, len(current)+1)
	for _, index := range current {
		if index != newIndex {
			previous = append(previous, index)
			actions = append(actions, aliasAction{Remove: &aliasTarget{Index: index, Alias: alias}})
		}
	}
	actions = append(actions, aliasAction{Add: &aliasTarget{Index: newIndex, Alias: alias}})
	if err := updateAliases(ctx, client, actions); err != nil {
		return nil, err
	}
	return previous, nil
}

// DeleteIndex deletes one index by its exact name. It refuses patterns and an index the
// alias `plans` still points to, so a slip in a replay cannot take searches down.
func DeleteIndex(ctx context.Context, client *elasticsearch.Client, name string) error {
	if err := checkIndexName(name); err != nil {
		return err
	}
	live, err := AliasIndices(ctx, client, projections.Alias)
	if err != nil {
		return err
	}
	for _, index := range live {
		if index == name {
			return fmt.Errorf("elastic: refusing to delete index %s: alias %s points to it", name, projections.Alias)
		}
	}
	api := client.Indices.Delete
	res, err := api([]string{name}, api.WithContext(ctx))
	_, err = do("delete index "+name, res, err)
	return err
}

// Refresh makes everything written to index (or alias) so far searchable. Replay calls
// it once at the end instead of refreshing on every bulk.
func Refresh(ctx context.Context, client *elasticsearch.Client, index string) error {
	api := client.Indices.Refresh
	res, err := api(api.WithContext(ctx), api.WithIndex(index))
	_, err = do("refresh "+index, res, err)
	return err
}

// checkIndexName refuses what Elasticsearch would read as several indices: admin calls
// here act on exactly one, named, index.
func checkIndexName(name string) error {
	if name == "" || name == "_all" || strings.ContainsAny(name, "*,? ") || strings.HasPrefix(name, "-") {
		return fmt.Errorf("elastic: %q is not a single index name", name)
	}
	return nil
}

type aliasTarget struct {
	Index string `json:"index"`
	Alias string `json:"alias"`
}

type aliasAction struct {
	Add    *aliasTarget `json:"add,omitempty"`
	Remove *aliasTarget `json:"remove,omitempty"`
}

func updateAliases(ctx context.Context, client *elasticsearch.Client, actions []aliasAction) error {
	body, err := json.Marshal(struct {
		Actions []aliasAction `json:"actions"`
	}{actions})
	if err != nil {
		return fmt.Errorf("elastic: encode alias actions: %w", err)
	}
	api := client.Indices.UpdateAliases
	res, err := api(bytes.NewReader(body), api.WithContext(ctx))
	_, err = do("update aliases", res, err)
	return err
}
