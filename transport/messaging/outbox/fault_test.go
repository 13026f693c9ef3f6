package outbox_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/transport/messaging/amqp"
	"github.com/planstore/planstore/transport/messaging/outbox"
	"github.com/planstore/planstore/transport/testenv"
)

// load commits plans x versions events to a store from a few writers, as the command
// side would under traffic, until all are committed or it is stopped.
type load struct {
	mu        sync.Mutex
	committed []string
	done      chan struct{}
	err       error
	// stop ends the writers early; it may be called more than once.
	stop func()
}

func startLoad(store appender, prefix string, plans, versions, writers int) *load {
	stop := make(chan struct{})
	l := &load{done: make(chan struct{}), stop: sync.OnceFunc(func() { close(stop) })}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := 1; v <= versions; v++ {
				for p := w; p < plans; p += writers {
					select {
					case <-stop:
						return
					default:
					}
					c := commitFor(prefix, p, v)
					if err := store.Append(context.Background(), c); err != nil {
						l.mu.Lock()
						l.err = errors.Join(l.err, fmt.Errorf("append %s v%d: %w", c.AggregateID, v, err))
						l.mu.Unlock()
						return
					}
					l.mu.Lock()
					l.committed = append(l.committed, c.Events[0].ID)
					l.mu.Unlock()
				}
			}
		}()
	}
	go func() { wg.Wait(); close(l.done) }()
	return l
}

func (l *load) finished() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

func (l *load) ids() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.committed...)
}

// wait waits for the writers to end and returns the ids they committed; a failed append
// fails the test.
func (l *load) wait(t *testing.T) []string {
	t.Helper()
	<-l.done
	if l.err != nil {
		t.Fatal(l.err)
	}
	return l.ids()
}

// stopOnceFlowing waits until got has 200 more events than it had at since (or the load
// ended and got has any more), then stops the load and returns what it committed.
func (l *load) stopOnceFlowing(t *testing.T, what string, got *sink, since int) []string {
	t.Helper()
	testenv.WaitFor(t, 120*time.Second, what, func() bool {
		return got.distinct() >= since+200 || l.finished() && got.distinct() > since
	})
	l.stop()
	return l.wait(t)
}

// eventStore is what the fault tests need of a real event store.
type eventStore interface {
	appender
	outbox.Outbox
}

// realStores are the event stores the fault tests run against.
var realStores = []struct {
	name string
	open func(t *testing.T) eventStore
}{
	{"redis", func(t *testing.T) eventStore { return openRedisStore(t) }},
	{"bolt", func(t *testing.T) eventStore { return testenv.BoltStore(t) }},
}

// redisTestDB is this package's own Redis database.
const redisTestDB = 14

func openRedisStore(t testing.TB) *redisstore.Store {
	t.Helper()
	client := testenv.Redis(t, redisTestDB)
	store, err := redisstore.New(context.Background(), client, testenv.PlanCodec(t), redisstore.WithLogger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

func TestRelayAndConsumersSurviveABrokerRestartUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts RabbitMQ")
	}
	if raceDetector {
		// watermill-amqp v2.1.3 reconnects by replacing ConnectionWrapper.connected
		// without synchronisation, which the race detector reports inside the library.
		t.Skip("watermill-amqp's reconnect is racy by design; run this test without -race")
	}
	for _, s := range realStores {
		t.Run(s.name, func(t *testing.T) {
			testenv.ExclusiveBroker(t) // other packages' tests wait while the broker restarts
			url := testenv.Vhost(t)
			store := s.open(t)
			bus := newAMQPBus(t, url, "audit", "projector")
			reg := prometheus.NewRegistry()
			relay, consumers, got := newPipeline(t, reg, store, bus, "audit")
			// A concurrent consumer too: its one AMQP consumer must come back.
			concurrent := newSink()
			projector := concurrent.consumer("projector")
			projector.Concurrency = 8
			if err := consumers.AddConsumer(bus, projector); err != nil {
				t.Fatal(err)
			}
			testenv.RunRouter(t, consumers)
			testenv.RunRouter(t, relay)

			// Up to 10,000 events; the test stops the load once traffic flows again.
			l := startLoad(store, "restart", 100, 100, 4)
			defer l.stop()
			testenv.WaitFor(t, 60*time.Second, "traffic before the restart", func() bool { return got.distinct() >= 200 })

			testenv.RestartBroker(t, 5*time.Second) // commits go on while the broker is down
			committed := l.stopOnceFlowing(t, "traffic after the restart", got, got.distinct())
			testenv.WaitFor(t, 120*time.Second, "every committed event at the consumers", func() bool {
				return got.distinct() >= len(committed) && concurrent.distinct() >= len(committed)
			})
			got.check(t, committed)
			concurrent.checkExactlyOnce(t, committed)
			testenv.WaitFor(t, 30*time.Second, "relay and consumer ready again", func() bool { return relay.Ready() == nil && consumers.Ready() == nil })
			testenv.WaitFor(t, 30*time.Second, "the projector's consumer back", func() bool {
				_, n := testenv.Queue(t, url, "planstore.projector")
				return n == 1
			})
			t.Logf("%d events committed; relay retried %v publishes; consumer skipped %v duplicates",
				len(committed), counterValue(t, reg, "planstore_relay_publish_failures_total"), counterValue(t, reg, "planstore_messaging_duplicates_total"))
		})
	}
}

// Environment of the relay child process of TestRelaySurvivesKill9.
const (
	childDirEnv    = "PLANSTORE_TEST_RELAY_CHILD_DIR"   // data dir of the bolt store and the committed ids
	childRedisEnv  = "PLANSTORE_TEST_RELAY_CHILD_REDIS" // Redis URL: relay the Redis store instead
	childAMQPEnv   = "PLANSTORE_TEST_RELAY_CHILD_AMQP"
	childPlansEnv  = "PLANSTORE_TEST_RELAY_CHILD_PLANS" // 0: relay only
	committedFile  = "committed.ids"
	childVersions  = 20
	childWriters   = 4
	childReadyLine = "relay running"
)

// TestRelayChildProcess is not a test: it is the relay process that
// TestRelaySurvivesKill9 starts (and kills). It relays the Redis store, or an embedded
// store in its data dir, to RabbitMQ; with plans > 0 it also commits events, writing
// each committed id to a file.
func TestRelayChildProcess(t *testing.T) {
	dir := os.Getenv(childDirEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestRelaySurvivesKill9")
	}
	// Catch SIGTERM before announcing readiness: the parent may stop this relay as soon
	// as it has delivered everything, which can be right after it starts.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	codec := testenv.PlanCodec(t)
	var store eventStore
	if redisURL := os.Getenv(childRedisEnv); redisURL != "" {
		s, err := redisstore.Dial(context.Background(), redisURL, codec, redisstore.WithLogger(testLogger(t)))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		store = s
	} else {
		s, err := boltstore.Open(dir, codec, boltstore.WithLockTimeout(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		store = s
	}
	bus, err := amqp.New(amqp.Config{URL: os.Getenv(childAMQPEnv), Logger: testLogger(t), Consumers: []string{"audit"}})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	relay := newRouter(t, prometheus.NewRegistry())
	addRelay(t, relay, store, bus)
	stopRelay := testenv.RunRouter(t, relay)
	fmt.Println(childReadyLine)

	plans, _ := strconv.Atoi(os.Getenv(childPlansEnv))
	if plans > 0 {
		f, err := os.OpenFile(filepath.Join(dir, committedFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var mu sync.Mutex
		rec := recordingStore{store: store, record: func(id string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintln(f, id) // the page cache survives kill -9; no fsync needed
		}}
		startLoad(rec, "kill", plans, childVersions, childWriters).wait(t)
	}
	<-sig
	stopRelay()
}

// recordingStore records every committed event id after its Append returned.
type recordingStore struct {
	store  appender
	record func(id string)
}

func (r recordingStore) Append(ctx context.Context, c events.Commit) error {
	if err := r.store.Append(ctx, c); err != nil {
		return err
	}
	for _, e := range c.Events {
		r.record(e.ID)
	}
	return nil
}

// TestRelaySurvivesKill9 kills a relay process mid-load and starts another: nothing
// committed is lost, and what the killed relay published without marking it relayed is
// published again and absorbed by the consumer's deduplication.
//
// With Redis the test process commits and the relay processes only relay, as in the
// distributed deployment; with the embedded store (one process per data dir) the
// first relay process also commits.
func TestRelaySurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs relay processes")
	}
	for _, kind := range []string{"redis", "bolt"} {
		t.Run(kind, func(t *testing.T) {
			url := testenv.Vhost(t)
			dir := t.TempDir()
			reg := prometheus.NewRegistry()
			bus := newAMQPBus(t, url, "audit")
			consumers := newRouter(t, reg)
			got := newSink()
			if err := consumers.AddConsumer(bus, got.consumer("audit")); err != nil {
				t.Fatal(err)
			}
			testenv.RunRouter(t, consumers)

			env := []string{childDirEnv + "=" + dir, childAMQPEnv + "=" + url}
			var l *load
			childPlans := 60 // x childVersions = 1,200 events
			if kind == "redis" {
				store := openRedisStore(t)
				env = append(env, childRedisEnv+"="+testenv.RedisURL(redisTestDB))
				childPlans = 0
				l = startLoad(store, "kill", 100, 100, 4)
				defer l.stop()
			}

			first := startChild(t, env, childPlans)
			testenv.WaitFor(t, 120*time.Second, "traffic through the first relay", func() bool { return got.distinct() >= 200 })
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = first.Wait()
			killedAt := got.distinct()

			second := startChild(t, env, 0)
			var committed []string
			if l != nil {
				committed = l.stopOnceFlowing(t, "traffic through the second relay", got, killedAt)
			} else {
				committed = readIDs(t, filepath.Join(dir, committedFile))
			}
			testenv.WaitFor(t, 120*time.Second, "every committed event at the consumer", func() bool { return got.distinct() >= len(committed) })
			if err := second.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := second.Wait(); err != nil {
				t.Errorf("second relay: %v", err)
			}
			got.check(t, committed)
			t.Logf("killed the first relay when %d events had reached the consumer; %d committed in all; consumer skipped %v duplicates",
				killedAt, len(committed), counterValue(t, reg, "planstore_messaging_duplicates_total"))
		})
	}
}

// startChild re-executes the test binary as a relay process and waits until it relays.
func startChild(t *testing.T, env []string, plans int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRelayChildProcess$", "-test.v", "-test.timeout=10m")
	cmd.Env = append(append(os.Environ(), env...), childPlansEnv+"="+strconv.Itoa(plans))
	cmd.Stderr = t.Output()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan struct{})
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if scanner.Text() == childReadyLine {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(120 * time.Second):
		t.Fatal("relay child did not start within 120s")
	}
	return cmd
}

// readIDs reads the committed ids; a line cut short by kill -9 is not an id.
func readIDs(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if line := scanner.Text(); len(line) == 36 {
			out = append(out, line)
		}
	}
	return out
}

func counterValue(t testing.TB, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, f := range families {
		if f.GetName() == name {
			for _, m := range f.GetMetric() {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}
