// Package enginetest hands read-model tests the search engines to run against: the
// embedded engine of package esengine, always, and the real Elasticsearch named by
// PLANSTORE_TEST_ES_URL (comma-separated node URLs) when that is set.
package enginetest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections/esengine"
)

// Engine is one backend a test runs against.
type Engine struct {
	Name   string
	Client *elasticsearch.Client
	// Private is set for an engine of this test alone (the embedded one): the test may
	// own the alias `plans` there, which it must never touch on a shared cluster.
	Private bool
}

// All returns a fresh embedded engine and, when PLANSTORE_TEST_ES_URL is set, the real
// Elasticsearch it names.
func All(tb testing.TB) []Engine {
	tb.Helper()
	out := []Engine{Embedded(tb)}
	if url := os.Getenv("PLANSTORE_TEST_ES_URL"); url != "" {
		c, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: strings.Split(url, ",")})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, Engine{Name: "elasticsearch", Client: c})
	}
	return out
}

// Each runs f on every engine of All, each as a subtest of tb named after the engine.
func Each[TB interface {
	testing.TB
	Run(name string, f func(TB)) bool
}](tb TB, f func(tb TB, e Engine)) {
	tb.Helper()
	for _, e := range All(tb) {
		tb.Run(e.Name, func(tb TB) { f(tb, e) })
	}
}

// Embedded returns a fresh in-process engine of package esengine, private to the test.
func Embedded(tb testing.TB) Engine {
	tb.Helper()
	c, err := esengine.NewClient(esengine.New())
	if err != nil {
		tb.Fatal(err)
	}
	return Engine{Name: "embedded", Client: c, Private: true}
}

// UniqueName gives every test its own index or alias, prefix-<random>, so tests never
// meet on a shared cluster and never touch the real alias `plans`.
func UniqueName(tb testing.TB, prefix string) string {
	tb.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}
