package dsltest

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
)

// The text cases pin the standard analyzer (Unicode word boundaries, UAX #29, as
// Lucene's StandardTokenizer applies them) and the BM25 statistics that come from it:
// field lengths, average lengths, and Lucene's one-byte length norms. They run on an
// index of their own, so the DSL fixtures' counts stay as they are. Scores were
// recorded from Elasticsearch 7.17.29 on a fresh index (no deleted documents).

// textDocs are plan documents with a name, by id.
var textDocs = map[string]string{
	"t1": "lab_test results",
	"t2": "O'Neil's lab test",
	"t3": "Plan 2.0.1 costs 1,000 dollars",
	"t4": "日本語テキスト 🍕 pizza",
	"t5": "a very long name with many many words in it so that the length is lossy in the norm of lucene which rounds lengths above twenty four tokens test",
	"t6": strings.Repeat("filler ", 45) + "test lab",
	// No token at all: exists still matches it, BM25's statistics leave it out.
	"t7": "!!! ???",
}

// ScoredHit is one expected hit, in order, with Elasticsearch's score.
type ScoredHit struct {
	ID    string
	Score float64
}

// TextCase is a search on the text index and its expected hits, in order.
type TextCase struct {
	Name string
	Body string
	Hits []ScoredHit
}

// scoreTolerance is how far an engine's score may be from Elasticsearch's: Lucene
// computes in float32, the engine in float64.
const scoreTolerance = 1e-5

// TextCases are the tokenization and BM25 cases.
var TextCases = []TextCase{
	{Name: "lab_test is one token", Body: `{"query":{"match":{"name":"lab_test"}}}`, Hits: []ScoredHit{{"t1", 2.3909976}}},
	{Name: "lab test does not match lab_test", Body: `{"query":{"match":{"name":"lab test"}}}`, Hits: []ScoredHit{{"t2", 2.5676582}, {"t6", 0.9475217}, {"t5", 0.5079398}}},
	{Name: "O'Neil's is one token", Body: `{"query":{"term":{"name":"o'neil's"}}}`, Hits: []ScoredHit{{"t2", 2.295921}}},
	{Name: "o does not match O'Neil's", Body: `{"query":{"match":{"name":"o neil"}}}`, Hits: []ScoredHit{}},
	{Name: "numbers keep their separators", Body: `{"query":{"match":{"name":"2.0.1 1,000"}}}`, Hits: []ScoredHit{{"t3", 4.253562}}},
	{Name: "numbers are not split", Body: `{"query":{"match":{"name":"2 000"}}}`, Hits: []ScoredHit{}},
	{Name: "ideographs one by one, katakana and emoji whole", Body: `{"query":{"match":{"name":"本 テキスト 🍕"}}}`, Hits: []ScoredHit{{"t4", 6.1536727}}},
	{Name: "exists matches a value without tokens", Body: `{"query":{"bool":{"must":{"exists":{"field":"name"}},"filter":{"ids":{"values":["t7"]}}}}}`, Hits: []ScoredHit{{"t7", 1}}},
	{Name: "lossy length norms of long fields", Body: `{"query":{"match":{"name":"test"}}}`, Hits: []ScoredHit{{"t2", 1.0330853}, {"t5", 0.5079398}, {"t6", 0.38123095}}},
}

// runTextCases indexes textDocs into an index of their own and runs TextCases.
func runTextCases(t *testing.T, client *elasticsearch.Client) {
	index := createIndex(t, client, "dsltest-text")
	var docs []fixtureDoc
	for id, name := range textDocs {
		docs = append(docs, fixtureDoc{id: id, routing: id, source: map[string]any{
			"objectId": id, "objectType": "plan", "name": name, "plan_join": "plan",
		}})
	}
	indexDocs(t, client, index, docs)
	for _, c := range TextCases {
		t.Run("text/"+c.Name, func(t *testing.T) {
			res := on(t).call(client.Search(client.Search.WithIndex(index), client.Search.WithBody(strings.NewReader(c.Body))))
			if res.status != 200 {
				t.Fatalf("status %d: %s", res.status, res.raw)
			}
			hits, _ := res.body["hits"].(map[string]any)
			list, _ := hits["hits"].([]any)
			if len(list) != len(c.Hits) {
				t.Fatalf("%d hits, want %v: %s", len(list), c.Hits, res.raw)
			}
			for i, want := range c.Hits {
				h, _ := list[i].(map[string]any)
				got, err := strconv.ParseFloat(fmt.Sprint(h["_score"]), 64)
				if h["_id"] != want.ID || err != nil || math.Abs(got-want.Score) > scoreTolerance {
					t.Errorf("hit %d: %v with score %v, want %s with %v", i, h["_id"], h["_score"], want.ID, want.Score)
				}
			}
		})
	}
}

// runIgnoreAbove: name.keyword's ignore_above (256) counts UTF-16 code units, as Java's
// String.length() does, so 130 emoji (260 units, 130 code points) are not indexed there,
// while 200 letters are.
func runIgnoreAbove(t *testing.T, client *elasticsearch.Client) {
	t.Run("text/ignore_above counts UTF-16 code units", func(t *testing.T) {
		index := createIndex(t, client, "dsltest-text")
		emoji, letters := strings.Repeat("😀", 130), strings.Repeat("x", 200)
		docs := []fixtureDoc{
			{id: "emoji", routing: "emoji", source: map[string]any{"objectId": "emoji", "name": emoji, "plan_join": "plan"}},
			{id: "letters", routing: "letters", source: map[string]any{"objectId": "letters", "name": letters, "plan_join": "plan"}},
		}
		indexDocs(t, client, index, docs)
		// The hit of a document with a value left out names its field in _ignored.
		res := on(t).call(client.Search(client.Search.WithIndex(index), client.Search.WithBody(strings.NewReader(`{"query":{"match_all":{}},"sort":["_id"]}`))))
		if res.status != 200 {
			t.Fatalf("match_all: status %d: %s", res.status, res.raw)
		}
		hits, _ := res.body["hits"].(map[string]any)
		checkHitField(t, hits, "_ignored", []string{`["name.keyword"]`, ``})
		// Without _source, Elasticsearch loads no stored fields, and so no _ignored.
		res = on(t).call(client.Search(client.Search.WithIndex(index), client.Search.WithBody(strings.NewReader(`{"query":{"match_all":{}},"sort":["_id"],"_source":false}`))))
		hits, _ = res.body["hits"].(map[string]any)
		checkHitField(t, hits, "_ignored", []string{``, ``})
		for value, want := range map[string][]string{emoji: {}, letters: {"letters"}} {
			query := fmt.Sprintf(`{"query":{"term":{"name.keyword":%q}}}`, value)
			res := on(t).call(client.Search(client.Search.WithIndex(index), client.Search.WithBody(strings.NewReader(query))))
			hits, _ := res.body["hits"].(map[string]any)
			if got := hitIDs(hits); res.status != 200 || !slices.Equal(got, want) {
				t.Errorf("term on name.keyword of %d characters: status %d, ids %v, want %v", len([]rune(value)), res.status, got, want)
			}
		}
	})
}
