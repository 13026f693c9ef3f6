package elastic

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections/enginetest"
)

const planID = "12xvxc345ssdsds-508"

// newIndex creates an index named prefix-<random> with the read model's mapping, deleted
// when the test ends.
func newIndex(tb testing.TB, client *elasticsearch.Client, prefix string) string {
	tb.Helper()
	index := enginetest.UniqueName(tb, prefix)
	if err := CreateIndex(context.Background(), client, index); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = DeleteIndex(context.Background(), client, index) })
	return index
}

// deleteAtEnd deletes the indices named when the test ends, whichever of them exist.
func deleteAtEnd(tb testing.TB, client *elasticsearch.Client, names ...string) {
	tb.Cleanup(func() {
		api := client.Indices.Delete
		res, err := api(names, api.WithContext(context.Background()), api.WithIgnoreUnavailable(true))
		_, _ = do("cleanup", res, err)
	})
}

// newAlias names an alias of this test alone and its first index; both are deleted,
// whichever exist, when the test ends.
func newAlias(tb testing.TB, client *elasticsearch.Client) (alias, first string) {
	alias = enginetest.UniqueName(tb, "planstore-alias")
	first = alias + "-000001"
	deleteAtEnd(tb, client, first, alias)
	return alias, first
}

// newProjector is a projector and its writer on client, configured by cfg; the writer
// is closed when the test ends.
func newProjector(tb testing.TB, client *elasticsearch.Client, cfg WriterConfig) (*Writer, *Projector) {
	tb.Helper()
	w, err := NewWriter(client, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = w.Close() })
	p, err := NewProjector(w)
	if err != nil {
		tb.Fatal(err)
	}
	return w, p
}

// renamed returns the example plan with every objectId suffixed, so several plans can
// live in one index.
func renamed(tb testing.TB, plan []byte, suffix string) []byte {
	tb.Helper()
	out := plan // the ids all end in -50x; a textual replace keeps the fixture's shape
	for _, id := range []string{"-501", "-502", "-503", "-504", "-505", "-506", "-507", "-508"} {
		out = bytes.ReplaceAll(out, []byte(id+`"`), []byte(id+suffix+`"`))
	}
	return out
}

func event(typ events.Type, id string, version int64, before, after []byte) events.Envelope {
	if before == nil {
		before = []byte("null")
	}
	if after == nil {
		after = []byte("null")
	}
	return events.Envelope{
		ID: string(typ) + "-" + id, Type: typ, SchemaVersion: 1, AggregateType: events.AggregateTypePlan,
		AggregateID: id, Version: version, Data: events.Data{Before: before, After: after},
	}
}

// readModel is one test's index with a projector writing into it.
type readModel struct {
	t      *testing.T
	client *elasticsearch.Client
	index  string
	p      *Projector
}

func newReadModel(t *testing.T, e enginetest.Engine) *readModel {
	t.Helper()
	index := newIndex(t, e.Client, "planstore-test")
	_, p := newProjector(t, e.Client, WriterConfig{Index: index})
	return &readModel{t: t, client: e.Client, index: index, p: p}
}

func (m *readModel) handle(e events.Envelope) {
	m.t.Helper()
	if err := m.p.Handle(context.Background(), e); err != nil {
		m.t.Fatal(err)
	}
}

// ids runs a search (after a refresh, as the read model is near real time) and returns
// the sorted ids of its hits.
func (m *readModel) ids(query string) []string {
	m.t.Helper()
	ctx := context.Background()
	if err := Refresh(ctx, m.client, m.index); err != nil {
		m.t.Fatal(err)
	}
	api := m.client.Search
	res, err := api(api.WithContext(ctx), api.WithIndex(m.index), api.WithBody(strings.NewReader(`{"size":100,"query":`+query+`}`)))
	body, err := do("search", res, err)
	if err != nil {
		m.t.Fatalf("%s: %v", query, err)
	}
	answer, err := enginetest.DecodeAnswer(body)
	if err != nil {
		m.t.Fatal(err)
	}
	return answer.IDs()
}

func (m *readModel) expect(query string, want ...string) {
	m.t.Helper()
	sort.Strings(want)
	got := m.ids(query)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		m.t.Errorf("%s\n got %v\nwant %v", query, got, want)
	}
}

const everything = `{"match_all":{}}`

func TestProjectorLifecycle(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		m := newReadModel(t, e)
		plan := exampleplan.JSON()
		m.handle(event(events.PlanCreated, planID, 1, nil, plan))

		all := []string{"12xvxc345ssdsds-508", "1234vxc2324sdf-501", "27283xvx9asdff-504", "1234520xvc30asdf-502",
			"1234512xvc1314asdfs-503", "27283xvx9sdf-507", "1234520xvc30sfs-505", "1234512xvc1314sdfsd-506"}
		m.expect(everything, all...)
		// Kibana-style join queries.
		m.expect(`{"parent_id":{"type":"linkedPlanService","id":"`+planID+`"}}`, "27283xvx9asdff-504", "27283xvx9sdf-507")
		m.expect(`{"has_parent":{"parent_type":"plan","query":{"term":{"_id":"`+planID+`"}}}}`,
			"1234vxc2324sdf-501", "27283xvx9asdff-504", "27283xvx9sdf-507")
		m.expect(`{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}`, planID)
		m.expect(`{"has_child":{"type":"planserviceCostShare","query":{"range":{"copay":{"gte":1}}}}}`, "27283xvx9sdf-507")
		m.expect(`{"has_child":{"type":"linkedPlanService","query":{"has_child":{"type":"planserviceCostShare","query":{"range":{"copay":{"gte":100}}}}}}}`, planID)
		m.expect(`{"bool":{"filter":[{"term":{"objectType":"service"}},{"match":{"name":"baby"}}]}}`, "1234520xvc30sfs-505")

		// A patch removing a linkedPlanService deletes its three documents.
		patched := exampleplan.WithoutSecondService(t, plan)
		m.handle(event(events.PlanPatched, planID, 2, plan, patched))
		five := []string{"12xvxc345ssdsds-508", "1234vxc2324sdf-501", "27283xvx9asdff-504", "1234520xvc30asdf-502", "1234512xvc1314asdfs-503"}
		m.expect(everything, five...)

		// Redelivering the older creation changes nothing: no resurrected documents.
		m.handle(event(events.PlanCreated, planID, 1, nil, plan))
		m.handle(event(events.PlanPatched, planID, 2, plan, patched))
		m.expect(everything, five...)

		// Deleting the plan removes every document; a late patch does not bring it back.
		m.handle(event(events.PlanDeleted, planID, 3, patched, nil))
		m.expect(everything)
		m.handle(event(events.PlanPatched, planID, 2, plan, patched))
		m.expect(everything)
	})
}

func TestProjectorOutOfOrderEndsAtNewestState(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		m := newReadModel(t, e)
		plan := renamed(t, exampleplan.JSON(), "-ooo")
		patched := exampleplan.WithoutSecondService(t, plan)
		id := planID + "-ooo"
		m.handle(event(events.PlanPatched, id, 2, plan, patched))
		m.handle(event(events.PlanCreated, id, 1, nil, plan))
		m.expect(everything, "12xvxc345ssdsds-508-ooo", "1234vxc2324sdf-501-ooo", "27283xvx9asdff-504-ooo",
			"1234520xvc30asdf-502-ooo", "1234512xvc1314asdfs-503-ooo")
		// The survivors carry v2's state.
		m.expect(`{"term":{"_id":"27283xvx9asdff-504-ooo"}}`, "27283xvx9asdff-504-ooo")
	})
}

func TestProjectorReplacedPlanMovesChildren(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		m := newReadModel(t, e)
		plan := renamed(t, exampleplan.JSON(), "-mv")
		id := planID + "-mv"
		m.handle(event(events.PlanCreated, id, 1, nil, plan))
		// Swap the two services' cost shares: each document changes parent.
		moved := bytes.Replace(plan, []byte("1234512xvc1314asdfs-503-mv"), []byte("TMP"), 1)
		moved = bytes.Replace(moved, []byte("1234512xvc1314sdfsd-506-mv"), []byte("1234512xvc1314asdfs-503-mv"), 1)
		moved = bytes.Replace(moved, []byte("TMP"), []byte("1234512xvc1314sdfsd-506-mv"), 1)
		m.handle(event(events.PlanReplaced, id, 2, plan, moved))
		m.expect(`{"parent_id":{"type":"planserviceCostShare","id":"27283xvx9asdff-504-mv"}}`, "1234512xvc1314sdfsd-506-mv")
	})
}

func TestAdminAliasLifecycle(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		ctx := context.Background()
		alias, first := newAlias(t, e.Client)
		got, err := ensureAlias(ctx, e.Client, alias, first)
		if err != nil || got != first {
			t.Fatalf("ensure: %q, %v", got, err)
		}
		// Idempotent, and a second process racing it gets the same index.
		for range 2 {
			if got, err := ensureAlias(ctx, e.Client, alias, first); err != nil || got != first {
				t.Fatalf("ensure again: %q, %v", got, err)
			}
		}
		if err := CreateIndex(ctx, e.Client, first); !errors.Is(err, ErrIndexExists) {
			t.Fatalf("second create: %v, want ErrIndexExists", err)
		}

		next := newIndex(t, e.Client, "planstore-test")
		previous, err := SwapAlias(ctx, e.Client, alias, next)
		if err != nil || len(previous) != 1 || previous[0] != first {
			t.Fatalf("swap: %v, %v", previous, err)
		}
		if indices, err := AliasIndices(ctx, e.Client, alias); err != nil || len(indices) != 1 || indices[0] != next {
			t.Fatalf("alias now on %v, %v", indices, err)
		}
		// Swapping to where it already points changes nothing.
		if previous, err := SwapAlias(ctx, e.Client, alias, next); err != nil || len(previous) != 0 {
			t.Fatalf("swap again: %v, %v", previous, err)
		}
		if err := DeleteIndex(ctx, e.Client, first); err != nil {
			t.Fatal(err)
		}
		if err := DeleteIndex(ctx, e.Client, first); !errors.Is(err, ErrIndexNotFound) {
			t.Fatalf("second delete: %v, want ErrIndexNotFound", err)
		}
		if indices, err := AliasIndices(ctx, e.Client, enginetest.UniqueName(t, "planstore-none")); err != nil || len(indices) != 0 {
			t.Fatalf("missing alias: %v, %v", indices, err)
		}
	})
}

func TestAdminRefusesPatterns(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		ctx := context.Background()
		for _, name := range []string{"", "_all", "plans-*", "a,b", "-x"} {
			if err := DeleteIndex(ctx, e.Client, name); err == nil {
				t.Errorf("deleted %q", name)
			}
			if err := CreateIndex(ctx, e.Client, name); err == nil {
				t.Errorf("created %q", name)
			}
		}
	})
}

func TestRequireAliasRefusesAutoCreate(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		ctx := context.Background()
		alias, first := newAlias(t, e.Client)
		w, err := NewWriter(e.Client, WriterConfig{Index: alias, RequireAlias: true})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		err = w.Write(ctx, indexAction("a", 1), deleteAction("b", 1))
		var item *ItemError
		if !errors.As(err, &item) || item.Type != "index_not_found_exception" {
			t.Fatalf("write before the alias exists: %v, want index_not_found_exception", err)
		}
		api := e.Client.Indices.Exists
		res, err := api([]string{alias}, api.WithContext(ctx))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 404 {
			t.Fatalf("the write auto-created %s (status %d)", alias, res.StatusCode)
		}
		if _, err := ensureAlias(ctx, e.Client, alias, first); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(ctx, indexAction("a", 1), deleteAction("b", 1)); err != nil {
			t.Fatal(err)
		}
	})
}
