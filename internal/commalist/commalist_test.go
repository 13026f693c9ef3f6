package commalist_test

import (
	"slices"
	"testing"

	"github.com/planstore/planstore/internal/commalist"
)

func TestSplit(t *testing.T) {
	for in, want := range map[string][]string{
		"":                nil,
		" , ,":            nil,
		"a":               {"a"},
		" a , b,,c ":      {"a", "b", "c"},
		"http://x:9200, ": {"http://x:9200"},
	} {
		if got := commalist.Split(in); !slices.Equal(got, want) {
			t.Errorf("Split(%q) = %q, want %q", in, got, want)
		}
	}
}
