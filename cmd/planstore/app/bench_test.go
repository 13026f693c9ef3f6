package app_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/auth"
)

// BenchmarkCreateOverHTTP measures validated, durable creates through the real HTTP
// API of `planstore serve` on embedded backends, with the whole pipeline running
// (relay, projector, audit), from parallel keep-alive clients.
func BenchmarkCreateOverHTTP(b *testing.B) {
	dir := b.TempDir()
	m := startServe(b, dir, quietBench)
	token := mintToken(b, dir, "bench", []string{auth.ScopeWrite})
	template := string(benchPlan(b))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var seq atomic.Int64
	b.SetParallelism(16) // 16 x GOMAXPROCS concurrent clients
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := strings.ReplaceAll(template, "SUFFIX", fmt.Sprint(seq.Add(1)))
			req, _ := http.NewRequest(http.MethodPost, m.URL()+"/v1/plans", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "creates/s")
}

// quietBench logs errors only: a benchmark's output is its figures.
func quietBench(c *app.Config) { c.LogLevel = "error" }

// benchPlan is the example plan with SUFFIX in every objectId.
func benchPlan(b *testing.B) []byte {
	doc := exampleplan.JSON()
	for _, id := range [][]byte{[]byte(`-501"`), []byte(`-502"`), []byte(`-503"`), []byte(`-504"`), []byte(`-505"`), []byte(`-506"`), []byte(`-507"`), []byte(`-508"`)} {
		doc = bytes.ReplaceAll(doc, id, append(id[:len(id)-1:len(id)-1], []byte(`-SUFFIX"`)...))
	}
	return doc
}
