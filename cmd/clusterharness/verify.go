package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/planstore/planstore/projections"
)

// verifier checks, after the load, that the system holds exactly what it acknowledged.
type verifier struct {
	api      *apiClient
	commands []*role
	queries  []*role
	apis     []*role // commands and queries: every role that serves GET /v1/plans/{id}
}

// verdict is the result of checking every plan.
type verdictCounts struct {
	Live, Deleted, UnackedPresent, UnackedAbsent, LostAcks int
	Violations                                             []string
	Attempts                                               int
	Took                                                   time.Duration
}

// settleUncertain reads back every plan whose last write's outcome never got settled
// during the load (the load ended while it was in flight, or the store never answered).
func (v *verifier) settleUncertain(ctx context.Context, l *ledger, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var left []string
		for _, s := range l.all() {
			if !s.Uncertain {
				continue
			}
			res := v.api.do(ctx, http.MethodGet, v.commands[0].baseURL()+"/v1/plans/"+s.ID, nil)
			if res.Err == nil && (res.Status == http.StatusOK || res.Status == http.StatusNotFound) {
				l.put(resolve(s, res))
				continue
			}
			left = append(left, s.ID+": "+res.detail())
		}
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%d plans could not be read back: %s", len(left), strings.Join(left[:min(3, len(left))], "; "))
		}
		time.Sleep(time.Second)
	}
}

// verifyAll checks every plan, and keeps re-checking those that fail until they pass or
// the convergence timeout ends: the read model is eventually consistent, the store not.
func (v *verifier) verifyAll(ctx context.Context, l *ledger, timeout time.Duration) verdictCounts {
	start := time.Now()
	deadline := start.Add(timeout)
	var out verdictCounts
	pending := l.all()
	for _, s := range pending {
		switch {
		case s.LostAck != "":
			out.LostAcks++
			out.Violations = append(out.Violations, "LOST ACKNOWLEDGED WRITE "+s.ID+": "+s.LostAck)
		case !s.Acked && s.Deleted:
			out.UnackedAbsent++
		case !s.Acked:
			out.UnackedPresent++
		case s.Deleted:
			out.Deleted++
		default:
			out.Live++
		}
	}
	var problems map[string]string
	for {
		out.Attempts++
		problems = v.checkPlans(ctx, pending)
		if len(problems) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		var again []planState
		for _, s := range pending {
			if _, bad := problems[s.ID]; bad {
				again = append(again, s)
			}
		}
		pending = again
		time.Sleep(2 * time.Second)
	}
	ids := make([]string, 0, len(problems))
	for id := range problems {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		out.Violations = append(out.Violations, id+": "+problems[id])
	}
	out.Took = time.Since(start)
	return out
}

// verifyWorkers and verifyBatch: plans are checked in batches, so the read model is
// asked two searches per batch and query API instead of two per plan.
const (
	verifyWorkers = 8
	verifyBatch   = 25
)

// checkPlans checks plans in batches on a few goroutines and returns what is wrong, by
// plan.
func (v *verifier) checkPlans(ctx context.Context, plans []planState) map[string]string {
	var mu sync.Mutex
	problems := map[string]string{}
	work := make(chan []planState)
	var wg sync.WaitGroup
	for range verifyWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range work {
				found := v.checkBatch(ctx, batch)
				mu.Lock()
				for id, p := range found {
					problems[id] = p
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < len(plans); i += verifyBatch {
		work <- plans[i:min(i+verifyBatch, len(plans))]
	}
	close(work)
	wg.Wait()
	return problems
}

// expected is what the read model must hold for one plan.
type expected struct {
	state    planState
	docs     []projections.Doc
	children int // documents whose parent is the plan
}

// checkBatch: the store answers each plan's last state on every API role, and the read
// model holds exactly each plan's objects in that state (or none of them, when it is
// gone).
func (v *verifier) checkBatch(ctx context.Context, batch []planState) map[string]string {
	problems := map[string]string{}
	var plans []expected
	for _, s := range batch {
		if err := v.checkStore(ctx, s); err != nil {
			problems[s.ID] = err.Error()
			continue
		}
		docs, err := projections.Documents(s.Doc)
		if err != nil {
			problems[s.ID] = "the harness's own record of the plan does not project: " + err.Error()
			continue
		}
		e := expected{state: s, docs: docs}
		for _, d := range docs {
			var src map[string]any
			_ = json.Unmarshal(d.Source, &src)
			if join, ok := src[projections.JoinField].(map[string]any); ok && join["parent"] == s.ID {
				e.children++
			}
		}
		plans = append(plans, e)
	}
	if len(plans) == 0 {
		return problems
	}
	for _, q := range v.queries {
		for id, p := range v.checkSearch(ctx, q, plans) {
			if _, seen := problems[id]; !seen {
				problems[id] = p
			}
		}
	}
	return problems
}

// checkStore GETs the plan on every API role.
func (v *verifier) checkStore(ctx context.Context, s planState) error {
	present := !s.Deleted
	for _, api := range v.apis {
		res := v.api.do(ctx, http.MethodGet, api.baseURL()+"/v1/plans/"+s.ID, nil)
		switch {
		case res.Err != nil:
			return fmt.Errorf("GET on %s: %s", api.Name, res.detail())
		case !present && res.Status != http.StatusNotFound:
			return fmt.Errorf("GET on %s: want 404 for a deleted or never created plan, got %s", api.Name, res.detail())
		case present && res.Status != http.StatusOK:
			return fmt.Errorf("GET on %s: want 200 with ETag \"%d\", got %s", api.Name, s.Version, res.detail())
		case present && res.version() != s.Version:
			return fmt.Errorf("GET on %s: ETag %s, acknowledged \"%d\"", api.Name, res.ETag, s.Version)
		case present && !jsonEqual(res.Body, s.Doc):
			return fmt.Errorf("GET on %s: document differs from the acknowledged one", api.Name)
		}
	}
	return nil
}

type searchHit struct {
	ID      string         `json:"_id"`
	Routing string         `json:"_routing"`
	Source  map[string]any `json:"_source"`
}

type searchAnswer struct {
	Hits struct {
		Total struct {
			Value int `json:"value"`
		} `json:"total"`
		Hits []searchHit `json:"hits"`
	} `json:"hits"`
}

func (v *verifier) search(ctx context.Context, q *role, query string) (searchAnswer, error) {
	var a searchAnswer
	res := v.api.do(ctx, http.MethodPost, q.baseURL()+"/v1/search", []byte(query))
	if res.Err != nil || res.Status != http.StatusOK {
		return a, fmt.Errorf("search on %s: %s", q.Name, res.detail())
	}
	if err := json.Unmarshal(res.Body, &a); err != nil {
		return a, fmt.Errorf("search on %s: %w", q.Name, err)
	}
	return a, nil
}

// checkSearch finds every object of the batch's plans by id (each exactly once and in
// its last state), and counts each live plan's children through one has_parent query.
func (v *verifier) checkSearch(ctx context.Context, q *role, plans []expected) map[string]string {
	problems := map[string]string{}
	failAll := func(err error) map[string]string {
		for _, e := range plans {
			problems[e.state.ID] = err.Error()
		}
		return problems
	}
	var ids, live []string
	children := 0
	for _, e := range plans {
		for _, d := range e.docs {
			ids = append(ids, d.ID)
		}
		if !e.state.Deleted {
			live = append(live, e.state.ID)
			children += e.children
		}
	}
	idList, _ := json.Marshal(ids)
	a, err := v.search(ctx, q, fmt.Sprintf(`{"size":%d,"query":{"ids":{"values":%s}}}`, len(ids)+10, idList))
	if err != nil {
		return failAll(err)
	}
	seen := map[string]int{}
	byID := map[string]searchHit{}
	for _, h := range a.Hits.Hits {
		seen[h.ID]++
		byID[h.ID] = h
	}
	for _, e := range plans {
		if msg := objectsProblem(q, e, seen, byID); msg != "" {
			problems[e.state.ID] = msg
		}
	}
	if len(live) == 0 {
		return problems
	}
	liveList, _ := json.Marshal(live)
	c, err := v.search(ctx, q, fmt.Sprintf(`{"size":%d,"query":{"has_parent":{"parent_type":"plan","query":{"ids":{"values":%s}}}}}`, children+10, liveList))
	if err != nil {
		return failAll(err)
	}
	perPlan := map[string]int{}
	for _, h := range c.Hits.Hits {
		perPlan[h.Routing]++
	}
	for _, e := range plans {
		if _, bad := problems[e.state.ID]; bad || e.state.Deleted {
			continue
		}
		if n := perPlan[e.state.ID]; n != e.children {
			problems[e.state.ID] = fmt.Sprintf("search on %s: has_parent finds %d children, the plan has %d", q.Name, n, e.children)
		}
	}
	return problems
}

// objectsProblem says what is wrong with one plan's objects in an ids answer, or "".
func objectsProblem(q *role, e expected, seen map[string]int, byID map[string]searchHit) string {
	found := 0
	for _, d := range e.docs {
		if seen[d.ID] > 0 {
			found++
		}
	}
	if e.state.Deleted {
		if found > 0 {
			return fmt.Sprintf("search on %s: %d of its %d objects still found (want none: deleted or never created)", q.Name, found, len(e.docs))
		}
		return ""
	}
	if found == 0 {
		return fmt.Sprintf("search on %s: none of its %d objects found (never projected)", q.Name, len(e.docs))
	}
	for _, d := range e.docs {
		switch seen[d.ID] {
		case 1:
		case 0:
			return fmt.Sprintf("search on %s: object %s missing (%d of %d objects found: half there)", q.Name, d.ID, found, len(e.docs))
		default:
			return fmt.Sprintf("search on %s: object %s found %d times", q.Name, d.ID, seen[d.ID])
		}
		var want map[string]any
		_ = json.Unmarshal(d.Source, &want)
		for k, wv := range want {
			if gv := byID[d.ID].Source[k]; !reflect.DeepEqual(gv, wv) {
				return fmt.Sprintf("search on %s: object %s has %s=%v, last acknowledged %v (stale)", q.Name, d.ID, k, gv, wv)
			}
		}
	}
	return ""
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
