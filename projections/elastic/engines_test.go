package elastic

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
)

// engine is one backend the read-model tests run against.
type engine struct {
	name   string
	client *elasticsearch.Client
}

// testEngines returns the embedded engine, always, and the real Elasticsearch named by
// PLANSTORE_TEST_ES_URL when set.
func testEngines(t testing.TB) []engine {
	t.Helper()
	var out []engine
	if e, ok := embeddedEngine(t); ok {
		out = append(out, e)
	}
	if url := os.Getenv("PLANSTORE_TEST_ES_URL"); url != "" {
		c, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: strings.Split(url, ",")})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, engine{name: "elasticsearch", client: c})
	}
	if len(out) == 0 {
		t.Skip("no engine: the embedded one is not built yet and PLANSTORE_TEST_ES_URL is unset")
	}
	return out
}

// uniqueName gives every test its own index or alias, so tests never meet on a shared
// cluster and never touch the real alias `plans`.
func uniqueName(t testing.TB, prefix string) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}
