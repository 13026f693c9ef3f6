package esengine_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections/dsltest"
	"github.com/planstore/planstore/projections/esengine"
)

// reloadingEngine answers every request from an engine loaded from the state of the one
// that answered the request before: a test run through it passes only if saving and
// loading keep every answer, write and read alike.
type reloadingEngine struct {
	t  testing.TB
	mu sync.Mutex
	e  *esengine.Engine
}

func (r *reloadingEngine) RoundTrip(req *http.Request) (*http.Response, error) {
	return r.next().RoundTrip(req)
}

// next replaces the engine by its reloaded copy. The lock is released by a defer:
// reload fails the test with t.Fatalf, and the test's cleanup requests must not then
// wait for it forever.
func (r *reloadingEngine) next() *esengine.Engine {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.e = reload(r.t, r.e)
	return r.e
}

// reload saves e and loads the state into a new engine, checking that the new engine
// saves the very same bytes.
func reload(t testing.TB, e *esengine.Engine) *esengine.Engine {
	t.Helper()
	var saved bytes.Buffer
	if err := e.WriteState(&saved, "mark"); err != nil {
		t.Fatalf("saving: %v", err)
	}
	loaded, label, err := esengine.ReadState(bytes.Clone(saved.Bytes()))
	if err != nil {
		t.Fatalf("loading: %v", err)
	}
	if label != "mark" {
		t.Fatalf("label %q after loading, want %q", label, "mark")
	}
	var again bytes.Buffer
	if err := loaded.WriteState(&again, "mark"); err != nil {
		t.Fatalf("saving the loaded engine: %v", err)
	}
	if !bytes.Equal(saved.Bytes(), again.Bytes()) {
		t.Fatalf("the loaded engine saves %d bytes that differ from the %d it was loaded from", again.Len(), saved.Len())
	}
	return loaded
}

// TestConformanceAfterEveryReload runs the conformance suite against an engine that is
// saved and loaded again before every request.
func TestConformanceAfterEveryReload(t *testing.T) {
	client, err := elasticsearch.NewClient(elasticsearch.Config{Transport: &reloadingEngine{t: t, e: esengine.New()}})
	if err != nil {
		t.Fatal(err)
	}
	dsltest.Run(t, client)
}

// unrepeatable masks what two engines answer differently even when their states are
// equal: the time a search took, and the random UUID and the creation time of an index
// created after the copy was loaded. That the saved ones are restored is checked by
// reload, which compares the loaded engine's state byte for byte.
var unrepeatable = regexp.MustCompile(`"took":\d+|"(index_uuid|uuid)":"[A-Za-z0-9_-]{22}"|"creation_date":"\d+"|/[A-Za-z0-9_-]{22}\]`)

// TestLoadedEngineAnswersAsSaved plays the differential script against an engine up to
// a point, loads a copy of it from its state, and plays the rest against both: every
// answer, status and bytes, must be the same.
func TestLoadedEngineAnswersAsSaved(t *testing.T) {
	script := differentialScript("state")
	for cut := 0; cut <= len(script); cut += 7 {
		saved := esengine.New()
		for _, ex := range script[:cut] {
			send(t, saved, "http://engine", ex)
		}
		loaded := reload(t, saved)
		for _, ex := range script[cut:] {
			wantStatus, want := send(t, saved, "http://engine", ex)
			gotStatus, got := send(t, loaded, "http://engine", ex)
			want, got = unrepeatable.ReplaceAll(want, nil), unrepeatable.ReplaceAll(got, nil)
			if wantStatus != gotStatus || !bytes.Equal(want, got) {
				t.Fatalf("loaded after %d requests, %s %s %s\n saved:  %d %s\n loaded: %d %s", cut, ex.method, ex.path, ex.body, wantStatus, want, gotStatus, got)
			}
		}
	}
}

// savedFixture is the state of an engine after the differential script: several
// indices, an alias, joins, routing, tombstones and dynamic mappings.
func savedFixture(t testing.TB) []byte {
	e := esengine.New()
	for _, ex := range differentialScript("fixture") {
		send(t, e, "http://engine", ex)
	}
	var buf bytes.Buffer
	if err := e.WriteState(&buf, "mark"); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDamagedStateIsRefused changes every byte of a state, and cuts it at every length:
// each must fail to load with ErrCorruptState.
func TestDamagedStateIsRefused(t *testing.T) {
	state := savedFixture(t)
	if _, _, err := esengine.ReadState(bytes.Clone(state)); err != nil {
		t.Fatalf("the intact state does not load: %v", err)
	}
	check := func(what string, damaged []byte) {
		t.Helper()
		_, _, err := esengine.ReadState(damaged)
		if !errors.Is(err, esengine.ErrCorruptState) {
			t.Fatalf("%s: loading gave %v, want an ErrCorruptState", what, err)
		}
	}
	for i := range state {
		damaged := bytes.Clone(state)
		damaged[i] ^= 0x5a
		check(fmt.Sprintf("byte %d changed", i), damaged)
	}
	for n := range len(state) {
		check(fmt.Sprintf("cut at %d of %d bytes", n, len(state)), bytes.Clone(state[:n]))
	}
	check("a byte appended", append(bytes.Clone(state), 0))
}

// FuzzLoadState: whatever the bytes, loading returns an error or an engine that saves
// exactly those bytes again (so nothing was silently dropped or changed); never a
// panic. The fixture is not compared with: each fuzzing worker makes its own, with
// other random UUIDs.
func FuzzLoadState(f *testing.F) {
	state := savedFixture(f)
	f.Add(state)
	f.Add(state[:len(state)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		e, label, err := esengine.ReadState(bytes.Clone(data))
		if err != nil {
			return
		}
		var again bytes.Buffer
		if err := e.WriteState(&again, label); err != nil {
			t.Fatalf("saving a loaded engine: %v", err)
		}
		if !bytes.Equal(again.Bytes(), data) {
			t.Fatalf("%d bytes loaded as an engine that saves %d other bytes", len(data), again.Len())
		}
	})
}

// TestSaveStateReplacesTheFile: SaveState writes through a temporary file, leaves no
// other file behind, and LoadState reads what it wrote.
func TestSaveStateReplacesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "engine.state")
	if err := os.WriteFile(path, []byte("an older, broken state"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := esengine.New()
	for _, ex := range differentialScript("file")[:20] {
		send(t, e, "http://engine", ex)
	}
	if err := e.SaveState(path, "log@42"); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil || len(entries) != 1 {
		t.Fatalf("the directory holds %v (%v), want the state file alone", entries, err)
	}
	if label, err := esengine.StateLabel(path); err != nil || label != "log@42" {
		t.Fatalf("StateLabel: %q, %v", label, err)
	}
	loaded, label, err := esengine.LoadState(path)
	if err != nil || label != "log@42" {
		t.Fatalf("LoadState: %q, %v", label, err)
	}
	reload(t, loaded)
	for n := range 40 {
		cut := filepath.Join(t.TempDir(), "cut")
		state, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cut, state[:n], 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := esengine.StateLabel(cut); !errors.Is(err, esengine.ErrCorruptState) {
			t.Fatalf("the label of a state cut at %d bytes: %v, want an ErrCorruptState", n, err)
		}
	}
	if _, _, err := esengine.LoadState(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("loading a missing file: %v, want os.ErrNotExist", err)
	}
}
