package difftest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/planstore/planstore/queries/search"
	"github.com/planstore/planstore/tenancy"
)

// Config is one run.
type Config struct {
	Seed  uint64
	Cases int // searches to generate, over as many worlds as they need
	// Plans, Changes and Queries shape each world: plans created, then random writes
	// (patch, replace, delete, re-create), then this many searches against it.
	Plans, Changes, Queries int
	Known                   Known
	// NoMerge leaves Elasticsearch's deleted documents in place; scores are then
	// compared only in worlds without updates or deletes (deleted documents still count
	// in Elasticsearch's BM25 statistics until a merge).
	NoMerge bool
	// Shrink is how many divergences of each kind get shrunk and printed (0: none).
	Shrink int
	// ShrinkTrials bounds the re-indexing trials of one shrink (each builds both
	// indices again); query trials are cheap and bounded separately.
	ShrinkTrials int
	Log          io.Writer // progress and shrunk cases; nil: none
}

func (c Config) withDefaults() Config {
	if c.Plans <= 0 {
		c.Plans = 25
	}
	if c.Changes < 0 {
		c.Changes = 0
	} else if c.Changes == 0 {
		c.Changes = c.Plans
	}
	if c.Queries <= 0 {
		c.Queries = 250
	}
	if c.Known == nil {
		c.Known = KnownOf(DefaultKnown...)
	}
	if c.ShrinkTrials <= 0 {
		c.ShrinkTrials = 60
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return c
}

// Report counts what a run saw.
type Report struct {
	Seed     uint64         `json:"seed"`
	Known    string         `json:"known"`
	Worlds   int            `json:"worlds"`
	Cases    int            `json:"cases"`
	Refused  int            `json:"refused_by_validator"` // never reach an engine, on both alike
	Compared int            `json:"compared"`
	Errors   int            `json:"both_refused"` // 4xx from both engines, same types
	Agreed   int            `json:"agreed"`
	ByKind   map[string]int `json:"divergences"`
	Shrunk   []Case         `json:"shrunk,omitempty"`
}

// Divergences is the number of cases the engines disagreed on.
func (r Report) Divergences() int {
	n := 0
	for _, c := range r.ByKind {
		n += c
	}
	return n
}

// Summary is one line per kind of divergence.
func (r Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d, known %s: %d cases in %d worlds: %d refused by the validator, %d compared, %d agreed (%d refused alike by both engines), %d diverged",
		r.Seed, r.Known, r.Cases, r.Worlds, r.Refused, r.Compared, r.Agreed, r.Errors, r.Divergences())
	kinds := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(&b, "\n  %s: %d", k, r.ByKind[k])
	}
	return b.String()
}

// Run generates cfg.Cases searches over random worlds and compares the engines'
// answers. An error means the run itself failed (Elasticsearch unreachable...), not
// that the engines disagreed: that is in the report.
func (e *Engines) Run(ctx context.Context, cfg Config) (Report, error) {
	cfg = cfg.withDefaults()
	rep := Report{Seed: cfg.Seed, Known: cfg.Known.String(), ByKind: map[string]int{}}
	g := newGen(cfg.Seed, cfg.Known)
	shrunk := map[string]int{}
	for w := 0; rep.Cases < cfg.Cases; w++ {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		g.seenIDs, g.seenPlans, g.seenServices, g.seenNames = nil, nil, nil, nil
		world := g.genWorld(cfg.Plans, cfg.Changes)
		name := fmt.Sprintf("%s-%d-%d", e.Prefix, cfg.Seed, w)
		ws, err := e.build(ctx, name, world, cfg)
		if err != nil {
			return rep, err
		}
		rep.Worlds++
		qg := g.queryGen(name, ws.embedded.alias)
		for q := 0; q < cfg.Queries && rep.Cases < cfg.Cases; q++ {
			rep.Cases++
			query := qg.search()
			c, refused, err := ws.run(ctx, query, qg.callerOrgs())
			if err != nil {
				ws.close(ctx)
				return rep, err
			}
			switch {
			case refused:
				rep.Refused++
				continue
			case c.Diff == nil:
				rep.Compared++
				rep.Agreed++
				if c.Engine.Status != 200 {
					rep.Errors++
				}
				continue
			}
			rep.Compared++
			rep.ByKind[c.Diff.Kind]++
			if shrunk[c.Diff.Kind] >= cfg.Shrink {
				continue
			}
			shrunk[c.Diff.Kind]++
			c.Seed, c.World, c.Index = cfg.Seed, w, rep.Cases-1
			small, err := e.shrink(ctx, ws, world, c, cfg)
			if err != nil {
				ws.close(ctx)
				return rep, err
			}
			rep.Shrunk = append(rep.Shrunk, small)
			fmt.Fprintf(cfg.Log, "divergence (%s), shrunk:\n%s\n", small.Diff.Kind, small.JSON())
		}
		ws.close(ctx)
		fmt.Fprintf(cfg.Log, "world %d: %d cases so far, %d diverged\n", w, rep.Cases, rep.Divergences())
	}
	return rep, nil
}

// Case is one search and both answers, with the writes that built the index: enough
// to reproduce a divergence by hand (each op is a request to the command API).
type Case struct {
	Seed   uint64          `json:"seed"`
	World  int             `json:"world"`
	Index  int             `json:"case"`
	Known  string          `json:"known"`
	Merged bool            `json:"elasticsearch_force_merged"`
	Diff   *Diff           `json:"diff"`
	Ops    []Op            `json:"ops"`
	Query  json.RawMessage `json:"search"`
	Orgs   []string        `json:"caller_orgs,omitempty"` // the caller's organisations; none: an operator's search, as sent
	Sent   json.RawMessage `json:"sent"`                  // what both engines got: validated, confined

	Engine        answer `json:"engine"`
	Elasticsearch answer `json:"elasticsearch"`
}

// JSON prints the case indented.
func (c Case) JSON() string {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Sprint(c)
	}
	return string(b)
}

// worldState is one world built on both engines.
type worldState struct {
	embedded, real *target
	opt            compareOptions
	merged         bool
}

func (e *Engines) build(ctx context.Context, name string, world World, cfg Config) (*worldState, error) {
	evs, err := world.Events()
	if err != nil {
		return nil, err
	}
	embedded, real, err := e.open(ctx, name)
	if err != nil {
		return nil, err
	}
	ws := &worldState{embedded: embedded, real: real, merged: !cfg.NoMerge}
	ws.opt = compareOptions{known: cfg.Known, scores: ws.merged || !world.Rewrites()}
	for _, t := range []*target{embedded, real} {
		if err := t.project(ctx, evs, ws.merged); err != nil {
			ws.close(ctx)
			return nil, err
		}
	}
	return ws, nil
}

func (ws *worldState) close(ctx context.Context) {
	ws.real.drop(ctx)
	ws.embedded.drop(ctx)
}

// run validates the search as the query API does, and sends what passes to both
// engines. refused: the validator refused it (no engine sees it; both alike).
func (ws *worldState) run(ctx context.Context, query Obj, orgs []string) (c Case, refused bool, err error) {
	raw := mustJSON(query)
	req, err := search.ParseRequest(raw)
	if err != nil {
		return Case{}, true, nil //nolint:nilerr // a refusal is an outcome, not a failure of the run
	}
	if orgs != nil {
		// The query API confines a caller's search to its organisations (and qualifies
		// its ids); the engines get the confined body.
		if req, err = req.Confined(tenancy.ForOrgs(DefaultOrg, orgs...)); err != nil {
			return Case{}, false, err
		}
	}
	timeout := req.Timeout()
	if timeout == 0 {
		timeout = search.DefaultSearchTimeout
	}
	body := req.Body()
	c = Case{Query: raw, Orgs: orgs, Sent: body, Merged: ws.merged, Known: ws.opt.known.String()}
	if c.Engine, err = ws.embedded.search(ctx, body, timeout); err != nil {
		return c, false, err
	}
	if c.Elasticsearch, err = ws.real.search(ctx, body, timeout); err != nil {
		return c, false, err
	}
	opt := ws.opt
	opt.docSorts = docSortPositions(query)
	c.Diff = compare(c.Engine, c.Elasticsearch, opt)
	return c, false, nil
}
