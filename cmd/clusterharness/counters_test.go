package main

import (
	"net/http"
	"testing"
	"time"
)

func TestUnavailableCountsOnlyInsideTheWindowOfAFaultThatCausesIt(t *testing.T) {
	t0 := time.Now()
	redis := &fault{Name: "redis", Affected: []opKind{opCreate}}
	p := phase{Name: "redis", Fault: redis, Start: t0, InjectedAt: t0, RecoveredAt: t0.Add(20 * time.Second)}
	unavailable := response{Status: http.StatusServiceUnavailable, RetryAfter: "1"}
	c := newCounters()

	c.record(p, "command-api-1", opCreate, unavailable, t0.Add(5*time.Second), http.StatusCreated)
	c.record(p, "command-api-1", opCreate, unavailable, t0.Add(20*time.Second+unavailableGrace+time.Second), http.StatusCreated)
	c.record(p, "command-api-1", opCreate, response{Status: http.StatusServiceUnavailable}, t0.Add(time.Second), http.StatusCreated)
	c.record(p, "query-api-1", opSearch, unavailable, t0.Add(time.Second), http.StatusOK)
	c.record(p, "command-api-1", opCreate, response{Status: http.StatusCreated}, t0.Add(time.Second), http.StatusCreated)

	got := c.tallyOf("redis", opCreate)
	if got.OK != 1 || got.Unavailable != 1 || got.Failed != 2 {
		t.Errorf("create tally %+v: want 1 ok, 1 unavailable (inside the window), 2 failed (after it; no Retry-After)", got)
	}
	if got.FirstUnavailable != 5*time.Second || got.LastUnavailable != 5*time.Second {
		t.Errorf("503 offsets %s..%s, want 5s", got.FirstUnavailable, got.LastUnavailable)
	}
	if s := c.tallyOf("redis", opSearch); s.Failed != 1 {
		t.Errorf("a search 503 during a Redis fault must count as a failure: %+v", s)
	}
	if _, n := c.failureSamples(); n != 3 {
		t.Errorf("%d failures recorded, want 3", n)
	}
}

func TestDownPartsNamesWhatIsNotOK(t *testing.T) {
	body := []byte(`{"status":"not ready","backends":{"event_store":"down: x","bus":"ok"},"consumers":{"projector":"down: y"}}`)
	if got := downParts(body); got != "consumer projector, event_store" {
		t.Errorf("downParts = %q", got)
	}
}

func TestRedactHidesPasswords(t *testing.T) {
	got := redact("amqp://guest:secret@127.0.0.1:5701/,amqp://u:p@h:5702/v")
	if got != "amqp://guest:***@127.0.0.1:5701/,amqp://u:***@h:5702/v" {
		t.Errorf("redact = %q", got)
	}
}
