package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/testenv"
)

const stateKept = "embedded search engine unchanged since its state was loaded"

// TestAnUnchangedEngineStateIsKept: a start that loads the saved engine and changes
// nothing (no event appended, nothing written to the engine) leaves the state file as
// it is at shutdown instead of writing the same engine again (1.5 GB at a million
// plans); a change to the engine alone, a replay into a new index with no new event,
// is saved, and the next start answers from it.
func TestAnUnchangedEngineStateIsKept(t *testing.T) {
	dataDir := t.TempDir()
	env := []string{"PLANSTORE_DATA_DIR=" + dataDir}
	statePath := filepath.Join(dataDir, app.EngineStateFile)

	first := startProcess(t, "serve", env, "serve")
	token := mintToken(t, dataDir, "plans:read plans:write")
	if r := call(t, http.MethodPost, first.url+"/v1/plans", token, uniquePlan(t, "kept")); r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	testenv.WaitFor(t, 30*time.Second, "the plan to be searchable", func() bool {
		return searchTotal(t, first, token, stateQueries[0]) == 8
	})
	before := stateAnswers(t, first, token)
	// The projector, the one consumer, has taken the event (the plan is searchable): an
	// event it had not taken would stay in the outbox, reach the next start's engine
	// again and rightly make its shutdown save. The graceful stop settles the outbox.
	first.stop()
	saved := statState(t, statePath)

	idle := startProcess(t, "serve (loads, changes nothing)", env, "serve")
	if !idle.logMentions(engineLoaded) {
		t.Fatalf("the restart did not load the saved state; its log:\n%s", idle.logTail())
	}
	if got := stateAnswers(t, idle, token); !slices.Equal(got, before) {
		t.Fatalf("the loaded engine answers %v, before the restart %v", got, before)
	}
	idle.stop()
	if !idle.logMentions(stateKept) {
		t.Fatalf("a shutdown after no change did not keep the state; the log:\n%s", idle.logTail())
	}
	if kept := statState(t, statePath); !os.SameFile(saved, kept) || !kept.ModTime().Equal(saved.ModTime()) {
		t.Fatalf("the state was written again although nothing changed (%v, then %v)", saved.ModTime(), kept.ModTime())
	}

	replayed := startProcess(t, "serve (loads, then a replay)", env, "serve")
	out, err := exec.Command(binary(t), "replay", "--server", replayed.url, "--data-dir", dataDir, "--json").Output()
	if err != nil {
		t.Fatalf("planstore replay: %v\n%s", err, errOutput(err))
	}
	var status struct {
		State   string `json:"state"`
		IndexTo string `json:"index_to"`
	}
	if err := json.Unmarshal(out, &status); err != nil || status.State != "done" {
		t.Fatalf("replay: %s (%v)", out, err)
	}
	replayed.stop()
	if replayed.logMentions(stateKept) {
		t.Fatalf("the state was kept after a replay changed the engine; the log:\n%s", replayed.logTail())
	}
	if os.SameFile(saved, statState(t, statePath)) {
		t.Fatal("the state was not saved after a replay changed the engine")
	}

	last := startProcess(t, "serve (loads the replayed engine)", env, "serve")
	if !last.logMentions(engineLoaded) {
		t.Fatalf("the start after the replay did not load the saved state; its log:\n%s", last.logTail())
	}
	if got := stateAnswers(t, last, token); !slices.Equal(got, before) {
		t.Fatalf("the engine saved after the replay answers %v, want %v", got, before)
	}
}

func statState(t *testing.T, path string) os.FileInfo {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("the engine state: %v", err)
	}
	return info
}

// TestAStateRemovedWhileServingIsSavedAgain: the engine loaded from a state file that
// was deleted while the server ran (by an operator freeing space, say) is unchanged, but
// its shutdown must write it again rather than trust a file that is no longer there.
func TestAStateRemovedWhileServingIsSavedAgain(t *testing.T) {
	dataDir := t.TempDir()
	env := []string{"PLANSTORE_DATA_DIR=" + dataDir}
	statePath := filepath.Join(dataDir, app.EngineStateFile)
	first := startProcess(t, "serve", env, "serve")
	first.stop()
	statState(t, statePath)

	loaded := startProcess(t, "serve (loads, then its state is removed)", env, "serve")
	if !loaded.logMentions(engineLoaded) {
		t.Fatalf("the restart did not load the saved state; its log:\n%s", loaded.logTail())
	}
	if err := os.Remove(statePath); err != nil {
		t.Fatal(err)
	}
	loaded.stop()
	if loaded.logMentions(stateKept) {
		t.Fatalf("a removed state was taken as kept; the log:\n%s", loaded.logTail())
	}
	statState(t, statePath)
}
