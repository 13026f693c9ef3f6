package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections"
)

// ErrAliasBlocked matches an *AliasBlockedError.
var ErrAliasBlocked = errors.New("elastic: an index is in the way of the alias")

// AliasBlockedError says that a concrete index has the name the read model's alias
// needs, so the alias cannot exist. planstore never makes such an index (its indices
// are <alias>-NNNNNN behind the alias); it is what Elasticsearch auto-creates when
// something writes to the name before the alias exists: a crashed test, a hand-made
// request, an old client. Elasticsearch's own answer (invalid_alias_name_exception)
// does not say what to do, so this error does.
type AliasBlockedError struct {
	Alias string
	Docs  int64
}

func (e *AliasBlockedError) Error() string {
	return fmt.Sprintf("elastic: an index named %q holding %d document(s) is in the way of the read model's alias %q "+
		"(planstore never creates it: its indices are %s-NNNNNN behind the alias; it was left by a crashed test or a "+
		"write to %q before the alias existed). If those documents are not needed, delete that index "+
		"(curl -X DELETE <elasticsearch>/%s) and start again: the alias is then created, and `planstore replay` "+
		"rebuilds the read model from the event log",
		e.Alias, e.Docs, e.Alias, projections.Alias, e.Alias, e.Alias)
}

// Is makes errors.Is(err, ErrAliasBlocked) true.
func (e *AliasBlockedError) Is(target error) bool { return target == ErrAliasBlocked }

// clearAliasName deletes the index that has the alias's name when it holds no document:
// nothing is lost, and the index (auto-created by a stray write, with a dynamic mapping
// and maybe replicas a single node cannot hold) is useless to the read model. An index
// with documents is left alone and reported as an *AliasBlockedError.
func clearAliasName(ctx context.Context, client *elasticsearch.Client, alias string) error {
	api := client.Count
	res, err := api(api.WithContext(ctx), api.WithIndex(alias))
	body, err := do("count documents of index "+alias, res, err)
	if errors.Is(err, ErrIndexNotFound) {
		return nil // gone meanwhile (another process cleared it): retry the alias
	}
	if err != nil {
		return err
	}
	var answer struct {
		Count int64 `json:"count"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return fmt.Errorf("elastic: count documents of index %s: decode answer: %w", alias, err)
	}
	if answer.Count > 0 {
		return &AliasBlockedError{Alias: alias, Docs: answer.Count}
	}
	del := client.Indices.Delete
	res, err = del([]string{alias}, del.WithContext(ctx))
	if _, err = do("delete empty index "+alias, res, err); err != nil && !errors.Is(err, ErrIndexNotFound) {
		return err
	}
	// An operator who finds an index gone should find why in the log.
	slog.Warn("elastic: deleted an empty index that had the read model alias's name, so the alias can be created",
		"index", alias)
	return nil
}
