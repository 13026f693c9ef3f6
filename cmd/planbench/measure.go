package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/client"
	"github.com/planstore/planstore/cmd/planbench/internal/load"
	"github.com/planstore/planstore/cmd/planbench/internal/stats"
	"github.com/planstore/planstore/cmd/planbench/internal/sysstat"
)

// window is one measured run against one target.
type window struct {
	client   *client.Client
	pool     *load.Pool
	mix      load.Mix
	scenario string
	lag      *load.LagProber
	// serverPID is the process serving the target, for its CPU and memory; 0 when
	// unknown or when it is planbench itself.
	serverPID int
	// backendPIDs are the processes behind the server (Redis, RabbitMQ).
	backendPIDs []int
}

// cpuSnapshot is the CPU used so far by planbench and, when known, the server.
type cpuSnapshot struct {
	self     time.Duration
	server   sysstat.Proc
	hasSrv   bool
	host     sysstat.Host
	hasHost  bool
	backends map[int]sysstat.Proc
}

func snapshot(serverPID int, backendPIDs []int) cpuSnapshot {
	c := cpuSnapshot{backends: map[int]sysstat.Proc{}}
	for _, pid := range backendPIDs {
		if p, err := sysstat.ReadProc(pid); err == nil {
			c.backends[pid] = p
		}
	}
	c.self, _ = sysstat.SelfCPU() // a missing figure only leaves the report's CPU at 0
	h, err := sysstat.ReadHost()
	c.host, c.hasHost = h, err == nil
	if serverPID > 0 {
		p, err := sysstat.ReadProc(serverPID)
		c.server, c.hasSrv = p, err == nil
	}
	return c
}

// measure runs the load of w and returns its report (without preload and lag parts)
// and the raw result.
func (s *session) measure(ctx context.Context, w window) (*stats.Report, load.Result, error) {
	var mu sync.Mutex
	var before cpuSnapshot
	res, err := load.Run(ctx, load.Config{
		Client: w.client, Gen: s.gen, Pool: w.pool, Clients: s.opts.clients,
		Warmup: s.opts.warmup, Duration: s.opts.duration, Mix: w.mix, Seed: s.opts.seed,
		Revalidate: s.opts.revalidate, Lag: w.lag, Live: s.live,
		OnMeasure: func() {
			snap := snapshot(w.serverPID, w.backendPIDs)
			mu.Lock()
			before = snap
			mu.Unlock()
		},
	})
	if err != nil {
		return nil, res, fmt.Errorf("load run: %w", err)
	}
	after := snapshot(w.serverPID, w.backendPIDs)
	mu.Lock()
	defer mu.Unlock()
	secs := res.Elapsed.Seconds()
	rep := &stats.Report{
		Target: w.client.BaseURL(), Scenario: w.scenario, Mix: w.mix.String(), Clients: s.opts.clients,
		Seed: s.opts.seed, RunID: s.gen.RunID(),
		WarmupSeconds: s.opts.warmup.Seconds(), ElapsedSeconds: round3(secs),
		Ops: res.Recorder.Summarize(res.Elapsed),
		Generator: stats.Process{
			GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(),
			CPUSeconds: round3((after.self - before.self).Seconds()),
		},
	}
	if secs > 0 {
		rep.Generator.CPUCores = round3((after.self - before.self).Seconds() / secs)
	}
	if after.hasSrv && before.hasSrv && secs > 0 {
		rep.Server = &stats.Server{
			PID: w.serverPID, RSSKB: after.server.RSSKB, PeakRSSKB: after.server.PeakRSSKB,
			CPUCores: round3((after.server.CPU - before.server.CPU).Seconds() / secs),
		}
	}
	for _, pid := range w.backendPIDs {
		a, okA := after.backends[pid]
		b, okB := before.backends[pid]
		if okA && okB && secs > 0 {
			rep.Backends = append(rep.Backends, stats.Server{
				PID: pid, RSSKB: a.RSSKB, PeakRSSKB: a.PeakRSSKB, CPUCores: round3((a.CPU - b.CPU).Seconds() / secs),
			})
		}
	}
	if after.hasHost && before.hasHost && secs > 0 {
		busy := (after.host.Busy - before.host.Busy).Seconds() / secs
		other := busy - rep.Generator.CPUCores
		if rep.Server != nil {
			other -= rep.Server.CPUCores
		}
		for _, b := range rep.Backends {
			other -= b.CPUCores
		}
		rep.Host = &stats.Host{Load1: after.host.Load, BusyCores: round3(busy), OtherCores: round3(max(other, 0))}
	}
	rep.Finish()
	rep.Notes = append(rep.Notes, cpuNotes(rep)...)
	return rep, res, nil
}

// cpuNotes warn when the generator may have limited the result.
func cpuNotes(rep *stats.Report) []string {
	g := rep.Generator
	if float64(g.NumCPU) > 0 && g.CPUCores > 0.5*float64(min(g.NumCPU, g.GOMAXPROCS)) {
		return []string{fmt.Sprintf("the generator itself used %.2f of %d CPU cores: on a shared machine the server "+
			"had the rest, so the figures are a lower bound of what the server alone can do", g.CPUCores, g.NumCPU)}
	}
	return nil
}

func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }
