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
// (relay and projector), from parallel keep-alive clients.
func BenchmarkCreateOverHTTP(b *testing.B) {
	dir := b.TempDir()
	m := startServe(b, dir, quietBench)
	token := mintToken(b, dir, "bench", []string{auth.ScopeWrite})
	template := string(benchPlan(b))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var seq atomic.Int64
	parallel(b, "create", func() error {
		body := strings.ReplaceAll(template, "SUFFIX", fmt.Sprint(seq.Add(1)))
		_, err := restCall(client, http.MethodPost, m.URL()+"/v1/plans", token, body, http.StatusCreated)
		return err
	})
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

// parallel runs call from 16 x GOMAXPROCS clients and reports op+"s/s".
func parallel(b *testing.B, op string, call func() error) {
	b.SetParallelism(16)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := call(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), op+"s/s")
}

// restCall sends one REST request with a bearer token; it is an error unless the answer
// has status want.
func restCall(c *http.Client, method, url, token, body string, want int) ([]byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != want {
		err = fmt.Errorf("%s %s: status %d: %s", method, url, resp.StatusCode, b)
	}
	return b, err
}
