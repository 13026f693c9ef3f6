package app_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/testenv"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// TestGRPCTenantsSeeOnlyTheirOwnPlans: over gRPC, alice of a.org and bob of b.org use
// the same objectIds; each gets, searches and subscribes to their own plan only, a plan
// of the other organisation is NOT_FOUND like a plan nobody has, and naming the other
// organisation in x-planstore-org is PERMISSION_DENIED.
func TestGRPCTenantsSeeOnlyTheirOwnPlans(t *testing.T) {
	dir := t.TempDir()
	m := startServe(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	api := planstorev1.NewPlanServiceClient(dialGRPC(t, m.Addr()))
	rw := []string{auth.ScopeRead, auth.ScopeWrite}
	alice := orgToken(t, ctx, dir, "alice", rw, "a.org")
	bob := orgToken(t, ctx, dir, "bob", rw, "b.org")

	suffix := uuid.NewString()[:8]
	planA := inOrg(t, planWithIDs(t, suffix), "a.org")
	planB := bytes.Replace(inOrg(t, planWithIDs(t, suffix), "b.org"), []byte(`"copay":23`), []byte(`"copay":999`), 1)
	id := objectID(t, planA)
	if _, err := api.Create(alice, &planstorev1.CreatePlanRequest{Plan: jsonToStruct(t, planA)}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.Create(bob, &planstorev1.CreatePlanRequest{Plan: jsonToStruct(t, planB)}); err != nil {
		t.Fatalf("bob's plan with alice's objectIds: %v", err)
	}
	for who, want := range map[context.Context]string{alice: "a.org", bob: "b.org"} {
		got, err := api.Get(who, &planstorev1.GetPlanRequest{Id: id})
		if err != nil || got.Document.Fields["_org"].GetStringValue() != want {
			t.Fatalf("get in %s: %v, %v", want, got, err)
		}
	}
	// A plan only bob has is, to alice, a plan nobody has.
	onlyB := inOrg(t, planWithIDs(t, suffix+"-b"), "b.org")
	if _, err := api.Create(bob, &planstorev1.CreatePlanRequest{Plan: jsonToStruct(t, onlyB)}); err != nil {
		t.Fatal(err)
	}
	_, err := api.Get(alice, &planstorev1.GetPlanRequest{Id: objectID(t, onlyB)})
	expectCode(t, err, codes.NotFound)
	_, err = api.Get(metadata.AppendToOutgoingContext(alice, "x-planstore-org", "b.org"), &planstorev1.GetPlanRequest{Id: id})
	expectCode(t, err, codes.PermissionDenied)

	// Alice's feed holds her plan's create only.
	stream, err := api.Subscribe(alice, &planstorev1.SubscribeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for {
		msg, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if msg.Event == nil {
			break // caught up
		}
		if org := msg.Event.After.Fields["_org"].GetStringValue(); org != "a.org" {
			t.Fatalf("alice's feed has an event of %s: %v", org, msg.Event)
		}
		seen++
	}
	if seen != 1 {
		t.Fatalf("alice's feed: %d events, want her one create", seen)
	}

	// Search is confined too: copay 999 is bob's only.
	query := jsonToStruct(t, []byte(`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":999}}}}}}`))
	hits := func(who context.Context) int {
		res, err := api.Search(who, &planstorev1.SearchRequest{Body: query})
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Body.Fields["hits"].GetStructValue().Fields["hits"].GetListValue().GetValues())
	}
	testenv.WaitFor(t, 30*time.Second, "bob's search finds his plan", func() bool { return hits(bob) == 1 })
	if n := hits(alice); n != 0 {
		t.Fatalf("alice's search found %d of bob's plans", n)
	}
}

func orgToken(t *testing.T, ctx context.Context, dir, sub string, scopes []string, orgs ...string) context.Context {
	t.Helper()
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+mintToken(t, dir, sub, scopes, orgs...))
}
