package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"

	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/testenv"
)

// redisDBConsole is this test's own Redis database.
const redisDBConsole = 2

// consoleScript is the browser half of the test (playwright-core, driving Debian's
// chromium); CI installs both (deployments/test-services/with-services.sh).
const consoleScript = "testdata/console"

// TestAdminConsoleInABrowser runs the four roles as separate processes on Redis,
// RabbitMQ and Elasticsearch, and has headless Chromium use the console served by the
// query API: sign in, see every role, watch a killed projector turn red and come back,
// redeliver a dead letter, browse a plan's history, search, replay. Screenshots of each
// page are kept in the test's artifact directory (go test -artifacts), or in
// $PLANSTORE_CONSOLE_ARTIFACTS.
func TestAdminConsoleInABrowser(t *testing.T) {
	chromium := browserPrerequisites(t)
	testenv.Redis(t, redisDBConsole)
	amqpURL := testenv.Vhost(t)
	esURL := os.Getenv("PLANSTORE_TEST_ES_URL")
	if esURL == "" {
		testenv.Unavailable(t, "PLANSTORE_TEST_ES_URL: the projector runs as its own process only on Elasticsearch")
	}
	resetReadModel(t, esURL)
	dataDir := t.TempDir()
	env := []string{
		"PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBConsole),
		"PLANSTORE_AMQP_URL=" + amqpURL,
		"PLANSTORE_DATA_DIR=" + dataDir,
		"PLANSTORE_ES_URL=" + esURL,
	}
	commandAPI := startProcess(t, "command-api", env, "command-api")
	startProcess(t, "relay", env, "relay")
	projectorAddr := freeAddr(t)
	projector := startProcessAt(t, "projector", env, projectorAddr, "projector")
	queryAPI := startProcess(t, "query-api", env, "query-api")

	writer := mintToken(t, dataDir, "plans:read plans:write")
	admin := mintToken(t, dataDir, "plans:read plans:write plans:admin plans:operator")

	// A plan with a history: created, then patched.
	planID := "plan-console"
	if r := call(t, http.MethodPost, commandAPI.url+"/v1/plans", writer, uniquePlan(t, "console")); r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	patch := []byte(`{"planType":"outOfNetwork"}`)
	if r := call(t, http.MethodPatch, commandAPI.url+"/v1/plans/"+planID, writer, patch,
		"Content-Type", "application/merge-patch+json"); r.status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	// A dead letter: an event the projector gave up on, for a plan it never indexed.
	deadLetterID, deadLetterPlan := deadLetter(t, amqpURL)

	artifacts := os.Getenv("PLANSTORE_CONSOLE_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.ArtifactDir()
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	script := exec.Command("node", "console.mjs")
	script.Dir = consoleScript
	script.Env = append(os.Environ(),
		"CHROMIUM="+chromium,
		"CONSOLE_URL="+queryAPI.url,
		"CONSOLE_TOKEN="+admin,
		"CONSOLE_ARTIFACTS="+artifacts,
		"CONSOLE_ROLES=command-api,query-api,relay,projector",
		"CONSOLE_PROJECTOR_ID=projector@"+host+":"+portOf(projectorAddr),
		"CONSOLE_PLAN_ID="+planID,
		"CONSOLE_DEAD_LETTER_ID="+deadLetterID,
		"CONSOLE_DEAD_LETTER_PLAN="+deadLetterPlan,
	)
	stdin, err := script.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := script.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	script.Stderr = &stderr
	if err := script.Start(); err != nil {
		t.Fatalf("node: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	go func() {
		<-ctx.Done()
		_ = script.Process.Kill() // a hung browser must not hang the test
	}()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		t.Log("browser:", line)
		verb, ok := strings.CutPrefix(line, "CONTROL ")
		if !ok {
			continue
		}
		switch verb {
		case "kill projector":
			projector.kill()
		case "start projector":
			projector = startProcessAt(t, "projector", env, projectorAddr, "projector")
		default:
			t.Errorf("unknown control %q", verb)
		}
		fmt.Fprintln(stdin, "ok")
	}
	if err := script.Wait(); err != nil {
		t.Fatalf("browser test failed: %v\n%s\nscreenshots in %s", err, stderr.String(), artifacts)
	}
	t.Logf("screenshots in %s", artifacts)
	for _, p := range []*process{commandAPI, queryAPI, projector} {
		if p.logMentions(admin) {
			t.Errorf("%s logged the bearer token", p.name)
		}
	}
	// The redelivery was audited.
	r := call(t, http.MethodGet, queryAPI.url+"/v1/admin/actions", admin, nil)
	if !strings.Contains(string(r.body), `"dead-letter.redeliver"`) || !strings.Contains(string(r.body), deadLetterID) {
		t.Errorf("the audit trail lacks the redelivery: %s", r.body)
	}
}

// browserPrerequisites returns Chromium's path, or skips (fails under CI) without it,
// node or the script's node_modules.
func browserPrerequisites(t *testing.T) string {
	t.Helper()
	chromium := os.Getenv("PLANSTORE_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		testenv.Unavailable(t, "chromium (apt-get install chromium): %v", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		testenv.Unavailable(t, "node: %v", err)
	}
	if _, err := os.Stat(filepath.Join(consoleScript, "node_modules", "playwright-core")); err != nil {
		testenv.Unavailable(t, "playwright-core (npm ci in %s): %v", consoleScript, err)
	}
	return chromium
}

// deadLetter puts a plan.created event straight into the projector's dead-letter queue,
// as the projector's poison handling would have, and returns its id and plan.
func deadLetter(t *testing.T, amqpURL string) (id, planID string) {
	t.Helper()
	planID = "plan-deadletter"
	var doc map[string]any
	if err := json.Unmarshal(uniquePlan(t, "deadletter"), &doc); err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(doc)
	codec, err := events.NewPlanCodec()
	if err != nil {
		t.Fatal(err)
	}
	e := events.Envelope{
		ID: "0f6c1d1e-7b3a-4c55-9a51-dead1e77e401", Type: "plan.created", SchemaVersion: 1,
		AggregateType: "plan", AggregateID: planID, Version: 1, OccurredAt: time.Now().UTC(),
		Actor: "console-test", CorrelationID: "console-dead-letter", Data: events.Data{Before: json.RawMessage("null"), After: after},
	}
	msg, err := messaging.NewEventMessage(codec, e)
	if err != nil {
		t.Fatal(err)
	}
	headers := amqp091.Table{"_watermill_message_uuid": msg.UUID, "reason_poisoned": "the test put it here"}
	for k, v := range msg.Metadata {
		headers[k] = v
	}
	testenv.WithChannel(t, amqpURL, func(ch *amqp091.Channel) {
		if err := ch.Confirm(false); err != nil {
			t.Fatal(err)
		}
		queue := messaging.DeadLetterQueueName("projector")
		conf, err := ch.PublishWithDeferredConfirm("", queue, true, false, amqp091.Publishing{
			Headers: headers, DeliveryMode: amqp091.Persistent, Body: msg.Payload, ContentType: "application/json",
		})
		if err != nil {
			t.Fatal(err)
		}
		if !conf.Wait() {
			t.Fatal("the broker did not confirm the dead letter")
		}
	})
	return e.ID, planID
}

// startProcessAt starts a role on a fixed address, so that a restart is the same
// instance to the system view.
func startProcessAt(t *testing.T, name string, env []string, addr string, args ...string) *process {
	t.Helper()
	return startProcess(t, name, append(env[:len(env):len(env)], "PLANSTORE_TEST_ADDR="+addr), args...)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	for port := 18700; port < 18800; port++ {
		addr := "127.0.0.1:" + strconv.Itoa(port)
		if c, err := (&net.Dialer{Timeout: 200 * time.Millisecond}).Dial("tcp", addr); err == nil {
			c.Close()
			continue
		}
		return addr
	}
	t.Fatal("no free port in 18700-18799")
	return ""
}

func portOf(addr string) string { return addr[strings.LastIndexByte(addr, ':')+1:] }
