package commands

import (
	"strings"
	"testing"
)

func TestNewPlanHandlersRefusesANilStoreOnce(t *testing.T) {
	h, err := NewPlanHandlers(nil)
	if h != nil || err == nil {
		t.Fatalf("NewPlanHandlers(nil) = %v, %v; want an error", h, err)
	}
	if got := err.Error(); strings.Count(got, "nil event store") != 1 {
		t.Errorf("error %q: want the refusal said once", got)
	}
}
