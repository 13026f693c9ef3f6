package defaults_test

import (
	"testing"
	"time"

	"github.com/planstore/planstore/internal/defaults"
)

func TestPositiveKeepsASetValueAndReplacesZeroOrNegative(t *testing.T) {
	for _, c := range []struct{ v, want time.Duration }{
		{v: 3 * time.Second, want: 3 * time.Second},
		{v: 0, want: time.Minute},
		{v: -1, want: time.Minute},
	} {
		if got := defaults.Positive(c.v, time.Minute); got != c.want {
			t.Errorf("Positive(%v, 1m) = %v, want %v", c.v, got, c.want)
		}
	}
}
