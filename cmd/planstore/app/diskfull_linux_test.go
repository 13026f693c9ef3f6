package app_test

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/planstore/planstore/transport/testenv"
)

// mountTmpfs mounts a tmpfs of size bytes at a new directory and unmounts it when the
// test ends, failed or not. Without the right to mount (not root, or a container
// without CAP_SYS_ADMIN) the test skips, or fails under CI=true.
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tmpfs")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		testenv.Unavailable(t, "mount a tmpfs at %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fillVolume writes a file into dir until the volume is full and returns its path.
func fillVolume(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	// Appends, so a second call takes up whatever space was given back since the first.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill %s: %v", path, err)
			}
			return path
		}
	}
}

// Issue 22: on a full disk a write is 507 with problem+json, /readyz is 503 naming the
// event store while the disk stays full, and once space is freed both recover without
// a restart. Nothing acknowledged is lost.
func TestFullDiskIs507AndRecovers(t *testing.T) {
	dataDir := mountTmpfs(t, 8<<20)
	m := startServe(t, dataDir)
	c := newClient(t, m, dataDir)

	var stored []string
	create := func(i int) response {
		doc := planWithIDs(t, fmt.Sprintf("full-%d", i))
		r := c.do(http.MethodPost, "/v1/plans", doc)
		if r.status == http.StatusCreated {
			stored = append(stored, objectID(t, doc))
		}
		return r
	}
	expectStatus(t, create(0), http.StatusCreated)
	filler := fillVolume(t, dataDir)

	// The store file has some room left from its last growth; keep writing until the
	// volume refuses. Every answer is 201 or 507, never a 500.
	var full response
	for i := 1; ; i++ {
		r := create(i)
		if r.status == http.StatusInsufficientStorage {
			full = r
			break
		}
		if r.status != http.StatusCreated {
			t.Fatalf("create %d on a filling disk: %d %s", i, r.status, r.body)
		}
		if i == 5000 {
			t.Fatal("5000 plans fitted on a full volume")
		}
	}
	t.Logf("%d plans stored before the volume refused: %s", len(stored), full.body)
	p := expectProblem(t, full, http.StatusInsufficientStorage)
	if p["type"] != "urn:planstore:problem:storage-full" || p["correlation_id"] == "" {
		t.Errorf("problem %s", full.body)
	}
	// Every other write is refused the same way while the disk is full.
	expectStatus(t, c.do(http.MethodPatch, "/v1/plans/"+stored[0], []byte(`{"planType":"x"}`)), http.StatusInsufficientStorage)

	// A commit that failed can give back what it had grown the file by (tmpfs frees it at
	// once); take that up too, so the volume is full when /readyz probes it.
	fillVolume(t, dataDir)
	ready := c.do(http.MethodGet, "/readyz", nil)
	if ready.status != http.StatusServiceUnavailable || !strings.Contains(string(ready.body), `"event_store":"down: `) ||
		!strings.Contains(string(ready.body), "events.db") {
		t.Fatalf("/readyz on a full disk: %d %s", ready.status, ready.body)
	}

	t.Logf("/readyz on a full disk: %s", ready.body)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 30*time.Second, "/readyz to recover once space is freed", func() bool {
		return c.do(http.MethodGet, "/readyz", nil).status == http.StatusOK
	})
	expectStatus(t, create(100000), http.StatusCreated)
	expectStatus(t, c.do(http.MethodPatch, "/v1/plans/"+stored[0], []byte(`{"planType":"after"}`)), http.StatusOK)
	for _, id := range stored {
		expectStatus(t, c.do(http.MethodGet, "/v1/plans/"+id, nil), http.StatusOK)
	}
}
