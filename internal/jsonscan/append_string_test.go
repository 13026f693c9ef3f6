package jsonscan_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/planstore/planstore/internal/jsonscan"
)

// FuzzAppendStringMatchesEncodingJSON: the fast path and encoding/json never differ.
func FuzzAppendStringMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "plan", `a"b`, `\`, "<&>", "\x00\x1f", "\x7f", "é", "\xff", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := jsonscan.AppendString([]byte("x"), s); !bytes.Equal(got, append([]byte("x"), want...)) {
			t.Fatalf("AppendString(%q) = %s, want x%s", s, got, want)
		}
		if got := jsonscan.AppendString(nil, []byte(s)); !bytes.Equal(got, want) {
			t.Fatalf("AppendString([]byte %q) = %s, want %s", s, got, want)
		}
	})
}
