package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// harness runs one fault run from start to teardown.
type harness struct {
	o        *options
	logs     *logDir
	backends []*backend
	roles    []*role
}

// run starts everything, runs the load and the faults, verifies, and tears down. The
// report holds whatever was counted, even when the run stopped early.
func (h *harness) run(ctx context.Context) (*report, error) {
	rep := &report{opts: h.o, counts: newCounters(), clock: &clock{}, ready: newReadinessLog(), ledger: newLedger()}
	defer h.teardown()
	redis, rabbit, es := newRedisCluster(h.o, h.logs), newRabbitCluster(h.o, h.logs), newESCluster(h.o, h.logs)
	h.backends = []*backend{redis, rabbit, es}

	bin, err := h.startAll(ctx, redis, rabbit, es)
	if err != nil {
		return rep, err
	}
	rep.urls = backendURLs{redis: redis.url, amqp: rabbit.url, es: es.url}
	// Each run writes in an organisation of its own (tenancy), which its token holds.
	runID := "ch" + strconv.FormatInt(time.Now().Unix(), 36)
	org := runID + ".clusterharness.example"
	token, err := mintToken(ctx, bin, signingKeyFile(h.o), org)
	if err != nil {
		return rep, err
	}
	if err := os.WriteFile(filepath.Join(h.o.workDir, "token"), []byte(token+"\n"), 0o600); err != nil {
		return rep, err
	}
	if h.roles, err = startRoles(h.o, bin, rep.urls, h.logs); err != nil {
		return rep, err
	}
	rep.roles = h.roles
	h.logs.logf("waiting for every role's /readyz")
	if err := waitReady(ctx, h.roles, h.o.readyTimeout); err != nil {
		return rep, err
	}
	h.logs.logf("all %d roles ready", len(h.roles))

	api := newAPIClient(token)
	commands, queries := byKind(h.roles, "command-api"), byKind(h.roles, "query-api")
	rep.runID = runID
	l := &load{api: api, commands: commands, queries: queries, ledger: rep.ledger, counts: rep.counts, clock: rep.clock,
		runID: runID, org: org, rate: h.o.rate, workers: h.o.workers}

	faults := h.faults(redis, rabbit, es)
	sampleCtx, stopSampling := context.WithCancel(ctx)
	loadCtx, stopLoad := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); rep.ready.sample(sampleCtx, h.roles) }()
	go func() { defer wg.Done(); l.run(loadCtx) }()
	rep.faultErrs = h.schedule(ctx, rep.clock, faults)
	stopLoad()
	stopSampling()
	wg.Wait()
	rep.clock.finish(time.Now())
	if ctx.Err() != nil {
		return rep, fmt.Errorf("interrupted: %w", ctx.Err())
	}

	h.logs.logf("load done; settling unknown outcomes and verifying (up to %s)", h.o.converge)
	v := &verifier{api: api, commands: commands, queries: queries, apis: append(append([]*role(nil), commands...), queries...)}
	if err := v.settleUncertain(ctx, rep.ledger, h.o.converge); err != nil {
		rep.faultErrs = append(rep.faultErrs, err.Error())
	}
	vc := v.verifyAll(ctx, rep.ledger, h.o.converge)
	rep.verified = &vc
	h.logs.logf("verification done in %s after %d passes", vc.Took.Round(time.Millisecond), vc.Attempts)
	if h.o.holdOpen {
		h.logs.logf("--hold-open: command-api %s, query-api %s; token in %s; SIGINT or SIGTERM (pid %d) tears down",
			baseURLs(commands), baseURLs(queries), filepath.Join(h.o.workDir, "token"), os.Getpid())
		<-ctx.Done()
	}
	return rep, nil
}

// startAll starts the three clusters and builds planstore at the same time: the
// clusters take a minute, mostly waiting for Elasticsearch.
func (h *harness) startAll(ctx context.Context, redis, rabbit, es *backend) (string, error) {
	var wg sync.WaitGroup
	errs := make([]error, 4)
	var bin string
	for i, b := range h.backends {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.logs.logf("starting %s", b.name)
			if errs[i] = b.start(ctx, "start"); errs[i] == nil {
				h.logs.logf("%s: %s", b.name, b.url)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		bin, errs[3] = buildPlanstore(ctx, h.o, h.logs)
	}()
	wg.Wait()
	return bin, errors.Join(errs...)
}

func (h *harness) faults(redis, rabbit, es *backend) []*fault {
	var out []*fault
	for _, f := range h.o.faults {
		switch f {
		case "redis":
			out = append(out, redisMasterKill(redis))
		case "rabbitmq":
			out = append(out, rabbitNodeStop(rabbit, h.o.rabbitNode))
		case "es":
			out = append(out, esNodeKill(es, h.o.esNode))
		}
	}
	return out
}

// schedule moves the run through its phases: baseline, then each fault (inject, hold,
// repair, settle), then a short tail. It returns what went wrong with the faults
// themselves (a script that failed), which the report lists as violations.
func (h *harness) schedule(ctx context.Context, c *clock, faults []*fault) []string {
	var errs []string
	c.begin("baseline", nil, time.Now())
	h.logs.logf("phase baseline (%s)", h.o.warmup)
	if !sleep(ctx, h.o.warmup) {
		return errs
	}
	for _, f := range faults {
		p := c.begin(f.Name, f, time.Now())
		h.logs.logf("phase %q: injecting", f.Name)
		c.markInjected(p, time.Now())
		what, err := f.inject(ctx)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: inject: %v", f.Name, err))
		}
		h.logs.logf("%s: %s", f.Name, what)
		c.describe(p, what)
		if !sleep(ctx, h.o.hold) {
			return errs
		}
		h.logs.logf("%s: repairing", f.Name)
		if err := f.repair(ctx); err != nil {
			errs = append(errs, fmt.Sprintf("%s: repair: %v", f.Name, err))
		}
		c.markRecovered(p, time.Now())
		h.logs.logf("%s: repaired", f.Name)
		if !sleep(ctx, h.o.settle) {
			return errs
		}
	}
	c.begin("tail", nil, time.Now())
	sleep(ctx, h.o.tail)
	return errs
}

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// teardown stops the roles, then the clusters the harness started, even after a
// failure or an interrupt (with a fresh context: the run's may be cancelled).
func (h *harness) teardown() {
	if h.o.keep {
		h.logs.logf("--keep: leaving the clusters and roles running (work dir %s)", h.o.workDir)
		return
	}
	stopRoles(h.roles, 15*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for _, b := range h.backends {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.stop(ctx); err != nil {
				h.logs.logf("stop %s: %v", b.name, err)
			}
		}()
	}
	wg.Wait()
	h.logs.logf("torn down")
}

func baseURLs(roles []*role) string {
	var out []string
	for _, r := range roles {
		out = append(out, r.baseURL())
	}
	return strings.Join(out, ",")
}

func byKind(roles []*role, kind string) []*role {
	var out []*role
	for _, r := range roles {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}
