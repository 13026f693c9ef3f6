package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/planstore/planstore/projections/enginetest"
)

// An index with the alias's name, left by a stray write (auto-created, on
// Elasticsearch with one replica a single node cannot hold), used to stop the projector
// and query-api with a bare invalid_alias_name_exception (issue 23).
func TestEnsureAliasWithAnIndexInTheWay(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		ctx := context.Background()
		alias, first := newAlias(t, e.Client)
		strayWrite := func() {
			t.Helper()
			api := e.Client.Index
			res, err := api(alias, strings.NewReader(`{"stray":true}`), api.WithContext(ctx), api.WithDocumentID("stray"), api.WithRefresh("true"))
			if _, err := do("stray write", res, err); err != nil {
				t.Fatal(err)
			}
		}

		strayWrite()
		_, err := ensureAlias(ctx, e.Client, alias, first)
		var blocked *AliasBlockedError
		if !errors.As(err, &blocked) || !errors.Is(err, ErrAliasBlocked) || blocked.Docs != 1 || blocked.Alias != alias {
			t.Fatalf("ensure over an index with a document: %v, want an *AliasBlockedError for 1 document", err)
		}
		for _, says := range []string{"in the way", "curl -X DELETE", "planstore replay"} {
			if !strings.Contains(err.Error(), says) {
				t.Errorf("the error does not say %q: %v", says, err)
			}
		}
		// Still there: documents are never deleted behind anyone's back.
		if n := countDocs(t, e, alias); n != 1 {
			t.Fatalf("the blocking index holds %d documents, want 1 (left alone)", n)
		}

		// Emptied, it is removed and the alias made.
		api := e.Client.Delete
		res, err := api(alias, "stray", api.WithContext(ctx), api.WithRefresh("true"))
		if _, err := do("empty it", res, err); err != nil {
			t.Fatal(err)
		}
		got, err := ensureAlias(ctx, e.Client, alias, first)
		if err != nil || got != first {
			t.Fatalf("ensure over an empty index: %q, %v; want the alias on %s", got, err, first)
		}
		if indices, err := AliasIndices(ctx, e.Client, alias); err != nil || len(indices) != 1 || indices[0] != first {
			t.Fatalf("alias on %v, %v", indices, err)
		}
	})
}

func countDocs(t *testing.T, e enginetest.Engine, index string) int64 {
	t.Helper()
	api := e.Client.Count
	res, err := api(api.WithContext(context.Background()), api.WithIndex(index))
	body, err := do("count", res, err)
	if err != nil {
		t.Fatal(err)
	}
	var n struct {
		Count int64 `json:"count"`
	}
	if err := json.Unmarshal(body, &n); err != nil {
		t.Fatal(err)
	}
	return n.Count
}
