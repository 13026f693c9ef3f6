package queries_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/testenv"
)

// appendCreated commits, straight to the store, the creation of a bare plan id of
// organisation org, under the plan's own id (no organisation namespace).
func appendCreated(t *testing.T, store interface {
	Append(ctx context.Context, c events.Commit) error
}, id, org string) {
	t.Helper()
	doc := json.RawMessage(`{"objectId":"` + id + `","_org":"` + org + `"}`)
	err := store.Append(context.Background(), events.Commit{AggregateID: id, Snapshot: doc, Events: []events.Envelope{{
		ID: "e-" + id, Type: events.PlanCreated, SchemaVersion: 1, AggregateType: events.AggregateTypePlan,
		AggregateID: id, Version: 1, OccurredAt: time.Now().UTC(), Data: events.Data{Before: json.RawMessage("null"), After: doc},
	}}})
	if err != nil {
		t.Fatal(err)
	}
}

// A plan written before tenancy lives under its bare objectId whatever its _org. The
// default organisation's callers see it when it is theirs; one of another _org is
// reached by an operator only (docs/tenancy.md), and never by a caller of a.org.
func TestPreTenancyPlansInTheDefaultNamespace(t *testing.T) {
	store := testenv.BoltStore(t)
	ctx := context.Background()
	for id, org := range map[string]string{"ours": "example.com", "theirs": "other.net"} {
		appendCreated(t, store, id, org)
	}
	plans, err := queries.NewPlans(store)
	if err != nil {
		t.Fatal(err)
	}
	as := func(a tenancy.Access) context.Context { return tenancy.WithAccess(ctx, a) }
	for _, tc := range []struct {
		name   string
		access tenancy.Access
		id     string
		found  bool
	}{
		{"default organisation, its plan", tenancy.ForOrgs("example.com", "example.com"), "ours", true},
		{"default organisation, another _org", tenancy.ForOrgs("example.com", "example.com"), "theirs", false},
		{"that _org's caller (namespaced elsewhere)", tenancy.ForOrgs("example.com", "other.net"), "theirs", false},
		{"a.org", tenancy.ForOrgs("example.com", "a.org"), "ours", false},
		{"operator", tenancy.Operator("example.com"), "theirs", true},
		{"nobody", tenancy.Access{}, "ours", false},
	} {
		_, getErr := plans.Get(as(tc.access), tc.id)
		_, histErr := plans.HistoryAfter(as(tc.access), tc.id, 0, 10)
		for what, err := range map[string]error{"get": getErr, "history": histErr} {
			if tc.found && err != nil || !tc.found && !errors.Is(err, events.ErrNotFound) {
				t.Errorf("%s: %s %s: %v, want found=%v", tc.name, what, tc.id, err, tc.found)
			}
		}
	}
}
