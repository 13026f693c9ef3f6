package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections/elastic"
)

// The indices behind an alias are its generations: <alias>-000001, which
// elastic.EnsureAlias creates first, and <alias>-20250102-150405.123 for each replay
// (the shape of elastic.NewIndexName, for any alias).
const (
	initialSuffix   = "-000001"
	generationStamp = "20060102-150405.000"
)

// generationName matches the generation indices of alias. Only those are ever deleted
// as orphans; anything else an operator created beside them (plans-backup, say) is
// left alone.
func generationName(alias string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(alias) + `-(\d{6}|\d{8}-\d{6}\.\d{3})$`)
}

// newIndexName names the index a replay builds, moved a millisecond on when that name
// is taken (two replays within one millisecond, or a clock step back).
func newIndexName(alias string, now time.Time, taken []string) string {
	for {
		name := alias + "-" + now.UTC().Format(generationStamp)
		if !slices.Contains(taken, name) {
			return name
		}
		now = now.Add(time.Millisecond)
	}
}

// generations lists the generation indices of alias that exist, sorted by name.
func generations(ctx context.Context, client *elasticsearch.Client, alias string) ([]string, error) {
	api := client.Indices.GetSettings
	res, err := api(api.WithContext(ctx), api.WithIndex(alias+"-*"), api.WithFilterPath("*.settings.index.uuid"))
	body, err := do("list indices "+alias+"-*", res, err)
	if err != nil {
		return nil, err
	}
	var byIndex map[string]json.RawMessage
	if err := json.Unmarshal(body, &byIndex); err != nil {
		return nil, fmt.Errorf("replay: list indices: decode answer: %w", err)
	}
	match := generationName(alias)
	var names []string
	for name := range byIndex {
		if match.MatchString(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// deleteOrphans deletes the generation indices the alias does not point to: what an
// interrupted replay left behind, or an old index whose deletion failed after a swap.
// It runs only under the replay lock, when no other replay can be building an index.
//
// <alias>-000001 is spared while the alias does not exist: elastic.EnsureAlias creates
// that index just before it adds the alias, and deleting it in between would fail a
// starting projector.
func deleteOrphans(ctx context.Context, client *elasticsearch.Client, alias string, live []string) ([]string, error) {
	all, err := generations(ctx, client, alias)
	if err != nil {
		return nil, err
	}
	var deleted []string
	for _, name := range all {
		if slices.Contains(live, name) || (name == alias+initialSuffix && len(live) == 0) {
			continue
		}
		if err := deleteIndex(ctx, client, alias, name); err != nil {
			return deleted, fmt.Errorf("replay: delete orphan index: %w", err)
		}
		deleted = append(deleted, name)
	}
	return deleted, nil
}

// deleteIndex deletes one generation index, refusing while alias points to it (the
// check elastic.DeleteIndex makes for the alias `plans`, for any alias).
func deleteIndex(ctx context.Context, client *elasticsearch.Client, alias, name string) error {
	live, err := elastic.AliasIndices(ctx, client, alias)
	if err != nil {
		return err
	}
	if slices.Contains(live, name) {
		return fmt.Errorf("replay: refusing to delete index %s: alias %s points to it", name, alias)
	}
	api := client.Indices.Delete
	res, err := api([]string{name}, api.WithContext(ctx))
	_, err = do("delete index "+name, res, err)
	return err
}
