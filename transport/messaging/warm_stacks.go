package messaging

import (
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"
)

// maxIdleWarmWorkers bounds the workers a pool keeps between messages: the most a
// consumer handles at once on the embedded bus (its shards) or, on RabbitMQ, more than
// its concurrency usually is. A worker beyond it exits once its message is done.
const maxIdleWarmWorkers = 64

// warmStacks runs handlers on goroutines that live from message to message.
//
// Watermill's router handles every message on a new goroutine, which starts with a small
// stack; decoding an event and projecting it need far more, so each message grew its
// stack several times over, copying it each time (runtime.newstack and copystack took
// ~5 % of a busy embedded server's CPU, all of it under the consumers). A worker grows
// its stack once and keeps it, and handing it a message costs two channel operations.
type warmStacks struct {
	mu     sync.Mutex
	idle   []*warmWorker
	closed bool
}

type warmWorker struct {
	tasks chan func()
	done  chan *panicOnWarmStack
}

// panicOnWarmStack carries a panic on a worker back to the goroutine that handed it the
// message, with the stack where it happened (the re-panic's own would only show the
// hand-over). The consumers' Recoverer runs on the worker and turns a handler's panic
// into an error there; this is for a panic outside it, which must not pass unseen.
type panicOnWarmStack struct {
	Value any
	Stack []byte
}

func (p *panicOnWarmStack) Error() string {
	return fmt.Sprintf("%v\n\nwhere the handler panicked:\n%s", p.Value, p.Stack)
}

// middleware runs h, and every middleware added after this one, on a warm worker.
func (p *warmStacks) middleware(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		var out []*message.Message
		var err error
		p.run(func() { out, err = h(msg) })
		return out, err
	}
}

// run calls fn on an idle worker (or a new one) and waits for it; a panic in fn is
// raised again here.
func (p *warmStacks) run(fn func()) {
	w := p.take()
	w.tasks <- fn
	if panicked := <-w.done; panicked != nil {
		p.put(w) // the worker recovered and goes on
		panic(panicked)
	}
	p.put(w)
}

func (p *warmStacks) take() *warmWorker {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return w
	}
	p.mu.Unlock()
	w := &warmWorker{tasks: make(chan func()), done: make(chan *panicOnWarmStack)}
	go w.loop()
	return w
}

// put keeps w for the next message, or lets it exit when the pool is full or closed.
func (p *warmStacks) put(w *warmWorker) {
	p.mu.Lock()
	if !p.closed && len(p.idle) < maxIdleWarmWorkers {
		p.idle = append(p.idle, w)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	close(w.tasks)
}

// close lets every idle worker exit; workers busy now exit when their message is done.
func (p *warmStacks) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, w := range idle {
		close(w.tasks)
	}
}

func (w *warmWorker) loop() {
	for fn := range w.tasks {
		w.done <- call(fn)
	}
}

func call(fn func()) (panicked *panicOnWarmStack) {
	defer func() {
		if v := recover(); v != nil {
			panicked = &panicOnWarmStack{Value: v, Stack: debug.Stack()}
		}
	}()
	fn()
	return nil
}
