package messaging

import (
	"testing"
	"time"
)

// TestRetryPolicyWithDefaultsFillsOnlyUnsetFields: the zero policy is the default one;
// otherwise a zero or negative interval takes the default, a MaxInterval left unset is
// never below InitialInterval, and a set field is kept.
func TestRetryPolicyWithDefaultsFillsOnlyUnsetFields(t *testing.T) {
	d := DefaultRetryPolicy()
	for _, c := range []struct {
		name     string
		in, want RetryPolicy
	}{
		{"zero", RetryPolicy{}, d},
		{"negative intervals", RetryPolicy{MaxRetries: 2, InitialInterval: -1, MaxInterval: -1},
			RetryPolicy{MaxRetries: 2, InitialInterval: d.InitialInterval, MaxInterval: d.MaxInterval, Multiplier: d.Multiplier}},
		{"long first wait", RetryPolicy{MaxRetries: 1, InitialInterval: time.Minute},
			RetryPolicy{MaxRetries: 1, InitialInterval: time.Minute, MaxInterval: time.Minute, Multiplier: d.Multiplier}},
		{"all set", RetryPolicy{MaxRetries: 3, InitialInterval: time.Second, MaxInterval: 2 * time.Second, Multiplier: 3},
			RetryPolicy{MaxRetries: 3, InitialInterval: time.Second, MaxInterval: 2 * time.Second, Multiplier: 3}},
	} {
		if got := c.in.withDefaults(); got != c.want {
			t.Errorf("%s: %+v.withDefaults() = %+v, want %+v", c.name, c.in, got, c.want)
		}
	}
}
