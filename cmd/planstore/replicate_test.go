package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/planstore/planstore/transport/testenv"
)

// replicator is a `planstore replicate` process.
type replicator struct {
	cmd *exec.Cmd
	out bytes.Buffer
}

func startReplicate(t *testing.T, pgURL, source, token string, extra ...string) *replicator {
	t.Helper()
	bin := binary(t)
	r := &replicator{}
	args := append([]string{"replicate", "--postgres-url", pgURL, "--source-url", source, "--token", token, "--poll", "50ms"}, extra...)
	r.cmd = exec.Command(bin, args...)
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			_ = r.cmd.Process.Kill()
			_ = r.cmd.Wait()
		}
	})
	return r
}

// TestReplicateSurvivesKill9: a load of creates, patches and deletes while `planstore
// replicate` copies the feed into PostgreSQL, with a kill -9 of the replicator in the
// middle; after a restart catches up, the plans table equals planstore's plans exactly
// (version, document, deleted) and plan_events holds every event once.
func TestReplicateSurvivesKill9(t *testing.T) {
	pgURL := testenv.Postgres(t)
	dataDir := t.TempDir()
	serve := startProcess(t, "serve", []string{"PLANSTORE_DATA_DIR=" + dataDir}, "serve")
	token := mintToken(t, dataDir, "plans:read plans:write")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())

	const plans = 24
	ids := make([]string, plans)
	var wg sync.WaitGroup
	load := func(from, to int) {
		defer wg.Done()
		for i := from; i < to; i++ {
			id := fmt.Sprintf("plan-rep-%d", i)
			ids[i] = id
			mustCall(t, http.MethodPost, serve.url+"/v1/plans", token, uniquePlan(t, fmt.Sprintf("rep-%d", i)))
			for p := range 3 {
				mustCall(t, http.MethodPatch, serve.url+"/v1/plans/"+id, token, []byte(fmt.Sprintf(`{"planCostShares":{"copay":%d}}`, 100*i+p)))
			}
			if i%4 == 0 {
				mustCall(t, http.MethodDelete, serve.url+"/v1/plans/"+id, token, nil)
			}
			if i%8 == 0 { // deleted and created again
				mustCall(t, http.MethodPost, serve.url+"/v1/plans", token, uniquePlan(t, fmt.Sprintf("rep-%d", i)))
			}
		}
	}
	wg.Add(2)
	go load(0, plans/2)
	go load(plans/2, plans)

	rep := startReplicate(t, pgURL, serve.url, token, "--batch", "7")
	testenv.WaitFor(t, 60*time.Second, "the replicator to commit some pages", func() bool {
		var n int
		return db.QueryRow(ctx, `SELECT count(*) FROM plan_events`).Scan(&n) == nil && n >= 20
	})
	_ = rep.cmd.Process.Kill() // kill -9, mid-load
	_ = rep.cmd.Wait()
	wg.Wait()

	again := startReplicate(t, pgURL, serve.url, token, "--once", "--batch", "7")
	if err := again.cmd.Wait(); err != nil {
		t.Fatalf("replicate --once: %v\n%s", err, again.out.String())
	}
	if !strings.Contains(again.out.String(), "replicated") {
		t.Fatalf("replicate said: %s", again.out.String())
	}

	for _, id := range ids {
		var version int64
		var doc []byte
		var deleted bool
		if err := db.QueryRow(ctx, `SELECT version, document, deleted FROM plans WHERE id = $1`, id).Scan(&version, &doc, &deleted); err != nil {
			t.Fatalf("plan %s: %v", id, err)
		}
		r := call(t, http.MethodGet, serve.url+"/v1/plans/"+id, token, nil)
		hist := call(t, http.MethodGet, serve.url+"/v1/plans/"+id+"/events", token, nil)
		var evs []json.RawMessage
		_ = json.Unmarshal(hist.body, &evs)
		if version != int64(len(evs)) {
			t.Fatalf("plan %s at version %d in PostgreSQL, %d in planstore", id, version, len(evs))
		}
		switch r.status {
		case http.StatusOK:
			if deleted || !sameJSONDoc(t, doc, r.body) {
				t.Fatalf("plan %s differs: deleted=%v\npostgres: %s\nplanstore: %s", id, deleted, doc, r.body)
			}
		case http.StatusNotFound:
			if !deleted || doc != nil {
				t.Fatalf("plan %s deleted in planstore, not in PostgreSQL", id)
			}
		default:
			t.Fatalf("GET %s: %d", id, r.status)
		}
	}
	var rows, events, distinct int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM plans`).Scan(&rows)
	_ = db.QueryRow(ctx, `SELECT count(*), count(DISTINCT event_id) FROM plan_events`).Scan(&events, &distinct)
	feed := call(t, http.MethodGet, serve.url+"/v1/events?limit=1000", token, nil)
	var page struct {
		Events []json.RawMessage `json:"events"`
	}
	_ = json.Unmarshal(feed.body, &page)
	if rows != plans || events != len(page.Events) || distinct != events {
		t.Fatalf("%d plan rows (want %d), %d event rows, %d distinct (feed has %d)", rows, plans, events, distinct, len(page.Events))
	}
	t.Logf("%d plans and %d events equal after a kill -9 of replicate", rows, events)
}

func mustCall(t *testing.T, method, url, token string, body []byte) {
	t.Helper()
	if r := call(t, method, url, token, body); r.status >= 300 {
		t.Errorf("%s %s: %d %s", method, url, r.status, r.body)
	}
}

func sameJSONDoc(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
