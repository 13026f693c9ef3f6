package mapping

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
)

// analyzerCases are _analyze answers of Elasticsearch 7.17.29's standard analyzer.
var analyzerCases = map[string][]string{
	"lab_test": {"lab_test"},
	"O'Neil's": {"o'neil's"},
	"1,000":    {"1,000"},
	"2.0.1":    {"2.0.1"},
	"日本語テキスト":  {"日", "本", "語", "テキスト"},
	"ひらがな":     {"ひ", "ら", "が", "な"},
	"한국어 텍스트":  {"한국어", "텍스트"},
	"I ❤️ pizza 🍕 👍🏽 👨‍👩‍👧": {"i", "❤️", "pizza", "🍕", "👍🏽", "👨‍👩‍👧"},
	"© ® ™ #1 *": {"©", "®", "™", "1"},
	"° ♡ ← ↔ ⌚ ☺ ‼ ★ ☆ ✓ ✔":              {"♡", "↔", "⌚", "☺", "‼", "★", "✔"},
	"🇺🇸 1️⃣ #️⃣ 🏻 a🍕b":                   {"🇺🇸", "1️⃣", "#️⃣", "🏻", "a", "🍕", "b"},
	"__init__ _ _a a_":                   {"__init__", "_a", "a_"},
	"foo.bar foo:bar a.b.c":              {"foo.bar", "foo:bar", "a.b.c"},
	"U.S.A. e-mail x@y.com http://a.b/c": {"u.s.a", "e", "mail", "x", "y.com", "http", "a.b", "c"},
	"3.5% $100 1.2e3 -5":                 {"3.5", "100", "1.2e3", "5"},
	"can't won’t":                        {"can't", "won’t"},
	"ﬁne Straße İstanbul ΣΑΣ":            {"ﬁne", "straße", "istanbul", "σασ"},
	"ภาษาไทย":                            {"ภาษาไทย"},
	"a–b a—b a/b":                        {"a", "b", "a", "b", "a", "b"},
	"12abc abc12 a1b2":                   {"12abc", "abc12", "a1b2"},
	"don't' 'quoted' x__y":               {"don't", "quoted", "x__y"},
	"٣٤٥ Ⅻ ½ x½y ²":                      {"٣٤٥", "ⅻ", "x", "y"},
	"Yearly physical":                    {"yearly", "physical"},
	"ⓐⓑ c🇺 d":                            {"ⓐⓑ", "c", "d"},
	"🏻🏻 テ⃣🏻 ב🏻ב":                         {"🏻", "🏻", "テ⃣", "🏻", "ב", "🏻", "ב"},
	"_⃣ .⃣ \u200d🍕":                      {"\u200d🍕"},
	"ภา\u200d ษ️":                        {"ภา\u200d", "ษ️"},
	"":                                   nil,
	strings.Repeat("a", 300):             {strings.Repeat("a", 255), strings.Repeat("a", 45)},
}

func TestAnalyzerMatchesStandardTokenizer(t *testing.T) {
	for text, want := range analyzerCases {
		if got := Analyze(text); !slices.Equal(got, want) {
			t.Errorf("analyze(%q) = %q, want %q", text, got, want)
		}
	}
}

// With PLANSTORE_TEST_ES_URL set, the recorded answers are checked against the cluster's
// own _analyze, so they cannot drift from the reference.
func TestAnalyzerCasesAreElasticsearchs(t *testing.T) {
	url := os.Getenv("PLANSTORE_TEST_ES_URL")
	if url == "" {
		t.Skip("PLANSTORE_TEST_ES_URL is not set")
	}
	url = strings.TrimRight(strings.Split(url, ",")[0], "/")
	for text, want := range analyzerCases {
		body, err := json.Marshal(map[string]string{"analyzer": "standard", "text": text})
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.Post(url+"/_analyze", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var answer struct {
			Tokens []struct {
				Token string `json:"token"`
			} `json:"tokens"`
		}
		err = json.NewDecoder(res.Body).Decode(&answer)
		_ = res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("_analyze %q: status %d, %v", text, res.StatusCode, err)
		}
		var got []string
		for _, tok := range answer.Tokens {
			got = append(got, tok.Token)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Elasticsearch analyses %q as %q, the recorded answer is %q", text, got, want)
		}
	}
}
