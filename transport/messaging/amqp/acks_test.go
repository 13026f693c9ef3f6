package amqp

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// recordingChannel keeps the frames an ackWriter sends, in order.
type recordingChannel struct {
	mu     sync.Mutex
	frames []string
	fail   error
}

func (c *recordingChannel) Ack(tag uint64, multiple bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frames = append(c.frames, fmt.Sprintf("ack %d multiple=%t", tag, multiple))
	return c.fail
}

func (c *recordingChannel) Nack(tag uint64, multiple, requeue bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frames = append(c.frames, fmt.Sprintf("nack %d multiple=%t requeue=%t", tag, multiple, requeue))
	return c.fail
}

func (c *recordingChannel) sent() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.frames)
}

// step feeds the writer deliveries and settlements and writes them as one batch, as the
// writer's goroutine does after its linger.
func step(w *ackWriter, delivered []uint64, settled ...settlement) {
	for _, tag := range delivered {
		w.delivered(tag)
	}
	for _, s := range settled {
		w.settle(s.tag, s.ack)
	}
	w.write()
}

func acked(tag uint64) settlement  { return settlement{tag: tag, ack: true} }
func nacked(tag uint64) settlement { return settlement{tag: tag} }

// newTestAckWriter is an ackWriter whose batches the test writes itself.
func newTestAckWriter(ch ackChannel, maxHeld int) *ackWriter {
	w := newAckWriter(ch, maxHeld)
	close(w.stopped)
	<-w.done
	return w
}

func TestSettledDeliveriesAreAckedTogetherOnceNothingBeforeThemIsOpen(t *testing.T) {
	ch := &recordingChannel{}
	w := newTestAckWriter(ch, 32)
	// 1..4 handed out; 2 and 3 finish first: nothing can be acked while 1 is open.
	step(w, []uint64{1, 2, 3, 4}, acked(3), acked(2))
	if got := ch.sent(); len(got) != 0 {
		t.Fatalf("frames while delivery 1 is open: %v", got)
	}
	// 1 settles: 1, 2 and 3 go in one frame; 4 is still open.
	step(w, nil, acked(1))
	// 4 and 5 settle; 6 stays open.
	step(w, []uint64{5, 6}, acked(5), acked(4))
	want := []string{"ack 3 multiple=true", "ack 5 multiple=true"}
	if got := ch.sent(); !slices.Equal(got, want) {
		t.Fatalf("frames %v, want %v", got, want)
	}
}

func TestANackGoesOutBeforeAnyAckThatWouldCoverIt(t *testing.T) {
	ch := &recordingChannel{}
	w := newTestAckWriter(ch, 32)
	step(w, []uint64{1, 2, 3}, acked(3), nacked(2), acked(1))
	want := []string{"nack 2 multiple=false requeue=true", "ack 3 multiple=true"}
	if got := ch.sent(); !slices.Equal(got, want) {
		t.Fatalf("frames %v, want %v", got, want)
	}
	// A prefix of nacks alone needs no ack.
	step(w, []uint64{4}, nacked(4))
	if got := ch.sent(); len(got) != 3 || got[2] != "nack 4 multiple=false requeue=true" {
		t.Fatalf("frames %v", got)
	}
}

func TestAcksHeldBehindASlowDeliveryGoOutOneByOnePastTheLimit(t *testing.T) {
	ch := &recordingChannel{}
	w := newTestAckWriter(ch, 2)
	// 1 is slow (a handler retrying); 2 and 3 wait behind it, within the limit.
	step(w, []uint64{1, 2, 3, 4}, acked(2), acked(3))
	if got := ch.sent(); len(got) != 0 {
		t.Fatalf("frames within the limit: %v", got)
	}
	// A third one behind it: all three go out one by one, 1 stays open.
	step(w, nil, acked(4))
	want := []string{"ack 2 multiple=false", "ack 3 multiple=false", "ack 4 multiple=false"}
	if got := ch.sent(); !slices.Equal(got, want) {
		t.Fatalf("frames %v, want %v", got, want)
	}
	// When 1 settles, "multiple" covers only it: 2..4 are acked already.
	step(w, []uint64{5}, acked(1))
	if got := ch.sent(); got[len(got)-1] != "ack 1 multiple=true" {
		t.Fatalf("frames %v", got)
	}
}

func TestClosingTheWriterSendsWhatIsSettled(t *testing.T) {
	ch := &recordingChannel{}
	w := newAckWriter(ch, 32)
	w.delivered(1)
	w.delivered(2)
	w.settle(1, true)
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	if got := ch.sent(); !slices.Equal(got, []string{"ack 1 multiple=true"}) {
		t.Fatalf("frames %v", got)
	}
}

func TestAWriterStopsWritingOnceItsChannelFailed(t *testing.T) {
	ch := &recordingChannel{fail: fmt.Errorf("channel closed")}
	w := newTestAckWriter(ch, 32)
	step(w, []uint64{1, 2}, acked(1))
	step(w, nil, acked(2))
	if got := ch.sent(); len(got) != 1 {
		t.Fatalf("frames after the failure: %v", got)
	}
	if w.err == nil {
		t.Fatal("the failure was not kept")
	}
}
