package amqp_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/amqp"
	"github.com/planstore/planstore/transport/messaging/bustest"
	"github.com/planstore/planstore/transport/testenv"
)

// clusterPort is node 1's AMQP port of this package's RabbitMQ cluster (5711-5713);
// cmd/planstore/app's tests use another.
const clusterPort = 5711

func TestMain(m *testing.M) { testenv.RunStoppingRabbitClusters(m) }

func quorumBus(t testing.TB, urls string, consumers ...string) *amqp.Bus {
	t.Helper()
	return testenv.AMQPBus(t, amqp.Config{
		URL: urls, QueueType: amqp.QueueQuorum, Logger: bustest.Logger(t), Consumers: consumers, DrainTimeout: 20 * time.Second,
	})
}

// confirmedLog is what the publisher got confirmed, per plan in version order.
type confirmedLog struct {
	mu   sync.Mutex
	sent []events.Envelope
}

func (l *confirmedLog) add(e events.Envelope) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent = append(l.sent, e)
}

func (l *confirmedLog) All() []events.Envelope {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]events.Envelope(nil), l.sent...)
}

// publishUntilStopped publishes versions 1, 2, 3... of plans round robin, each event
// once it is confirmed after the previous one of its plan, retrying a failed publish as
// the outbox relay does (an unconfirmed event stays in the outbox). It returns when stop
// is closed.
func publishUntilStopped(t *testing.T, bus messaging.Bus, plans int, stop <-chan struct{}, confirmed *confirmedLog) {
	codec := testenv.PlanCodec(t)
	versions := make([]int64, plans)
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		p := n % plans
		e := bustest.PlanEvent(fmt.Sprintf("plan-%02d", p), versions[p]+1, events.PlanPatched)
		msg, err := messaging.NewEventMessage(codec, e)
		if err != nil {
			t.Error(err)
			return
		}
		for {
			err := bus.EventPublisher().Publish(messaging.ExchangeName, msg)
			if err == nil {
				break
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		versions[p]++
		confirmed.add(e)
		time.Sleep(5 * time.Millisecond) // a steady flow, not a flood the 2-core host chokes on
	}
}

// TestAMQPClusterConsumerAndPublisherFailOverWithQuorumQueues stops the node the consumer
// is connected to, and kills the ones that lead the queue and hold the publisher's
// connection, while events flow: every confirmed event is delivered, and a Concurrency 1
// consumer sees each plan's versions in order.
func TestAMQPClusterConsumerAndPublisherFailOverWithQuorumQueues(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	cluster := testenv.StartRabbitCluster(t, clusterPort)
	cluster.EnsureAllRunning(t)
	list, urls := cluster.Vhost(t)
	vhost := testenv.VhostOf(urls[0])

	relay := quorumBus(t, list, "audit") // the relay's process: declares the queues, publishes
	consumerBus := quorumBus(t, list)    // the consumer's process
	queue := messaging.QueueName("audit")
	if out := cluster.Ctl(t, "list_queues", "-p", vhost, "name", "type"); !regexp.MustCompile(`(?m)^planstore\.audit\s+quorum$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^planstore\.audit\.dlq\s+quorum$`).MatchString(out) {
		t.Fatalf("queues are not quorum queues:\n%s", out)
	}

	var got bustest.Received
	r := bustest.NewRouter(t, prometheus.NewRegistry())
	if err := r.AddConsumer(consumerBus, messaging.Consumer{Name: "audit", Handle: got.Handle, Concurrency: 1}); err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 30*time.Second, "consumer attached", func() bool { return r.Ready() == nil })

	// Readiness as /readyz polls it: it must not say ready while the consumer is gone.
	var notReadySeen atomic.Int32
	pollDone := make(chan struct{})
	stopPolling := make(chan struct{})
	go func() {
		defer close(pollDone)
		for {
			select {
			case <-stopPolling:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if r.Ready() != nil {
				notReadySeen.Add(1)
			}
		}
	}()

	var confirmed confirmedLog
	stop := make(chan struct{})
	published := make(chan struct{})
	go func() {
		defer close(published)
		publishUntilStopped(t, relay, 8, stop, &confirmed)
	}()
	progress := func(what string) {
		t.Helper()
		n := got.Distinct()
		testenv.WaitFor(t, 90*time.Second, what, func() bool { return got.Distinct() >= n+20 })
	}
	progress("events flowing before any fault")

	// Each fault takes down the node of a part not hit yet (consumer connection, queue
	// leader, publisher connection); one node often holds several. The first fault is a
	// graceful stop, the next a kill -9. A node comes back before the next fault, so a
	// majority stays up.
	hit := map[string]bool{}
	for fault := 0; len(hit) < 3; fault++ {
		nodes := map[string]int{
			"consumer":  cluster.ConsumerNode(t, vhost, queue),
			"leader":    cluster.QueueLeader(t, vhost, queue),
			"publisher": cluster.ConnectionNode(t, vhost, "planstore relay"),
		}
		var target int
		for _, part := range []string{"consumer", "leader", "publisher"} {
			if nodes[part] == 0 {
				t.Fatalf("the broker shows no node of the %s", part)
			}
			if target == 0 && !hit[part] {
				target = nodes[part]
			}
		}
		var parts []string
		for part, n := range nodes {
			if n == target {
				hit[part] = true
				parts = append(parts, part)
			}
		}
		if fault == 0 {
			t.Logf("stopping node %d of %v", target, parts)
			cluster.StopNode(t, target)
		} else {
			t.Logf("kill -9 of node %d of %v", target, parts)
			cluster.KillNode(t, target)
		}
		testenv.WaitFor(t, 90*time.Second, "consumer attached on a live node", func() bool {
			n := cluster.ConsumerNode(t, vhost, queue)
			return n != 0 && n != target && r.Ready() == nil
		})
		progress(fmt.Sprintf("events flowing after node %d went", target))
		if now := cluster.QueueLeader(t, vhost, queue); now == target {
			t.Errorf("queue leader still on lost node %d", target)
		}
		if now := cluster.ConnectionNode(t, vhost, "planstore relay"); now == target || now == 0 {
			t.Errorf("publisher connection on node %d after node %d went", now, target)
		}
		if len(hit) < 3 {
			cluster.StartNode(t, target)
		}
	}

	close(stop)
	<-published
	sent := confirmed.All()
	testenv.WaitFor(t, 120*time.Second, fmt.Sprintf("all %d confirmed events", len(sent)), func() bool {
		ids := map[string]bool{}
		for _, e := range got.All() {
			ids[e.ID] = true
		}
		for _, e := range sent {
			if !ids[e.ID] {
				return false
			}
		}
		return true
	})
	close(stopPolling)
	<-pollDone

	// Per plan, the first delivery of each version comes after the first of the one before.
	seen := map[string]int64{}
	for _, e := range got.All() {
		last := seen[e.AggregateID]
		switch {
		case e.Version <= last: // a redelivery after the failover: at least once
		case e.Version == last+1:
			seen[e.AggregateID] = e.Version
		default:
			t.Errorf("plan %s: v%d arrived before v%d", e.AggregateID, e.Version, last+1)
			seen[e.AggregateID] = e.Version
		}
	}
	all := got.All()
	t.Logf("%d events confirmed, %d deliveries (%d redelivered); readiness said not ready in %d polls",
		len(sent), len(all), len(all)-got.Distinct(), notReadySeen.Load())
}

// TestAMQPClusterQuorumQueuesKeepDeadLettering: a poison event reaches the quorum
// dead-letter queue through the PoisonQueue middleware, and an event its consumer keeps
// giving back is moved there by the broker once over the delivery limit.
func TestAMQPClusterQuorumQueuesKeepDeadLettering(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a RabbitMQ cluster")
	}
	cluster := testenv.StartRabbitCluster(t, clusterPort) // a majority of it is enough
	list, urls := cluster.Vhost(t)
	url := testenv.LiveURL(t, urls)
	bus := quorumBus(t, list, "audit", "mirror")
	codec := testenv.PlanCodec(t)

	poison := bustest.PlanEvent("p2", 2, events.PlanPatched)
	var got bustest.Received
	r := bustest.NewRouter(t, prometheus.NewRegistry())
	err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
		if e.ID == poison.ID {
			return errors.New("this event always fails")
		}
		return got.Handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	bustest.Publish(t, bus, codec, bustest.PlanEvent("p1", 1, events.PlanCreated), poison, bustest.PlanEvent("p3", 1, events.PlanCreated))
	testenv.WaitFor(t, 60*time.Second, "the healthy events", func() bool { return got.Distinct() == 2 })
	testenv.WaitFor(t, 60*time.Second, "the dead-lettered event", func() bool {
		n, _ := testenv.Queue(t, url, "planstore.audit.dlq")
		return n == 1
	})
	if dead := testenv.Drain(t, url, "planstore.audit.dlq"); len(dead) != 1 || dead[0].MessageId != poison.ID {
		t.Fatalf("dead letters %+v, want event %s", dead, poison.ID)
	}

	// "mirror" has no planstore consumer: a raw one gives its three events back every time.
	ch := testenv.AMQPChannel(t, url)
	if err := ch.Qos(1, 0, false); err != nil {
		t.Fatal(err)
	}
	deliveries, err := ch.Consume("planstore.mirror", "", false, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	returned := 0
	timeout := time.After(60 * time.Second)
	for dlq := 0; dlq == 0; {
		select {
		case d := <-deliveries:
			if err := d.Nack(false, true); err != nil {
				t.Fatal(err)
			}
			returned++
		case <-time.After(500 * time.Millisecond): // no more deliveries: dead-lettered?
			dlq, _ = testenv.Queue(t, url, "planstore.mirror.dlq")
		case <-timeout:
			t.Fatalf("event not dead-lettered after %d returns", returned)
		}
	}
	if returned < 50 {
		t.Errorf("dead-lettered after %d returns, want more than the delivery limit (50)", returned)
	}
}

// TestAMQPClusterURLListIsValidated: the URLs of one cluster must agree on all but the
// address.
func TestAMQPClusterURLListIsValidated(t *testing.T) {
	for _, list := range []string{
		"amqp://guest:guest@127.0.0.1:5711/a,amqp://guest:guest@127.0.0.1:5712/b",
		"amqp://guest:guest@127.0.0.1:5711/,amqp://other:guest@127.0.0.1:5712/",
		"amqp://guest:guest@127.0.0.1:5711/,amqp://guest:guest@127.0.0.1:5711/",
		"amqps://guest:guest@h1:5671/,amqps://guest:guest@h2:5671/",
		" , ",
	} {
		if _, err := amqp.New(amqp.Config{URL: list}); err == nil {
			t.Errorf("%q accepted", list)
		} else {
			t.Logf("%q: %v", list, err)
		}
	}
}

// TestAMQPQueueOfTheOtherTypeIsAClearStartupError: a classic queue left from before
// cannot be redeclared as quorum (nor the other way round); the bus says which queue and
// what to do instead of RabbitMQ's bare PRECONDITION_FAILED.
func TestAMQPQueueOfTheOtherTypeIsAClearStartupError(t *testing.T) {
	url := testenv.Vhost(t) // the single shared broker: quorum queues work on one node too
	newAMQPBus(t, url, "audit")
	_, err := amqp.New(amqp.Config{URL: url, QueueType: amqp.QueueQuorum, Logger: bustest.Logger(t), Consumers: []string{"audit"}})
	if err == nil {
		t.Fatal("quorum bus started on classic queues")
	}
	for _, want := range []string{"planstore.audit", "--amqp-queue-type quorum", "rabbitmqctl delete_queue"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q: %v", want, err)
		}
	}
	t.Log(err)

	quorum := testenv.Vhost(t)
	quorumBus(t, quorum, "audit")
	if _, err := amqp.New(amqp.Config{URL: quorum, Logger: bustest.Logger(t), Consumers: []string{"audit"}}); err == nil ||
		!strings.Contains(err.Error(), "--amqp-queue-type classic") {
		t.Errorf("classic bus on quorum queues: %v", err)
	}
}
