package app_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/auth"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// TestGRPCInEveryAPIRole: command-api and query-api serve over gRPC what they serve over
// HTTP, and answer UNIMPLEMENTED for the rest: writes on the command API, reads and the
// event stream on both, searches on the query API.
func TestGRPCInEveryAPIRole(t *testing.T) {
	brokers := onBrokers(t)
	dir := t.TempDir()
	start := func(role app.Role) *app.Main { return startRole(t, role, dir, brokers) }
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tok := withToken(t, ctx, dir, auth.ScopeRead, auth.ScopeWrite)
	commandAPI := planstorev1.NewPlanServiceClient(dialGRPC(t, start(app.RoleCommandAPI).Addr()))
	queryAPI := planstorev1.NewPlanServiceClient(dialGRPC(t, start(app.RoleQueryAPI).Addr()))

	if _, err := commandAPI.Create(tok, &planstorev1.CreatePlanRequest{Plan: jsonToStruct(t, exampleplan.JSON())}); err != nil {
		t.Fatalf("create on the command API: %v", err)
	}
	_, err := queryAPI.Create(tok, &planstorev1.CreatePlanRequest{Plan: jsonToStruct(t, exampleplan.JSON())})
	expectCode(t, err, codes.Unimplemented)
	_, err = commandAPI.Search(tok, &planstorev1.SearchRequest{})
	expectCode(t, err, codes.Unimplemented)
	for name, api := range map[string]planstorev1.PlanServiceClient{"command-api": commandAPI, "query-api": queryAPI} {
		if got, err := api.Get(tok, &planstorev1.GetPlanRequest{Id: planID}); err != nil || got.Version != 1 {
			t.Fatalf("get on %s: %v, %v", name, got, err)
		}
		stream, err := api.Subscribe(tok, &planstorev1.SubscribeRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if msg, err := stream.Recv(); err != nil || msg.Event.GetAggregateId() != planID {
			t.Fatalf("subscribe on %s: %v, %v", name, msg, err)
		}
	}
	if _, err := queryAPI.Search(tok, &planstorev1.SearchRequest{}); err != nil {
		t.Fatalf("search on the query API: %v", err)
	}
}
