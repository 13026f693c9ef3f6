package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/testenv"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// TestGRPCOnTheHTTPPort drives PlanService over h2c on --addr, on the embedded
// backends, beside REST on the same port.
func TestGRPCOnTheHTTPPort(t *testing.T) {
	dir := t.TempDir()
	m := startServe(t, dir)
	grpcJourney(t, m, dir, m.Addr())
}

// TestGRPCOnRedisAndRabbitMQ drives it on --grpc-addr (gRPC's own transport) with the
// Redis event store (16 partitions, so Subscribe merges them) and RabbitMQ.
func TestGRPCOnRedisAndRabbitMQ(t *testing.T) {
	dir := t.TempDir()
	m := startServe(t, dir, onBrokers(t), func(c *app.Config) { c.GRPCAddr = "127.0.0.1:0" })
	if m.GRPCAddr() == "" {
		t.Fatal("--grpc-addr set, but no gRPC listener")
	}
	grpcJourney(t, m, dir, m.GRPCAddr())
}

// grpcJourney is the acceptance: create, get, a stale patch, an invalid plan,
// search, history, a Subscribe resumed after a disconnect, delete, and the refusals
// of a missing token and a missing scope.
func grpcJourney(t *testing.T, m *app.Main, dir, addr string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn := dialGRPC(t, addr)
	api := planstorev1.NewPlanServiceClient(conn)
	rw := withToken(t, ctx, dir, auth.ScopeRead, auth.ScopeWrite)
	rest := newClient(t, m, dir)

	// No token, no scope.
	_, err := api.Get(ctx, &planstorev1.GetPlanRequest{Id: planID})
	expectCode(t, err, codes.Unauthenticated)
	_, err = api.Create(withToken(t, ctx, dir, auth.ScopeRead), &planstorev1.CreatePlanRequest{Plan: jsonToStruct(t, exampleplan.JSON())})
	expectCode(t, err, codes.PermissionDenied)

	// Create and get; the document is REST's.
	created, err := api.Create(rw, &planstorev1.CreatePlanRequest{Plan: jsonToStruct(t, exampleplan.JSON())})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.Id != planID || created.Version != 1 || created.Etag != `"1"` {
		t.Fatalf("created %s v%d etag %s", created.Id, created.Version, created.Etag)
	}
	got, err := api.Get(rw, &planstorev1.GetPlanRequest{Id: planID})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	sameJSONDoc(t, structToJSON(t, got.Document), rest.do(http.MethodGet, "/v1/plans/"+planID, nil).body)
	one := int64(1)
	if nm, err := api.Get(rw, &planstorev1.GetPlanRequest{Id: planID, IfNoneMatch: &one}); err != nil || !nm.NotModified || nm.Document != nil {
		t.Fatalf("get if_none_match 1: %v, %v", nm, err)
	}
	_, err = api.Create(rw, &planstorev1.CreatePlanRequest{Plan: jsonToStruct(t, exampleplan.JSON())})
	if info := detail[*errdetails.ResourceInfo](t, err, codes.AlreadyExists); info.ResourceName != "plans/"+planID {
		t.Fatalf("resource info %v", info)
	}

	// A stale version loses; the current one wins.
	stale := int64(7)
	patch := jsonToStruct(t, []byte(`{"linkedPlanServices":[{"objectId":"27283xvx9sdf-507","planserviceCostShares":{"copay":50}}]}`))
	_, err = api.Patch(rw, &planstorev1.PatchPlanRequest{Id: planID, Patch: patch, IfMatch: &stale})
	if pf := detail[*errdetails.PreconditionFailure](t, err, codes.FailedPrecondition); len(pf.Violations) != 1 || pf.Violations[0].Subject != "plans/"+planID {
		t.Fatalf("precondition failure %v", pf)
	}
	patched, err := api.Patch(rw, &planstorev1.PatchPlanRequest{Id: planID, Patch: patch, IfMatch: &one})
	if err != nil || patched.Version != 2 {
		t.Fatalf("patch at version 1: %v, %v", patched, err)
	}

	// An invalid plan: INVALID_ARGUMENT with the same paths as problem+json.
	invalid := []byte(`{"planCostShares":{"deductible":-1,"_org":"example.com","copay":23,"objectId":"x-1","objectType":"membercostshare"},"_org":"example.com","objectId":"bad-1","objectType":"plan","planType":"inNetwork","creationDate":"12-12-2017"}`)
	_, err = api.Create(rw, &planstorev1.CreatePlanRequest{Plan: jsonToStruct(t, invalid)})
	br := detail[*errdetails.BadRequest](t, err, codes.InvalidArgument)
	var grpcPaths, restPaths []string
	for _, v := range br.FieldViolations {
		grpcPaths = append(grpcPaths, v.Field)
	}
	for _, e := range expectProblem(t, rest.do(http.MethodPost, "/v1/plans", invalid), http.StatusBadRequest)["errors"].([]any) {
		restPaths = append(restPaths, e.(map[string]any)["path"].(string))
	}
	slices.Sort(grpcPaths)
	slices.Sort(restPaths)
	if len(grpcPaths) == 0 || !slices.Equal(grpcPaths, restPaths) {
		t.Fatalf("field violations %v, problem+json paths %v", grpcPaths, restPaths)
	}

	// Search (eventually consistent) answers in Elasticsearch's shape.
	testenv.WaitFor(t, 30*time.Second, "search finds the plan", func() bool {
		res, err := api.Search(rw, &planstorev1.SearchRequest{Body: jsonToStruct(t, []byte(plansWithCopay))})
		if err != nil {
			t.Fatalf("search: %v", err)
		}
		hits := res.Body.Fields["hits"].GetStructValue().Fields["hits"].GetListValue().GetValues()
		return len(hits) == 1 && hits[0].GetStructValue().Fields["_id"].GetStringValue() == planID
	})
	_, err = api.Search(rw, &planstorev1.SearchRequest{Body: jsonToStruct(t, []byte(`{"query":{"script":{}}}`))})
	expectCode(t, err, codes.InvalidArgument)

	hist, err := api.History(rw, &planstorev1.HistoryRequest{Id: planID})
	if err != nil || len(hist.Events) != 2 || hist.Events[1].Type != "plan.patched" || hist.Events[1].Actor != "tester" {
		t.Fatalf("history: %v, %v", hist, err)
	}

	grpcSubscribeResumes(t, api, rw)

	// Delete: stale loses, current wins, then the plan is gone.
	_, err = api.Delete(rw, &planstorev1.DeletePlanRequest{Id: planID, IfMatch: &one})
	expectCode(t, err, codes.FailedPrecondition)
	cur, err := api.Get(rw, &planstorev1.GetPlanRequest{Id: planID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.Delete(rw, &planstorev1.DeletePlanRequest{Id: planID, IfMatch: &cur.Version}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = api.Get(rw, &planstorev1.GetPlanRequest{Id: planID})
	detail[*errdetails.ResourceInfo](t, err, codes.NotFound)

	health := healthpb.NewHealthClient(conn)
	testenv.WaitFor(t, 30*time.Second, "health SERVING", func() bool {
		res, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: "planstore.v1.PlanService"})
		return err == nil && res.Status == healthpb.HealthCheckResponse_SERVING
	})
}

// grpcSubscribeResumes reads the feed from the start, disconnects after the first
// event, lets more commits happen, and resumes from the last position: together the
// two streams hold every event exactly once, each plan's in version order. A stream
// from now sees only later commits, filtered by plan and type.
func grpcSubscribeResumes(t *testing.T, api planstorev1.PlanServiceClient, rw context.Context) {
	t.Helper()
	first, stop := context.WithCancel(rw)
	stream, err := api.Subscribe(first, &planstorev1.SubscribeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := stream.Recv()
	if err != nil || msg.Event == nil || msg.Event.Type != "plan.created" || msg.Position == "" {
		t.Fatalf("first event: %v, %v", msg, err)
	}
	stop() // the disconnect
	seen := []*planstorev1.Event{msg.Event}

	const otherID = planID + "-sub-b"
	live, stopLive := context.WithCancel(rw)
	defer stopLive()
	fromNow, err := api.Subscribe(live, &planstorev1.SubscribeRequest{FromNow: true, PlanId: otherID, Types: []string{"plan.patched"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fromNow.Header(); err != nil { // sent once the stream's start is fixed
		t.Fatal(err)
	}
	// Meanwhile: another plan, created and patched three times.
	other := planWithIDs(t, "sub-b")
	if _, err := api.Create(rw, &planstorev1.CreatePlanRequest{Plan: jsonToStruct(t, other)}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		p := jsonToStruct(t, []byte(fmt.Sprintf(`{"planCostShares":{"copay":%d}}`, 100+i)))
		if _, err := api.Patch(rw, &planstorev1.PatchPlanRequest{Id: otherID, Patch: p}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; {
		m, err := fromNow.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if m.Event == nil {
			continue // a checkpoint: the filters skipped the create
		}
		if m.Event.AggregateId != otherID || m.Event.Type != "plan.patched" || m.Event.Version != int64(i+2) {
			t.Fatalf("from now, event %d: %v", i, m)
		}
		i++
	}

	resumed, stopResumed := context.WithCancel(rw)
	defer stopResumed()
	again, err := api.Subscribe(resumed, &planstorev1.SubscribeRequest{After: msg.Position})
	if err != nil {
		t.Fatal(err)
	}
	want := 1 + 1 + 4 // plan 508: created (seen), patched; plan sub-b: created, 3 patches
	for len(seen) < want {
		m, err := again.Recv()
		if err != nil {
			t.Fatalf("resumed stream after %d events: %v", len(seen), err)
		}
		if m.Event != nil {
			seen = append(seen, m.Event)
		}
	}
	ids := map[string]bool{}
	versions := map[string]int64{}
	for _, e := range seen {
		if ids[e.Id] {
			t.Fatalf("event %s twice", e.Id)
		}
		ids[e.Id] = true
		if e.Version != versions[e.AggregateId]+1 {
			t.Fatalf("plan %s: version %d after %d", e.AggregateId, e.Version, versions[e.AggregateId])
		}
		versions[e.AggregateId] = e.Version
	}
	if versions[planID] != 2 || versions[otherID] != 4 {
		t.Fatalf("versions %v", versions)
	}
}

func dialGRPC(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// withToken is ctx with a dev token of these scopes in the call's metadata.
func withToken(t *testing.T, ctx context.Context, dir string, scopes ...string) context.Context {
	t.Helper()
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+mintToken(t, dir, "tester", scopes))
}

func jsonToStruct(t *testing.T, b []byte) *structpb.Struct {
	t.Helper()
	s := &structpb.Struct{}
	if err := protojson.Unmarshal(b, s); err != nil {
		t.Fatal(err)
	}
	return s
}

func structToJSON(t *testing.T, s *structpb.Struct) []byte {
	t.Helper()
	b, err := protojson.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameJSONDoc(t *testing.T, a, b []byte) {
	t.Helper()
	var x, y any
	if err := errors.Join(json.Unmarshal(a, &x), json.Unmarshal(b, &y)); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	if string(ja) != string(jb) {
		t.Fatalf("documents differ:\n%s\n%s", ja, jb)
	}
}

func expectCode(t *testing.T, err error, want codes.Code) *status.Status {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok || st.Code() != want {
		t.Fatalf("status %v, want %v", err, want)
	}
	return st
}

// detail expects the code and returns the status detail of type D.
func detail[D proto.Message](t *testing.T, err error, want codes.Code) D {
	t.Helper()
	st := expectCode(t, err, want)
	for _, d := range st.Details() {
		if v, ok := d.(D); ok {
			return v
		}
	}
	var zero D
	t.Fatalf("%v: no %T among %v", err, zero, st.Details())
	return zero
}
