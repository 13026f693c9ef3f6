package httpapi

import "testing"

func TestNoneMatch(t *testing.T) {
	for _, tc := range []struct {
		header  string
		version int64
		want    bool
	}{
		{"", 3, false},
		{`"3"`, 3, true},
		{`W/"3"`, 3, true}, // If-None-Match compares weakly
		{`"2", "3"`, 3, true},
		{`"2"`, 3, false},
		{`*`, 3, true},
		{`3`, 3, false}, // unquoted is not an entity-tag
		{`"abc"`, 3, false},
		{`"-3"`, 3, false},
		{`,,`, 3, false},
	} {
		if got := noneMatch(tc.header, tc.version); got != tc.want {
			t.Errorf("noneMatch(%q, %d) = %v, want %v", tc.header, tc.version, got, tc.want)
		}
	}
}

func TestIfMatchPrecondition(t *testing.T) {
	if ifMatchPrecondition("").Conditional() {
		t.Fatal("no If-Match must be unconditional")
	}
	for _, h := range []string{`"1"`, `*`, `W/"1"`, `garbage`, `"1", "2"`} {
		if !ifMatchPrecondition(h).Conditional() {
			t.Fatalf("If-Match %q must be conditional", h)
		}
	}
}

func TestETagForIsStrongAndQuoted(t *testing.T) {
	if got := etagFor(42); got != `"42"` {
		t.Fatal(got)
	}
	tags, _ := parseETagList(etagFor(42))
	if len(tags) != 1 || !tags[0].valid || tags[0].weak || tags[0].version != 42 {
		t.Fatalf("%+v", tags)
	}
}
