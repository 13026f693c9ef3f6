package boltstore_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/events/storetest"
)

// crashDirEnv tells a re-executed test binary to be the writer that gets killed.
const crashDirEnv = "BOLTSTORE_CRASH_WRITER_DIR"

// TestSurvivesKill9 runs a writer in a child process, kills it with SIGKILL while it
// appends, and checks that every append the child saw acknowledged is in the store.
func TestSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	acked := killWriterMidStream(t, dir)

	s, err := boltstore.Open(dir, storetest.NewCodec(t))
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer s.Close()
	total := 0
	for id, v := range acked {
		snap, err := s.Load(context.Background(), id)
		if err != nil || snap.Version < v {
			t.Fatalf("%s: acknowledged version %d, found %d (%v)", id, v, snap.Version, err)
		}
		evs, err := s.Events(context.Background(), id)
		if err != nil || int64(len(evs)) < v {
			t.Fatalf("%s: acknowledged version %d, found %d events (%v)", id, v, len(evs), err)
		}
		total += int(v)
	}
	t.Logf("all %d acknowledged appends of %d plans survived kill -9", total, len(acked))
}

// killWriterMidStream runs TestCrashWriter in a child process on dir, kills it with
// SIGKILL while it appends, and returns the highest version of each plan the child saw
// acknowledged.
func killWriterMidStream(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$", "-test.v=false")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start writer: %v", err)
	}

	acked := map[string]int64{} // aggregate -> highest acknowledged version
	lines := bufio.NewScanner(stdout)
	killAt := time.Now().Add(10 * time.Second)
	for n := 0; lines.Scan(); n++ {
		if id, v, ok := parseAck(lines.Text()); ok {
			acked[id] = max(acked[id], v)
		}
		// Kill mid-stream, once it has written a good amount.
		if n == 400 || time.Now().After(killAt) {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatalf("kill writer: %v", err)
			}
			killAt = time.Now().Add(time.Hour)
		}
	}
	_ = cmd.Wait()
	if len(acked) == 0 {
		t.Fatal("the writer acknowledged nothing before it was killed")
	}
	return acked
}

func parseAck(line string) (string, int64, bool) {
	id, v, ok := strings.Cut(line, " ")
	if !ok || !strings.HasPrefix(id, "crash-") {
		return "", 0, false
	}
	version, err := strconv.ParseInt(v, 10, 64)
	return id, version, err == nil
}

// TestCrashWriter is the child of killWriterMidStream: it appends from several goroutines
// until it is killed, and prints "aggregate version" after each acknowledged append.
func TestCrashWriter(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestSurvivesKill9")
	}
	s, err := boltstore.Open(dir, storetest.NewCodec(t))
	if err != nil {
		t.Fatal(err)
	}
	var out sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			p := storetest.NewPlan(fmt.Sprintf("crash-%d", g), 0)
			if err := s.Append(context.Background(), storetest.CreateCommit(p)); err != nil {
				t.Errorf("create: %v", err)
				return
			}
			report(&out, p.ID, 1)
			for v := int64(1); ; v++ {
				next := storetest.NewPlan(p.ID, int(v))
				if err := s.Append(context.Background(), storetest.ReplaceCommit(p, next, v)); err != nil {
					t.Errorf("replace: %v", err)
					return
				}
				report(&out, p.ID, v+1)
				p = next
			}
		})
	}
	wg.Wait()
}

// report writes one line with one system call, straight to the pipe: nothing sits in
// a buffer that the kill would lose.
func report(mu *sync.Mutex, id string, version int64) {
	mu.Lock()
	defer mu.Unlock()
	_, _ = os.Stdout.WriteString(id + " " + strconv.FormatInt(version, 10) + "\n")
}
