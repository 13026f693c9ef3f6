package commands

import "testing"

func TestPreconditionHolds(t *testing.T) {
	for _, tc := range []struct {
		name    string
		p       Precondition
		exists  bool
		version int64
		want    bool
	}{
		{"unconditional on nothing", Unconditional(), false, 0, true},
		{"unconditional on a plan", Unconditional(), true, 7, true},
		{"star needs a plan", IfExists(), false, 0, false},
		{"star on a plan", IfExists(), true, 7, true},
		{"listed version", IfVersionIn(6, 7), true, 7, true},
		{"stale version", IfVersionIn(6), true, 7, false},
		{"empty list never holds", IfVersionIn(), true, 7, false},
	} {
		if got := tc.p.holds(tc.exists, tc.version); got != tc.want {
			t.Errorf("%s: holds = %v, want %v", tc.name, got, tc.want)
		}
	}
}
