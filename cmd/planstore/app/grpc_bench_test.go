package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/auth"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// grpcBenchConns: gRPC clients multiplex calls over few connections; REST's client
// keeps one connection per concurrent request.
const grpcBenchConns = 4

// BenchmarkRESTvsGRPC measures creates and gets through REST, gRPC on the HTTP port
// (h2c, grpc.Server.ServeHTTP) and gRPC on --grpc-addr (gRPC's own transport), against
// one `planstore serve` on embedded backends with the whole pipeline running, in one
// run, so that the figures are comparable on a shared, noisy machine:
//
//	go test -run '^$' -bench RESTvsGRPC -benchtime 3s ./cmd/planstore/app/
func BenchmarkRESTvsGRPC(b *testing.B) {
	dir := b.TempDir()
	m := startServe(b, dir, quietBench, func(c *app.Config) { c.GRPCAddr = "127.0.0.1:0" })
	token := mintToken(b, dir, "bench", []string{auth.ScopeRead, auth.ScopeWrite})
	template := string(benchPlan(b))
	var seq atomic.Int64
	nextPlan := func() string { return strings.ReplaceAll(template, "SUFFIX", fmt.Sprint(seq.Add(1))) }
	getID := "12xvxc345ssdsds-508-get"
	if _, err := restCall(&http.Client{}, http.MethodPost, m.URL()+"/v1/plans", token, strings.ReplaceAll(template, "SUFFIX", "get"), http.StatusCreated); err != nil {
		b.Fatal(err)
	}
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token)

	rest := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	for _, op := range []string{"create", "get"} {
		b.Run(op+"/rest", func(b *testing.B) {
			parallel(b, op, func() error {
				if op == "create" {
					_, err := restCall(rest, http.MethodPost, m.URL()+"/v1/plans", token, nextPlan(), http.StatusCreated)
					return err
				}
				_, err := restCall(rest, http.MethodGet, m.URL()+"/v1/plans/"+getID, token, "", http.StatusOK)
				return err
			})
		})
		for _, tr := range []struct{ name, addr string }{{"grpc-h2c", m.Addr()}, {"grpc-native", m.GRPCAddr()}} {
			b.Run(op+"/"+tr.name, func(b *testing.B) {
				clients := grpcClients(b, tr.addr)
				var turn atomic.Int64
				parallel(b, op, func() error {
					api := clients[turn.Add(1)%grpcBenchConns]
					if op == "create" {
						doc := &structpb.Struct{}
						if err := protojson.Unmarshal([]byte(nextPlan()), doc); err != nil {
							return err
						}
						_, err := api.Create(ctx, &planstorev1.CreatePlanRequest{Plan: doc})
						return err
					}
					_, err := api.Get(ctx, &planstorev1.GetPlanRequest{Id: getID})
					return err
				})
			})
		}
	}
}

func grpcClients(b *testing.B, addr string) []planstorev1.PlanServiceClient {
	out := make([]planstorev1.PlanServiceClient, grpcBenchConns)
	for i := range out {
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = conn.Close() })
		out[i] = planstorev1.NewPlanServiceClient(conn)
	}
	return out
}
