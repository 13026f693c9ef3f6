package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/imports/importtest"
	"github.com/planstore/planstore/transport/testenv"
)

// Lines of the cut-off upload: two full chunks of 500 are stored before the kill; the
// 10 lines after them are still in the killed server's memory and never arrive.
const (
	interruptStored = 1000
	interruptSent   = interruptStored + 10
)

// uploadUntilKilled starts an upload through a pipe, sends interruptSent lines, waits
// until the server has stored interruptStored of them, and kills it with SIGKILL in the
// middle of the upload. It returns the job the server logged.
func uploadUntilKilled(t *testing.T, p *process, token, prefix string) string {
	t.Helper()
	body, w := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, p.url+"/v1/imports", body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	answered := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("the upload was answered %d before its end", resp.StatusCode)
		}
		answered <- err
	}()
	go func() {
		for i := 1; i <= interruptSent; i++ {
			id := fmt.Sprintf("%s-%d", prefix, i)
			if _, err := io.WriteString(w, importtest.Plan(id, id, 1)+"\n"); err != nil {
				return
			}
		}
		// The upload stays open: the server is killed before its end.
	}()
	t.Cleanup(func() { w.Close() })
	var job string
	testenv.WaitFor(t, 2*time.Minute, "the server to log the upload's job", func() bool {
		job = loggedImportJob(p)
		return job != ""
	})
	testenv.WaitFor(t, 2*time.Minute, "the first chunks to be stored", func() bool {
		st, _ := importStatus(t, p, token, "/v1/imports/"+job)
		return st.Lines >= interruptStored
	})
	p.kill()
	// The client only notices the dead connection when it writes again: end the body.
	w.Close()
	select {
	case err := <-answered:
		if err != nil && strings.Contains(err.Error(), "answered") {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the cut-off upload did not return")
	}
	t.Logf("killed %s mid-upload of job %s", p.name, job)
	return job
}

func loggedImportJob(p *process) string {
	for _, line := range strings.Split(p.logText(), "\n") {
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) == nil && entry["msg"] == "import upload started" {
			job, _ := entry["job"].(string)
			return job
		}
	}
	return ""
}

func checkInterrupted(t *testing.T, st imports.Status) {
	t.Helper()
	want := fmt.Sprintf("upload interrupted at line %d:", interruptStored+1)
	if st.State != imports.StateFailed || st.Lines != interruptStored || st.Counts["created"] != interruptStored ||
		st.Processed != interruptStored || !strings.HasPrefix(st.Error, want) {
		t.Fatalf("job %s, %d lines, %v, %q; want failed, %d lines created, %q", st.State, st.Lines, st.Counts, st.Error, interruptStored, want)
	}
}

// TestImportUploadCutOffByKillEmbedded: kill -9 of the embedded serve during an upload;
// the restarted serve ends the job failed at the line where it broke off, with the lines
// stored before counted.
func TestImportUploadCutOffByKillEmbedded(t *testing.T) {
	dataDir := t.TempDir()
	env := []string{"PLANSTORE_DATA_DIR=" + dataDir}
	serve := startProcess(t, "serve", env, "serve")
	token := mintToken(t, dataDir, "plans:read plans:write")
	job := uploadUntilKilled(t, serve, token, "cutembedded")
	restarted := startProcess(t, "serve (restarted)", env, "serve")
	var st imports.Status
	testenv.WaitFor(t, 2*time.Minute, "the cut-off job to end", func() bool {
		st, _ = importStatus(t, restarted, token, "/v1/imports/"+job)
		return st.State.Final()
	})
	checkInterrupted(t, st)
}

// TestImportUploadCutOffByKillRabbitMQ: on Redis and RabbitMQ, the command API taking an
// upload is killed with SIGKILL mid-upload; nothing restarts it. The `worker` process
// sees the upload's lease lapse, seals the job failed at the line where it broke off,
// and the job ends once the lines stored before are imported.
func TestImportUploadCutOffByKillRabbitMQ(t *testing.T) {
	client := testenv.Redis(t, redisDBImports)
	dataDir := t.TempDir()
	env := []string{"PLANSTORE_DATA_DIR=" + dataDir, "PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBImports),
		"PLANSTORE_AMQP_URL=" + testenv.Vhost(t), "PLANSTORE_IMPORT_UPLOAD_LEASE=2s"}
	api := startProcess(t, "serve", append(env, "PLANSTORE_IMPORT_WORKERS=-1"), "serve") // takes uploads only
	token := mintToken(t, dataDir, "plans:read plans:write")
	startProcess(t, "worker", env, "worker")
	job := uploadUntilKilled(t, api, token, "cutrabbit")
	jobs := imports.NewRedisStore(client, "")
	var j imports.Job
	testenv.WaitFor(t, 2*time.Minute, "the worker to end the cut-off job", func() bool {
		var err error
		if j, err = jobs.Job(context.Background(), job); err != nil {
			t.Fatal(err)
		}
		return j.State.Final()
	})
	checkInterrupted(t, imports.StatusOf(j, time.Now()))
}
