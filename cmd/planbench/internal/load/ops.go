package load

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/client"
	"github.com/planstore/planstore/cmd/planbench/internal/plangen"
	"github.com/planstore/planstore/cmd/planbench/internal/stats"
)

// Search variants: the three ways a client walks the plan join.
const (
	searchHasChild  = OpSearch + stats.GroupSeparator + "has_child"
	searchHasParent = OpSearch + stats.GroupSeparator + "has_parent"
	searchParentID  = OpSearch + stats.GroupSeparator + "parent_id"
)

// result is one request done by a worker: the name it is reported under and how it went.
type result struct {
	op      string
	outcome stats.Outcome
	created *PlanRef // set by a successful create
}

// actor performs operations for one worker.
type actor struct {
	c          *client.Client
	gen        *plangen.Generator
	pool       *Pool
	r          *rand.Rand
	revalidate float64 // share of reads sent with If-None-Match
}

// timed sends req and classifies the answer against the expected success status.
func (a *actor) timed(ctx context.Context, op string, req client.Request, okStatus int) (result, client.Response) {
	start := time.Now()
	res, err := a.c.Do(ctx, req)
	return result{op: op, outcome: classify(res, err, time.Since(start), okStatus)}, res
}

func classify(res client.Response, err error, latency time.Duration, okStatus int) stats.Outcome {
	switch {
	case err != nil:
		return stats.Outcome{Kind: stats.TransportError, Cause: client.Cause(err), Detail: err.Error()}
	case res.Status == okStatus:
		return stats.Outcome{Kind: stats.OK, Latency: latency}
	case res.Status == http.StatusNotModified:
		return stats.Outcome{Kind: stats.NotModified, Latency: latency}
	case res.Status == http.StatusPreconditionFailed:
		return stats.Outcome{Kind: stats.PreconditionFailed, Latency: latency}
	default:
		return stats.Outcome{Kind: stats.HTTPError, Status: res.Status, Latency: latency, Detail: string(res.Body)}
	}
}

func (a *actor) create(ctx context.Context) (result, error) {
	p, err := a.gen.Plan(a.r)
	if err != nil {
		return result{}, err
	}
	r, res := a.timed(ctx, OpCreate, client.Request{
		Method: http.MethodPost, Path: "/v1/plans", Body: p.Body, ContentType: "application/json",
	}, http.StatusCreated)
	if r.outcome.Kind == stats.OK {
		r.created = NewPlanRef(p.ID, res.ETag)
	}
	return r, nil
}

// read revalidates a share of reads with If-None-Match, as a client holding a cached
// copy does; the rest fetch the whole plan.
func (a *actor) read(ctx context.Context, ref *PlanRef) result {
	req := client.Request{Method: http.MethodGet, Path: "/v1/plans/" + ref.ID}
	if a.r.Float64() < a.revalidate {
		req.IfNoneMatch = ref.ETag()
	}
	r, res := a.timed(ctx, OpRead, req, http.StatusOK)
	if r.outcome.Succeeded() {
		ref.SetETag(res.ETag)
	}
	return r
}

// patch sends If-Match with the last known ETag. A 412 means another client changed
// the plan first; like a real client, the worker then fetches the current ETag.
func (a *actor) patch(ctx context.Context, ref *PlanRef) []result {
	r, res := a.timed(ctx, OpPatch, client.Request{
		Method: http.MethodPatch, Path: "/v1/plans/" + ref.ID, Body: plangen.Patch(a.r, ref.ID),
		ContentType: "application/merge-patch+json", IfMatch: ref.ETag(),
	}, http.StatusOK)
	if r.outcome.Kind == stats.OK {
		ref.SetETag(res.ETag)
	}
	if r.outcome.Kind != stats.PreconditionFailed {
		return []result{r}
	}
	refresh, res := a.timed(ctx, OpRefresh, client.Request{Method: http.MethodGet, Path: "/v1/plans/" + ref.ID}, http.StatusOK)
	if refresh.outcome.Kind == stats.OK {
		ref.SetETag(res.ETag)
	}
	return []result{r, refresh}
}

// search runs one of the join queries, chosen at random.
func (a *actor) search(ctx context.Context, ref *PlanRef) result {
	var op string
	var query []byte
	switch a.r.IntN(3) {
	case 0:
		op, query = searchHasChild, client.HasChildCopayQuery(1+a.r.IntN(250))
	case 1:
		op, query = searchHasParent, client.HasParentQuery(ref.ID)
	default:
		op, query = searchParentID, client.ParentIDQuery(ref.ID)
	}
	r, _ := a.timed(ctx, op, client.Request{
		Method: http.MethodPost, Path: "/v1/search", Body: query, ContentType: "application/json",
	}, http.StatusOK)
	return r
}

// do performs op. Operations that need an existing plan create one while the pool is
// still empty.
func (a *actor) do(ctx context.Context, op string) ([]result, error) {
	var ref *PlanRef
	if op != OpCreate {
		if ref = a.pool.Pick(a.r); ref == nil {
			op = OpCreate
		}
	}
	switch op {
	case OpRead:
		return []result{a.read(ctx, ref)}, nil
	case OpPatch:
		return a.patch(ctx, ref), nil
	case OpSearch:
		return []result{a.search(ctx, ref)}, nil
	default:
		r, err := a.create(ctx)
		return []result{r}, err
	}
}
