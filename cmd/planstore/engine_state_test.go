package main_test

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/testenv"
)

const (
	engineLoaded  = "embedded search engine loaded from its saved state"
	engineRebuilt = "embedded search engine rebuilt from the event log"
	stateUnused   = "the saved embedded engine state is not used"
)

// stateQueries are answered the same by an engine loaded from its state and by one
// rebuilt from the log: every document, the plans, and a join.
var stateQueries = []string{
	`{"query":{"match_all":{}},"track_total_hits":true}`,
	`{"query":{"term":{"objectType":"plan"}},"track_total_hits":true}`,
	`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}},"track_total_hits":true}`,
}

func stateAnswers(t *testing.T, p *process, token string) []int {
	t.Helper()
	out := make([]int, len(stateQueries))
	for i, q := range stateQueries {
		out[i] = searchTotal(t, p, token, q)
	}
	return out
}

// TestSavedEngineStateIsUsedOnlyWhileCurrent: a clean shutdown saves the embedded
// engine, and the next start loads it and answers as before; a write after that load
// followed by kill -9 leaves the state behind the log, so the next start rebuilds (a
// stale state is never trusted); a damaged state is rebuilt from the log too, with the
// same answers.
func TestSavedEngineStateIsUsedOnlyWhileCurrent(t *testing.T) {
	dataDir := t.TempDir()
	env := []string{"PLANSTORE_DATA_DIR=" + dataDir}
	statePath := filepath.Join(dataDir, app.EngineStateFile)
	const docsPerPlan = 8

	first := startProcess(t, "serve", env, "serve")
	token := mintToken(t, dataDir, "plans:read plans:write")
	create := func(p *process, suffix string, plans int) {
		t.Helper()
		if r := call(t, http.MethodPost, p.url+"/v1/plans", token, uniquePlan(t, suffix)); r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		testenv.WaitFor(t, 30*time.Second, "the plans to be searchable", func() bool {
			return searchTotal(t, p, token, stateQueries[0]) == docsPerPlan*plans
		})
	}
	create(first, "state-1", 1)
	before := stateAnswers(t, first, token)
	first.stop()
	if _, err := os.Stat(statePath); err != nil {
		t.Fatalf("no engine state after a clean shutdown: %v; the log:\n%s", err, first.logTail())
	}

	loaded := startProcess(t, "serve (loads the state)", env, "serve")
	if !loaded.logMentions(engineLoaded) || loaded.logMentions(engineRebuilt) {
		t.Fatalf("the restart after a clean shutdown did not load the saved state; its log:\n%s", loaded.logTail())
	}
	if got := stateAnswers(t, loaded, token); !slices.Equal(got, before) {
		t.Fatalf("the loaded engine answers %v, before the restart %v", got, before)
	}

	create(loaded, "state-2", 2)
	after := stateAnswers(t, loaded, token)
	loaded.kill()
	rebuilt := startProcess(t, "serve (after kill -9)", env, "serve")
	if rebuilt.logMentions(engineLoaded) || !rebuilt.logMentions(stateUnused) || !rebuilt.logMentions(engineRebuilt) {
		t.Fatalf("a state older than the log was not refused; the log:\n%s", rebuilt.logTail())
	}
	if got := stateAnswers(t, rebuilt, token); !slices.Equal(got, after) {
		t.Fatalf("the rebuilt engine answers %v, before the kill %v", got, after)
	}
	rebuilt.stop()

	damageMiddleByte(t, statePath)
	repaired := startProcess(t, "serve (damaged state)", env, "serve")
	if repaired.logMentions(engineLoaded) || !repaired.logMentions(stateUnused) || !repaired.logMentions(engineRebuilt) {
		t.Fatalf("a damaged state was not refused; the log:\n%s", repaired.logTail())
	}
	if got := stateAnswers(t, repaired, token); !slices.Equal(got, after) {
		t.Fatalf("the engine rebuilt after a damaged state answers %v, want %v", got, after)
	}
}

func damageMiddleByte(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
