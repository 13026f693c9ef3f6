package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// load is the steady traffic of the run: a few closed-loop workers sharing one rate
// limit. Each worker owns the plans it created, so no two requests race on a plan and
// every 412 or version jump is a finding, not a race between the harness's own clients.
type load struct {
	api      *apiClient
	commands []*role // command-api processes
	queries  []*role // query-api processes
	ledger   *ledger
	counts   *counters
	clock    *clock
	runID    string
	org      string
	rate     float64
	workers  int
}

// weights of the operation mix, in percent.
const (
	weightCreate = 30
	weightPatch  = 30
	weightDelete = 8
	weightRead   = 17
	// the rest are searches
)

func (l *load) run(ctx context.Context) {
	interval := time.Duration(float64(time.Second) / l.rate)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var wg sync.WaitGroup
	for w := range l.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := &worker{load: l, id: w, r: rand.New(rand.NewPCG(uint64(w)+1, uint64(time.Now().UnixNano())))}
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				wk.step(ctx)
			}
		}()
	}
	wg.Wait()
}

// worker is one client of the load.
type worker struct {
	*load
	id        int
	r         *rand.Rand
	seq       int
	live      []string        // plans it created and has not deleted
	uncertain map[string]bool // plans whose last write's outcome is unknown
	gone      []string        // plans deleted (for reads that must 404)
	n         int             // request counter, to spread requests over the roles
}

func (w *worker) pick(roles []*role) *role {
	w.n++
	return roles[(w.n+w.id)%len(roles)]
}

// step sends one request: first settling a plan whose outcome is unknown, if any.
func (w *worker) step(ctx context.Context) {
	for id := range w.uncertain {
		w.settle(ctx, id)
		return
	}
	n := w.r.IntN(100)
	switch {
	case n < weightCreate || len(w.live) == 0:
		w.create(ctx)
	case n < weightCreate+weightPatch:
		w.patch(ctx)
	case n < weightCreate+weightPatch+weightDelete:
		w.delete(ctx)
	case n < weightCreate+weightPatch+weightDelete+weightRead:
		w.read(ctx)
	default:
		w.search(ctx)
	}
}

// send does one request to a role and counts its outcome in the phase it ended in.
func (w *worker) send(ctx context.Context, r *role, kind opKind, method, path string, body []byte, expected []int, headers ...string) (response, bool) {
	res := w.api.do(ctx, method, r.baseURL()+path, body, headers...)
	if ctx.Err() != nil {
		return res, false
	}
	now := time.Now()
	p, _ := w.clock.at(now)
	return res, w.counts.record(p, r.Name, kind, res, now, expected...)
}

func (w *worker) create(ctx context.Context) {
	w.seq++
	id := fmt.Sprintf("%s-w%d-%d", w.runID, w.id, w.seq)
	body := newPlan(w.r, w.org, id)
	res, ok := w.send(ctx, w.pick(w.commands), opCreate, http.MethodPost, "/v1/plans", body, []int{http.StatusCreated})
	if ctx.Err() != nil && !ok {
		w.ledger.put(planState{ID: id, Doc: body, Uncertain: true, Pending: opCreate})
		return
	}
	if ok {
		w.ledger.put(planState{ID: id, Version: res.version(), Doc: res.Body, Acked: true})
		w.live = append(w.live, id)
		return
	}
	w.ledger.put(planState{ID: id, Doc: body, Uncertain: true, Pending: opCreate})
	w.markUncertain(id)
}

func (w *worker) patch(ctx context.Context) {
	i := w.r.IntN(len(w.live))
	id := w.live[i]
	s, _ := w.ledger.get(id)
	res, ok := w.send(ctx, w.pick(w.commands), opPatch, http.MethodPatch, "/v1/plans/"+id, newPatch(w.r, id),
		[]int{http.StatusOK}, "If-Match", strconv.Quote(strconv.Itoa(s.Version)), "Content-Type", "application/merge-patch+json")
	if ok {
		s.Version, s.Doc = res.version(), res.Body
		w.ledger.put(s)
		return
	}
	s.Uncertain, s.Pending = true, opPatch
	w.ledger.put(s)
	w.live = append(w.live[:i], w.live[i+1:]...)
	w.markUncertain(id)
}

func (w *worker) delete(ctx context.Context) {
	i := w.r.IntN(len(w.live))
	id := w.live[i]
	s, _ := w.ledger.get(id)
	_, ok := w.send(ctx, w.pick(w.commands), opDelete, http.MethodDelete, "/v1/plans/"+id, nil,
		[]int{http.StatusNoContent}, "If-Match", strconv.Quote(strconv.Itoa(s.Version)))
	w.live = append(w.live[:i], w.live[i+1:]...)
	if ok {
		s.Deleted = true
		w.ledger.put(s)
		w.gone = append(w.gone, id)
		return
	}
	s.Uncertain, s.Pending = true, opDelete
	w.ledger.put(s)
	w.markUncertain(id)
}

// read GETs a plan the worker knows from any API role and checks it answers with the
// acknowledged ETag (or 404 for a deleted plan).
func (w *worker) read(ctx context.Context) {
	var id string
	if len(w.gone) > 0 && w.r.IntN(5) == 0 {
		id = w.gone[w.r.IntN(len(w.gone))]
	} else {
		id = w.live[w.r.IntN(len(w.live))]
	}
	s, _ := w.ledger.get(id)
	api := w.pick(append(append([]*role(nil), w.commands...), w.queries...))
	want := http.StatusOK
	if s.Deleted {
		want = http.StatusNotFound
	}
	res := w.api.do(ctx, http.MethodGet, api.baseURL()+"/v1/plans/"+id, nil)
	if ctx.Err() != nil {
		return
	}
	if res.Err == nil && res.Status == want && want == http.StatusOK && res.version() != s.Version {
		res.Err = fmt.Errorf("stale read: ETag %s, acknowledged %d", res.ETag, s.Version)
	}
	now := time.Now()
	p, _ := w.clock.at(now)
	w.counts.record(p, api.Name, opRead, res, now, want)
}

// search rotates an ids query, a has_child and a has_parent query over both query APIs.
func (w *worker) search(ctx context.Context) {
	id := w.live[w.r.IntN(len(w.live))]
	var q string
	switch w.n % 3 {
	case 0:
		q = `{"query":{"ids":{"values":["` + id + `"]}}}`
	case 1:
		q = `{"size":5,"query":{"bool":{"filter":[{"term":{"_org":"` + w.org + `"}},{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":` + strconv.Itoa(w.r.IntN(250)) + `}}}}}]}}}`
	default:
		q = `{"query":{"has_parent":{"parent_type":"plan","query":{"term":{"_id":"` + id + `"}}}}}`
	}
	res, ok := w.send(ctx, w.pick(w.queries), opSearch, http.MethodPost, "/v1/search", []byte(q), []int{http.StatusOK})
	if ok && !json.Valid(res.Body) {
		// An answer that is not JSON is a failure too, though it was a 200.
		p, _ := w.clock.at(time.Now())
		w.counts.record(p, "-", opSearch, response{Err: fmt.Errorf("search answered 200 with invalid JSON")}, time.Now())
	}
}

func (w *worker) markUncertain(id string) {
	if w.uncertain == nil {
		w.uncertain = map[string]bool{}
	}
	w.uncertain[id] = true
}

// settle reads back a plan whose last write's outcome is unknown (a 503, a timeout) and
// adopts what the store holds; see resolve.
func (w *worker) settle(ctx context.Context, id string) {
	res, ok := w.send(ctx, w.pick(w.commands), opRead, http.MethodGet, "/v1/plans/"+id, nil, []int{http.StatusOK, http.StatusNotFound})
	if !ok {
		return
	}
	s, _ := w.ledger.get(id)
	s = resolve(s, res)
	w.ledger.put(s)
	delete(w.uncertain, id)
	if s.Deleted {
		w.gone = append(w.gone, id)
	} else if s.Version > 0 {
		w.live = append(w.live, id)
	}
}
