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

// checkPlans checks plans on a few goroutines and returns what is wrong, by plan.
func (v *verifier) checkPlans(ctx context.Context, plans []planState) map[string]string {
	var mu sync.Mutex
	problems := map[string]string{}
	work := make(chan planState)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				if err := v.checkPlan(ctx, s); err != nil {
					mu.Lock()
					problems[s.ID] = err.Error()
					mu.Unlock()
				}
			}
		}()
	}
	for _, s := range plans {
		work <- s
	}
	close(work)
	wg.Wait()
	return problems
}

// checkPlan: the store answers the plan's last state on every API role, and the read
// model holds exactly its objects in that state (or none of them, when it is gone).
func (v *verifier) checkPlan(ctx context.Context, s planState) error {
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
	docs, err := projections.Documents(s.Doc)
	if err != nil {
		return fmt.Errorf("the harness's own record of the plan does not project: %w", err)
	}
	for _, q := range v.queries {
		if err := v.checkSearch(ctx, q, s.ID, docs, present); err != nil {
			return err
		}
	}
	return nil
}

type searchHit struct {
	ID     string         `json:"_id"`
	Source map[string]any `json:"_source"`
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

// checkSearch finds every object of the plan by id, exactly once and in its last state,
// and counts the plan's children through has_parent.
func (v *verifier) checkSearch(ctx context.Context, q *role, planID string, docs []projections.Doc, present bool) error {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	idList, _ := json.Marshal(ids)
	a, err := v.search(ctx, q, `{"size":100,"query":{"ids":{"values":`+string(idList)+`}}}`)
	if err != nil {
		return err
	}
	if !present {
		if n := len(a.Hits.Hits); n > 0 {
			return fmt.Errorf("search on %s: %d of its %d objects still found (want none: deleted or never created)", q.Name, n, len(docs))
		}
		return nil
	}
	seen := map[string]int{}
	byID := map[string]searchHit{}
	for _, h := range a.Hits.Hits {
		seen[h.ID]++
		byID[h.ID] = h
	}
	children := 0
	for _, d := range docs {
		switch seen[d.ID] {
		case 1:
		case 0:
			if len(a.Hits.Hits) == 0 {
				return fmt.Errorf("search on %s: none of its %d objects found (never projected)", q.Name, len(docs))
			}
			return fmt.Errorf("search on %s: object %s missing (%d of %d objects found: half there)", q.Name, d.ID, len(a.Hits.Hits), len(docs))
		default:
			return fmt.Errorf("search on %s: object %s found %d times", q.Name, d.ID, seen[d.ID])
		}
		var want map[string]any
		_ = json.Unmarshal(d.Source, &want)
		for k, wv := range want {
			if gv := byID[d.ID].Source[k]; !reflect.DeepEqual(gv, wv) {
				return fmt.Errorf("search on %s: object %s has %s=%v, last acknowledged %v (stale)", q.Name, d.ID, k, gv, wv)
			}
		}
		if join, ok := want[projections.JoinField].(map[string]any); ok && join["parent"] == planID {
			children++
		}
	}
	c, err := v.search(ctx, q, `{"size":0,"track_total_hits":true,"query":{"has_parent":{"parent_type":"plan","query":{"term":{"_id":"`+planID+`"}}}}}`)
	if err != nil {
		return err
	}
	if c.Hits.Total.Value != children {
		return fmt.Errorf("search on %s: has_parent finds %d children, the plan has %d", q.Name, c.Hits.Total.Value, children)
	}
	return nil
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
